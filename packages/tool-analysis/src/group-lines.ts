import { type Level, lineLevel, normalizeLine, PATTERN_LINE_CHARS } from "./normalize-line.js";

export interface LinePattern {
  pattern: string;
  count: number;
  level: Level;
  /** RFC 3339 of the first and last line seen, when the lines carried timestamps. */
  first_seen?: string;
  last_seen?: string;
  /** One real line of the group (the first one), cut at 512 characters. */
  sample: string;
  stream: "stdout" | "stderr";
}

const LEVEL_RANK: Record<Level, number> = { fatal: 0, error: 1, warn: 2, unknown: 3, info: 4, debug: 5 };

/**
 * Groups lines by their normalized form, in bounded memory: at most `maxGroups` distinct patterns are
 * tracked; lines of patterns beyond that are counted as ungrouped (reported, never silently lost). The
 * last fifth of the room is kept for warnings and errors, so a log full of distinct info lines cannot
 * crowd out an error that shows up late.
 */
export class LineGrouper {
  private readonly groups = new Map<string, LinePattern>();
  lines = 0;
  ungrouped = 0;
  firstSeen: string | undefined;
  lastSeen: string | undefined;

  constructor(private readonly maxGroups = 5000) {}

  /** `text` may start with Docker's RFC 3339 timestamp (logs read with timestamps). */
  add(text: string, stream: "stdout" | "stderr", timestamped: boolean): void {
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
    this.groups.set(key, {
      pattern: key,
      count: 1,
      level,
      ...(time ? { first_seen: time, last_seen: time } : {}),
      sample: body.length > PATTERN_LINE_CHARS ? body.slice(0, PATTERN_LINE_CHARS) : body,
      stream,
    });
  }

  get patternCount(): number {
    return this.groups.size;
  }

  /** Errors first (fatal, error, warn, then the rest), then by count; at most `limit`. */
  top(limit: number): LinePattern[] {
    return [...this.groups.values()]
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
