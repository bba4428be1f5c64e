import type { ContainerSummary } from "@arktechnwa/docker-mcp-engine";
import type { DockerDeps } from "./deps.js";

const IMAGE_ID = /^(sha256:)?[0-9a-f]{12,64}$/;

/** Whether a reference is an image ID (full, short, with or without "sha256:") rather than a name. */
export function isImageId(ref: string): boolean {
  return IMAGE_ID.test(ref);
}

/** The first tag the image carries, or undefined (absent, untagged, or the lookup failed). */
export async function imageTagOf(
  deps: DockerDeps,
  ref: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const image = await deps.engine.inspectImage(ref, signal).catch(() => undefined);
  return image?.tags[0];
}

/**
 * Listing rows whose image is a bare ID get the tag their image carries (one lookup per distinct
 * image, only when there are such rows), so a blacklisted image hides its containers however they
 * were created.
 */
export async function withImageTags(
  deps: DockerDeps,
  rows: ContainerSummary[],
  signal: AbortSignal,
): Promise<ContainerSummary[]> {
  const ids = [...new Set(rows.filter((r) => isImageId(r.image)).map((r) => r.imageId || r.image))];
  if (ids.length === 0) return rows;
  const tags = new Map<string, string>();
  await Promise.all(
    ids.map(async (id) => {
      const tag = await imageTagOf(deps, id, signal);
      if (tag) tags.set(id, tag);
    }),
  );
  return rows.map((r) => {
    const tag = isImageId(r.image) ? tags.get(r.imageId || r.image) : undefined;
    return tag ? { ...r, image: tag } : r;
  });
}
