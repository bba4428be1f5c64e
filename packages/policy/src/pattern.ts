/**
 * Wildcard patterns: `*` matches any run of characters (also none); every other character is literal
 * (`.`, `?`, `[` included); the whole name must match; case-sensitive. No regular expressions are built,
 * so no pattern can be slow or mean something surprising.
 */
export function matchPattern(pattern: string, name: string): boolean {
  return compilePattern(pattern)(name);
}

export type Matcher = (name: string) => boolean;

export function compilePattern(pattern: string): Matcher {
  const parts = pattern.split("*");
  if (parts.length === 1) return (name) => name === pattern;
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p !== "");
  const minLength = head.length + tail.length;
  return (name) => {
    if (name.length < minLength || !name.startsWith(head) || !name.endsWith(tail)) return false;
    // Leftmost-first placement of each middle part is optimal when the only wildcard is `*`.
    let pos = head.length;
    const end = name.length - tail.length;
    for (const part of middle) {
      const at = name.indexOf(part, pos);
      if (at < 0 || at + part.length > end) return false;
      pos = at + part.length;
    }
    return true;
  };
}

/** A compiled list of patterns: exact names in a set, wildcard patterns as matchers. */
export class PatternSet {
  readonly patterns: readonly string[];
  /** Normalized exact pattern -> the pattern as written (for messages). */
  private readonly exact = new Map<string, string>();
  /** Wildcard patterns by the first character of their literal head; "" holds those starting with `*`. */
  private readonly wild = new Map<string, { pattern: string; order: number; match: Matcher }[]>();

  /** `normalize` maps each pattern to the form names are compared in (e.g. without a leading `/`). */
  constructor(patterns: readonly string[], normalize: (p: string) => string = (p) => p) {
    this.patterns = patterns;
    for (const p of patterns) {
      const n = normalize(p);
      if (n.includes("*")) {
        const key = n.startsWith("*") ? "" : n.charAt(0);
        const bucket = this.wild.get(key) ?? [];
        bucket.push({ pattern: p, order: this.wildCount++, match: compilePattern(n) });
        this.wild.set(key, bucket);
      } else if (!this.exact.has(n)) this.exact.set(n, p);
    }
  }

  private wildCount = 0;

  get size(): number {
    return this.patterns.length;
  }

  /** The first pattern (as the user wrote it) matching any of the candidates, or `undefined`. */
  find(candidates: readonly string[]): string | undefined {
    for (const c of candidates) {
      const hit = this.exact.get(c);
      if (hit !== undefined) return hit;
    }
    if (this.wild.size === 0) return undefined;
    // Report the earliest pattern (in list order) that matches, whichever bucket it is in.
    let best: { pattern: string; order: number } | undefined;
    const scan = (
      bucket: readonly { pattern: string; order: number; match: Matcher }[] | undefined,
      c: string,
    ) => {
      if (bucket === undefined) return;
      for (const w of bucket) {
        if ((best === undefined || w.order < best.order) && w.match(c)) best = w;
      }
    };
    const always = this.wild.get("");
    for (const c of candidates) {
      scan(always, c);
      scan(this.wild.get(c.charAt(0)), c);
    }
    return best?.pattern;
  }
}
