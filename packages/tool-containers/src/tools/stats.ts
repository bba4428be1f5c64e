import { displayName, followWindow, listVisibleContainers, targetData } from "@arktechnwa/docker-kit";
import { defineTool, formatBytes, ToolError, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity, StatsSample } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import type { ContainersDeps } from "../deps.js";

/** How long no_stream: false samples when no duration is given, in seconds. */
export const STREAM_DEFAULT_SECONDS = 5;
/** Snapshots kept in the answer's `samples` (the newest); min/avg/max cover every one taken. */
export const STREAM_KEPT_SAMPLES = 10;

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
      `true (default): one snapshot. false: snapshots about a second apart for \`duration\` seconds (default ${STREAM_DEFAULT_SECONDS}), each sent as progress while they come; the answer has min/avg/max per container and the last ${STREAM_KEPT_SAMPLES} snapshots.`,
    ),
  duration: z
    .number()
    .positive()
    .max(3600)
    .optional()
    .describe(
      "With no_stream: false, how long to sample, in seconds (at most the server's follow timeout minus a few seconds, 297 s by default).",
    ),
});

const spread = z.object({
  container: z.string(),
  id: z.string(),
  samples: z.number().int().describe("Snapshots this container was in."),
  cpu_min: z.string(),
  cpu_avg: z.string(),
  cpu_max: z.string(),
  memory_min: z.string(),
  memory_avg: z.string(),
  memory_max: z.string(),
  cpu_percent_min: z.number(),
  cpu_percent_avg: z.number(),
  cpu_percent_max: z.number(),
  memory_usage_bytes_min: z.number(),
  memory_usage_bytes_avg: z.number(),
  memory_usage_bytes_max: z.number(),
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
    .describe(
      `With no_stream: false, the last ${STREAM_KEPT_SAMPLES} snapshots in order (the last one is also in stats).`,
    ),
  aggregates: z
    .array(spread)
    .optional()
    .describe("With no_stream: false, min/avg/max of CPU and memory per container over every snapshot."),
  sampled_ms: z.number().int().optional().describe("With no_stream: false, how long sampling ran."),
  snapshots: z.number().int().optional().describe("With no_stream: false, snapshots taken in all."),
  summary: z.string(),
  hidden: z.number().int(),
});

export const statsTool = defineTool({
  name: "docker_stats",
  title: "Container resource usage",
  description:
    "CPU ('2.5%'), memory ('256M / 512M' and '50%'), network rx/tx and disk read/write for one container or every " +
    "running container you may see, with the raw numbers alongside. Takes about one second (CPU % needs two " +
    "readings). no_stream: false samples for `duration` seconds, sends each snapshot as progress, and answers with " +
    "min/avg/max per container.",
  levels: ["read"],
  timeoutClass: "read",
  // A stream samples on purpose for a while: its deadline (and longest duration) is the follow class.
  streaming: { timeoutClass: "follow", when: (args) => args.no_stream === false },
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
    if (!out.aggregates) return [out.summary, ...lines(out.stats)].join("\n");
    return [
      out.summary,
      ...out.aggregates.map(
        (a) =>
          `${a.container} (${a.id}) over ${a.samples} snapshot${a.samples === 1 ? "" : "s"}: CPU min ${a.cpu_min} avg ${a.cpu_avg} max ${a.cpu_max}  MEM min ${a.memory_min} avg ${a.memory_avg} max ${a.memory_max}`,
      ),
      "latest:",
      ...lines(out.stats),
    ].join("\n");
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
    if (args.duration !== undefined && args.no_stream !== false) {
      throw new ToolError(
        "invalid_input",
        "duration applies to a stream only: add no_stream: false to sample for that long, or drop duration for one snapshot.",
      );
    }
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
    if (args.no_stream !== false) {
      const samples = ids.length > 0 ? await deps.engine.stats(ids, ctx.signal) : [];
      return { stats: samples.map(toRow), summary: summarize(samples, hidden), hidden };
    }
    // A stream: snapshots until the duration is over, each sent as progress, min/avg/max kept as it goes.
    const window = followWindow(ctx, args.duration, STREAM_DEFAULT_SECONDS, Date.now());
    const started = Date.now();
    const end = started + window.durationMs;
    const kept: { at: string; samples: StatsSample[] }[] = [];
    const spreads = new Map<string, Spread>();
    let taken = 0;
    let last: StatsSample[] = [];
    while (ids.length > 0) {
      last = await deps.engine.stats(ids, ctx.signal);
      taken++;
      kept.push({ at: new Date().toISOString(), samples: last });
      if (kept.length > STREAM_KEPT_SAMPLES) kept.shift();
      for (const sample of last) if (!sample.error) addToSpread(spreads, sample);
      const cpu = round2(last.reduce((sum, s) => sum + s.cpuPercent, 0));
      const mem = last.reduce((sum, s) => sum + s.memoryUsageBytes, 0);
      ctx.progress(
        `snapshot ${taken}: CPU ${cpu}% in all, memory ${formatBytes(mem)}; ${last
          .map((s) => `${s.name} ${round2(s.cpuPercent)}% ${formatBytes(s.memoryUsageBytes)}`)
          .join(", ")}`.slice(0, 2000),
      );
      // The next snapshot would end after the window: stop here (one takes about a second).
      if (Date.now() + 1_000 > end) break;
      // About a second apart: a snapshot that came back early waits for the rest of its second.
      const wait = 1_000 - ((Date.now() - started) % 1_000);
      if (wait > 50 && wait < 1_000) await sleep(Math.min(wait, end - Date.now()), ctx.signal);
    }
    let summary = summarize(last, hidden);
    summary += ` (latest of ${taken} snapshot${taken === 1 ? "" : "s"} over ${((Date.now() - started) / 1000).toFixed(1)} s${window.capped ? `, shortened to the ${window.maxSeconds} s this call allows` : ""})`;
    return {
      stats: last.map(toRow),
      samples: kept.map((s) => ({ at: s.at, stats: s.samples.map(toRow) })),
      aggregates: [...spreads.values()].map(spreadRow),
      sampled_ms: Date.now() - started,
      snapshots: taken,
      summary,
      hidden,
    };
  };
}

function summarize(samples: StatsSample[], hidden: number): string {
  const totalCpu = round2(samples.reduce((sum, s) => sum + s.cpuPercent, 0));
  const totalMem = samples.reduce((sum, s) => sum + s.memoryUsageBytes, 0);
  let summary =
    samples.length === 0
      ? "No running containers"
      : `${samples.length} running container${samples.length === 1 ? "" : "s"}: CPU ${totalCpu}% in all, memory ${formatBytes(totalMem)} in all`;
  if (hidden > 0) summary += `; ${hidden} hidden by policy`;
  return summary;
}

interface Spread {
  name: string;
  id: string;
  n: number;
  cpu: { min: number; sum: number; max: number };
  mem: { min: number; sum: number; max: number };
}

function addToSpread(spreads: Map<string, Spread>, s: StatsSample): void {
  const entry = spreads.get(s.id) ?? {
    name: s.name,
    id: s.id.slice(0, 12),
    n: 0,
    cpu: { min: Number.POSITIVE_INFINITY, sum: 0, max: Number.NEGATIVE_INFINITY },
    mem: { min: Number.POSITIVE_INFINITY, sum: 0, max: Number.NEGATIVE_INFINITY },
  };
  entry.n++;
  for (const [acc, value] of [
    [entry.cpu, s.cpuPercent],
    [entry.mem, s.memoryUsageBytes],
  ] as const) {
    acc.min = Math.min(acc.min, value);
    acc.max = Math.max(acc.max, value);
    acc.sum += value;
  }
  spreads.set(s.id, entry);
}

function spreadRow(e: Spread): z.input<typeof spread> {
  const cpuAvg = round2(e.cpu.sum / e.n);
  const memAvg = Math.round(e.mem.sum / e.n);
  return {
    container: e.name,
    id: e.id,
    samples: e.n,
    cpu_min: `${round2(e.cpu.min)}%`,
    cpu_avg: `${cpuAvg}%`,
    cpu_max: `${round2(e.cpu.max)}%`,
    memory_min: formatBytes(e.mem.min),
    memory_avg: formatBytes(memAvg),
    memory_max: formatBytes(e.mem.max),
    cpu_percent_min: round2(e.cpu.min),
    cpu_percent_avg: cpuAvg,
    cpu_percent_max: round2(e.cpu.max),
    memory_usage_bytes_min: e.mem.min,
    memory_usage_bytes_avg: memAvg,
    memory_usage_bytes_max: e.mem.max,
  };
}

/** Waits, or rejects at once when the call is cancelled or its deadline passes. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
