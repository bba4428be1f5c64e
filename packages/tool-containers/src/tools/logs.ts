import { displayName, targetData } from "@arktechnwa/docker-kit";
import { defineTool, sanitizeText, ToolError, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { type ContainerIdentity, parseTime } from "@arktechnwa/docker-mcp-engine";
import { RE2JS } from "re2js";
import { z } from "zod";
import type { ContainersDeps } from "../deps.js";

/** Text kept per call: enough for a diagnosis, small enough for a model's context. */
const MAX_LOG_BYTES = 256 * 1024;
/** With grep and no tail, look this far back. */
const GREP_DEFAULT_TAIL = 10_000;

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
  follow: z.boolean().optional().describe("Not supported yet: use since (e.g. '-5m') to read recent lines."),
});

const output = z.object({
  container: z.object({ id: z.string(), name: z.string() }),
  lines: z.array(z.object({ stream: z.enum(["stdout", "stderr"]), text: z.string() })),
  line_count: z.number().int(),
  truncated: z.boolean().describe("The size cap stopped reading before the end."),
  bytes_read: z.number().int(),
});

export const logsTool = defineTool({
  name: "docker_logs",
  title: "Read container logs",
  description:
    "Read a container's logs: last N lines (tail), a time window (since/until), and a grep filter applied while streaming. " +
    "stdout and stderr are marked. Output is capped at 256 KiB.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  targetKinds: ["container"],
  targets: (args) => [{ kind: "container", ref: args.container }],
  render: (out) => {
    const both = out.lines.some((l) => l.stream === "stderr") && out.lines.some((l) => l.stream === "stdout");
    const body = out.lines.map((l) => (both && l.stream === "stderr" ? `[stderr] ${l.text}` : l.text));
    const head = `${out.container.name}: ${out.line_count} line${out.line_count === 1 ? "" : "s"}${out.truncated ? " (cut at the size cap: narrow with tail, since or grep)" : ""}`;
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
    if (args.follow) {
      throw new ToolError(
        "unsupported",
        "follow is not supported yet. Read recent lines with since (for example since: '-5m') and call again later.",
      );
    }
    const identity = targetData<ContainerIdentity>(ctx, "container");
    const now = (deps.now ?? Date.now)();
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
      truncated: result.truncated,
      bytes_read: result.bytesRead,
    };
  };
}
