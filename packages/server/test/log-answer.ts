import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

export interface LogLineOut {
  stream: "stdout" | "stderr";
  text: string;
}

/**
 * A docker_logs answer as a program reads it: the structured content (counts, container, follow) with
 * the lines taken from the text, where they are sent (one per line after the summary line; a stderr line
 * starts with "[stderr] " when both streams appear, else every line is of the one stream counted).
 */
export function logAnswer(result: unknown): Record<string, unknown> & { lines: LogLineOut[] } {
  const r = result as CallToolResult;
  const structured = (r.structuredContent ?? {}) as Record<string, unknown> & {
    streams?: { stdout: number; stderr: number };
  };
  const first = r.content?.[0];
  const text = first && first.type === "text" ? first.text : "";
  const body = text.split("\n").slice(1);
  const streams = structured.streams ?? { stdout: body.length, stderr: 0 };
  const both = streams.stdout > 0 && streams.stderr > 0;
  const only: LogLineOut["stream"] = streams.stderr > 0 ? "stderr" : "stdout";
  const lines = (structured["line_count"] === 0 ? [] : body).map((line): LogLineOut => {
    if (both && line.startsWith("[stderr] ")) return { stream: "stderr", text: line.slice(9) };
    return { stream: both ? "stdout" : only, text: line };
  });
  return { ...structured, lines };
}
