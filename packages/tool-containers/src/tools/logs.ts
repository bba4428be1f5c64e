import {
  displayName,
  FOLLOW_DEFAULT_SECONDS,
  type FollowStop,
  followAnswerSchema,
  followLimitInputs,
  followStopText,
  followWindow,
  LineFollower,
  targetData,
} from "@arktechnwa/docker-kit";
import { defineTool, sanitizeText, ToolError, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { type ContainerIdentity, matchText, parseTime } from "@arktechnwa/docker-mcp-engine";
import { RE2JS } from "re2js";
import { z } from "zod";
import type { ContainersDeps } from "../deps.js";

/** Text kept per call: enough for a diagnosis, small enough for a model's context. */
const MAX_LOG_BYTES = 256 * 1024;
/** With grep and no tail, look this far back. */
const GREP_DEFAULT_TAIL = 10_000;
/** How long follow reads when no duration is given, in seconds. */

const input = z.strictObject({
  container: z.string().min(1).describe("Container name, ID prefix or full ID."),
  tail: z
    .union([z.number().int().min(0).max(1_000_000), z.literal("all")])
    .optional()
    .describe(
      "Lines from the end (default 100; 10000 with grep). 'all' reads the whole log, up to the size cap.",
    ),
  since: z
    .string()
    .min(1)
    .optional()
    .describe("RFC 3339, Unix seconds, or relative like '-1h', '30m', '2h30m'."),
  until: z.string().min(1).optional().describe("Same forms as since."),
  grep: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Keep lines containing this text; /regex/ or /regex/i for a regular expression (RE2 syntax). Matched on the line as shown, with secrets masked.",
    ),
  timestamps: z.boolean().optional().describe("Prefix each line with its RFC 3339 timestamp."),
  follow: z
    .boolean()
    .optional()
    .describe(
      "Keep reading new lines as they are written, for `duration` seconds, until `max_lines` lines, or until the container stops, whichever comes first. New lines arrive as progress notifications while the call runs; the answer holds what was seen. tail defaults to 0 here (only new lines). Cancel ends it at once.",
    ),
  ...followLimitInputs(""),
});

const output = z.object({
  container: z.object({ id: z.string(), name: z.string() }),
  // Sent in the text only (textOnly below): one line of text each, after the text's first line.
  lines: z.array(z.object({ stream: z.enum(["stdout", "stderr"]), text: z.string() })),
  line_count: z
    .number()
    .int()
    .describe(
      'The lines are in the text answer, one per line after its first line (a summary); when both streams appear, a stderr line starts with "[stderr] ".',
    ),
  streams: z
    .object({ stdout: z.number().int(), stderr: z.number().int() })
    .describe("How many of the lines came from each stream."),
  truncated: z.boolean().describe("The size cap stopped reading before the end."),
  bytes_read: z.number().int(),
  follow: followAnswerSchema("Why following ended."),
});

export const logsTool = defineTool({
  name: "docker_logs",
  title: "Read container logs",
  description:
    "Read a container's logs: last N lines (tail), a time window (since/until), and a grep filter applied while streaming. " +
    "stdout and stderr are marked. The lines are in the text answer; the structured content counts them. Output is capped at 256 KiB. follow: true keeps reading new lines for a bounded " +
    "time (duration, max_lines, or until the container stops), sending them as progress while it runs.",
  levels: ["read"],
  timeoutClass: "read",
  // A follow reads on purpose for a while: its deadline (and so its longest duration) is the follow class.
  streaming: { timeoutClass: "follow", when: (args) => args.follow === true },
  effect: "read",
  input,
  output,
  targetKinds: ["container"],
  targets: (args) => [{ kind: "container", ref: args.container }],
  // The lines go once, in the text every client shows; the structured content holds what describes them.
  textOnly: ["lines"],
  render: (out) => {
    const both = out.lines.some((l) => l.stream === "stderr") && out.lines.some((l) => l.stream === "stdout");
    const body = out.lines.map((l) => (both && l.stream === "stderr" ? `[stderr] ${l.text}` : l.text));
    let head = `${out.container.name}: ${out.line_count} line${out.line_count === 1 ? "" : "s"}${out.truncated ? " (cut at the size cap: narrow with tail, since or grep)" : ""}`;
    if (out.follow) {
      head += `; ${out.follow.reason}`;
      if (out.follow.lines_dropped > 0)
        head += `; the ${out.follow.lines_dropped} oldest line${out.follow.lines_dropped === 1 ? "" : "s"} seen are left out (size cap)`;
    }
    return [head, ...body].join("\n");
  },
});

const REGEX_FLAGS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/**
 * Plain text, or `/regex/flags` (flags i, m, s). Regular expressions run on RE2 (linear time): a
 * pattern like `(a+)+$` cannot stall the server the way a backtracking engine would.
 */
export function parseGrep(grep: string): { grep?: string; grepRegex?: { test(line: string): boolean } } {
  const m = /^\/(.+)\/([ims]*)$/.exec(grep);
  if (!m) return { grep };
  let flags = 0;
  for (const flag of m[2] ?? "") flags |= REGEX_FLAGS[flag] ?? 0;
  try {
    const pattern = RE2JS.compile(m[1] as string, flags);
    return { grepRegex: { test: (line) => pattern.matcher(line).find() } };
  } catch (error) {
    throw new ToolError(
      "invalid_input",
      `grep ${grep} is not a regular expression I can run (${(error as Error).message}). RE2 syntax: no backreferences or lookarounds; for plain text, drop the slashes.`,
    );
  }
}

function parseWhen(field: string, value: string, now: number): number {
  try {
    return parseTime(value, now);
  } catch {
    throw new ToolError(
      "invalid_input",
      `${field} "${value}" is not a time I understand. Use RFC 3339 (2026-01-31T12:00:00Z), Unix seconds (1769860800) or a relative time like -1h, 30m, 2h30m.`,
    );
  }
}

export function logsHandler(deps: ContainersDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    if (!args.follow && (args.duration !== undefined || args.max_lines !== undefined)) {
      throw new ToolError(
        "invalid_input",
        "duration and max_lines apply to follow only: add follow: true, or use tail and since to read what is there.",
      );
    }
    if (args.follow && args.until) {
      throw new ToolError(
        "invalid_input",
        "follow reads new lines as they come, so until does not apply: drop until, or drop follow to read a past window.",
      );
    }
    const identity = targetData<ContainerIdentity>(ctx, "container");
    const now = (deps.now ?? Date.now)();
    if (args.follow) return follow(deps, args, ctx, identity, now);
    const tail = args.tail === "all" ? undefined : (args.tail ?? (args.grep ? GREP_DEFAULT_TAIL : 100));
    const result = await deps.engine.readLogs(
      identity.id,
      identity.tty,
      {
        ...(tail !== undefined ? { tail } : {}),
        ...(args.since ? { since: parseWhen("since", args.since, now) } : {}),
        ...(args.until ? { until: parseWhen("until", args.until, now) } : {}),
        ...(args.timestamps ? { timestamps: true } : {}),
        ...(args.grep ? parseGrep(args.grep) : {}),
        maxBytes: MAX_LOG_BYTES,
        // Grep and the size cap see the masked line: matching raw text would reveal a masked value
        // one guessed character at a time, and a cut must not show the start of a secret.
        normalizeLine: (line, cut) =>
          ctx.redactCapped(sanitizeText(line), Number.POSITIVE_INFINITY, cut).text,
      },
      ctx.signal,
    );
    return {
      container: { id: identity.id, name: displayName(identity) },
      lines: result.lines,
      line_count: result.lines.length,
      streams: countStreams(result.lines),
      truncated: result.truncated,
      bytes_read: result.bytesRead,
    };
  };
}

/** docker_logs with follow: new lines as progress, in chunks, until duration, max_lines or the container stops. */
async function follow(
  deps: ContainersDeps,
  args: z.output<typeof input>,
  ctx: Parameters<ToolHandler<typeof input, typeof output>>[1],
  identity: ContainerIdentity,
  now: number,
): Promise<z.input<typeof output>> {
  const window = followWindow(ctx, args.duration, FOLLOW_DEFAULT_SECONDS, Date.now());
  const name = displayName(identity);
  const follower = new LineFollower({
    durationMs: window.durationMs,
    ...(args.max_lines !== undefined ? { maxLines: args.max_lines } : {}),
    maxBytes: MAX_LOG_BYTES,
    progress: (message) => ctx.progress(message),
  });
  const grep = args.grep ? parseGrep(args.grep) : {};
  const tail = args.tail ?? 0;
  let stop: FollowStop | undefined;
  let bytesRead = 0;
  try {
    const result = await deps.engine.followLogs(
      identity.id,
      identity.tty,
      {
        tail,
        ...(args.since ? { since: parseWhen("since", args.since, now) } : {}),
        ...(args.timestamps ? { timestamps: true } : {}),
        maxLineChars: 16 * 1024,
        stop: follower.stop,
      },
      (line, cut) => {
        // Masked before grep and before it leaves as progress: the call's masker sees every line.
        const text = ctx.redactCapped(sanitizeText(line.text), Number.POSITIVE_INFINITY, cut).text;
        if (grep.grepRegex) {
          if (!grep.grepRegex.test(matchText(text))) return undefined;
        } else if (grep.grep !== undefined && !text.includes(grep.grep)) return undefined;
        return follower.add({ stream: line.stream, text });
      },
      ctx.signal,
    );
    bytesRead = result.bytesRead;
    stop =
      follower.reason ??
      (result.stoppedBy === "connection_lost"
        ? "connection_lost"
        : result.stoppedBy === "ended"
          ? "container_stopped"
          : "duration");
  } finally {
    // On cancel or deadline the kernel answers; the timers still have to go.
    if (!stop) follower.end("deadline_margin");
  }
  const summary = follower.finish();
  return {
    container: { id: identity.id, name },
    lines: summary.lines.map((l) => ({ stream: l.stream, text: l.text })),
    line_count: summary.lines.length,
    streams: countStreams(summary.lines),
    truncated: summary.dropped > 0,
    bytes_read: bytesRead,
    follow: {
      stopped_by: stop,
      reason: followStopText(stop, window, args.max_lines),
      followed_ms: summary.followedMs,
      duration_s: Math.round(window.durationMs / 100) / 10,
      lines_seen: summary.seen,
      lines_dropped: summary.dropped,
    },
  };
}

function countStreams(lines: readonly { stream: "stdout" | "stderr" }[]): { stdout: number; stderr: number } {
  let stderr = 0;
  for (const line of lines) if (line.stream === "stderr") stderr++;
  return { stdout: lines.length - stderr, stderr };
}
