import { lastErrorBlock, logSignals } from "./log-signals.js";

const MAX_LINES = 40;
const MAX_CHARS = 8000;

/**
 * "The error lines around the end": the last stack trace or error line with a few lines of context,
 * plus the last lines that match a known failure; else the last lines. Never more than 40 lines.
 */
export function lastLogs(lines: readonly string[]): string {
  if (lines.length === 0) return "";
  const keep = new Set<number>();
  const block = lastErrorBlock(lines);
  if (block) {
    const end = Math.min(lines.length - 1, block.errorIndex + Math.max(block.frames, 0) + 3);
    for (let i = Math.max(0, block.errorIndex - 3); i <= end; i++) keep.add(i);
  }
  for (const s of logSignals(lines).slice(-5)) keep.add(s.line);
  // The very end is always shown: the last thing the process said.
  for (let i = Math.max(0, lines.length - 5); i < lines.length; i++) keep.add(i);
  const chosen = [...keep].sort((a, b) => a - b).slice(-MAX_LINES);
  const out: string[] = [];
  let previous = -1;
  for (const i of chosen) {
    if (previous >= 0 && i > previous + 1) out.push(`[... ${i - previous - 1} line(s) ...]`);
    else if (previous < 0 && i > 0) out.push(`[... ${i} earlier line(s) ...]`);
    out.push(lines[i] ?? "");
    previous = i;
  }
  const text = out.join("\n");
  return text.length > MAX_CHARS ? `[...]\n${text.slice(text.length - MAX_CHARS)}` : text;
}
