import { type DockerDeps, shortId } from "@arktechnwa/docker-kit";
import { defineTool, ToolError, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { type DaemonEvent, parseTime } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { eventJudge } from "../event-visibility.js";

/** The window read when no since is given: recent enough to be quick, and never open-ended. */
const DEFAULT_WINDOW_SECONDS = 600;
/** How far past now `until` may lie: the call then waits for those events, inside the read deadline. */
const MAX_FUTURE_SECONDS = 20;

const TYPES = [
  "container",
  "image",
  "network",
  "volume",
  "daemon",
  "plugin",
  "builder",
  "node",
  "service",
  "secret",
  "config",
] as const;

const input = z.strictObject({
  since: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Start: RFC 3339, Unix seconds or a duration ago ('10m', '1h'). Default: 10 minutes before until.",
    ),
  until: z
    .string()
    .min(1)
    .optional()
    .describe(
      `End: same forms; default now. At most ${MAX_FUTURE_SECONDS} s ahead (the call then waits for it).`,
    ),
  filters: z
    .strictObject({
      type: z.array(z.enum(TYPES)).max(11).optional(),
      event: z
        .array(z.string().min(1))
        .max(20)
        .optional()
        .describe("Actions: start, die, oom, create, destroy, ..."),
      container: z.array(z.string().min(1)).max(20).optional().describe("Container names or IDs."),
      image: z.array(z.string().min(1)).max(20).optional(),
      network: z.array(z.string().min(1)).max(20).optional(),
      volume: z.array(z.string().min(1)).max(20).optional(),
      label: z.array(z.string().min(1)).max(20).optional().describe("'key' or 'key=value'."),
    })
    .optional(),
  limit: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe("At most this many events, the newest (default 200); listed oldest first."),
});

const output = z.object({
  events: z.array(
    z.object({
      time: z.string().describe("RFC 3339 with milliseconds."),
      type: z.string(),
      action: z.string(),
      id: z.string().describe("Short ID (a volume's name)."),
      name: z.string().optional(),
      attributes: z.record(z.string(), z.string()),
    }),
  ),
  since: z.string(),
  until: z.string(),
  hidden: z
    .number()
    .int()
    .optional()
    .describe(
      "Events left out because they concern resources the policy hides (only counted when no filter is given).",
    ),
  truncated: z.boolean().describe("More events matched than limit: the older ones were left out."),
  summary: z.string(),
});

export const eventsTool = defineTool({
  name: "docker_events",
  title: "Daemon events",
  description:
    "The daemon's events (container start/die/oom/kill, image pull/delete, network connect, volume mount, ...) " +
    "between since and until, never open-ended: by default the last 10 minutes. The daemon keeps only its " +
    "last 256 events in memory and none across a restart. Events about resources the policy hides are left out.",
  levels: ["system"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  render: (o) =>
    [o.summary, ...o.events.map((e) => `${e.time} ${e.type} ${e.action} ${e.name ?? e.id}`)].join("\n"),
});

export function eventsHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const now = (deps.now ?? Date.now)();
    const time = (value: string, key: string) => {
      try {
        return parseTime(value, now);
      } catch (error) {
        throw new ToolError("invalid_input", `${key}: ${(error as Error).message}`);
      }
    };
    const until = args.until ? time(args.until, "until") : now / 1000;
    const since = args.since ? time(args.since, "since") : until - DEFAULT_WINDOW_SECONDS;
    if (until > now / 1000 + MAX_FUTURE_SECONDS) {
      throw new ToolError(
        "invalid_input",
        `until lies more than ${MAX_FUTURE_SECONDS} s ahead: events are read in a bounded window; give an until at most that far in the future, then call again.`,
      );
    }
    if (since > until)
      throw new ToolError("invalid_input", "since lies after until: swap them or widen the window.");
    const limit = args.limit ?? 200;
    const filters = Object.fromEntries(
      Object.entries(args.filters ?? {}).filter(
        (e): e is [string, string[]] => Array.isArray(e[1]) && e[1].length > 0,
      ),
    );
    const [events, judge] = await Promise.all([
      deps.engine.readEvents(
        // Past events come from the daemon's buffer of 256 (and at most 20 s of new ones): all are read,
        // so the newest are kept.
        { since, until, ...(Object.keys(filters).length ? { filters } : {}), max: 4096 },
        ctx.signal,
      ),
      eventJudge(deps, ctx),
    ]);
    const { visible, hidden } = ctx.visible(
      events.filter((e) => judge.resource(e) !== undefined),
      (e) => judge.resource(e) as NonNullable<ReturnType<typeof judge.resource>>,
    );
    const kept = new Set<DaemonEvent>(visible);
    const shown = events.filter((e) => kept.has(e) || judge.resource(e) === undefined);
    const truncated = shown.length > limit;
    const rows = shown.slice(-limit).map((e) => {
      const attributes = { ...e.attributes };
      // A network or volume event may name the container it concerns: only one the caller may see.
      if (attributes.container && !judge.containerVisible(attributes.container)) {
        attributes.container = "(hidden by policy)";
      }
      const name = e.type === "volume" ? e.id : attributes.name;
      return {
        time: new Date(e.timeMs).toISOString(),
        type: e.type,
        action: e.action,
        id: e.type === "volume" ? e.id : shortId(e.id),
        ...(name ? { name } : {}),
        attributes,
      };
    });
    const from = new Date(since * 1000).toISOString();
    const to = new Date(until * 1000).toISOString();
    let summary = `${rows.length} event${rows.length === 1 ? "" : "s"} from ${from} to ${to}`;
    if (truncated) summary += ` (the last ${limit} of ${shown.length}; narrow the window or raise limit)`;
    // Under a filter the count would tell that a hidden resource of that name had events.
    const filtered = Object.keys(filters).length > 0;
    if (hidden > 0 && !filtered) summary += `; ${hidden} about resources the policy hides left out`;
    return { events: rows, since: from, until: to, ...(filtered ? {} : { hidden }), truncated, summary };
  };
}
