import type { ApiClient } from "../api-client.js";
import { inspectContainer, listContainers, resolveContainer, stripSlash } from "../containers.js";
import type { CpuHistory } from "../cpu-history.js";
import { createContainer, removeContainer } from "../create.js";
import { runExec } from "../exec.js";
import { type FollowLogsOptions, type FollowLogsResult, followLogs } from "../follow-logs.js";
import { lifecycle } from "../lifecycle.js";
import type { LocalCpu } from "../local-cpu.js";
import { readLogs } from "../logs.js";
import type { LookupCache } from "../lookup-cache.js";
import { type ScanLogsOptions, type ScanLogsResult, scanLogs } from "../scan-logs.js";
import { type StatsStrategy, sampleStats } from "../stats.js";
import type {
  ContainerIdentity,
  ContainerSummary,
  CreateContainerSpec,
  ExecOptions,
  ExecResult,
  ListContainersOptions,
  LogLine,
  LogsOptions,
  LogsResult,
  LookupOptions,
  StatsSample,
} from "../types.js";

/** Containers: perception and action on containers. */
export interface ContainersArea {
  listContainers(options: ListContainersOptions, signal: AbortSignal): Promise<ContainerSummary[]>;
  /**
   * name, "/name", unique ID prefix or full ID -> exactly one container, or NOT_FOUND / AMBIGUOUS. With
   * `cached`, an identity kept current by the daemon's events may answer without a request (see
   * LookupCache); the identity then carries no inspect document (`resolvedDocument` is undefined).
   */
  resolveContainer(ref: string, signal: AbortSignal, options?: LookupOptions): Promise<ContainerIdentity>;
  /** The raw inspect document (GET /containers/{id}/json). */
  inspectContainer(id: string, signal: AbortSignal): Promise<Record<string, unknown>>;
  /** Streamed, demultiplexed (or raw for TTY), bounded by maxBytes. */
  readLogs(id: string, tty: boolean, options: LogsOptions, signal: AbortSignal): Promise<LogsResult>;
  /**
   * Streams a log to `onLine` without keeping it (bounded memory on any size); returning false stops.
   * Rejects when `signal` fires; what onLine saw until then stays with the caller.
   */
  scanLogs(
    id: string,
    tty: boolean,
    options: ScanLogsOptions,
    onLine: (line: LogLine, cut: boolean) => boolean | undefined,
    signal: AbortSignal,
  ): Promise<ScanLogsResult>;
  /**
   * Follows a log (new lines as they are written) until the container stops, `options.stop` fires,
   * onLine returns false or the connection breaks (then it resolves with what was seen). Rejects when
   * `signal` fires.
   */
  followLogs(
    id: string,
    tty: boolean,
    options: FollowLogsOptions,
    onLine: (line: LogLine, cut: boolean) => boolean | undefined,
    signal: AbortSignal,
  ): Promise<FollowLogsResult>;
  /** Samples every container concurrently; CPU % from two samples taken by the engine. */
  stats(ids: string[], signal: AbortSignal): Promise<StatsSample[]>;

  startContainer(id: string, signal: AbortSignal): Promise<void>;
  stopContainer(id: string, options: { timeoutSeconds?: number }, signal: AbortSignal): Promise<void>;
  restartContainer(id: string, options: { timeoutSeconds?: number }, signal: AbortSignal): Promise<void>;
  pauseContainer(id: string, signal: AbortSignal): Promise<void>;
  unpauseContainer(id: string, signal: AbortSignal): Promise<void>;

  /**
   * Runs a command; on `timeoutMs` it is killed and the result says `timedOut`. When `signal` fires
   * (cancel or deadline) the command is killed too, within a short grace, and the call rejects with
   * ABORTED/TIMEOUT saying whether it was killed.
   */
  exec(id: string, options: ExecOptions, signal: AbortSignal): Promise<ExecResult>;

  createContainer(
    spec: CreateContainerSpec,
    signal: AbortSignal,
  ): Promise<{ id: string; warnings: string[] }>;
  removeContainer(
    id: string,
    options: { force?: boolean; volumes?: boolean },
    signal: AbortSignal,
  ): Promise<void>;
}

export interface ContainersAreaOptions {
  statsStrategy: StatsStrategy;
  history: CpuHistory | undefined;
  lookups: LookupCache | undefined;
  localCpu?: LocalCpu | undefined;
}

export function containersArea(api: ApiClient, options: ContainersAreaOptions): ContainersArea {
  return {
    listContainers: (opts, signal) => listContainers(api, opts, signal),
    resolveContainer: (ref, signal, opts) =>
      opts?.cached && options.lookups
        ? cachedResolve(api, options.lookups, ref, signal)
        : resolveContainer(api, ref, signal),
    inspectContainer: (id, signal) => inspectContainer(api, id, signal),
    readLogs: (id, tty, opts, signal) => readLogs(api, id, tty, opts, signal),
    scanLogs: (id, tty, opts, onLine, signal) => scanLogs(api, id, tty, opts, onLine, signal),
    followLogs: (id, tty, opts, onLine, signal) => followLogs(api, id, tty, opts, onLine, signal),
    stats: (ids, signal) =>
      sampleStats(api, ids, signal, options.statsStrategy, options.history, options.localCpu),
    startContainer: (id, signal) => lifecycle(api, id, "start", undefined, signal),
    stopContainer: (id, opts, signal) => lifecycle(api, id, "stop", opts.timeoutSeconds, signal),
    restartContainer: (id, opts, signal) => lifecycle(api, id, "restart", opts.timeoutSeconds, signal),
    pauseContainer: (id, signal) => lifecycle(api, id, "pause", undefined, signal),
    unpauseContainer: (id, signal) => lifecycle(api, id, "unpause", undefined, signal),
    exec: (id, opts, signal) => runExec(api, id, opts, signal),
    createContainer: (spec, signal) => createContainer(api, spec, signal),
    removeContainer: (id, opts, signal) => removeContainer(api, id, opts, signal),
  };
}

/** A container from what the event-kept cache holds, else looked up (and kept when it may be). */
async function cachedResolve(
  api: ApiClient,
  lookups: LookupCache,
  input: string,
  signal: AbortSignal,
): Promise<ContainerIdentity> {
  const ref = stripSlash(input.trim());
  const hit = lookups.container(ref);
  if (hit) return hit;
  const mark = lookups.mark("container");
  const identity = await resolveContainer(api, input, signal);
  lookups.keepContainer(ref, identity, mark);
  return identity;
}
