import type { ApiClient } from "./api-client.js";
import { statusOf } from "./daemon-errors.js";
import { EngineError } from "./errors.js";
import type { ImageIdentity } from "./types.js";

/**
 * A local image by any reference the daemon accepts (name:tag, name@digest, full or short ID), with
 * every tag it carries: a policy that blacklists a name must also hold when the image is given by ID.
 */
export async function inspectImage(api: ApiClient, ref: string, signal: AbortSignal): Promise<ImageIdentity> {
  const raw = await api.json<{ Id?: string; RepoTags?: string[] | null; RepoDigests?: string[] | null }>(
    {
      method: "GET",
      path: `/images/${encodeURIComponent(ref)}/json`,
      what: `inspect image '${ref}'`,
    },
    signal,
    (error) =>
      statusOf(error) === 404
        ? new EngineError(
            "NOT_FOUND",
            `No local image '${ref}'. docker-mcp does not pull while creating: pull the image first.`,
            { cause: error, statusCode: 404, endpoint: api.endpoint },
          )
        : undefined,
  );
  return {
    id: raw.Id ?? "",
    tags: (raw.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>"),
    digests: raw.RepoDigests ?? [],
  };
}
