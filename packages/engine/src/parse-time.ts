const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const RELATIVE = /^-?(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const RFC3339 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses a logs `since`/`until` value into Unix seconds (fractional when given):
 * - RFC 3339 / ISO 8601: `2024-01-02T15:04:05Z`, `2024-01-02T15:04:05.5+02:00`, `2024-01-02`;
 * - Unix seconds: `1704207845`, `1704207845.25`;
 * - a relative duration meaning "that long ago": `-1h`, `30m`, `2h30m`, `10s`, `1d`, `1w`, `500ms`.
 * `now` is the current time in milliseconds (Date.now()); a value below 1e11 is taken as seconds.
 * Throws a RangeError that shows the accepted forms.
 */
export function parseTime(input: string, now: number): number {
  const text = input.trim();
  const nowSeconds = now < 1e11 ? now : now / 1000;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  if (RELATIVE.test(text)) {
    let seconds = 0;
    for (const match of text.matchAll(PART)) {
      seconds += Number(match[1]) * (UNIT_SECONDS[match[2] ?? "s"] ?? 1);
    }
    return nowSeconds - seconds;
  }
  if (RFC3339.test(text)) {
    const ms = Date.parse(text.replace(" ", "T"));
    if (!Number.isNaN(ms)) return ms / 1000;
  }
  throw new RangeError(
    `Invalid time '${input}': use RFC 3339 (2024-01-02T15:04:05Z), Unix seconds (1704207845) ` +
      "or a duration meaning that long ago (30m, 2h30m, -1h, 1d).",
  );
}
