import { displayName, listVisibleContainers, targetData } from "@arktechnwa/docker-kit";
import { defineTool, formatBytes, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity, StatsSample } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import type { ContainersDeps } from "../deps.js";

/** Samples taken when no_stream is false, until the streaming work bounds a stream by time. */
export const STREAM_SAMPLES = 3;

const input = z.strictObject({
  container: z
    .string()
    .min(1)
    .optional()
    .describe("Container name, ID prefix or full ID; omit for every running container you may see."),
  no_stream: z
    .boolean()
    .optional()
    .describe(
      `true (default): one snapshot. false: ${STREAM_SAMPLES} snapshots about a second apart, sent as progress while they come, all in the answer.`,
    ),
});

const row = z.object({
  container: z.string().describe("The container's name, e.g. 'myapp-web'."),
  cpu: z.string().describe("'2.5%' (of one CPU; over 100% on several)"),
  memory: z.string().describe("'256M / 512M' (used / limit)"),
  memory_percent: z.string().describe("'50%'"),
  network_rx: z.string().describe("Received in all, e.g. '1.2GB'."),
  network_tx: z.string().describe("Sent in all, e.g. '450MB'."),
  disk_read: z.string().describe("Block I/O read in all, e.g. '100MB'."),
  disk_write: z.string().describe("Block I/O written in all, e.g. '50MB'."),
  id: z.string().describe("Short ID (12 characters)."),
  name: z.string(),
  cpu_percent: z.number(),
  cpu_window_ms: z
    .number()
    .int()
    .optional()
    .describe(
      "The time CPU % is averaged over: one collector tick, or since this container's previous sample.",
    ),
  memory_usage_bytes: z.number(),
  memory_limit_bytes: z.number(),
  network_rx_bytes: z.number(),
  network_tx_bytes: z.number(),
  disk_read_bytes: z.number(),
  disk_write_bytes: z.number(),
  pids: z.number().int(),
  error: z.string().optional().describe("Why this container could not be sampled (the others still were)."),
});

const output = z.object({
  stats: z.array(row).describe("The latest snapshot, one row per container."),
  samples: z
    .array(z.object({ at: z.string().describe("RFC 3339"), stats: z.array(row) }))
    .optional()
    .describe("With no_stream: false, every snapshot in order (the last one is also in stats)."),
  summary: z.string(),
  hidden: z.number().int(),
});

export const statsTool = defineTool({
  name: "docker_stats",
  title: "Container resource usage",
  description:
    "CPU ('2.5%'), memory ('256M / 512M' and '50%'), network rx/tx and disk read/write for one container or every " +
    "running container you may see, with the raw numbers alongside. Takes about one second (CPU % needs two " +
    `readings). no_stream: false takes ${STREAM_SAMPLES} snapshots about a second apart (a longer stream is not offered).`,
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  targets: (args) => (args.container ? [{ kind: "container", ref: args.container }] : []),
  targetKinds: ["container"],
  render: (out) => {
    const lines = (rows: z.output<typeof row>[]) =>
      rows.map((c) =>
        c.error
          ? `${c.container} (${c.id}): not sampled: ${c.error}`
          : `${c.container} (${c.id}): CPU ${c.cpu}  MEM ${c.memory} (${c.memory_percent})  NET ${c.network_rx} / ${c.network_tx}  DISK ${c.disk_read} / ${c.disk_write}  PIDS ${c.pids}`,
      );
    if (!out.samples || out.samples.length < 2) return [out.summary, ...lines(out.stats)].join("\n");
    return [out.summary, ...out.samples.flatMap((s) => [`at ${s.at}:`, ...lines(s.stats)])].join("\n");
  },
});

const round2 = (n: number) => Math.round(n * 100) / 100;

/** 1200000000 -> "1.2GB", 450000000 -> "450MB": decimal units, as the docker CLI prints I/O. */
export function formatDecimalBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${Number(value.toPrecision(3))}${units[i]}`;
}

function toRow(s: StatsSample) {
  return {
    container: s.name,
    cpu: `${round2(s.cpuPercent)}%`,
    memory: `${formatBytes(s.memoryUsageBytes)} / ${formatBytes(s.memoryLimitBytes)}`,
    memory_percent: `${round2(s.memoryPercent)}%`,
    network_rx: formatDecimalBytes(s.networkRxBytes),
    network_tx: formatDecimalBytes(s.networkTxBytes),
    disk_read: formatDecimalBytes(s.blockReadBytes),
    disk_write: formatDecimalBytes(s.blockWriteBytes),
    id: s.id.slice(0, 12),
    name: s.name,
    cpu_percent: round2(s.cpuPercent),
    ...(s.cpuWindowMs !== undefined ? { cpu_window_ms: s.cpuWindowMs } : {}),
    memory_usage_bytes: s.memoryUsageBytes,
    memory_limit_bytes: s.memoryLimitBytes,
    network_rx_bytes: s.networkRxBytes,
    network_tx_bytes: s.networkTxBytes,
    disk_read_bytes: s.blockReadBytes,
    disk_write_bytes: s.blockWriteBytes,
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
          stats: [],
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
    const rounds = args.no_stream === false ? STREAM_SAMPLES : 1;
    const series: { at: string; samples: StatsSample[] }[] = [];
    for (let i = 0; i < rounds && ids.length > 0; i++) {
      const taken = await deps.engine.stats(ids, ctx.signal);
      series.push({ at: new Date().toISOString(), samples: taken });
      // The last snapshot is the answer itself.
      if (i < rounds - 1) {
        const cpu = round2(taken.reduce((sum, s) => sum + s.cpuPercent, 0));
        ctx.progress(`snapshot ${i + 1} of ${rounds}: CPU ${cpu}% in all`, i + 1, rounds);
      }
    }
    const samples = series.at(-1)?.samples ?? [];
    const rows = samples.map(toRow);
    const totalCpu = round2(samples.reduce((sum, s) => sum + s.cpuPercent, 0));
    const totalMem = samples.reduce((sum, s) => sum + s.memoryUsageBytes, 0);
    let summary =
      rows.length === 0
        ? "No running containers"
        : `${rows.length} running container${rows.length === 1 ? "" : "s"}: CPU ${totalCpu}% in all, memory ${formatBytes(totalMem)} in all`;
    if (series.length > 1) summary += ` (latest of ${series.length} snapshots)`;
    if (hidden > 0) summary += `; ${hidden} hidden by policy`;
    return {
      stats: rows,
      ...(rounds > 1 ? { samples: series.map((s) => ({ at: s.at, stats: s.samples.map(toRow) })) } : {}),
      summary,
      hidden,
    };
  };
}
