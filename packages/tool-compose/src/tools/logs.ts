import {
  FOLLOW_DEFAULT_SECONDS,
  type FollowStop,
  followAnswerSchema,
  followLimitInputs,
  followStopText,
  followWindow,
  LineFollower,
} from "@arktechnwa/docker-kit";
import {
  defineTool,
  sanitizeText,
  type ToolContext,
  ToolError,
  type ToolHandler,
} from "@arktechnwa/docker-mcp-core";
import {
  type ContainerSummary,
  isEngineError,
  type LineMatcher,
  parseTime,
} from "@arktechnwa/docker-mcp-engine";
import { secretValuesFromEnv } from "@arktechnwa/mcp-mask";
import { z } from "zod";
import { containerResource, locateProject, NUMBER_LABEL, projectContainers } from "../compose-project.js";
import { byServiceThenNumber, describeContainer } from "../container-state.js";
import type { ComposeDeps } from "../deps.js";
import { lineMatcher } from "../grep.js";
import { compareStamps, type StampedLine, splitStamp, withoutStamp } from "../log-merge.js";
import { fileInput, projectInput, projectTargetKinds, servicesInput } from "../project-input.js";

/** Text kept per call, over all containers. */
const MAX_LOG_BYTES = 256 * 1024;
const GREP_DEFAULT_TAIL = 10_000;
/** How long follow reads when no duration is given, in seconds. */
/** A longer line is cut while following (the rest is skipped, not kept). */
const FOLLOW_MAX_LINE_CHARS = 16 * 1024;

const input = z.strictObject({
  project: projectInput.optional(),
  file: fileInput.optional(),
  services: servicesInput,
  tail: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .optional()
    .describe("Lines from the end of each container's log (default 100; 10000 with grep)."),
  since: z
    .string()
    .min(1)
    .optional()
    .describe("RFC 3339, Unix seconds, or relative like '-1h', '30m', '2h30m'."),
  grep: z
    .string()
    .min(1)
    .optional()
    .describe("Keep lines containing this text; /regex/ or /regex/i for a regular expression (RE2 syntax)."),
  follow: z
    .boolean()
    .optional()
    .describe(
      "Keep reading new lines as the containers write them, for `duration` seconds, until `max_lines` lines, or until every followed container stops, whichever comes first. New lines arrive as progress notifications while the call runs; the answer holds what was seen. Cancel ends it at once.",
    ),
  ...followLimitInputs(" over all containers"),
});

const lineSchema = z.object({
  service: z.string(),
  container: z.string(),
  time: z.string(),
  stream: z.enum(["stdout", "stderr"]),
  text: z.string(),
});

const output = z.object({
  project: z.string(),
  containers: z.array(z.string()),
  lines: z.array(lineSchema).describe("Every container's lines, interleaved by time."),
  line_count: z.number().int(),
  truncated: z.boolean().describe("The size cap dropped lines."),
  hidden: z.number().int().describe("Project containers the policy does not let you see (not read)."),
  followed_ms: z.number().int().optional(),
  follow: followAnswerSchema("Why following ended (container_stopped: every followed container stopped)."),
});

export const composeLogsTool = defineTool({
  name: "docker_compose_logs",
  title: "Read compose logs",
  description:
    "Read the logs of a compose project's services, interleaved by time and prefixed by service: tail per container, " +
    "since, grep (text or /regex/), and a bounded follow. Read through the Docker API; needs no compose CLI.",
  levels: ["read"],
  timeoutClass: "read",
  // A follow reads on purpose for a while: its deadline (and so its longest duration) is the follow class.
  streaming: { timeoutClass: "follow", when: (args) => args.follow === true },
  effect: "read",
  input,
  output,
  ...projectTargetKinds,
  render: (out) => {
    const width = Math.max(0, ...out.lines.map((l) => l.container.length));
    const body = out.lines.map((l) => `${l.container.padEnd(width)} | ${l.text}`);
    const notes = [
      `${out.project}: ${out.line_count} line${out.line_count === 1 ? "" : "s"} from ${out.containers.length} container${out.containers.length === 1 ? "" : "s"}`,
      out.truncated ? "cut at the size cap: narrow with tail, since, services or grep" : "",
      out.hidden ? `${out.hidden} hidden by policy` : "",
      out.follow ? out.follow.reason : "",
      out.follow && out.follow.lines_dropped > 0
        ? `the ${out.follow.lines_dropped} oldest line${out.follow.lines_dropped === 1 ? "" : "s"} seen are left out (size cap)`
        : "",
    ].filter(Boolean);
    return [notes.join("; "), ...body].join("\n");
  },
});

interface Source {
  row: ContainerSummary;
  label: string;
  service: string;
  tty: boolean;
}

type Line = StampedLine & { service: string; container: string; stream: "stdout" | "stderr" };

function parseWhen(value: string, now: number): number {
  try {
    return parseTime(value, now);
  } catch {
    throw new ToolError(
      "invalid_input",
      `since "${value}" is not a time I understand. Use RFC 3339 (2026-01-31T12:00:00Z), Unix seconds or a relative time like -1h, 30m.`,
    );
  }
}

export function composeLogsHandler(deps: ComposeDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    if (!args.follow && (args.duration !== undefined || args.max_lines !== undefined)) {
      throw new ToolError(
        "invalid_input",
        "duration and max_lines apply to follow only: add follow: true, or use tail and since to read what is there.",
      );
    }
    const project = args.file ? (await locateProject(deps, ctx, args)).project : args.project;
    if (!project) {
      throw new ToolError("invalid_input", "Say which compose project: `project` or `file`.");
    }
    const all = (await projectContainers(deps, project, ctx.signal)).sort(byServiceThenNumber);
    const { visible, hidden } = ctx.visible(all, containerResource);
    const wanted = args.services ? new Set(args.services) : undefined;
    const rows = visible.filter((r) => !wanted || wanted.has(describeContainer(r).service));
    if (rows.length === 0 && all.length === 0) {
      throw new ToolError(
        "not_found",
        `Compose project '${project}' has no containers. Check the name with docker_compose_ps.`,
      );
    }
    const perService = new Map<string, number>();
    for (const r of rows) {
      const s = describeContainer(r).service;
      perService.set(s, (perService.get(s) ?? 0) + 1);
    }
    const sources: Source[] = await Promise.all(
      rows.map(async (row) => {
        const service = describeContainer(row).service;
        const identity = await deps.engine.resolveContainer(row.id, ctx.signal);
        // Their secret values are masked wherever they show up in the lines.
        ctx.addSecrets(secretValuesFromEnv(identity.env));
        const label =
          (perService.get(service) ?? 0) > 1
            ? `${service}-${row.labels[NUMBER_LABEL] ?? row.id.slice(0, 6)}`
            : service;
        return { row, label, service, tty: identity.tty };
      }),
    );

    const now = Date.now();
    const match: LineMatcher | undefined = args.grep ? lineMatcher(args.grep) : undefined;
    const grepRegex = match ? { test: (line: string) => match.test(withoutStamp(line)) } : undefined;
    const tail = args.tail ?? (args.grep ? GREP_DEFAULT_TAIL : 100);
    const budget = Math.max(4096, Math.floor(MAX_LOG_BYTES / Math.max(1, sources.length)));
    let truncated = false;

    const read = async (source: Source, since: number | undefined, useTail: boolean): Promise<Line[]> => {
      const result = await deps.engine.readLogs(
        source.row.id,
        source.tty,
        {
          ...(useTail ? { tail } : {}),
          ...(since !== undefined ? { since } : {}),
          timestamps: true,
          ...(grepRegex ? { grepRegex } : {}),
          maxBytes: budget,
          // Grep and the size cap see the masked line, as the caller will: matching raw text would
          // reveal a masked value one guessed character at a time.
          normalizeLine: (line, cut) =>
            ctx.redactCapped(sanitizeText(line), Number.POSITIVE_INFINITY, cut).text,
        },
        ctx.signal,
      );
      if (result.truncated) truncated = true;
      return result.lines.flatMap((l) => {
        const stamped = splitStamp(l.text);
        return stamped
          ? [{ ...stamped, service: source.service, container: source.label, stream: l.stream }]
          : [];
      });
    };

    const since = args.since ? parseWhen(args.since, now) : undefined;
    const first = await Promise.all(sources.map((s) => read(s, since, true)));
    const lines: Line[] = first.flat().sort(compareStamps);
    const last = new Map<string, Line>();
    first.forEach((ls, i) => {
      const tail = ls.at(-1);
      if (tail) last.set(sources[i]?.row.id as string, tail);
    });

    let follow: FollowOutcome | undefined;
    if (args.follow) {
      // From the time before the first read on (or the caller's later since): what the first read saw
      // is skipped by its timestamp, so no line is lost or shown twice between the two.
      const from = Math.max(now / 1000, since ?? 0);
      follow = await followProject(deps, ctx, sources, { from, last, match, ...pick(args) });
      lines.push(...follow.lines);
      lines.sort(compareStamps);
      if (follow.dropped > 0) truncated = true;
    }

    // Keep the newest lines within the size cap.
    let size = 0;
    let from = lines.length;
    while (from > 0 && size + (lines[from - 1]?.text.length ?? 0) + 40 <= MAX_LOG_BYTES) {
      from -= 1;
      size += (lines[from]?.text.length ?? 0) + 40;
    }
    if (from > 0) truncated = true;
    const kept = lines.slice(from).map((l) => ({
      service: l.service,
      container: l.container,
      time: l.time,
      stream: l.stream,
      text: l.text,
    }));
    return {
      project,
      containers: sources.map((s) => s.label),
      lines: kept,
      line_count: kept.length,
      truncated,
      hidden,
      ...(follow
        ? {
            followed_ms: follow.summary.followed_ms,
            follow: follow.summary,
          }
        : {}),
    };
  };
}

const pick = (args: z.output<typeof input>) => ({
  ...(args.duration !== undefined ? { duration: args.duration } : {}),
  ...(args.max_lines !== undefined ? { maxLines: args.max_lines } : {}),
});

interface FollowOutcome {
  lines: Line[];
  dropped: number;
  summary: NonNullable<z.input<typeof output>["follow"]>;
}

/**
 * Follows every source's log at once through the API (the engine's followLogs, one stream per
 * container), relaying new lines as progress through one LineFollower: bounded by duration and
 * max_lines, ended at once by the call's cancel or deadline, and early when every container stopped or
 * the daemon's connection broke. Not the compose CLI's `logs -f`: that needs the CLI, prints one
 * stream with colors and no stdout/stderr or masking per container, and would be one more child to kill.
 */
async function followProject(
  deps: ComposeDeps,
  ctx: ToolContext,
  sources: Source[],
  options: {
    from: number;
    last: Map<string, Line>;
    match: LineMatcher | undefined;
    duration?: number;
    maxLines?: number;
  },
): Promise<FollowOutcome> {
  const window = followWindow(ctx, options.duration, FOLLOW_DEFAULT_SECONDS, Date.now());
  const follower = new LineFollower({
    durationMs: window.durationMs,
    ...(options.maxLines !== undefined ? { maxLines: options.maxLines } : {}),
    maxBytes: MAX_LOG_BYTES,
    progress: (message) => ctx.progress(message),
  });
  const byLabel = new Map(sources.map((s) => [s.label, s]));
  let stop: FollowStop | undefined;
  try {
    const ended = await Promise.all(
      sources.map(async (source) => {
        const prev = options.last.get(source.row.id);
        try {
          const result = await deps.engine.followLogs(
            source.row.id,
            source.tty,
            {
              tail: "all",
              since: options.from,
              timestamps: true,
              maxLineChars: FOLLOW_MAX_LINE_CHARS,
              stop: follower.stop,
            },
            (line, cut) => {
              const stamped = splitStamp(line.text);
              // Seen by the first read already (since is inclusive and the read ran after `from`).
              if (!stamped || (prev && compareStamps(stamped, prev) <= 0)) return undefined;
              // Masked before grep and before it leaves as progress.
              const text = ctx.redactCapped(sanitizeText(stamped.text), Number.POSITIVE_INFINITY, cut).text;
              if (options.match && !options.match.test(text)) return undefined;
              return follower.add({ stream: line.stream, text, source: source.label, time: stamped.time });
            },
            ctx.signal,
          );
          // One broken stream means the daemon went away: the others are ending too.
          if (result.stoppedBy === "connection_lost") follower.end("connection_lost");
          return result.stoppedBy;
        } catch (error) {
          // Removed between the listing and the follow: its log has ended.
          if (!ctx.signal.aborted && isEngineError(error) && error.code === "NOT_FOUND") return "ended";
          throw error;
        }
      }),
    );
    stop = follower.reason ?? (ended.includes("connection_lost") ? "connection_lost" : "container_stopped");
  } finally {
    // On cancel, deadline or a failed stream the kernel answers; the other streams and the timers end here.
    if (!stop) follower.end("deadline_margin");
  }
  const summary = follower.finish();
  const lines = summary.lines.flatMap((l): Line[] => {
    const source = l.source === undefined ? undefined : byLabel.get(l.source);
    const stamped = l.time === undefined ? undefined : splitStamp(l.time);
    if (!source || !stamped) return [];
    return [
      {
        ...stamped,
        text: l.text,
        service: source.service,
        container: source.label,
        stream: l.stream,
      },
    ];
  });
  return {
    lines,
    dropped: summary.dropped,
    summary: {
      stopped_by: stop,
      reason: followStopText(stop, window, options.maxLines, sources.length),
      followed_ms: summary.followedMs,
      duration_s: Math.round(window.durationMs / 100) / 10,
      lines_seen: summary.seen,
      lines_dropped: summary.dropped,
    },
  };
}
