/** Lines longer than this are grouped by their beginning: enough to tell patterns apart, bounded work. */
export const PATTERN_LINE_CHARS = 512;

// One pass over the line with one alternation, each kind of token in its own capture group, so
// normalizing costs one regex scan per line instead of one per kind of token.
const KINDS: [string, string][] = [
  // RFC 3339 / ISO 8601 timestamps and "2026-11-25 12:00:00,123"
  ["<time>", String.raw`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?`],
  // nginx and syslog dates: 25/Nov/2026:12:00:00 +0000, Nov 25 12:00:00; times of day
  ["<time>", String.raw`\d{1,2}/[A-Z][a-z]{2}/\d{4}(?::\d{2}:\d{2}:\d{2})?(?: [+-]\d{4})?`],
  ["<time>", String.raw`\b[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}\b`],
  ["<time>", String.raw`\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b`],
  ["<time>", String.raw`\b\d{4}-\d{2}-\d{2}\b`],
  ["<uuid>", String.raw`\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`],
  ["<ip>", String.raw`\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b`],
  // IPv6: with "::" somewhere, or all eight groups
  [
    "<ip>",
    String.raw`(?:\b[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6}|(?<![\w:]))::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?(?![\w:])`,
  ],
  ["<ip>", String.raw`\b[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){7}\b`],
  // 0x hex; hex runs of 6 or more with a digit and a letter (IDs, hashes, short commit SHAs)
  ["<hex>", String.raw`\b0x[0-9a-fA-F]+\b`],
  ["<hex>", String.raw`\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{6,}\b`],
  // numbers, also with units stuck on (12ms, 3.5s, 200MB) and inside words (worker7)
  ["<num>", String.raw`\d+(?:\.\d+)?`],
];
const TOKENS = new RegExp(KINDS.map(([, p]) => `(${p})`).join("|"), "g");

/** Characters that end a token: whitespace, quotes, brackets and separators (not ":" "." "/" "-"). */
function isDelimiter(code: number): boolean {
  return (
    code <= 0x20 ||
    code === 0x22 || // "
    code === 0x27 || // '
    code === 0x28 || // (
    code === 0x29 || // )
    code === 0x2c || // ,
    code === 0x3b || // ;
    code === 0x3c || // <
    code === 0x3d || // =
    code === 0x3e || // >
    code === 0x5b || // [
    code === 0x5d || // ]
    code === 0x7b || // {
    code === 0x7d || // }
    code === 0x60 // `
  );
}

// Whole-token shapes, tried first: most tokens are one number, one address or one timestamp.
const WHOLE: [RegExp, string][] = [
  [/^\d+(?:\.\d+)?$/, "<num>"],
  [/^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?$/, "<ip>"],
  [/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/, "<time>"],
  [/^\d{2}:\d{2}:\d{2}(?:[.,]\d+)?$/, "<time>"],
];

function normalizeToken(token: string): string {
  for (const [pattern, placeholder] of WHOLE) if (pattern.test(token)) return placeholder;
  return token.replace(TOKENS, (...match: unknown[]) => {
    for (let i = 0; i < KINDS.length; i++) if (match[i + 1] !== undefined) return KINDS[i]?.[0] ?? "";
    return "";
  });
}

/**
 * The line with timestamps, UUIDs, IPs, hex and numbers replaced by placeholders. Only tokens that
 * hold a digit or "::" go through the token pattern: a scan of the line's characters finds them, so
 * plain words cost nothing more than the scan.
 */
export function normalizeLine(line: string): string {
  const text = line.length > PATTERN_LINE_CHARS ? line.slice(0, PATTERN_LINE_CHARS) : line;
  let out = "";
  let copied = 0;
  let start = 0;
  let interesting = false;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const code = i < n ? text.charCodeAt(i) : 0;
    if (i === n || isDelimiter(code)) {
      if (interesting && i > start) {
        out += text.slice(copied, start) + normalizeToken(text.slice(start, i));
        copied = i;
      }
      start = i + 1;
      interesting = false;
    } else if (
      !interesting &&
      ((code >= 0x30 && code <= 0x39) || (code === 0x3a && text.charCodeAt(i + 1) === 0x3a))
    ) {
      interesting = true;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

export type Level = "fatal" | "error" | "warn" | "info" | "debug" | "unknown";

const LEVEL_WORD =
  /\b(?:level[=:]\s*"?|"level"\s*:\s*"|\[|<)?(FATAL|PANIC|CRIT(?:ICAL)?|EMERG|ALERT|ERROR|ERR|E|WARN(?:ING)?|W|INFO|NOTICE|I|DEBUG|TRACE|D)(?:\]|>|"|\b)/i;
const ERROR_HINT = /(?:Exception|Error:|Traceback|panic:|\bfailed\b|\bfailure\b|refused|denied|fatal)/i;

/** The line's log level: an explicit level word, else a hint of an error, else unknown. */
export function lineLevel(line: string): Level {
  const head = line.length > 200 ? line.slice(0, 200) : line;
  const m = LEVEL_WORD.exec(head);
  const word = m?.[1];
  // Single letters only count inside brackets or after level= (Go/glog style "E1125"), not as words.
  if (word && (word.length > 1 || (m?.[0].length ?? 0) > 1)) {
    const w = word.toUpperCase();
    if (w === "FATAL" || w === "PANIC" || w.startsWith("CRIT") || w === "EMERG" || w === "ALERT")
      return "fatal";
    if (w.startsWith("ERR") || w === "E") return "error";
    if (w.startsWith("W")) return "warn";
    if (w === "INFO" || w === "NOTICE" || w === "I") return "info";
    return "debug";
  }
  if (ERROR_HINT.test(head)) return "error";
  return "unknown";
}
