import type { ApiClient } from "./api-client.js";
import { EngineError } from "./errors.js";
import type { CreateContainerSpec } from "./types.js";

export async function createContainer(
  api: ApiClient,
  _spec: CreateContainerSpec,
  _signal: AbortSignal,
): Promise<{ id: string; warnings: string[] }> {
  throw new EngineError("DAEMON", "create is not implemented yet", { endpoint: api.endpoint });
}

/** DELETE /containers/{id}: force kills a running container first; volumes removes anonymous volumes. */
export async function removeContainer(
  api: ApiClient,
  id: string,
  options: { force?: boolean; volumes?: boolean },
  signal: AbortSignal,
): Promise<void> {
  await api.json<unknown>(
    {
      method: "DELETE",
      path: `/containers/${encodeURIComponent(id)}`,
      query: { force: options.force ?? false, v: options.volumes ?? false },
      what: `remove container ${id.slice(0, 12)}`,
    },
    signal,
  );
}
