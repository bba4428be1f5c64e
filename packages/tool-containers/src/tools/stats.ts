import { displayName, listVisibleContainers, targetData } from "@arktechnwa/docker-kit";
import { defineTool, formatBytes, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity, StatsSample } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import type { ContainersDeps } from "../deps.js";

const input = z.strictObject({
  container: z
    .string()
    .min(1)
    .optional()
    .describe("Container name, ID prefix or full ID; omit for every running container you may see."),
});

const row = z.object({
  id: z.string(),
  name: z.string(),
  cpu_percent: z.number(),
  cpu_window_ms: z
    .number()
    .int()
    .optional()
    .describe(
      "The time CPU % is averaged over: one collector tick, or since this container's previous sample.",
    ),
  memory: z.string().describe("'256M / 512M'"),
  memory_usage_bytes: z.number(),
  memory_limit_bytes: z.number(),
  memory_percent: z.number(),
  network_rx: z.string(),
  network_tx: z.string(),
  block_read: z.string(),
  block_write: z.string(),
  pids: z.number().int(),
  error: z.string().optional().describe("Why this container could not be sampled (the others still were)."),
});

const output = z.object({
  containers: z.array(row),
  summary: z.string(),
  hidden: z.number().int(),
});

export const statsTool = defineTool({
  name: "docker_stats",
  title: "Container resource usage",
  description:
    "CPU %, memory (used / limit and %), network rx/tx and block read/write for one container or every running " +
    "container you may see. Takes about one second (CPU % needs two samples).",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  targetKinds: ["container"],
  targets: (args) => (args.container ? [{ kind: "container", ref: args.container }] : []),
  render: (out) =>
    [
      out.summary,
      ...out.containers.map((c) =>
        c.error
          ? `${c.name} (${c.id}): not sampled: ${c.error}`
          : `${c.name} (${c.id}): CPU ${c.cpu_percent}%  MEM ${c.memory} (${c.memory_percent}%)  NET ${c.network_rx} / ${c.network_tx}  BLOCK ${c.block_read} / ${c.block_write}  PIDS ${c.pids}`,
      ),
    ].join("\n"),
});

const round2 = (n: number) => Math.round(n * 100) / 100;

function toRow(s: StatsSample) {
  return {
    id: s.id.slice(0, 12),
    name: s.name,
    cpu_percent: round2(s.cpuPercent),
    ...(s.cpuWindowMs !== undefined ? { cpu_window_ms: s.cpuWindowMs } : {}),
    memory: `${formatBytes(s.memoryUsageBytes)} / ${formatBytes(s.memoryLimitBytes)}`,
    memory_usage_bytes: s.memoryUsageBytes,
    memory_limit_bytes: s.memoryLimitBytes,
    memory_percent: round2(s.memoryPercent),
    network_rx: formatBytes(s.networkRxBytes),
    network_tx: formatBytes(s.networkTxBytes),
    block_read: formatBytes(s.blockReadBytes),
    block_write: formatBytes(s.blockWriteBytes),
    pids: s.pids,
    ...(s.error ? { error: s.error } : {}),
  };
}

export function statsHandler(deps: ContainersDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    let ids: string[];
    let hidden = 0;
    if (args.container) {
      const identity = targetData<ContainerIdentity>(ctx, "container");
      if (identity.state !== "running" && identity.state !== "paused") {
        return {
          containers: [],
          summary: `${displayName(identity)} is ${identity.state}: only running (or paused) containers have stats.`,
          hidden,
        };
      }
      ids = [identity.id];
    } else {
      const seen = await listVisibleContainers(deps, ctx, { all: false });
      hidden = seen.hidden;
      ids = seen.visible.map((c) => c.id);
    }
    const samples = ids.length > 0 ? await deps.engine.stats(ids, ctx.signal) : [];
    const rows = samples.map(toRow);
    const totalCpu = round2(samples.reduce((sum, s) => sum + s.cpuPercent, 0));
    const totalMem = samples.reduce((sum, s) => sum + s.memoryUsageBytes, 0);
    let summary =
      rows.length === 0
        ? "No running containers"
        : `${rows.length} running container${rows.length === 1 ? "" : "s"}: CPU ${totalCpu}% in all, memory ${formatBytes(totalMem)} in all`;
    if (hidden > 0) summary += `; ${hidden} hidden by policy`;
    return { containers: rows, summary, hidden };
  };
}
