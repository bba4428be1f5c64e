import { defineTool, sanitizeText, ToolError, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { type ContainerSummary, type LineMatcher, parseTime } from "@arktechnwa/docker-mcp-engine";
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
/** Following ends this long before the call's deadline, so the answer still arrives. */
const FOLLOW_MARGIN_MS = 3_000;
const FOLLOW_POLL_MS = 1_000;

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
      "Keep reading new lines for `duration` seconds (bounded; new lines also arrive as progress notifications).",
    ),
  duration: z
    .number()
    .positive()
    .max(600)
    .optional()
    .describe("How long follow reads, in seconds (default 10; always ends before the call's deadline)."),
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
});

export const composeLogsTool = defineTool({
  name: "docker_compose_logs",
  title: "Read compose logs",
  description:
    "Read the logs of a compose project's services, interleaved by time and prefixed by service: tail per container, " +
    "since, grep (text or /regex/), and a bounded follow. Read through the Docker API; needs no compose CLI.",
  levels: ["read"],
  timeoutClass: "read",
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
      out.followed_ms !== undefined ? `followed for ${(out.followed_ms / 1000).toFixed(1)} s` : "",
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

    let followedMs: number | undefined;
    if (args.follow) {
      const started = Date.now();
      const until = Math.min(started + (args.duration ?? 10) * 1000, ctx.deadline - FOLLOW_MARGIN_MS);
      while (Date.now() < until && !ctx.signal.aborted) {
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(FOLLOW_POLL_MS, Math.max(0, until - Date.now()))),
        );
        if (ctx.signal.aborted) break;
        const fresh = await Promise.all(
          sources.map(async (s) => {
            const prev = last.get(s.row.id);
            // since is inclusive and whole milliseconds are enough: drop what was already seen.
            const got = await read(s, prev ? prev.ms / 1000 : started / 1000, false).catch(() => []);
            const newer = prev ? got.filter((l) => compareStamps(l, prev) > 0) : got;
            const tailLine = newer.at(-1);
            if (tailLine) last.set(s.row.id, tailLine);
            return newer;
          }),
        );
        const batch = fresh.flat().sort(compareStamps);
        if (batch.length > 0) {
          lines.push(...batch);
          ctx.progress(batch.map((l) => `${l.container} | ${l.text}`).join("\n"));
        }
      }
      followedMs = Date.now() - started;
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
      ...(followedMs !== undefined ? { followed_ms: followedMs } : {}),
    };
  };
}
