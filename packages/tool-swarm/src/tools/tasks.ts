import type { DockerDeps } from "@arktechnwa/docker-kit";
import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { allowedService, visibleServices } from "../visible-services.js";

const input = z.strictObject({
  service: z
    .string()
    .min(1)
    .optional()
    .describe("Service name, ID or ID prefix (default: every visible service)."),
  failed_only: z.boolean().optional().describe("Keep tasks that failed, were rejected or have an error."),
});

const task = z.object({
  id: z.string(),
  service: z.string(),
  slot: z.number().int().nullable(),
  node_id: z.string().nullable(),
  state: z.string().describe("running, failed, rejected, shutdown, pending, ..."),
  desired_state: z.string(),
  message: z.string(),
  error: z.string().nullable().describe("Why the task failed, as the manager says."),
  exit_code: z.number().int().nullable(),
  container_id: z.string().nullable(),
  timestamp: z.string(),
});

const output = z.object({ tasks: z.array(task), summary: z.string() });

const FAILED = new Set(["failed", "rejected", "orphaned"]);

export const tasksTool = defineTool({
  name: "docker_service_tasks",
  title: "List Swarm tasks",
  description:
    "List a Swarm service's tasks (or every visible service's) with their state, desired state, node and error: why a replica does not run. The host must be a Swarm manager.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  idempotent: true,
  input,
  output,
  listRows: "tasks",
  render: (o) =>
    [
      o.summary,
      ...o.tasks.map(
        (t) =>
          `${t.service}.${t.slot ?? t.node_id ?? ""} ${t.id.slice(0, 12)}  ${t.state} (want ${t.desired_state})${t.error ? `  error: ${t.error}` : ""}`,
      ),
    ].join("\n"),
});

export function tasksHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const services = args.service
      ? [await allowedService(deps, ctx, args.service)]
      : (await visibleServices(deps, ctx)).visible;
    const names = new Map(services.map((s) => [s.id, s.name]));
    const raw = await deps.engine.listTasks(
      args.service ? { service: services[0]?.id as string } : {},
      ctx.signal,
    );
    const tasks = raw
      .filter((t) => names.has(t.serviceId))
      .filter((t) => !args.failed_only || FAILED.has(t.state) || t.error !== null)
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
      .map((t) => ({
        id: t.id,
        service: names.get(t.serviceId) as string,
        slot: t.slot,
        node_id: t.nodeId,
        state: t.state,
        desired_state: t.desiredState,
        message: t.message,
        error: t.error,
        exit_code: t.exitCode,
        container_id: t.containerId,
        timestamp: t.timestamp,
      }));
    const failed = tasks.filter((t) => FAILED.has(t.state));
    return {
      tasks,
      summary: `${tasks.length} task(s), ${tasks.filter((t) => t.state === "running").length} running${failed.length ? `, ${failed.length} failed (latest error: ${failed[0]?.error ?? failed[0]?.message})` : ""}`,
    };
  };
}
