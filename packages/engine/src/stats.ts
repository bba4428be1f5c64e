import { setMaxListeners } from "node:events";
import type { IncomingMessage } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { type ApiClient, compareVersions } from "./api-client.js";
import { stripSlash } from "./containers.js";
import { type CpuHistory, type CpuReading, readAtMs } from "./cpu-history.js";
import { connectionError } from "./daemon-errors.js";
import { EngineError } from "./errors.js";
import type { LocalCpu } from "./local-cpu.js";
import type { StatsSample } from "./types.js";

/** The parts of one Docker stats frame we read. */
export interface RawStats {
  read?: string;
  preread?: string;
  name?: string;
  id?: string;
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: { op?: string; value?: number }[] | null };
  pids_stats?: { current?: number };
}

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data?: { periods?: number; throttled_periods?: number; throttled_time?: number };
}

/** A CPU % window shorter than this is noise; the daemon's collector ticks every second. */
const MIN_ONE_SHOT_WINDOW_MS = 500;

/** How a sample is taken; see `sampleStats` and the measurements in the README. */
export type StatsStrategy = "stream" | "one-shot" | "precpu";

/** A stopped container answers with an empty, zero-dated frame: it has no CPU to report. */
export function isIdleFrame(frame: RawStats): boolean {
  return (
    frame.read === undefined ||
    frame.read.startsWith("0001-") ||
    frame.cpu_stats?.system_cpu_usage === undefined
  );
}

/**
 * Turns a frame (plus the earlier CPU reading) into a sample. CPU % = (container CPU delta / system CPU
 * delta) x online CPUs x 100; memory = usage minus inactive page cache (`total_inactive_file` on
 * cgroup v1, `inactive_file` on v2), as the docker CLI computes it.
 */
export function computeSample(id: string, frame: RawStats, previous: CpuStats | undefined): StatsSample {
  const cpu = frame.cpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (previous?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (previous?.system_cpu_usage ?? 0);
  const onlineCpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  const cpuPercent =
    previous?.system_cpu_usage && systemDelta > 0 && cpuDelta > 0
      ? (cpuDelta / systemDelta) * onlineCpus * 100
      : 0;

  const memory = frame.memory_stats ?? {};
  const usage = memory.usage ?? 0;
  const stats = memory.stats ?? {};
  const inactive = stats["total_inactive_file"] ?? stats["inactive_file"] ?? 0;
  const memoryUsageBytes = inactive < usage ? usage - inactive : usage;
  const memoryLimitBytes = memory.limit ?? 0;

  let networkRxBytes = 0;
  let networkTxBytes = 0;
  for (const net of Object.values(frame.networks ?? {})) {
    networkRxBytes += net.rx_bytes ?? 0;
    networkTxBytes += net.tx_bytes ?? 0;
  }
  let blockReadBytes = 0;
  let blockWriteBytes = 0;
  for (const entry of frame.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op?.toLowerCase();
    if (op === "read") blockReadBytes += entry.value ?? 0;
    else if (op === "write") blockWriteBytes += entry.value ?? 0;
  }
  return {
    id,
    name: stripSlash(frame.name ?? ""),
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryUsageBytes,
    memoryLimitBytes,
    memoryPercent:
      memoryLimitBytes > 0 ? Math.round((memoryUsageBytes / memoryLimitBytes) * 10_000) / 100 : 0,
    networkRxBytes,
    networkTxBytes,
    blockReadBytes,
    blockWriteBytes,
    pids: frame.pids_stats?.current ?? 0,
    running: true,
    ...(cpu?.throttling_data
      ? {
          cpuPeriods: cpu.throttling_data.periods ?? 0,
          cpuThrottledPeriods: cpu.throttling_data.throttled_periods ?? 0,
          cpuThrottledTimeNs: cpu.throttling_data.throttled_time ?? 0,
        }
      : {}),
  };
}

function idleSample(id: string, frame: RawStats): StatsSample {
  return { ...computeSample(id, { name: frame.name }, undefined), running: false };
}

/** Reads newline-delimited JSON frames from a stats stream until `want` frames (or the end). */
async function readFrames(res: IncomingMessage, want: (frames: RawStats[]) => boolean): Promise<RawStats[]> {
  const frames: RawStats[] = [];
  let buffer = "";
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      buffer += chunk.toString("utf8");
      let newline = buffer.indexOf("\n");
      while (newline !== -1) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) frames.push(JSON.parse(line) as RawStats);
        if (want(frames)) return frames;
        newline = buffer.indexOf("\n");
      }
      if (buffer.length > 1024 * 1024) {
        throw new EngineError("DAEMON", "Docker sent a stats frame larger than 1 MiB: not a stats stream.");
      }
    }
    if (buffer.trim()) frames.push(JSON.parse(buffer) as RawStats);
    return frames;
  } finally {
    res.destroy();
  }
}

/**
 * Whether a reading taken on this machine can start the window that ends at `last`: long enough to
 * report, and the counters moved forward as one container's and the host's do (else it was not the
 * same counter: the daemon's two readings are taken instead).
 */
function usableStart(start: CpuReading | undefined, last: RawStats): CpuReading | undefined {
  if (!start) return undefined;
  const window = readAtMs(last.read) - start.readAtMs;
  const cpuDelta = (last.cpu_stats?.cpu_usage?.total_usage ?? 0) - (start.cpu.cpu_usage?.total_usage ?? 0);
  const systemDelta = (last.cpu_stats?.system_cpu_usage ?? 0) - (start.cpu.system_cpu_usage ?? 0);
  if (!(window >= MIN_ONE_SHOT_WINDOW_MS) || cpuDelta < 0 || !(systemDelta > 0)) return undefined;
  // One container uses at most every CPU of the host.
  return cpuDelta <= systemDelta * 1.05 ? start : undefined;
}

async function sampleOne(
  api: ApiClient,
  id: string,
  strategy: StatsStrategy,
  signal: AbortSignal,
  history: CpuHistory | undefined,
  localStart?: CpuReading,
): Promise<StatsSample> {
  const what = `read the stats of container ${id.slice(0, 12)}`;
  const path = `/containers/${encodeURIComponent(id)}/stats`;
  try {
    if (strategy === "stream") {
      // First frame at the collector's next tick, second one tick later with precpu filled. A recent
      // reading from an earlier call makes the first frame enough.
      const res = await api.stream({ method: "GET", path, query: { stream: true }, what }, signal);
      const frames = await readFrames(res, (f) => {
        const first = f[0];
        if (!first) return false;
        return f.length >= 2 || isIdleFrame(first) || history?.before(id, readAtMs(first.read)) !== undefined;
      });
      const last = frames[frames.length - 1];
      if (!last || isIdleFrame(last)) {
        history?.forget(id);
        return idleSample(id, last ?? {});
      }
      const lastRead = readAtMs(last.read);
      const earlier =
        frames.length >= 2
          ? {
              cpu: last.precpu_stats ?? frames[0]?.cpu_stats ?? {},
              readAtMs: readAtMs(last.preread ?? frames[0]?.read),
            }
          : history?.before(id, lastRead);
      if (last.cpu_stats) history?.remember(id, { cpu: last.cpu_stats, readAtMs: lastRead });
      const sample = computeSample(id, last, earlier?.cpu);
      const window = earlier ? lastRead - earlier.readAtMs : Number.NaN;
      return Number.isFinite(window) ? { ...sample, cpuWindowMs: Math.round(window) } : sample;
    }
    if (strategy === "one-shot") {
      // Each one-shot answers at the collector's next tick with that tick's reading. A recent reading
      // from an earlier call makes one enough; else a second one, a tick later, starts the window.
      const query = { stream: false, "one-shot": true };
      // An empty body (a container removed meanwhile) reads as an idle frame.
      const first = (await api.json<RawStats>({ method: "GET", path, query, what }, signal)) ?? {};
      if (isIdleFrame(first)) {
        history?.forget(id);
        return idleSample(id, first);
      }
      const firstRead = readAtMs(first.read);
      // The counter read on this machine as the call started (CPU % over about the last second, as the
      // CLI shows it), else a recent reading of an earlier call, else a second reading below.
      let earlier = usableStart(localStart, first) ?? history?.before(id, firstRead);
      let last = first;
      if (!earlier) {
        let second = (await api.json<RawStats>({ method: "GET", path, query, what }, signal)) ?? {};
        // A daemon that reads at once instead of at its next tick: wait out a window worth reporting.
        const short = MIN_ONE_SHOT_WINDOW_MS - (readAtMs(second.read) - firstRead);
        if (!isIdleFrame(second) && short > 0) {
          await delay(short, undefined, { signal });
          second = (await api.json<RawStats>({ method: "GET", path, query, what }, signal)) ?? {};
        }
        if (isIdleFrame(second)) {
          history?.forget(id);
          return idleSample(id, second);
        }
        earlier = { cpu: first.cpu_stats ?? {}, readAtMs: firstRead };
        last = second;
      }
      const lastRead = readAtMs(last.read);
      if (last.cpu_stats) history?.remember(id, { cpu: last.cpu_stats, readAtMs: lastRead });
      const sample = computeSample(id, last, earlier.cpu);
      const window = lastRead - earlier.readAtMs;
      return Number.isFinite(window) ? { ...sample, cpuWindowMs: Math.round(window) } : sample;
    }
    const frame = await api.json<RawStats>({ method: "GET", path, query: { stream: false }, what }, signal);
    if (isIdleFrame(frame)) return idleSample(id, frame);
    return computeSample(id, frame, frame.precpu_stats);
  } catch (error) {
    throw api.toEngineError(error, { what }, signal);
  }
}

/** A container whose stats could not be read: zeros, `running: false` and what went wrong. */
function failedSample(id: string, error: EngineError): StatsSample {
  return { ...computeSample(id, {}, undefined), running: false, error: error.message };
}

/**
 * Whether a failure is the call's rather than one container's: the caller's cancel or deadline, or a
 * daemon that cannot be reached at all (which every container would hit alike).
 */
function failsTheCall(error: unknown, signal: AbortSignal): boolean {
  if (signal.aborted || !(error instanceof EngineError)) return true;
  if (error.code === "TIMEOUT" || error.code === "ABORTED") return true;
  return error.code === "UNREACHABLE" && connectionError(error.cause, "", "") !== undefined;
}

/**
 * Samples all containers concurrently, so the call costs about one collector tick plus one, not one
 * per container. Containers that vanished meanwhile (404) are left out; stopped containers come back
 * with zeros and `running: false`; a container whose stats fail otherwise (409/500 while it is being
 * removed, a malformed frame) comes back with `running: false` and `error`. Only a cancel, a deadline
 * or an unreachable daemon fails the whole call.
 */
export async function sampleStats(
  api: ApiClient,
  ids: string[],
  signal: AbortSignal,
  wanted: StatsStrategy = "one-shot",
  history?: CpuHistory,
  local?: LocalCpu,
): Promise<StatsSample[]> {
  history?.prune(Date.now());
  // one-shot needs API 1.41 (dockerd 20.10); older daemons stream.
  const version = wanted === "one-shot" ? await api.ensureVersion(signal) : undefined;
  const strategy = version && compareVersions(version, "1.41") < 0 ? "stream" : wanted;
  const unique = [...new Set(ids)];
  // On a local daemon, each container's CPU counter read now from its cgroup starts its window, so a
  // container without a recent reading needs one collector tick, not two (the daemon's collector
  // answers the first of many concurrent requests at once and the rest at its next tick, a second later).
  const starts = strategy === "one-shot" && local ? await local.read(unique) : undefined;
  // One failure ends the other streams too instead of leaving them open until their own end.
  const stop = new AbortController();
  const combined = AbortSignal.any([signal, stop.signal]);
  // Each concurrent request listens on it: many containers are expected, not a leak.
  setMaxListeners(unique.length * 4 + 10, combined);
  try {
    const results = await Promise.all(
      unique.map((id) =>
        sampleOne(api, id, strategy, combined, history, starts?.get(id)).catch((error: unknown) => {
          if (failsTheCall(error, signal)) throw error;
          history?.forget(id);
          if ((error as EngineError).code === "NOT_FOUND") return undefined;
          return failedSample(id, error as EngineError);
        }),
      ),
    );
    return results.filter((sample): sample is StatsSample => sample !== undefined);
  } finally {
    stop.abort();
  }
}
