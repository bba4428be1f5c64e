/**
 * `.dockerignore` as the docker CLI reads it: one pattern per line, `#` comments, `!` exceptions, the
 * last matching pattern wins, `*` and `?` stay within a path component, `**` spans any number of them,
 * and a pattern that matches a directory excludes everything below it. Paths are relative to the
 * context root, with `/` separators.
 */
export class DockerIgnore {
  private readonly rules: { re: RegExp; negate: boolean }[];

  constructor(text: string) {
    this.rules = [];
    for (const raw of text.split(/\r?\n/)) {
      let line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      const negate = line.startsWith("!");
      if (negate) line = line.slice(1).trim();
      const clean = cleanPattern(line);
      if (clean === "") continue;
      this.rules.push({ re: globToRegExp(clean), negate });
    }
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** Whether a file or directory (path relative to the context) is left out of the context. */
  excludes(path: string): boolean {
    const parts = path.split("/");
    let excluded = false;
    for (const rule of this.rules) {
      // A pattern names the path itself or one of the directories above it.
      let matched = false;
      for (let i = parts.length; i > 0 && !matched; i--) matched = rule.re.test(parts.slice(0, i).join("/"));
      if (matched) excluded = !rule.negate;
    }
    return excluded;
  }

  /**
   * Whether a directory must be walked even though it is excluded, because an exception (`!pattern`)
   * may bring back something below it.
   */
  mayReinclude(): boolean {
    return this.rules.some((r) => r.negate);
  }
}

/** Lexical clean-up as Go's filepath.Clean, without a leading slash: `./a//b/../c/` -> `a/c`. */
function cleanPattern(pattern: string): string {
  const out: string[] = [];
  for (const part of pattern.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          re += "(?:.*/)?";
        } else {
          re += ".*";
        }
      } else {
        re += "[^/]*";
      }
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "\\" && i + 1 < pattern.length) {
      i++;
      re += escapeRe(pattern[i] as string);
    } else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close === -1) {
        re += "\\[";
      } else {
        let body = pattern.slice(i + 1, close);
        if (body.startsWith("^") || body.startsWith("!")) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, "\\\\").replace(/]/g, "\\]")}]`;
        i = close;
      }
    } else {
      re += escapeRe(c);
    }
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
