import { displayName, targetData } from "@arktechnwa/docker-kit";
import { defineTool, sanitizeText, ToolError, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity } from "@arktechnwa/docker-mcp-engine";
import { parseTime } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import type { AnalysisDeps } from "../deps.js";
import { LineGrouper } from "../group-lines.js";
import { PATTERN_LINE_CHARS } from "../normalize-line.js";

/** Distinct patterns tracked at most: memory stays bounded on any log. */
const MAX_GROUPS = 5000;
/** Bytes read from the daemon at most. */
export const MAX_SCAN_BYTES = 2 * 1024 ** 3;
/** Time kept before the call's deadline to build the answer from what was read. */
const ANSWER_RESERVE_MS = 1500;

const input = z.strictObject({
  container: z.string().min(1).describe("Container name, ID prefix or full ID."),
  since: z
    .string()
    .min(1)
    .optional()
    .describe("Window start: RFC 3339, Unix seconds, or relative like '-1h'."),
  until: z.string().min(1).optional().describe("Window end, same forms as since."),
  tail: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .optional()
    .describe("Only the last N lines (default: the whole window)."),
  limit: z
    .number()
    .int()
    .min(1)
    .max(200)
    .optional()
    .describe("Patterns returned (default 30), errors first."),
});

const level = z.enum(["fatal", "error", "warn", "info", "debug", "unknown"]);
const output = z.object({
  container: z.object({ id: z.string(), name: z.string() }),
  patterns: z.array(
    z.object({
      pattern: z
        .string()
        .describe(
          "The line with timestamps, IDs, hex, IPs and numbers replaced by <time>, <uuid>, <hex>, <ip>, <num>.",
        ),
      count: z.number().int(),
      level,
      first_seen: z.string().optional(),
      last_seen: z.string().optional(),
      sample: z.string(),
      stream: z.enum(["stdout", "stderr"]),
    }),
  ),
  pattern_count: z.number().int().describe("Distinct patterns found (the answer holds the first `limit`)."),
  ungrouped_lines: z
    .number()
    .int()
    .describe(`Lines of new patterns after ${MAX_GROUPS} distinct ones (counted, not grouped).`),
  levels: z.record(level, z.number().int()),
  scanned: z.object({
    lines: z.number().int(),
    chars: z.number().int().describe("Characters of log text read (with timestamps)."),
    complete: z.boolean(),
    stopped_by: z.enum(["end", "max_bytes", "deadline"]),
    first_seen: z.string().optional(),
    last_seen: z.string().optional(),
    ms: z.number().int(),
  }),
});

export const logPatternsTool = defineTool({
  name: "docker_log_patterns",
  title: "Group a container's log lines into patterns",
  description:
    "Groups similar log lines (timestamps, IDs, hex, IPs and numbers normalized away) with count, first/last seen, level and a sample; errors first. " +
    "Streams the log (bounded memory on any size) over a window (since/until/tail) and answers before the deadline with what it read (scanned.complete says whether it read it all).",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  idempotent: true,
  input,
  output,
  targetKinds: ["container"],
  targets: (args) => [{ kind: "container", ref: args.container }],
  render: (out) => {
    const s = out.scanned;
    const head = `${out.container.name}: ${s.lines} line(s), ${out.pattern_count} pattern(s)${s.complete ? "" : ` (stopped by ${s.stopped_by}: narrow with since/until/tail)`}`;
    return [
      head,
      ...out.patterns.map(
        (p) =>
          `${String(p.count).padStart(8)}  ${p.level.padEnd(7)} ${p.pattern}${p.last_seen ? `  (last ${p.last_seen})` : ""}`,
      ),
    ].join("\n");
  },
});

function when(field: string, value: string, now: number): number {
  try {
    return parseTime(value, now);
  } catch {
    throw new ToolError(
      "invalid_input",
      `${field} "${value}" is not a time I understand. Use RFC 3339 (2026-01-31T12:00:00Z), Unix seconds or a relative time like -1h.`,
    );
  }
}

export function logPatternsHandler(deps: AnalysisDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const identity = targetData<ContainerIdentity>(ctx, "container");
    const now = (deps.now ?? Date.now)();
    const grouper = new LineGrouper(
      MAX_GROUPS,
      (text, cut) => ctx.redactCapped(text, Number.POSITIVE_INFINITY, cut).text,
    );
    // Stop reading a little before the call's deadline, and answer with what was read.
    const stop = new AbortController();
    const timer = setTimeout(
      () => stop.abort(new Error("answer time")),
      Math.max(0, ctx.deadline - Date.now() - ANSWER_RESERVE_MS),
    );
    const signal = AbortSignal.any([ctx.signal, stop.signal]);
    const started = Date.now();
    let stoppedBy: "end" | "max_bytes" | "deadline" = "end";
    let chars = 0;
    try {
      const result = await deps.engine.scanLogs(
        identity.id,
        identity.tty,
        {
          ...(args.tail !== undefined ? { tail: args.tail } : {}),
          ...(args.since ? { since: when("since", args.since, now) } : {}),
          ...(args.until ? { until: when("until", args.until, now) } : {}),
          timestamps: true,
          maxBytes: MAX_SCAN_BYTES,
          maxLineChars: PATTERN_LINE_CHARS + 64,
        },
        (line, cut) => {
          chars += line.text.length + 1;
          grouper.add(sanitizeText(line.text), line.stream, true, cut);
          return undefined;
        },
        signal,
      );
      stoppedBy = result.stoppedBy === "max_bytes" ? "max_bytes" : "end";
    } catch (error) {
      if (!stop.signal.aborted || ctx.signal.aborted) throw error;
      stoppedBy = "deadline";
    } finally {
      clearTimeout(timer);
    }
    const limit = args.limit ?? 30;
    const shown = grouper.top(Number.POSITIVE_INFINITY);
    return {
      container: { id: identity.id, name: displayName(identity) },
      patterns: shown.slice(0, limit),
      pattern_count: shown.length,
      ungrouped_lines: grouper.ungrouped,
      levels: grouper.levels(),
      scanned: {
        lines: grouper.lines,
        chars,
        complete: stoppedBy === "end",
        stopped_by: stoppedBy,
        ...(grouper.firstSeen ? { first_seen: grouper.firstSeen } : {}),
        ...(grouper.lastSeen ? { last_seen: grouper.lastSeen } : {}),
        ms: Date.now() - started,
      },
    };
  };
}
