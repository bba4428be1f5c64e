import { type Level, lineLevel, normalizeLine, PATTERN_LINE_CHARS } from "./normalize-line.js";

export interface LinePattern {
  pattern: string;
  count: number;
  level: Level;
  /** RFC 3339 of the first and last line seen, when the lines carried timestamps. */
  first_seen?: string;
  last_seen?: string;
  /** One real line of the group (the first one, masked), cut at 512 characters. */
  sample: string;
  stream: "stdout" | "stderr";
}

const LEVEL_RANK: Record<Level, number> = { fatal: 0, error: 1, warn: 2, unknown: 3, info: 4, debug: 5 };

/** Masks a line for display; `cut` says the line was cut before it got here. */
export type LineMasker = (text: string, cut: boolean) => string;

/**
 * Groups lines by their normalized form, in bounded memory: at most `maxGroups` distinct patterns are
 * tracked; lines of patterns beyond that are counted as ungrouped (reported, never silently lost). The
 * last fifth of the room is kept for warnings and errors, so a log full of distinct info lines cannot
 * crowd out an error that shows up late.
 *
 * What is shown (a group's pattern and sample) comes from its first line passed through `mask` and
 * then normalized, so no piece of a secret cut up by placeholders can survive; the grouping itself
 * runs on the raw lines, so masking costs once per group, not once per line.
 */
export class LineGrouper {
  private readonly groups = new Map<string, LinePattern>();
  lines = 0;
  ungrouped = 0;
  firstSeen: string | undefined;
  lastSeen: string | undefined;

  constructor(
    private readonly maxGroups = 5000,
    private readonly mask: LineMasker = (text) => text,
  ) {}

  /** `text` may start with Docker's RFC 3339 timestamp (logs read with timestamps). */
  add(text: string, stream: "stdout" | "stderr", timestamped: boolean, cut = false): void {
    this.lines++;
    let time: string | undefined;
    let body = text;
    if (timestamped) {
      const space = text.indexOf(" ");
      if (space > 0 && space <= 40) {
        time = text.slice(0, space);
        body = text.slice(space + 1);
      }
    }
    if (time) {
      this.firstSeen ??= time;
      this.lastSeen = time;
    }
    const key = normalizeLine(body);
    const group = this.groups.get(key);
    if (group) {
      group.count++;
      if (time) group.last_seen = time;
      return;
    }
    const level = lineLevel(body);
    const room = LEVEL_RANK[level] <= LEVEL_RANK.warn ? this.maxGroups : Math.floor(this.maxGroups * 0.8);
    if (this.groups.size >= room) {
      this.ungrouped++;
      return;
    }
    const masked = this.mask(body, cut);
    this.groups.set(key, {
      pattern: normalizeLine(masked),
      count: 1,
      level,
      ...(time ? { first_seen: time, last_seen: time } : {}),
      sample: masked.length > PATTERN_LINE_CHARS ? masked.slice(0, PATTERN_LINE_CHARS) : masked,
      stream,
    });
  }

  get patternCount(): number {
    return this.groups.size;
  }

  /** Errors first (fatal, error, warn, then the rest), then by count; at most `limit`. */
  top(limit: number): LinePattern[] {
    // Groups that differ only inside what masking hid show as one pattern.
    const shown = new Map<string, LinePattern>();
    for (const g of this.groups.values()) {
      const same = shown.get(g.pattern);
      if (!same) {
        shown.set(g.pattern, { ...g });
        continue;
      }
      same.count += g.count;
      if (LEVEL_RANK[g.level] < LEVEL_RANK[same.level]) same.level = g.level;
      if (g.first_seen && (!same.first_seen || g.first_seen < same.first_seen))
        same.first_seen = g.first_seen;
      if (g.last_seen && (!same.last_seen || g.last_seen > same.last_seen)) same.last_seen = g.last_seen;
    }
    return [...shown.values()]
      .sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level] || b.count - a.count)
      .slice(0, limit);
  }

  /** Lines per level over every tracked group. */
  levels(): Record<Level, number> {
    const out: Record<Level, number> = { fatal: 0, error: 0, warn: 0, info: 0, debug: 0, unknown: 0 };
    for (const g of this.groups.values()) out[g.level] += g.count;
    return out;
  }
}
