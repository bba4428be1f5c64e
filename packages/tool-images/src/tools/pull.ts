import { parseReference, pullChecked, REFERENCE_HINT, shortId } from "@arktechnwa/docker-kit";
import { defineTool, formatBytes, type ToolContext, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { PullProgressEvent } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import type { ImagesDeps } from "../deps.js";

const input = z.strictObject({
  image: z
    .string()
    .min(1)
    .refine((s) => parseReference(s) !== undefined, { message: REFERENCE_HINT })
    .describe("image:tag or image@digest; without either, ':latest'."),
  platform: z
    .string()
    .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, "must look like 'linux/amd64' or 'linux/arm64/v8'")
    .optional()
    .describe("e.g. 'linux/arm64' (default: the daemon's own)."),
});

const output = z.object({
  image: z.string().describe("The reference pulled (with the default tag filled in)."),
  id: z.string().describe("Short ID of the local image it now names."),
  digest: z.string().optional(),
  status: z.enum(["downloaded", "up_to_date"]),
  layers: z.array(z.object({ id: z.string(), status: z.string(), size: z.string().optional() })),
  downloaded: z.string().describe("Bytes fetched from the registry, e.g. '4.0M'."),
  summary: z.string(),
});

export const pullTool = defineTool({
  name: "docker_pull",
  title: "Pull an image",
  description:
    "Pull an image from its registry (image lists are checked before anything is fetched). Reports " +
    "progress per layer. Uses the registry credentials of your Docker config, never showing them.",
  levels: ["images"],
  timeoutClass: "pull",
  effect: "write",
  idempotent: true,
  openWorld: true,
  input,
  output,
  targetKinds: [],
  bareKinds: ["image"],
  // Judged on the name as given (it may not exist here yet), before the registry is contacted.
  targets: (args) => [
    { kind: "image", ref: (parseReference(args.image) as { full: string }).full, resolve: false },
  ],
  render: (o) =>
    [o.summary, ...o.layers.map((l) => `  ${l.id}: ${l.status}${l.size ? ` (${l.size})` : ""}`)].join("\n"),
});

/** Byte progress is relayed at most this often; every change of a layer's state is relayed at once. */
const PROGRESS_EVERY_MS = 250;

export function pullHandler(deps: ImagesDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const ref = parseReference(args.image) as NonNullable<ReturnType<typeof parseReference>>;
    ctx.progress(`Pulling ${ref.full}`);
    const { result, image: after } = await pullChecked(deps, ctx, ref, {
      ...(args.platform ? { platform: args.platform } : {}),
      onProgress: relay(ctx),
    });

    const downloaded = result.layers.reduce(
      (sum, l) => sum + (l.status === "Already exists" ? 0 : l.downloaded),
      0,
    );
    const status = /up to date/i.test(result.outcome ?? "") ? "up_to_date" : "downloaded";
    const fetched = result.layers.filter((l) => l.status !== "Already exists").length;
    return {
      image: ref.full,
      id: shortId(after.id),
      ...(result.digest ? { digest: result.digest } : {}),
      status,
      layers: result.layers.map((l) => ({
        id: l.id,
        status: l.status,
        ...(l.size !== undefined ? { size: formatBytes(l.size) } : {}),
      })),
      downloaded: formatBytes(downloaded),
      summary:
        status === "up_to_date"
          ? `${ref.full} is up to date (${shortId(after.id)})`
          : `Pulled ${ref.full} (${shortId(after.id)}): ${fetched} layer${fetched === 1 ? "" : "s"} fetched, ${formatBytes(downloaded)}; ${result.layers.length - fetched} already present`,
    };
  };
}

/** Relays layer changes as MCP progress: bytes fetched of bytes known, and a line per layer change. */
function relay(ctx: ToolContext): (event: PullProgressEvent) => void {
  const lastStatus = new Map<string, string>();
  let lastSent = 0;
  return (event) => {
    const changed = lastStatus.get(event.layer.id) !== event.layer.status;
    lastStatus.set(event.layer.id, event.layer.status);
    const now = Date.now();
    if (!changed && now - lastSent < PROGRESS_EVERY_MS) return;
    lastSent = now;
    const bytes =
      event.layer.size !== undefined && event.layer.status === "Downloading"
        ? ` ${formatBytes(event.layer.downloaded)} / ${formatBytes(event.layer.size)}`
        : "";
    ctx.progress(
      `layer ${event.layer.id}: ${event.layer.status}${bytes} (${event.layersDone} of ${event.layersKnown} layers done)`,
      event.downloaded,
      event.expected > 0 ? event.expected : undefined,
    );
  };
}
