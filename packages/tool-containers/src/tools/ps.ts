import { displayName, listVisibleContainers, ownNames } from "@arktechnwa/docker-kit";
import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import {
  exitCodeFromStatus,
  formatPorts,
  healthFromStatus,
  statusIcon,
  uptimeFromStatus,
} from "../container-status.js";
import type { ContainersDeps } from "../deps.js";

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
  state: z.string(),
  status: z.string().describe("Docker's status text, e.g. 'Up 3 hours (healthy)'."),
  status_icon: z.string(),
  uptime: z.string().optional(),
  exit_code: z.number().int().optional(),
  health: z.string().optional(),
  ports: z.array(z.string()),
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
    "List Docker containers with state, uptime, ports and health. Running only unless all=true. " +
    "Filter by name, status or label. Containers the policy hides are left out.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  render: (out) => {
    const lines = out.containers.map(
      (c) =>
        `${c.status_icon} ${c.name} (${c.id}) ${c.image}: ${c.status}${c.ports.length ? `  ports ${c.ports.join(", ")}` : ""}`,
    );
    return [out.summary, ...lines].join("\n");
  },
});

export function psHandler(deps: ContainersDeps): ToolHandler<typeof input, typeof output> {
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

    const containers = shown.map((c) => {
      const health = healthFromStatus(c.status);
      const uptime = uptimeFromStatus(c.status);
      const exitCode = exitCodeFromStatus(c.status);
      return {
        id: c.id.slice(0, 12),
        name: displayName(c),
        image: c.image,
        state: c.state,
        status: c.status,
        status_icon: statusIcon(c.state, health),
        ...(uptime ? { uptime } : {}),
        ...(exitCode !== undefined ? { exit_code: exitCode } : {}),
        ...(health ? { health } : {}),
        ports: formatPorts(c.ports),
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
