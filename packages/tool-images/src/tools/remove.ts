import {
  actedOnNothing,
  actOnEach,
  dataOf,
  isImageId,
  itemResultSchema,
  refList,
  refsSchema,
  renderItems,
  summarizeItems,
} from "@arktechnwa/docker-kit";
import { defineTool, errorCode, errorMessage, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { ImageIdentity } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import type { ImagesDeps } from "../deps.js";
import { describeUsers, imageUsers, usedBy } from "../image-usage.js";

const input = z.strictObject({
  images: refsSchema("One image (tag, digest, short or full ID) or a list of them."),
  force: z
    .boolean()
    .optional()
    .describe(
      "Remove an image with several tags by ID, or one that only stopped containers use (default false). An image a running container uses is only untagged.",
    ),
});

const itemResult = itemResultSchema("image");
const output = z.object({ results: z.array(itemResult), summary: z.string() });

export const removeTool = defineTool({
  name: "docker_image_remove",
  title: "Remove images",
  description:
    "Remove images, or untag them when named by one of several tags. An image that containers use is a " +
    "conflict naming them. Each image is checked against the policy on its own.",
  levels: ["images"],
  timeoutClass: "lifecycle",
  effect: "destructive",
  idempotent: true,
  input,
  output,
  targetKinds: ["image"],
  targets: (args) => refList(args.images).map((ref) => ({ kind: "image", ref })),
  targetMode: "each",
  failed: (out) => actedOnNothing(out.results),
  render: (out) => renderItems(out.summary, out.results, "image"),
});

export function removeHandler(deps: ImagesDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const users = await imageUsers(deps, ctx);
    const results = await actOnEach(
      refList(args.images),
      ctx,
      { field: "image", noun: "image", checkHint: "Check with docker_images before retrying." },
      async (target, signal) => {
        const image = dataOf<ImageIdentity>(target, "image");
        const ref = target.ref as string;
        const using = users(image.id);
        // A tag is untagged (the image stays while it has others); an ID or digest removes the image.
        const untagOnly =
          !isImageId(ref) && image.tags.length > 1 && image.tags.includes(normalizeTag(ref, image));
        if (!untagOnly && usedBy(using) > 0 && !args.force) {
          return {
            status: "failed",
            message: `conflict: in use by ${describeUsers(using)}. Remove ${usedBy(using) === 1 ? "that container" : "those containers"} first (docker_remove), or pass force: true if none of them is running.`,
          };
        }
        // Act on the image that was decided on: a tag is re-checked to still name it.
        const what = isImageId(ref) ? image.id : ref;
        if (what !== image.id) {
          const now = await deps.engine.inspectImage(what, signal);
          if (now.id !== image.id) {
            return {
              status: "failed",
              message: `${ref} was re-pointed at another image meanwhile; nothing removed. Call again.`,
            };
          }
        }
        try {
          const removed = await deps.engine.removeImage(
            what,
            { ...(args.force ? { force: true } : {}) },
            signal,
          );
          const parts: string[] = [];
          if (removed.untagged.length) parts.push(`untagged ${removed.untagged.join(", ")}`);
          if (removed.deleted.length)
            parts.push(
              `deleted ${removed.deleted.length} image layer${removed.deleted.length === 1 ? "" : "s"}`,
            );
          return { status: "done", message: parts.join("; ") || "removed" };
        } catch (error) {
          if (errorCode(error) === "NOT_FOUND") return { status: "unchanged", message: "already gone" };
          if (errorCode(error) !== "CONFLICT") throw error;
          // The daemon's text may name containers the policy hides: say it in our words.
          const detail = errorMessage(error);
          const reason = /running container/.test(detail)
            ? `a running container uses it (${describeUsers(using) || "not visible to you"}); stop and remove it first`
            : /multiple repositories|referenced in multiple/.test(detail)
              ? `it has several tags (${image.tags.join(", ")}); name one tag to untag it, or pass force: true to remove them all`
              : /child images|dependent child/.test(detail)
                ? "other images are built on it; remove those first"
                : `the daemon refused: ${usedBy(using) ? `in use by ${describeUsers(using)}` : "the image is in use"}`;
          return { status: "failed", message: `conflict: ${reason}` };
        }
      },
    );
    return { results, summary: summarizeItems("removed", results) };
  };
}

/** `nginx` means `nginx:latest`; a tag as the image lists it. */
function normalizeTag(ref: string, image: ImageIdentity): string {
  if (image.tags.includes(ref)) return ref;
  const lastSlash = ref.lastIndexOf("/");
  return ref.lastIndexOf(":") > lastSlash ? ref : `${ref}:latest`;
}
