import { ApiClient } from "./api-client.js";
import { resolveConnection } from "./connection.js";
import { inspectContainer, listContainers, resolveContainer } from "./containers.js";
import { CpuHistory } from "./cpu-history.js";
import { createContainer, removeContainer } from "./create.js";
import { EngineError } from "./errors.js";
import { runExec } from "./exec.js";
import { inspectImage } from "./images.js";
import { lifecycle } from "./lifecycle.js";
import { readLogs } from "./logs.js";
import { type StatsStrategy, sampleStats } from "./stats.js";
import type { ConnectionOptions, DockerEngine } from "./types.js";

export interface CreateEngineOptions extends ConnectionOptions {
  /** Environment read for DOCKER_HOST & co. (default process.env); explicit options win. */
  env?: NodeJS.ProcessEnv;
  /**
   * How stats are sampled (default "stream": two frames of one streaming request per container, all
   * concurrently). "one-shot": two `one-shot=true` requests (API >= 1.41). "precpu": one
   * `stream=false` request (the daemon waits two ticks itself). Measured in test/stats.int.test.ts.
   */
  statsStrategy?: StatsStrategy;
  /**
   * How long a container's last CPU reading may serve as the start of its next CPU % window (default
   * 10 s), so repeated stats calls need one collector tick instead of two. 0 turns it off.
   */
  cpuHistoryMaxAgeMs?: number;
}

/**
 * Builds the dockerode-backed engine. Never throws and never connects here: a bad address or a daemon
 * that is down surfaces as an EngineError on the first call, so the server can start regardless.
 */
export function createEngine(options: CreateEngineOptions = {}): DockerEngine {
  const { env = process.env, statsStrategy = "stream", cpuHistoryMaxAgeMs = 10_000, ...connection } = options;
  const history = cpuHistoryMaxAgeMs > 0 ? new CpuHistory(cpuHistoryMaxAgeMs) : undefined;
  let api: ApiClient;
  try {
    api = new ApiClient(resolveConnection(connection, env));
  } catch (error) {
    return brokenEngine(
      error instanceof EngineError
        ? error
        : new EngineError("UNREACHABLE", `Cannot set up the Docker connection: ${(error as Error).message}`, {
            cause: error,
          }),
    );
  }

  return {
    endpoint: api.endpoint,
    async ping(signal) {
      const { apiVersion, engineVersion } = await api.ping(signal).catch((error: unknown) => {
        throw api.toEngineError(error, { what: "ping the daemon" }, signal);
      });
      const negotiated = await api.ensureVersion(signal);
      return { apiVersion: negotiated ?? apiVersion ?? "", ...(engineVersion ? { engineVersion } : {}) };
    },
    listContainers: (opts, signal) => listContainers(api, opts, signal),
    resolveContainer: (ref, signal) => resolveContainer(api, ref, signal),
    inspectContainer: (id, signal) => inspectContainer(api, id, signal),
    inspectImage: (ref, signal) => inspectImage(api, ref, signal),
    readLogs: (id, tty, opts, signal) => readLogs(api, id, tty, opts, signal),
    stats: (ids, signal) => sampleStats(api, ids, signal, statsStrategy, history),
    startContainer: (id, signal) => lifecycle(api, id, "start", undefined, signal),
    stopContainer: (id, opts, signal) => lifecycle(api, id, "stop", opts.timeoutSeconds, signal),
    restartContainer: (id, opts, signal) => lifecycle(api, id, "restart", opts.timeoutSeconds, signal),
    pauseContainer: (id, signal) => lifecycle(api, id, "pause", undefined, signal),
    unpauseContainer: (id, signal) => lifecycle(api, id, "unpause", undefined, signal),
    exec: (id, opts, signal) => runExec(api, id, opts, signal),
    createContainer: (spec, signal) => createContainer(api, spec, signal),
    removeContainer: (id, opts, signal) => removeContainer(api, id, opts, signal),
    async close() {
      api.close();
    },
  };
}

/** An engine whose every call rejects with the configuration error. */
function brokenEngine(error: EngineError): DockerEngine {
  const fail = async (): Promise<never> => {
    throw error;
  };
  return {
    endpoint: error.endpoint ?? "(invalid Docker address)",
    ping: fail,
    listContainers: fail,
    resolveContainer: fail,
    inspectContainer: fail,
    inspectImage: fail,
    readLogs: fail,
    stats: fail,
    startContainer: fail,
    stopContainer: fail,
    restartContainer: fail,
    pauseContainer: fail,
    unpauseContainer: fail,
    exec: fail,
    createContainer: fail,
    removeContainer: fail,
    close: async () => {},
  };
}
