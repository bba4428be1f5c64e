import type { ResolvedResource, ResourceResolver } from "@arktechnwa/docker-mcp-core";
import type { ImageIdentity } from "@arktechnwa/docker-mcp-engine";
import type { DockerDeps } from "./deps.js";

/**
 * An image by name, tag, digest or ID -> the local image with every tag it carries, so image lists
 * hold however the image is named (a blacklisted image given by its ID is still that image). An image
 * that is not here is NOT_FOUND: a tool that names an image about to be pulled declares that target
 * `resolve: false`.
 */
export function imageResolver(deps: DockerDeps): ResourceResolver {
  return async (ref, signal) => imageResource(await deps.engine.inspectImage(ref, signal), ref);
}

/**
 * What the policy judges of an image: every tag, digest and its ID (the reference as given first, so
 * messages name what the caller wrote). An image is all its tags: a blacklist matching any one denies.
 */
export function imageResource(image: ImageIdentity, ref?: string): ResolvedResource {
  const names = [...new Set([...(ref ? [ref] : []), ...image.tags, ...image.digests, image.id])].filter(
    (name) => name !== "",
  );
  return { kind: "image", id: image.id, names, data: image };
}
