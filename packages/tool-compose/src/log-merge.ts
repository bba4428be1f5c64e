/** A log line with the time Docker stamped on it. */
export interface StampedLine {
  /** RFC 3339 with nanoseconds, as Docker wrote it. */
  time: string;
  /** Unix milliseconds (whole) and the nanoseconds within that millisecond: sortable without loss. */
  ms: number;
  ns: number;
  text: string;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) ?/;

/** Splits Docker's `timestamps=true` prefix off a line; undefined when the line has none. */
export function splitStamp(line: string): StampedLine | undefined {
  const m = STAMP.exec(line);
  if (!m) return undefined;
  const fraction = (m[2] ?? "").padEnd(9, "0");
  const base = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(base)) return undefined;
  return {
    time: m[0].trimEnd(),
    ms: base + Number(fraction.slice(0, 3)),
    ns: Number(fraction.slice(3)),
    text: line.slice(m[0].length),
  };
}

/** The line without its timestamp (for grep, which should see what the program wrote). */
export function withoutStamp(line: string): string {
  const m = STAMP.exec(line);
  return m ? line.slice(m[0].length) : line;
}

export function compareStamps(a: { ms: number; ns: number }, b: { ms: number; ns: number }): number {
  return a.ms - b.ms || a.ns - b.ns;
}
