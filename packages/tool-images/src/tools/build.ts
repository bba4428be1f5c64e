import { realpathSync, statSync } from "node:fs";
import { isAbsolute, normalize } from "node:path";
import {
  judgeBuild,
  parseReference,
  REFERENCE_HINT,
  runJudgedBuild,
  shortId,
  tagJudged,
} from "@arktechnwa/docker-kit";
import {
  defineTool,
  isSecretKey,
  MASK,
  secretValuesFromEnv,
  ToolError,
  type ToolHandler,
} from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import type { ImagesDeps } from "../deps.js";

/** Label on every image docker_build makes, so they can be told apart from the user's own builds. */
export const BUILT_BY_LABEL = "dev.arktechnwa.docker-mcp.created-by";

const input = z.strictObject({
  context: z
    .string()
    .min(1)
    .refine(isAbsolute, "must be an absolute path")
    .describe(
      "Absolute path of the build context directory; it must lie under build_safety.allowed_contexts.",
    ),
  dockerfile: z
    .string()
    .min(1)
    .refine((p) => !isAbsolute(p) && !normalize(p).startsWith(".."), "must be a path inside the context")
    .optional()
    .describe("Path of the Dockerfile inside the context (default 'Dockerfile')."),
  tag: z
    .string()
    .min(1)
    .refine((s) => parseReference(s)?.tag !== undefined && !s.includes("@"), { message: REFERENCE_HINT })
    .describe("The tag to give the image, e.g. 'myorg/app:1.2' (':latest' when none)."),
  build_args: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a variable name"), z.string())
    .optional()
    .describe("--build-arg values; those with secret-looking names are masked in every answer."),
  platform: z
    .string()
    .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/)
    .optional(),
});

const output = z.object({
  tag: z.string(),
  id: z.string(),
  context: z.string().describe("The context directory, symlinks resolved."),
  dockerfile: z.string(),
  build_args: z.record(z.string(), z.string()).optional().describe("Secret-looking values masked."),
  base_images: z
    .array(z.string())
    .describe(
      "Images the build reads from (FROM, COPY --from, RUN --mount from, and those of ONBUILD triggers).",
    ),
  base_triggers: z
    .array(z.object({ image: z.string(), instruction: z.string() }))
    .optional()
    .describe(
      "ONBUILD triggers of base images: they ran in this build although the Dockerfile does not show them.",
    ),
  context_files: z.number().int(),
  context_bytes: z.number().int(),
  output: z.array(z.string()).describe("The last lines of build output."),
  summary: z.string(),
});

/** The context directory as the policy must judge it: absolute, symlinks resolved, existing. */
function resolveContext(context: string): string {
  let real: string;
  try {
    real = realpathSync(context);
  } catch {
    throw new ToolError("invalid_input", `The build context ${context} does not exist or cannot be read.`);
  }
  if (!statSync(real).isDirectory()) {
    throw new ToolError("invalid_input", `The build context ${context} is not a directory.`);
  }
  return real;
}

export const buildTool = defineTool({
  name: "docker_build",
  title: "Build an image",
  description:
    "Build an image from a context directory the policy allows (build_safety.allowed_contexts) and tag it. " +
    "The tag and every image the Dockerfile reads from must pass the image lists. Reports progress per step.",
  levels: ["images"],
  timeoutClass: "build",
  effect: "write",
  // A base image that is not here is pulled from its registry.
  openWorld: true,
  input,
  output,
  targetKinds: [],
  bareKinds: ["image"],
  targets: (args) => [
    { kind: "image", ref: (parseReference(args.tag) as { full: string }).full, resolve: false },
  ],
  build: (args) => ({ context: resolveContext(args.context) }),
  render: (o) => [o.summary, ...o.output.slice(-15).map((l) => `  ${l}`)].join("\n"),
});

export function buildHandler(deps: ImagesDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const tag = parseReference(args.tag) as { repository: string; tag: string; full: string };
    // The policy judged this same resolution a moment ago (the build facts).
    const root = resolveContext(args.context);
    const dockerfile = normalize(args.dockerfile ?? "Dockerfile").replace(/\/+$/, "");
    const buildArgs = args.build_args ?? {};
    ctx.addSecrets(secretValuesFromEnv(Object.entries(buildArgs).map(([k, v]) => `${k}=${v}`)));

    const judged = await judgeBuild(deps, ctx, {
      root,
      dockerfile,
      buildArgs,
      labels: { [BUILT_BY_LABEL]: "docker-mcp" },
      ...(args.platform ? { platform: args.platform } : {}),
    });
    ctx.progress(`Sending the build context from ${root}`);
    const built = await runJudgedBuild(deps, ctx, judged, (event) => {
      if (event.step) ctx.progress(event.line ?? "", event.step.index, event.step.count);
    });
    await tagJudged(deps, ctx, built.imageId, tag);
    const shown = Object.fromEntries(
      Object.entries(buildArgs).map(([k, v]) => [k, isSecretKey(k) ? MASK : v]),
    );
    return {
      tag: tag.full,
      id: shortId(built.imageId),
      context: root,
      dockerfile,
      ...(Object.keys(shown).length ? { build_args: shown } : {}),
      base_images: judged.bases,
      ...(judged.triggers.length ? { base_triggers: judged.triggers } : {}),
      context_files: built.tally.files,
      context_bytes: built.tally.bytes,
      output: built.output.slice(-50),
      summary: `Built ${tag.full} (${shortId(built.imageId)}) from ${root} (${built.tally.files} files sent)`,
    };
  };
}
