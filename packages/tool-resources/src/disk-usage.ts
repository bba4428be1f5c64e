import { containerResource, imageNamesOf, imageResource, volumeResource } from "@arktechnwa/docker-kit";
import type { ToolContext } from "@arktechnwa/docker-mcp-core";
import type { ContainerUsage, DiskUsage, ImageUsage, VolumeUsage } from "@arktechnwa/docker-mcp-engine";

/** The daemon's disk usage cut down to what the policy lets the caller see, with what it hid counted. */
export interface VisibleUsage {
  images: ImageUsage[];
  containers: ContainerUsage[];
  volumes: VolumeUsage[];
  hidden: { images: number; containers: number; volumes: number };
}

/** An image's bytes that no other image shares. */
export function ownSize(image: ImageUsage): number {
  return image.sharedSize > 0 ? Math.max(0, image.size - image.sharedSize) : image.size;
}

/**
 * The bytes the visible images take on disk, shared layers counted once. With nothing hidden it is the
 * daemon's own LayersSize (exact, what `docker system df` shows). Otherwise per-image unique bytes plus
 * the largest shared part among them: a lower bound (exact when the images share one common base),
 * because the df answer does not say which layers are shared with which image.
 */
export function imagesOnDisk(visible: ImageUsage[], hidden: number, layersSize: number): number {
  if (hidden === 0 && layersSize > 0) return layersSize;
  const unique = visible.reduce((sum, i) => sum + ownSize(i), 0);
  const shared = visible.reduce((max, i) => Math.max(max, i.sharedSize > 0 ? i.sharedSize : 0), 0);
  return unique + shared;
}

/**
 * Judges every row of GET /system/df as the listings do: images by all their names, containers by their
 * names, compose project and every name of their image, volumes by name.
 */
export function visibleUsage(usage: DiskUsage, ctx: Pick<ToolContext, "visible">): VisibleUsage {
  const imageNames = new Map(usage.images.map((i) => [i.id, imageNamesOf(i)]));
  const images = ctx.visible(usage.images, (i) => imageResource(i));
  const containers = ctx.visible(usage.containers, (c) => {
    const names = imageNames.get(c.imageId);
    return containerResource({ ...c, ...(names ? { images: names } : {}) });
  });
  const volumes = ctx.visible(usage.volumes, (v) =>
    volumeResource({
      name: v.name,
      driver: v.driver,
      labels: v.labels,
      options: {},
      mountpoint: "",
      scope: "",
      created: "",
    }),
  );
  return {
    images: images.visible,
    containers: containers.visible,
    volumes: volumes.visible,
    hidden: { images: images.hidden, containers: containers.hidden, volumes: volumes.hidden },
  };
}
