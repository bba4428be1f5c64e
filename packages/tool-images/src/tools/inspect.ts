import { shortId, singleTarget, theTarget } from "@arktechnwa/docker-kit";
import { defineTool, formatBytes, secretValuesFromEnv, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { HistoryEntry } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import type { ImagesDeps } from "../deps.js";

const one = singleTarget("image", "image", "Image tag ('nginx:1.27'), digest, short or full ID.");

const input = z.strictObject({ ...one.input });

const output = z.object({
  id: z.string(),
  tags: z.array(z.string()),
  digests: z.array(z.string()),
  created: z.string(),
  size: z.string(),
  size_bytes: z.number().int(),
  platform: z.string().describe("os/architecture"),
  author: z.string().optional(),
  config: z.object({
    entrypoint: z.array(z.string()),
    cmd: z.array(z.string()),
    env: z.array(z.string()).describe("KEY=VALUE; values of secret-looking keys are masked."),
    exposed_ports: z.array(z.string()),
    labels: z.record(z.string(), z.string()),
    working_dir: z.string().optional(),
    user: z.string().optional(),
  }),
  layers: z
    .array(z.object({ digest: z.string(), size: z.string().optional(), created_by: z.string().optional() }))
    .describe("Bottom first; sizes and the instruction that made each, where the history can tell."),
  history: z.array(
    z.object({
      created: z.string(),
      created_by: z.string(),
      size: z.string(),
      comment: z.string().optional(),
    }),
  ),
});

export const inspectTool = defineTool({
  name: "docker_image_inspect",
  title: "Inspect an image",
  description:
    "One image's configuration (entrypoint, cmd, env with secret values masked, exposed ports, labels), " +
    "its layers with sizes, and its build history.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  targetKinds: ["image"],
  targets: one.targets,
  render: (o) =>
    [
      `${o.tags.join(", ") || "<untagged>"} (${shortId(o.id)}) ${o.size}, ${o.platform}, created ${o.created}`,
      `entrypoint ${JSON.stringify(o.config.entrypoint)} cmd ${JSON.stringify(o.config.cmd)}`,
      o.config.exposed_ports.length ? `ports ${o.config.exposed_ports.join(", ")}` : "",
      `${o.layers.length} layer${o.layers.length === 1 ? "" : "s"}:`,
      ...o.layers.map((l) => `  ${l.size ?? "?"}  ${l.created_by ?? l.digest}`),
    ]
      .filter(Boolean)
      .join("\n"),
});

export function inspectHandler(deps: ImagesDeps): ToolHandler<typeof input, typeof output> {
  return async (_args, ctx) => {
    const target = theTarget(ctx, "image");
    const id = target.id as string;
    const [details, history] = await Promise.all([
      deps.engine.inspectImageDetails(id, ctx.signal),
      deps.engine.imageHistory(id, ctx.signal),
    ]);
    ctx.addSecrets(secretValuesFromEnv(details.config.env));
    const steps = [...history].reverse(); // oldest first, like the layers
    return {
      id: details.id,
      tags: details.tags,
      digests: details.digests,
      created: details.created,
      size: formatBytes(details.size),
      size_bytes: details.size,
      platform: `${details.os}/${details.architecture}`,
      ...(details.author ? { author: details.author } : {}),
      config: {
        entrypoint: details.config.entrypoint,
        cmd: details.config.cmd,
        env: details.config.env,
        exposed_ports: details.config.exposedPorts,
        labels: details.config.labels,
        ...(details.config.workingDir ? { working_dir: details.config.workingDir } : {}),
        ...(details.config.user ? { user: details.config.user } : {}),
      },
      layers: pairLayers(details.layers, steps),
      history: steps.map((h) => ({
        created: new Date(h.created * 1000).toISOString(),
        created_by: h.createdBy,
        size: formatBytes(h.size),
        ...(h.comment ? { comment: h.comment } : {}),
      })),
    };
  };
}

/** Steps that make a layer even when it is empty: RUN, COPY and ADD (classic builder and BuildKit wording). */
const WRITES = /^(\/bin\/sh -c (?!#\(nop\))|\/bin\/sh -c #\(nop\)\s+(ADD|COPY)\b|RUN |COPY |ADD )/;

/**
 * The history does not say which step made which layer; steps that write files (RUN, COPY, ADD, or a
 * non-empty size) do, in order. When their count matches the layers, each layer gets its size and
 * instruction; otherwise the layers are listed without them rather than mislabeled.
 */
function pairLayers(
  layers: string[],
  steps: HistoryEntry[],
): { digest: string; size?: string; created_by?: string }[] {
  const writing = steps.filter((s) => s.size > 0 || WRITES.test(s.createdBy));
  if (writing.length !== layers.length) return layers.map((digest) => ({ digest }));
  return layers.map((digest, i) => {
    const step = writing[i] as HistoryEntry;
    return {
      digest,
      size: formatBytes(step.size),
      created_by: step.createdBy.replace(/^\/bin\/sh -c #\(nop\)\s+/, ""),
    };
  });
}
