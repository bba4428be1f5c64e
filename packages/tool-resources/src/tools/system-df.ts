import { type DockerDeps, displayName, shortId } from "@arktechnwa/docker-kit";
import { defineTool, formatBytes, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { imagesOnDisk, ownSize, visibleUsage } from "../disk-usage.js";

const input = z.strictObject({
  top: z
    .number()
    .int()
    .min(0)
    .max(50)
    .optional()
    .describe("How many of the largest of each kind to name (default 5)."),
});

const category = z.object({
  count: z.number().int(),
  active: z.number().int().describe("In use: images with containers, running containers, volumes mounted."),
  size: z.string(),
  size_bytes: z.number().int(),
  reclaimable: z.string().describe("What removing the unused ones would free."),
  reclaimable_bytes: z.number().int(),
  hidden: z.number().int().describe("Left out because the policy hides them (their bytes are not counted)."),
});

const largest = z.object({
  name: z.string(),
  id: z.string().optional(),
  size: z.string(),
  size_bytes: z.number().int(),
  in_use: z.boolean(),
});

const output = z.object({
  images: category.describe(
    "Bytes the images take, layers shared between images counted once (a lower bound when some images are hidden).",
  ),
  containers: category.describe("Bytes the containers wrote (their writable layers)."),
  volumes: category,
  build_cache: category.omit({ hidden: true }),
  total: z.string().describe("Sum of the four sizes."),
  total_bytes: z.number().int(),
  largest: z.object({
    images: z.array(largest),
    containers: z.array(largest),
    volumes: z.array(largest),
  }),
  summary: z.string(),
});

export const systemDfTool = defineTool({
  name: "docker_system_df",
  title: "Disk usage",
  description:
    "What uses the daemon's disk: images, containers' writable layers, volumes and the build cache, each " +
    "with what is in use and what could be reclaimed, and the largest of each. Resources the policy hides " +
    "are left out of the sums (and counted).",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  render: (o) => {
    const named = (title: string, rows: z.output<typeof largest>[]) =>
      rows.length
        ? [
            `largest ${title}: ${rows.map((r) => `${r.name} ${r.size}${r.in_use ? "" : " (unused)"}`).join(", ")}`,
          ]
        : [];
    return [
      o.summary,
      ...named("images", o.largest.images),
      ...named("containers", o.largest.containers),
      ...named("volumes", o.largest.volumes),
    ].join("\n");
  },
});

function sized<T>(rows: T[], size: (row: T) => number, active: (row: T) => boolean, hidden: number) {
  const total = rows.reduce((sum, r) => sum + Math.max(0, size(r)), 0);
  const free = rows.filter((r) => !active(r)).reduce((sum, r) => sum + Math.max(0, size(r)), 0);
  return {
    count: rows.length,
    active: rows.filter(active).length,
    size: formatBytes(total),
    size_bytes: total,
    reclaimable: formatBytes(free),
    reclaimable_bytes: free,
    hidden,
  };
}

function top<T>(
  rows: T[],
  n: number,
  size: (r: T) => number,
  row: (r: T) => { name: string; id?: string; in_use: boolean },
) {
  return [...rows]
    .filter((r) => size(r) > 0)
    .sort((a, b) => size(b) - size(a))
    .slice(0, n)
    .map((r) => ({ ...row(r), size: formatBytes(size(r)), size_bytes: size(r) }));
}

export function systemDfHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const usage = await deps.engine.diskUsage(ctx.signal);
    const seen = visibleUsage(usage, ctx);
    const n = args.top ?? 5;
    const images = sized(seen.images, ownSize, (i) => i.containers > 0, seen.hidden.images);
    // Per-image unique bytes miss the layers images share (all of them for two tags of one base).
    const imageBytes = imagesOnDisk(seen.images, seen.hidden.images, usage.layersSize);
    Object.assign(images, { size_bytes: imageBytes, size: formatBytes(imageBytes) });
    const containers = sized(
      seen.containers,
      (c) => c.sizeRw,
      (c) => c.state === "running" || c.state === "paused",
      seen.hidden.containers,
    );
    const volumes = sized(
      seen.volumes,
      (v) => v.size,
      (v) => v.refCount > 0,
      seen.hidden.volumes,
    );
    const { hidden: _h, ...cache } = sized(
      usage.buildCache,
      (b) => b.size,
      (b) => b.inUse || b.shared,
      0,
    );
    const total = images.size_bytes + containers.size_bytes + volumes.size_bytes + cache.size_bytes;
    const part = (
      title: string,
      c: { count: number; size: string; reclaimable: string; reclaimable_bytes: number },
    ) =>
      `${title} ${c.size} in ${c.count}${c.reclaimable_bytes > 0 ? ` (${c.reclaimable} reclaimable)` : ""}`;
    const hiddenTotal = seen.hidden.images + seen.hidden.containers + seen.hidden.volumes;
    return {
      images,
      containers,
      volumes,
      build_cache: cache,
      total: formatBytes(total),
      total_bytes: total,
      largest: {
        images: top(seen.images, n, ownSize, (i) => ({
          name: i.tags[0] ?? i.digests[0] ?? shortId(i.id),
          id: shortId(i.id),
          in_use: i.containers > 0,
        })),
        containers: top(
          seen.containers,
          n,
          (c) => c.sizeRw,
          (c) => ({
            name: displayName(c),
            id: shortId(c.id),
            in_use: c.state === "running" || c.state === "paused",
          }),
        ),
        volumes: top(
          seen.volumes,
          n,
          (v) => v.size,
          (v) => ({ name: v.name, in_use: v.refCount > 0 }),
        ),
      },
      summary:
        `${formatBytes(total)} used: ${[part("images", images), part("containers", containers), part("volumes", volumes), part("build cache", cache)].join("; ")}` +
        (hiddenTotal > 0 ? `; ${hiddenTotal} resources hidden by policy are not counted` : ""),
    };
  };
}
