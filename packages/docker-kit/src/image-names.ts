import { errorCode } from "@arktechnwa/docker-mcp-core";
import type { ContainerSummary, ImageIdentity } from "@arktechnwa/docker-mcp-engine";
import type { DockerDeps } from "./deps.js";

const IMAGE_ID = /^(sha256:)?[0-9a-f]{12,64}$/;

/** Whether a reference is an image ID (full, short, with or without "sha256:") rather than a name. */
export function isImageId(ref: string): boolean {
  return IMAGE_ID.test(ref);
}

/** Every name of an image: all its tags, then its digests, then its ID. An image is all of them. */
export function imageNamesOf(image: ImageIdentity): string[] {
  return [...new Set([...image.tags, ...image.digests, image.id])].filter((name) => name !== "");
}

/**
 * Every name of one image by ID (or any reference), or undefined when the image is gone. Any other
 * failure is thrown: a container whose image names cannot be read cannot be shown not to run a
 * blacklisted image.
 */
export async function imageNamesById(
  deps: DockerDeps,
  ref: string,
  signal: AbortSignal,
  /** May be answered from what the daemon's events keep current (reads only). */
  cached = false,
): Promise<ImageIdentity | undefined> {
  return deps.engine.inspectImage(ref, signal, { cached }).catch((error: unknown) => {
    if (errorCode(error) === "NOT_FOUND") return undefined;
    throw error;
  });
}

/** A container listing row with every name of the image it runs. */
export type ListedContainer = ContainerSummary & { images?: string[] };

/**
 * Gives each listing row every name of its image (all tags, digests, the ID), from ONE image listing
 * per call (an image missing from it, created meanwhile, is looked up alone). A row whose image is a
 * bare ID also shows the image's first tag as its `image`.
 */
export async function withImageNames(
  deps: DockerDeps,
  rows: ContainerSummary[],
  signal: AbortSignal,
  /** The image listing when the caller started it already (alongside the container listing). */
  images?: Promise<ImageIdentity[]>,
  /** Listings for what a caller may see: image names may come from what the daemon's events keep current. */
  cached = false,
): Promise<ListedContainer[]> {
  if (rows.length === 0) return rows;
  const byId = new Map<string, ImageIdentity>();
  for (const image of await (images ?? deps.engine.listImages(signal, { cached }))) byId.set(image.id, image);
  const missing = [...new Set(rows.map((r) => r.imageId).filter((id) => id && !byId.has(id)))];
  await Promise.all(
    missing.map(async (id) => {
      const image = await imageNamesById(deps, id, signal, cached);
      if (image) byId.set(id, image);
    }),
  );
  return rows.map((row) => {
    const image = byId.get(row.imageId);
    if (!image) return row;
    const tag = isImageId(row.image) ? image.tags[0] : undefined;
    return { ...row, ...(tag ? { image: tag } : {}), images: imageNamesOf(image) };
  });
}
