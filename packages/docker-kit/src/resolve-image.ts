import type { ResolvedResource, ResourceResolver } from "@arktechnwa/docker-mcp-core";
import type { ImageIdentity } from "@arktechnwa/docker-mcp-engine";
import type { DockerDeps } from "./deps.js";
import { imageNamesOf } from "./image-names.js";

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
 * What the policy judges of an image: every tag, digest and its ID. An image is all its names: a
 * blacklist matching any one denies, and a whitelist admits it by a name it really carries. The
 * reference as typed comes first only when it is one of those names (so messages name what the caller
 * wrote); otherwise it is left out, so text the daemon merely accepted never admits an image.
 */
export function imageResource(image: ImageIdentity, ref?: string): ResolvedResource {
  const own = imageNamesOf(image);
  const names = ref && isOwnName(ref, own) ? [ref, ...own.filter((name) => name !== ref)] : own;
  return { kind: "image", id: image.id, names, data: image };
}

/** `name` is one of the image's names, or the same tag written without ":latest" ("busybox"). */
function isOwnName(ref: string, own: readonly string[]): boolean {
  if (own.includes(ref)) return true;
  const untagged = !ref.includes("@") && !ref.slice(ref.lastIndexOf("/") + 1).includes(":");
  return untagged && own.includes(`${ref}:latest`);
}
