import type { DockerDeps } from "@arktechnwa/docker-kit";
import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";

const input = z.strictObject({});

const node = z.object({
  id: z.string(),
  hostname: z.string(),
  role: z.string().describe("manager or worker."),
  availability: z.string().describe("active, pause or drain."),
  status: z.string().describe("ready, down, unknown, disconnected."),
  leader: z.boolean(),
  manager_reachability: z.string().nullable(),
  address: z.string().nullable(),
  engine_version: z.string().nullable(),
});

const output = z.object({ nodes: z.array(node), summary: z.string() });

export const nodesTool = defineTool({
  name: "docker_nodes",
  title: "List Swarm nodes",
  description:
    "List the Swarm's nodes with role (manager/worker, leader), availability (active/pause/drain) and status (ready/down). The host must be a Swarm manager.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  idempotent: true,
  input,
  output,
  listRows: "nodes",
  render: (o) =>
    [
      o.summary,
      ...o.nodes.map(
        (n) =>
          `${n.hostname}  ${n.role}${n.leader ? " (leader)" : ""}  ${n.availability}  ${n.status}  ${n.id.slice(0, 12)}`,
      ),
    ].join("\n"),
});

export function nodesHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (_args, ctx) => {
    const nodes = (await deps.engine.listNodes(ctx.signal)).map((n) => ({
      id: n.id,
      hostname: n.hostname,
      role: n.role,
      availability: n.availability,
      status: n.status,
      leader: n.leader,
      manager_reachability: n.managerReachability,
      address: n.address,
      engine_version: n.engineVersion,
    }));
    const notReady = nodes.filter((n) => n.status !== "ready" || n.availability !== "active");
    return {
      nodes,
      summary: `${nodes.length} node(s), ${nodes.filter((n) => n.role === "manager").length} manager(s)${notReady.length ? `; not ready or not active: ${notReady.map((n) => `${n.hostname} (${n.status}, ${n.availability})`).join(", ")}` : ""}`,
    };
  };
}
