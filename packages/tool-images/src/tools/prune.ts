import { imageResource, listVisible, shortId } from "@arktechnwa/docker-kit";
import {
  defineTool,
  errorCode,
  errorMessage,
  formatBytes,
  type ToolHandler,
} from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import type { ImagesDeps } from "../deps.js";
import { imageUsers, usedBy } from "../image-usage.js";

const input = z.strictObject({
  dangling_only: z
    .boolean()
    .optional()
    .describe("true (default): only untagged images; false: every image no container uses."),
});

const output = z.object({
  removed: z.array(z.object({ id: z.string(), tags: z.array(z.string()), size: z.string() })),
  failed: z.array(z.object({ id: z.string(), message: z.string() })),
  freed: z
    .string()
    .describe("Sum of the removed images' sizes (layers shared with kept images are not freed)."),
  freed_bytes: z.number().int(),
  summary: z.string(),
});

export const pruneTool = defineTool({
  name: "docker_image_prune",
  title: "Prune images",
  description:
    "Remove images no container uses: untagged ones (default) or, with dangling_only=false, every unused " +
    "image. Only images the policy lets you see are touched; each is reported.",
  levels: ["images"],
  timeoutClass: "lifecycle",
  effect: "destructive",
  idempotent: true,
  input,
  output,
  render: (o) =>
    [
      o.summary,
      ...o.removed.map((r) => `  removed ${r.tags.join(", ") || "<none>"} (${r.id}) ${r.size}`),
      ...o.failed.map((f) => `  kept ${f.id}: ${f.message}`),
    ].join("\n"),
});

/** Stop starting removals this long before the deadline, to answer with what was done. */
const ANSWER_MARGIN_MS = 2_000;

export function pruneHandler(deps: ImagesDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const danglingOnly = args.dangling_only ?? true;
    // Not the daemon's prune: it would remove images the policy hides. Each candidate is one the caller
    // may see, removed on its own (never forced), so a container created meanwhile keeps its image.
    const [listed, users] = await Promise.all([
      listVisible(
        ctx,
        () => deps.engine.listImages(ctx.signal),
        (i) => imageResource(i),
      ),
      imageUsers(deps, ctx),
    ]);
    const candidates = listed.visible.filter(
      (i) => (!danglingOnly || i.tags.length === 0) && usedBy(users(i.id)) === 0,
    );
    const removed: z.input<typeof output>["removed"] = [];
    const failed: z.input<typeof output>["failed"] = [];
    let freed = 0;
    for (const image of candidates) {
      if (ctx.deadline - Date.now() < ANSWER_MARGIN_MS) {
        failed.push({
          id: shortId(image.id),
          message: "not attempted: the call ran out of time; call again",
        });
        continue;
      }
      try {
        // By tag, one at a time: an image with several tags cannot go by ID without force, and force
        // would also take an image a container created meanwhile still uses.
        for (const tag of image.tags.length > 0 ? image.tags : [image.id]) {
          await deps.engine.removeImage(tag, {}, ctx.signal);
        }
        removed.push({ id: shortId(image.id), tags: image.tags, size: formatBytes(image.size) });
        freed += image.size;
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        if (errorCode(error) === "NOT_FOUND") continue; // removed by someone else meanwhile
        failed.push({
          id: shortId(image.id),
          message: errorCode(error) === "CONFLICT" ? "in use or depended on now; kept" : errorMessage(error),
        });
      }
    }
    const what = danglingOnly ? "untagged" : "unused";
    let summary =
      removed.length === 0
        ? `No ${what} images to remove`
        : `Removed ${removed.length} ${what} image${removed.length === 1 ? "" : "s"}, up to ${formatBytes(freed)} freed`;
    if (failed.length) summary += `; ${failed.length} kept (see failed)`;
    if (listed.hidden > 0) summary += `; images the policy hides were not considered`;
    return { removed, failed, freed: formatBytes(freed), freed_bytes: freed, summary };
  };
}
