import { realpathSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isAbsolute, join, normalize } from "node:path";
import { imageResource, shortId } from "@arktechnwa/docker-kit";
import {
  defineTool,
  errorCode,
  isSecretKey,
  MASK,
  secretValuesFromEnv,
  type ToolContext,
  ToolError,
  type ToolHandler,
} from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { contextTar } from "../build-context.js";
import type { ImagesDeps } from "../deps.js";
import { type DockerfileImage, dockerfileImages, triggerImages } from "../dockerfile-images.js";
import { parseReference, REFERENCE_HINT } from "../image-reference.js";
import {
  credentialSecrets,
  lookupCredential,
  type RegistryCredential,
  registryOf,
} from "../registry-auth.js";
import { configHeader } from "../registry-header.js";

/** Label on every image docker_build makes, so they can be told apart from the user's own builds. */
export const BUILT_BY_LABEL = "dev.arktechnwa.docker-mcp.created-by";
const MAX_DOCKERFILE_BYTES = 1024 * 1024;

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
  base_images: z.array(z.string()).describe("Images the Dockerfile reads from (FROM, COPY --from)."),
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

    const text = await readDockerfile(root, dockerfile);
    const bases = await checkBaseImages(deps, ctx, text, buildArgs);

    const credentials = new Map<string, RegistryCredential>();
    for (const registry of new Set(bases.map(registryOf))) {
      const credential = await lookupCredential(registry, {
        ...(deps.dockerConfigDir ? { configDir: deps.dockerConfigDir } : {}),
        signal: ctx.signal,
      });
      if (credential) {
        credentials.set(credential.serveraddress, credential);
        ctx.addSecrets(credentialSecrets(credential));
      }
    }
    const registryConfig = configHeader(credentials);
    if (registryConfig) ctx.addSecrets([registryConfig]);

    const { stream, tally } = contextTar(root, { keep: [dockerfile], signal: ctx.signal });
    ctx.progress(`Sending the build context from ${root}`);
    const built = await deps.engine.buildImage(
      {
        context: stream,
        dockerfile,
        ...(Object.keys(buildArgs).length ? { buildArgs } : {}),
        labels: { [BUILT_BY_LABEL]: "docker-mcp" },
        ...(args.platform ? { platform: args.platform } : {}),
        ...(registryConfig ? { registryConfig } : {}),
      },
      (event) => {
        if (event.step) ctx.progress(event.line ?? "", event.step.index, event.step.count);
      },
      ctx.signal,
    );

    await tagChecked(deps, ctx, built.imageId, tag);
    const shown = Object.fromEntries(
      Object.entries(buildArgs).map(([k, v]) => [k, isSecretKey(k) ? MASK : v]),
    );
    return {
      tag: tag.full,
      id: shortId(built.imageId),
      context: root,
      dockerfile,
      ...(Object.keys(shown).length ? { build_args: shown } : {}),
      base_images: bases,
      context_files: tally.files,
      context_bytes: tally.bytes,
      output: built.output.slice(-50),
      summary: `Built ${tag.full} (${shortId(built.imageId)}) from ${root} (${tally.files} files sent)`,
    };
  };
}

async function readDockerfile(root: string, dockerfile: string): Promise<string> {
  const path = join(root, dockerfile);
  const real = (() => {
    try {
      return realpathSync(path);
    } catch {
      throw new ToolError(
        "invalid_input",
        `There is no ${dockerfile} in ${root}. Pass dockerfile: the path of the Dockerfile inside the context.`,
      );
    }
  })();
  if (real !== root && !real.startsWith(`${root}/`)) {
    throw new ToolError(
      "invalid_input",
      `${dockerfile} points outside the build context; the Dockerfile must lie inside it.`,
    );
  }
  const stat = statSync(real);
  if (!stat.isFile() || stat.size > MAX_DOCKERFILE_BYTES) {
    throw new ToolError("invalid_input", `${dockerfile} is not a regular file of at most 1 MiB.`);
  }
  return readFile(real, "utf8");
}

/**
 * Every image the Dockerfile reads from must pass the image lists, judged like any image target (a
 * local image by all its names): otherwise a whitelisted tag could be built on a blacklisted image's
 * files. A reference that depends on a variable without a value cannot be judged, so it is refused.
 */
async function checkBaseImages(
  deps: ImagesDeps,
  ctx: ToolContext,
  text: string,
  buildArgs: Record<string, string>,
): Promise<string[]> {
  const { images, unknown } = dockerfileImages(text, buildArgs);
  refuseUnknown(unknown, "Line", "the Dockerfile");
  const refs = [...new Set(images.map((i) => i.reference))];
  const checked = new Set<string>();
  for (const ref of refs) {
    const local = await judgeImage(
      deps,
      ctx,
      ref,
      `the Dockerfile reads from image "${ref}" (line ${lineOf(images, ref)})`,
    );
    checked.add(ref);
    // A base image's ONBUILD triggers run in this build (COPY --from=... of their own), unseen in
    // the Dockerfile: what they read from passes the same lists.
    if (!local || !images.some((i) => i.reference === ref && i.instruction === "FROM")) continue;
    const details = await deps.engine.inspectImageDetails(local.id, ctx.signal);
    const triggers = triggerImages(details.config.onBuild);
    refuseUnknown(triggers.unknown, "ONBUILD trigger", `base image "${ref}"`);
    for (const trigger of triggers.images) {
      if (checked.has(trigger.reference)) continue;
      await judgeImage(
        deps,
        ctx,
        trigger.reference,
        `an ONBUILD trigger of base image "${ref}" reads from image "${trigger.reference}"`,
      );
      checked.add(trigger.reference);
      refs.push(trigger.reference);
    }
  }
  return refs;
}

function lineOf(images: DockerfileImage[], ref: string): number | undefined {
  return images.find((i) => i.reference === ref)?.line;
}

function refuseUnknown(unknown: { line: number; text: string }[], where: string, what: string): void {
  if (unknown.length === 0) return;
  const first = unknown[0] as { line: number; text: string };
  throw new ToolError(
    "invalid_input",
    `${where} ${first.line} of ${what} (${first.text}) names an image the image lists cannot judge: through a variable without a value, or with quotes, escapes or substitutions the builder would rewrite. Name the image plainly, or give the variable a value in build_args or an ARG default.`,
  );
}

/** The image (all its names when it is local) must pass the lists; answers the local image, if any. */
async function judgeImage(
  deps: ImagesDeps,
  ctx: ToolContext,
  ref: string,
  why: string,
): Promise<{ id: string } | undefined> {
  const local = await deps.engine.inspectImage(ref, ctx.signal).catch((error: unknown) => {
    if (errorCode(error) === "NOT_FOUND") return undefined;
    throw error;
  });
  const resource = local ? imageResource(local, ref) : { kind: "image", names: [ref] };
  if (ctx.visible([resource], (r) => r).hidden > 0) {
    throw new ToolError(
      "denied",
      `Denied by policy: ${why}, which the image lists (whitelist_images / blacklist_images) refuse. A build may only use images the lists admit.`,
    );
  }
  return local;
}

/**
 * Tags the built image only after checking it: a build can come out as an image that already exists
 * under a refused name (same content), and no tag the lists admit may point at that. A new image that
 * fails the check is removed again.
 */
async function tagChecked(
  deps: ImagesDeps,
  ctx: ToolContext,
  imageId: string,
  tag: { repository: string; tag: string; full: string },
): Promise<void> {
  const image = await deps.engine.inspectImage(imageId, ctx.signal);
  const resource = imageResource({ ...image, tags: [...image.tags, tag.full] }, tag.full);
  if (ctx.visible([resource], (r) => r).hidden > 0) {
    if (image.tags.length === 0) await deps.engine.removeImage(image.id, {}, ctx.signal).catch(() => {});
    throw new ToolError(
      "denied",
      `Denied by policy: the build produced an image that the image lists refuse under another of its names, so ${tag.full} may not point at it. Nothing was tagged.`,
    );
  }
  await deps.engine.tagImage(image.id, tag.repository, tag.tag, ctx.signal);
}
