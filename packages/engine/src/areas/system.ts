import type { ApiClient } from "../api-client.js";
import { type DaemonEvent, type EventsOptions, readEvents } from "../events.js";
import { type DiskUsage, diskUsage, pruneBuildCache, systemInfo } from "./system-usage.js";

/** System: the daemon itself. */
export interface SystemArea {
  /** Negotiates the API version on first use; UNREACHABLE when the daemon cannot be reached. */
  ping(signal: AbortSignal): Promise<{ apiVersion: string; engineVersion?: string }>;
  /**
   * The daemon's past events between since and until (both required; until at most the daemon's now,
   * or the read waits for it). The daemon keeps its last 256 events in memory, none across a restart.
   */
  readEvents(options: EventsOptions, signal: AbortSignal): Promise<DaemonEvent[]>;
  /** GET /info, as the daemon sends it. */
  systemInfo(signal: AbortSignal): Promise<Record<string, unknown>>;
  /** GET /system/df: images, containers, volumes and build cache with their sizes (slow on big hosts). */
  diskUsage(signal: AbortSignal): Promise<DiskUsage>;
  /** POST /build/prune (all: every record, not only dangling ones). */
  pruneBuildCache(all: boolean, signal: AbortSignal): Promise<{ removed: number; spaceReclaimed: number }>;
}

export function systemArea(api: ApiClient): SystemArea {
  return {
    async ping(signal) {
      const { apiVersion, engineVersion } = await api.ping(signal).catch((error: unknown) => {
        throw api.toEngineError(error, { what: "ping the daemon" }, signal);
      });
      const negotiated = await api.ensureVersion(signal);
      return { apiVersion: negotiated ?? apiVersion ?? "", ...(engineVersion ? { engineVersion } : {}) };
    },
    readEvents: (options, signal) => readEvents(api, options, signal),
    systemInfo: (signal) => systemInfo(api, signal),
    diskUsage: (signal) => diskUsage(api, signal),
    pruneBuildCache: (all, signal) => pruneBuildCache(api, all, signal),
  };
}
