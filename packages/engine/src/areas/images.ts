import type { ApiClient } from "../api-client.js";
import { statusRules } from "../daemon-errors.js";
import type { LookupCache } from "../lookup-cache.js";
import type { PullProgressEvent } from "../pull-progress.js";
import type { ImageIdentity, LookupOptions } from "../types.js";
import {
  type BuildEvent,
  type BuildOptions,
  type BuildResult,
  buildImage,
  type HistoryEntry,
  type ImageDetails,
  imageHistory,
  inspectImageDetails,
  type PullOptions,
  type PullResult,
  pullImage,
  type RemovedImage,
  removeImage,
  tagImage,
} from "./image-actions.js";

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
  /**
   * A local image by name, tag, digest or ID (NOT_FOUND when it is not present). With `cached`, an
   * image given by its full ID may be answered from what the daemon's events keep current.
   */
  inspectImage(ref: string, signal: AbortSignal, options?: LookupOptions): Promise<ImageIdentity>;
  /**
   * Every local image with all its tags and digests (intermediate build layers left out). With
   * `cached`, the listing may come from what the daemon's events keep current.
   */
  listImages(signal: AbortSignal, options?: LookupOptions): Promise<ImageSummary[]>;
  /** Configuration, layers and platform of a local image (NOT_FOUND when absent). */
  inspectImageDetails(ref: string, signal: AbortSignal): Promise<ImageDetails>;
  /** The steps that made a local image, newest first. */
  imageHistory(ref: string, signal: AbortSignal): Promise<HistoryEntry[]>;
  /** Pulls one tag or digest (never every tag), relaying each layer's progress. */
  pullImage(
    options: PullOptions,
    onProgress: (event: PullProgressEvent) => void,
    signal: AbortSignal,
  ): Promise<PullResult>;
  /** Builds from a streamed context, untagged; the caller checks the result, then tags it. */
  buildImage(
    options: BuildOptions,
    onEvent: (event: BuildEvent) => void,
    signal: AbortSignal,
  ): Promise<BuildResult>;
  /** Untags or deletes (CONFLICT when in use or, without force, when it has several tags). */
  removeImage(
    ref: string,
    options: { force?: boolean; noprune?: boolean },
    signal: AbortSignal,
  ): Promise<RemovedImage>;
  /** Points repository:tag at an image. */
  tagImage(id: string, repository: string, tag: string, signal: AbortSignal): Promise<void>;
}

export function imagesArea(api: ApiClient, lookups?: LookupCache): ImagesArea {
  return {
    inspectImage: async (ref, signal, options) => {
      if (!options?.cached || !lookups || !FULL_ID.test(ref)) return inspectImage(api, ref, signal);
      const hit = lookups.image(ref);
      if (hit) return hit;
      const mark = lookups.mark("image");
      const image = await inspectImage(api, ref, signal);
      lookups.keepImage(ref, image, mark);
      return image;
    },
    listImages: async (signal, options) => {
      if (!options?.cached || !lookups) return listImages(api, signal);
      const hit = lookups.imageListing() as ImageSummary[] | undefined;
      if (hit) return hit;
      const mark = lookups.mark("image");
      const images = await listImages(api, signal);
      lookups.keepImageListing(images, mark);
      return images;
    },
    inspectImageDetails: (ref, signal) => inspectImageDetails(api, ref, signal),
    imageHistory: (ref, signal) => imageHistory(api, ref, signal),
    pullImage: (options, onProgress, signal) => pullImage(api, options, onProgress, signal),
    buildImage: (options, onEvent, signal) => buildImage(api, options, onEvent, signal),
    removeImage: (ref, options, signal) => removeImage(api, ref, options, signal),
    tagImage: (id, repository, tag, signal) => tagImage(api, id, repository, tag, signal),
  };
}

/** Only an image's full ID is kept: a tag or short ID can come to name another image. */
const FULL_ID = /^sha256:[0-9a-f]{64}$/;
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
