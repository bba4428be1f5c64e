import { ApiClient } from "./api-client.js";
import { containersArea } from "./areas/containers.js";
import { imagesArea } from "./areas/images.js";
import { networksArea } from "./areas/networks.js";
import { swarmArea } from "./areas/swarm.js";
import { systemArea } from "./areas/system.js";
import { volumesArea } from "./areas/volumes.js";
import { resolveConnection } from "./connection.js";
import { CpuHistory } from "./cpu-history.js";
import { EngineError } from "./errors.js";
import { LocalCpu } from "./local-cpu.js";
import { LookupCache } from "./lookup-cache.js";
import type { StatsStrategy } from "./stats.js";
import type { ConnectionOptions, DockerEngine } from "./types.js";

export interface CreateEngineOptions extends ConnectionOptions {
  /** Environment read for DOCKER_HOST & co. (default process.env); explicit options win. */
  env?: NodeJS.ProcessEnv;
  /**
   * How stats are sampled, every container concurrently (default "one-shot": `one-shot=true` readings,
   * each at the daemon's next collector tick; two a tick apart, or one when an earlier call left a
   * recent reading; API >= 1.41, else "stream"). "stream": two frames of one streaming request
   * (about two ticks on dockerd 20.10). "precpu": one `stream=false`
   * request (the daemon waits two ticks itself). Measured in test/stats.int.test.ts.
   */
  statsStrategy?: StatsStrategy;
  /**
   * How long a container's last CPU reading may serve as the start of its next CPU % window (default
   * 10 s), so repeated stats calls need one collector tick instead of two. 0 turns it off.
   */
  cpuHistoryMaxAgeMs?: number;
  /**
   * Keep container identities and image names current from the daemon's event stream, so reads that
   * ask for `cached` lookups skip those round trips (default: on for a local socket, off otherwise:
   * a remote daemon's stream can stall unnoticed). See LookupCache.
   */
  lookupCache?: boolean;
  /**
   * Start a stats call's CPU % windows from each container's cgroup counter read on this machine, so
   * a cold call waits one collector tick instead of two (default: on for a local socket; a container
   * whose cgroup is not found here takes the daemon's two readings). See LocalCpu.
   */
  localCpu?: boolean;
}

/**
 * Builds the dockerode-backed engine. Never throws and never connects here: a bad address or a daemon
 * that is down surfaces as an EngineError on the first call, so the server can start regardless.
 */
export function createEngine(options: CreateEngineOptions = {}): DockerEngine {
  const {
    env = process.env,
    statsStrategy = "one-shot",
    cpuHistoryMaxAgeMs = 10_000,
    lookupCache,
    localCpu,
    ...connection
  } = options;
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

  const lookups = (lookupCache ?? api.local) ? new LookupCache(api) : undefined;
  return {
    endpoint: api.endpoint,
    ...systemArea(api),
    ...containersArea(api, {
      statsStrategy,
      history,
      lookups,
      localCpu: (localCpu ?? api.local) ? new LocalCpu() : undefined,
    }),
    ...imagesArea(api, lookups),
    ...networksArea(api),
    ...volumesArea(api),
    ...swarmArea(api),
    async close() {
      lookups?.close();
      api.close();
    },
  };
}

/**
 * An engine whose every call rejects with the configuration error. A proxy, so a call added to any
 * area fails the same way without a second list of methods to keep in step.
 */
function brokenEngine(error: EngineError): DockerEngine {
  const fail = async (): Promise<never> => {
    throw error;
  };
  const own: Pick<DockerEngine, "endpoint" | "close"> = {
    endpoint: error.endpoint ?? "(invalid Docker address)",
    close: async () => {},
  };
  return new Proxy(own as DockerEngine, {
    get(target, key) {
      if (key in target) return target[key as keyof typeof target];
      // Not a thenable (an awaited engine must not hang) and nothing for symbols or serialization.
      if (typeof key === "symbol" || key === "then" || key === "toJSON") return undefined;
      return fail;
    },
  });
}
