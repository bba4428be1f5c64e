import { imageResource, listVisible, shortId } from "@arktechnwa/docker-kit";
import { defineTool, formatBytes, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import type { ImagesDeps } from "../deps.js";
import { imageUsers } from "../image-usage.js";

const input = z.strictObject({
  filter: z
    .strictObject({
      reference: z
        .string()
        .min(1)
        .optional()
        .describe("Part of a tag (e.g. 'nginx'); with * it must match a whole tag (e.g. 'myorg/*:1.*')."),
      dangling: z.boolean().optional().describe("true: only untagged images; false: only tagged ones."),
    })
    .optional(),
  limit: z.number().int().min(1).max(1000).optional().describe("At most this many images (default 100)."),
});

const image = z.object({
  id: z.string().describe("Short ID (12 characters)."),
  repository: z.string().describe("Repository of the first tag, '<none>' when untagged."),
  tag: z.string().describe("Tag of the first tag, '<none>' when untagged."),
  tags: z.array(z.string()).describe("Every tag the image carries."),
  size: z.string().describe("e.g. '4.2M'."),
  size_bytes: z.number().int(),
  created: z.string().describe("RFC 3339."),
  containers: z
    .array(z.string())
    .describe("Containers (any state) created from it that the policy lets you see."),
});

const output = z.object({
  images: z.array(image),
  summary: z.string(),
  hidden: z
    .number()
    .int()
    .optional()
    .describe("Images left out because the policy hides them (only counted when no filter is given)."),
  truncated: z.boolean(),
});

export const imagesTool = defineTool({
  name: "docker_images",
  title: "List images",
  description:
    "List local images: repository, tag, ID, size, creation time and the containers using each. " +
    "Filter by reference or dangling. Images the policy hides are left out.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  listRows: "images",
  render: (out) =>
    [
      out.summary,
      ...out.images.map(
        (i) =>
          `${i.tags.length ? i.tags.join(", ") : "<none>"} (${i.id}) ${i.size}, created ${i.created}${i.containers.length ? `; used by ${i.containers.join(", ")}` : ""}`,
      ),
    ].join("\n"),
});

export function imagesHandler(deps: ImagesDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const [listed, users] = await Promise.all([
      listVisible(
        ctx,
        () => deps.engine.listImages(ctx.signal),
        (i) => imageResource(i),
      ),
      imageUsers(deps, ctx),
    ]);
    const reference = args.filter?.reference;
    const dangling = args.filter?.dangling;
    const match = reference ? tagMatcher(reference) : undefined;
    const visible = listed.visible
      .filter((i) => dangling === undefined || (i.tags.length === 0) === dangling)
      .filter((i) => !match || i.tags.some(match))
      .sort((a, b) => b.created - a.created);
    const filtered = reference !== undefined || dangling !== undefined;
    const limit = args.limit ?? 100;
    const shown = visible.slice(0, limit);
    const images = shown.map((i) => {
      const first = i.tags[0];
      const colon = first ? first.lastIndexOf(":") : -1;
      return {
        id: shortId(i.id),
        repository: first && colon > 0 ? first.slice(0, colon) : "<none>",
        tag: first && colon > 0 ? first.slice(colon + 1) : "<none>",
        tags: i.tags,
        size: formatBytes(i.size),
        size_bytes: i.size,
        created: new Date(i.created * 1000).toISOString(),
        containers: users(i.id).visible,
      };
    });
    const total = visible.reduce((sum, i) => sum + i.size, 0);
    let summary =
      visible.length === 0
        ? filtered
          ? "No images match the filter"
          : "No images"
        : `${visible.length} image${visible.length === 1 ? "" : "s"}, ${formatBytes(total)} in all`;
    if (shown.length < visible.length)
      summary += `; showing the newest ${shown.length} (raise limit to see more)`;
    // A hidden count under a filter would tell which names hidden images have.
    if (!filtered && listed.hidden > 0) summary += `; ${listed.hidden} hidden by policy`;
    return {
      images,
      summary,
      ...(filtered ? {} : { hidden: listed.hidden }),
      truncated: shown.length < visible.length,
    };
  };
}

/** Substring of a tag, or a whole-tag wildcard match when the filter contains `*`. */
function tagMatcher(filter: string): (tag: string) => boolean {
  if (!filter.includes("*")) return (tag) => tag.includes(filter);
  const parts = filter.split("*");
  return (tag) => {
    // Linear wildcard match, no RegExp built from input.
    if (!tag.startsWith(parts[0] as string)) return false;
    let at = (parts[0] as string).length;
    for (let i = 1; i < parts.length - 1; i++) {
      const found = tag.indexOf(parts[i] as string, at);
      if (found === -1) return false;
      at = found + (parts[i] as string).length;
    }
    const last = parts[parts.length - 1] as string;
    return tag.length - last.length >= at && tag.endsWith(last);
  };
}
