import {
  displayName,
  exitCodeFromStatus,
  formatPorts,
  healthFromStatus,
  listVisibleContainers,
  ownNames,
  statusIcon,
  uptimeFromStatus,
} from "@arktechnwa/docker-kit";
import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import type { ContainersDeps } from "../deps.js";
import { StartTimes } from "../uptime.js";

const STATES = ["created", "running", "paused", "restarting", "removing", "exited", "dead"] as const;

const input = z.strictObject({
  all: z.boolean().optional().describe("Include stopped containers (default: running only)."),
  filter: z
    .strictObject({
      name: z
        .string()
        .min(1)
        .optional()
        .describe("Part of the container name; with * it must match the whole name (e.g. 'web-*')."),
      status: z.enum(STATES).optional().describe("Only containers in this state (implies all)."),
      label: z.string().min(1).optional().describe("'key' or 'key=value'."),
    })
    .optional(),
  limit: z.number().int().min(1).max(1000).optional().describe("At most this many containers (default 100)."),
});

const container = z.object({
  id: z.string().describe("Short ID (12 characters)."),
  name: z.string(),
  image: z.string(),
  status: z.string().describe("The state: running, exited, paused, created, restarting, removing or dead."),
  status_icon: z
    .string()
    .describe("✓ running, ⚠ running but unhealthy, ⏸ paused, ✗ exited or dead, ○ created."),
  uptime: z
    .string()
    .nullable()
    .describe("Since the container started, e.g. '3d 12h'; null when it is not running."),
  ports: z.array(z.string()).describe("e.g. '0.0.0.0:8080->80/tcp'"),
  health: z
    .string()
    .nullable()
    .describe("healthy, unhealthy or starting; null when the container has no health check (or is stopped)."),
  state: z.string().describe("Same as status."),
  status_text: z.string().describe("Docker's own status text, e.g. 'Up 3 hours (healthy)'."),
  exit_code: z.number().int().optional(),
  created: z.string().describe("RFC 3339."),
});

const output = z.object({
  containers: z.array(container),
  summary: z.string(),
  hidden: z
    .number()
    .int()
    .optional()
    .describe("Containers left out because the policy hides them (only counted when no filter is given)."),
  truncated: z.boolean(),
});

export const psTool = defineTool({
  name: "docker_ps",
  title: "List containers",
  description:
    "List Docker containers: name, image, status (running, exited, ...), uptime ('3d 12h'), ports and health " +
    "(null without a health check). Running only unless all=true. " +
    "Filter by name, status or label. Containers the policy hides are left out.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  listRows: "containers",
  render: (out) => {
    const lines = out.containers.map(
      (c) =>
        `${c.status_icon} ${c.name} (${c.id}) ${c.image}: ${c.status}${c.uptime ? ` ${c.uptime}` : ""}${c.health ? ` (${c.health})` : ""}${c.exit_code !== undefined ? ` (exit ${c.exit_code})` : ""}${c.ports.length ? `  ports ${c.ports.join(", ")}` : ""}`,
    );
    return [out.summary, ...lines].join("\n");
  },
});

export function psHandler(deps: ContainersDeps): ToolHandler<typeof input, typeof output> {
  // Start times, kept across calls: only a container started since the last call costs an inspect.
  const starts = new StartTimes();
  return async (args, ctx) => {
    const filters: Record<string, string[]> = {};
    if (args.filter?.status) filters.status = [args.filter.status];
    if (args.filter?.label) filters.label = [args.filter.label];
    const all = args.all === true || args.filter?.status !== undefined;
    const { visible: seen, hidden } = await listVisibleContainers(deps, ctx, { all, filters });
    const name = args.filter?.name;
    const visible = name ? seen.filter((c) => ownNames(c.names).some(nameMatcher(name))) : seen;
    // A hidden count under a filter would tell which names or labels hidden containers have.
    const filtered = args.filter !== undefined && Object.values(args.filter).some((v) => v !== undefined);
    const limit = args.limit ?? 100;
    const shown = visible.slice(0, limit);

    const uptimes = await starts.uptimes(
      shown,
      (id, signal) => deps.engine.inspectContainer(id, signal),
      ctx.signal,
    );
    const containers = shown.map((c) => {
      const health = healthFromStatus(c.status) ?? null;
      const running = c.state === "running" || c.state === "paused";
      const exitCode = exitCodeFromStatus(c.status);
      return {
        id: c.id.slice(0, 12),
        name: displayName(c),
        image: c.image,
        status: c.state,
        status_icon: statusIcon(c.state, health),
        // The status text ("Up 3 days") when the start time could not be read.
        uptime: running ? (uptimes.get(c.id) ?? uptimeFromStatus(c.status) ?? null) : null,
        ports: formatPorts(c.ports),
        health,
        state: c.state,
        status_text: c.status,
        ...(exitCode !== undefined ? { exit_code: exitCode } : {}),
        created: new Date(c.created * 1000).toISOString(),
      };
    });
    return {
      containers,
      summary: summarize(visible, filtered ? 0 : hidden, shown.length, all),
      ...(filtered ? {} : { hidden }),
      truncated: shown.length < visible.length,
    };
  };
}

function summarize(visible: { state: string }[], hidden: number, shown: number, all: boolean): string {
  const running = visible.filter((c) => c.state === "running").length;
  const other = visible.length - running;
  let text = all
    ? `${running} running, ${other} stopped container${other === 1 ? "" : "s"}`
    : `${running} running container${running === 1 ? "" : "s"}`;
  if (visible.length === 0)
    text = all ? "No containers" : "No running containers (all=true shows stopped ones too)";
  if (shown < visible.length) text += `; showing the first ${shown} (raise limit to see more)`;
  if (hidden > 0) text += `; ${hidden} hidden by policy`;
  return text;
}

/** Substring match, or a whole-name wildcard match when the filter contains `*`. */
function nameMatcher(filter: string): (name: string) => boolean {
  if (!filter.includes("*")) return (name) => name.includes(filter);
  const source = filter
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  const re = new RegExp(`^${source}$`);
  return (name) => re.test(name);
}
