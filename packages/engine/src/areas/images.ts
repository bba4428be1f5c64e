import type { ApiClient } from "../api-client.js";
import { statusRules } from "../daemon-errors.js";
import type { ImageIdentity } from "../types.js";

/** One row of GET /images/json: the identity plus what a listing shows. */
export interface ImageSummary extends ImageIdentity {
  /** Unix seconds. */
  created: number;
  /** Bytes. */
  size: number;
  labels: Record<string, string>;
}

/** Images: what plugins may ask the daemon about local images. */
export interface ImagesArea {
  /** A local image by name, tag, digest or ID (NOT_FOUND when it is not present). */
  inspectImage(ref: string, signal: AbortSignal): Promise<ImageIdentity>;
  /** Every local image with all its tags and digests (intermediate build layers left out). */
  listImages(signal: AbortSignal): Promise<ImageSummary[]>;
}

export function imagesArea(api: ApiClient): ImagesArea {
  return {
    inspectImage: (ref, signal) => inspectImage(api, ref, signal),
    listImages: (signal) => listImages(api, signal),
  };
}

const NO_TAG = "<none>:<none>";
const NO_DIGEST = "<none>@<none>";

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
    statusRules(api.endpoint, [
      {
        status: 404,
        code: "NOT_FOUND",
        text: () => `No local image '${ref}'. docker-mcp does not pull while creating: pull the image first.`,
      },
    ]),
  );
  return {
    id: raw.Id ?? "",
    tags: (raw.RepoTags ?? []).filter((tag) => tag !== NO_TAG),
    digests: (raw.RepoDigests ?? []).filter((digest) => digest !== NO_DIGEST),
  };
}

interface RawImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: number;
  Size?: number;
  Labels?: Record<string, string> | null;
}

export async function listImages(api: ApiClient, signal: AbortSignal): Promise<ImageSummary[]> {
  const rows = await api.json<RawImageSummary[]>(
    { method: "GET", path: "/images/json", query: { all: false }, what: "list images" },
    signal,
  );
  return (rows ?? []).map((row) => ({
    id: row.Id,
    tags: (row.RepoTags ?? []).filter((tag) => tag !== NO_TAG),
    digests: (row.RepoDigests ?? []).filter((digest) => digest !== NO_DIGEST),
    created: row.Created ?? 0,
    size: row.Size ?? 0,
    labels: row.Labels ?? {},
  }));
}
