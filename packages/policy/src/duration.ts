const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration is a number of seconds, or a string like `"30s"`, `"2m"`, `"500ms"`, `"1m30s"` or `"45"` (seconds). */
export const DURATION_PATTERN = "^\\s*(?:\\d+(?:\\.\\d+)?\\s*(?:ms|s|m|h)\\s*)+$|^\\s*\\d+(?:\\.\\d+)?\\s*$";

const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h)/g;

/**
 * Parses a duration into milliseconds. Plain numbers (and numeric strings) are seconds, because that is
 * what people mean by `"timeout": 30`. Returns `undefined` for anything else; never throws.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  }
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!new RegExp(DURATION_PATTERN).test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(PART)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? "s"] ?? 1000);
  }
  return Math.round(total);
}
