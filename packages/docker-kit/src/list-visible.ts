import type { ResolvedResource, ToolContext, VisibilityResult } from "@arktechnwa/docker-mcp-core";
import type {
  ImageSummary,
  ListContainersOptions,
  NetworkIdentity,
  VolumeIdentity,
} from "@arktechnwa/docker-mcp-engine";
import type { DockerDeps } from "./deps.js";
import { type ListedContainer, withImageNames } from "./image-names.js";
import { summaryToResource } from "./resolve-container.js";
import { imageResource } from "./resolve-image.js";
import { networkResource } from "./resolve-network.js";
import { volumeResource } from "./resolve-volume.js";

/**
 * Lists through the engine and keeps what the policy lets the caller see, counting what it hid. Every
 * listing tool goes through here (or one of the kind-specific forms below), so a hidden resource never
 * reaches an answer. Report `hidden` only when no filter narrowed the list: under a filter, the count
 * would tell which names or labels hidden resources have.
 */
export async function listVisible<T>(
  ctx: Pick<ToolContext, "visible">,
  list: () => Promise<T[]>,
  describe: (item: T) => ResolvedResource,
): Promise<VisibilityResult<T>> {
  return ctx.visible(await list(), describe);
}

/**
 * Containers the caller may see, judged by their names, compose project and every name of their
 * image (one image listing per call, not one lookup per row).
 */
export function listVisibleContainers(
  deps: DockerDeps,
  ctx: Pick<ToolContext, "visible" | "signal">,
  options: ListContainersOptions,
): Promise<VisibilityResult<ListedContainer>> {
  return listVisible(
    ctx,
    async () => {
      // Both listings at once: one round trip to the daemon instead of two (none for the images while
      // the daemon's events keep their names current). An image created between them is looked up
      // alone, as withImageNames does for any image missing from its listing.
      const images = deps.engine.listImages(ctx.signal, { cached: true });
      images.catch(() => {});
      const rows = await deps.engine.listContainers(options, ctx.signal);
      return withImageNames(deps, rows, ctx.signal, images, true);
    },
    summaryToResource,
  );
}

/** Images the caller may see: an image is hidden when any of its tags, digests or its ID is. */
export function listVisibleImages(
  deps: DockerDeps,
  ctx: Pick<ToolContext, "visible" | "signal">,
): Promise<VisibilityResult<ImageSummary>> {
  return listVisible(
    ctx,
    () => deps.engine.listImages(ctx.signal),
    (image) => imageResource(image),
  );
}

/** Networks the caller may see (judged by name). */
export function listVisibleNetworks(
  deps: DockerDeps,
  ctx: Pick<ToolContext, "visible" | "signal">,
): Promise<VisibilityResult<NetworkIdentity>> {
  return listVisible(ctx, () => deps.engine.listNetworks(ctx.signal), networkResource);
}

/** Volumes the caller may see (judged by name). */
export function listVisibleVolumes(
  deps: DockerDeps,
  ctx: Pick<ToolContext, "visible" | "signal">,
): Promise<VisibilityResult<VolumeIdentity>> {
  return listVisible(ctx, () => deps.engine.listVolumes(ctx.signal), volumeResource);
}
