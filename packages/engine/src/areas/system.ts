import type { ApiClient } from "../api-client.js";

/** System: the daemon itself. */
export interface SystemArea {
  /** Negotiates the API version on first use; UNREACHABLE when the daemon cannot be reached. */
  ping(signal: AbortSignal): Promise<{ apiVersion: string; engineVersion?: string }>;
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
  };
}
