import { realpathSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { ToolContext } from "@arktechnwa/docker-mcp-core";
import { ToolError } from "@arktechnwa/docker-mcp-core";
import type { BuildEvent, ImageIdentity } from "@arktechnwa/docker-mcp-engine";
import { type ContextTally, contextTar } from "./build-context.js";
import type { RegistryDeps } from "./deps.js";
import { dockerfileImages, triggerImages } from "./dockerfile-images.js";
import { parseReference } from "./image-reference.js";
import { localImage, pullChecked } from "./pull-checked.js";
import { credentialSecrets, lookupCredential, type RegistryCredential, registryOf } from "./registry-auth.js";
import { configHeader } from "./registry-header.js";
import { imageResource } from "./resolve-image.js";

const MAX_DOCKERFILE_BYTES = 1024 * 1024;

/** What to build: a context directory the policy judged, and the Dockerfile in it (or given inline). */
export interface BuildSpec {
  /** The context directory: absolute, symlinks resolved, already allowed by build_safety. */
  root: string;
  /** Path of the Dockerfile inside the context. */
  dockerfile: string;
  /** The Dockerfile's text when it is given inline (compose `dockerfile_inline`): no file is read. */
  inline?: string;
  buildArgs?: Record<string, string>;
  platform?: string;
  target?: string;
  labels?: Record<string, string>;
  /** How messages name the Dockerfile, e.g. "the Dockerfile of service web" (default "the Dockerfile"). */
  what?: string;
}

/** An ONBUILD trigger of a base image: it runs in this build although the Dockerfile does not show it. */
export interface BaseTrigger {
  image: string;
  instruction: string;
}

/** A build whose Dockerfile and base images were judged; run it with `runJudgedBuild`. */
export interface JudgedBuild {
  spec: BuildSpec;
  /** The Dockerfile's bytes as read and judged: exactly these are sent, never the file again. */
  content: Buffer;
  /** Every image the build reads from (FROM, COPY --from, RUN --mount from, and those of triggers). */
  bases: string[];
  triggers: BaseTrigger[];
  /** The image ID each base reference named when it was judged. */
  baseIds: Map<string, string>;
  registryConfig?: string;
}

/**
 * Reads the Dockerfile once and judges every image it reads from, as the image lists judge a pull: a
 * local image by all its names (a `FROM app@sha256:...` that is a blacklisted tag's content is that
 * image), one that is not here is pulled first (refused by name before the registry is asked, then by
 * all the names of what arrived) so the build finds the judged copy and its ONBUILD triggers can be
 * read. Those triggers run in this build: what they read from passes the same lists, and one the
 * builder would run that cannot be analyzed refuses the build. Credentials for the registries are
 * looked up and masked.
 */
export async function judgeBuild(
  deps: RegistryDeps,
  ctx: ToolContext,
  spec: BuildSpec,
): Promise<JudgedBuild> {
  const what = spec.what ?? "the Dockerfile";
  // The directory sent is judged as it is named here, symlinks resolved: the caller judged the same
  // path a moment ago, but a link along it could have been changed since.
  const context = ctx.authorize({ subject: `build context ${spec.root}`, build: { context: spec.root } });
  if (!context.allowed) {
    throw new ToolError(
      context.reasons[0]?.code ?? "denied",
      `Denied by policy: ${context.reasons.map((r) => r.message).join(" ")}`,
    );
  }
  const content =
    spec.inline !== undefined ? Buffer.from(spec.inline) : await readDockerfile(spec.root, spec.dockerfile);
  if (content.length > MAX_DOCKERFILE_BYTES)
    throw new ToolError("invalid_input", `${what} is larger than 1 MiB; docker-mcp does not build it.`);
  const text = content.toString("utf8");
  const { images, unknown } = dockerfileImages(text, spec.buildArgs ?? {});
  refuseUnknown(unknown, "Line", what);

  const bases: string[] = [];
  const triggers: BaseTrigger[] = [];
  const judged = new Map<string, ImageIdentity>();
  const triggered = new Set<string>();
  const judge = async (ref: string, why: string, platform: string | undefined) => {
    const known = judged.get(ref);
    if (known) return known;
    const local = await judgeImage(deps, ctx, ref, why, platform);
    judged.set(ref, local);
    bases.push(ref);
    return local;
  };
  for (const image of images) {
    const platform = literalPlatform(image.platform) ?? spec.platform;
    const local = await judge(
      image.reference,
      `${what} reads from image "${image.reference}" (line ${image.line})`,
      platform,
    );
    // ONBUILD triggers fire only for the image a stage starts FROM (judged once per image).
    if (image.instruction !== "FROM" || triggered.has(image.reference)) continue;
    triggered.add(image.reference);
    const details = await deps.engine.inspectImageDetails(local.id, ctx.signal);
    const onBuild = details.config.onBuild;
    if (onBuild.length === 0) continue;
    const where = `base image "${image.reference}"`;
    refuseUnanalyzable(onBuild, where);
    const found = triggerImages(onBuild);
    refuseUnknown(found.unknown, "ONBUILD trigger", where);
    for (const instruction of onBuild) triggers.push({ image: image.reference, instruction });
    for (const t of found.images) {
      await judge(t.reference, `an ONBUILD trigger of ${where} reads from image "${t.reference}"`, platform);
    }
  }

  const credentials = new Map<string, RegistryCredential>();
  for (const registry of new Set(bases.flatMap((b) => (parseReference(b) ? [registryOf(b)] : [])))) {
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
  const baseIds = new Map([...judged].map(([ref, image]) => [ref, image.id]));
  return { spec, content, bases, triggers, baseIds, ...(registryConfig ? { registryConfig } : {}) };
}

/**
 * Sends the context with the judged Dockerfile bytes in place of the file (a Dockerfile swapped after
 * the check is not what is built) and builds. The result is not tagged: see `tagJudged`.
 */
export async function runJudgedBuild(
  deps: RegistryDeps,
  ctx: ToolContext,
  judged: JudgedBuild,
  onEvent: (event: BuildEvent) => void = () => {},
): Promise<{ imageId: string; output: string[]; tally: ContextTally }> {
  await deps.afterCheck?.("build");
  const { spec } = judged;
  const { stream, tally } = contextTar(spec.root, {
    keep: [spec.dockerfile],
    replace: { path: spec.dockerfile, content: judged.content },
    signal: ctx.signal,
  });
  const built = await deps.engine.buildImage(
    {
      context: stream,
      dockerfile: spec.dockerfile,
      ...(spec.buildArgs && Object.keys(spec.buildArgs).length ? { buildArgs: spec.buildArgs } : {}),
      ...(spec.labels ? { labels: spec.labels } : {}),
      ...(spec.platform ? { platform: spec.platform } : {}),
      ...(spec.target ? { target: spec.target } : {}),
      ...(judged.registryConfig ? { registryConfig: judged.registryConfig } : {}),
    },
    onEvent,
    ctx.signal,
  );
  await refuseChangedBases(deps, ctx, judged, built.imageId);
  return { ...built, tally };
}

/**
 * The builder reads each base by its name again: one that names another image now (retagged while the
 * build ran) may have given the build content that was never judged. The result is then removed again.
 */
async function refuseChangedBases(
  deps: RegistryDeps,
  ctx: ToolContext,
  judged: JudgedBuild,
  imageId: string,
): Promise<void> {
  for (const [ref, id] of judged.baseIds) {
    const now = await localImage(deps, ref, ctx.signal);
    if (now?.id === id) continue;
    const built = await localImage(deps, imageId, ctx.signal);
    if (built && built.tags.length === 0)
      await deps.engine.removeImage(built.id, {}, ctx.signal).catch(() => {});
    throw new ToolError(
      "denied",
      `Denied: the base image ${ref} named another image when the build ran than when it was judged (it was changed meanwhile), so the result may hold content that was never judged; it was removed and nothing was tagged. Build again.`,
    );
  }
}

/**
 * Tags a built image only after checking it: a build can come out as an image that already exists
 * under a refused name (same content), and no tag the lists admit may point at that. A new image that
 * fails the check is removed again.
 */
export async function tagJudged(
  deps: RegistryDeps,
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

/** The Dockerfile's bytes, read once: a regular file inside the context, at most 1 MiB. */
export async function readDockerfile(root: string, dockerfile: string): Promise<Buffer> {
  const path = join(root, dockerfile);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new ToolError(
      "invalid_input",
      `There is no ${dockerfile} in ${root}. Pass dockerfile: the path of the Dockerfile inside the context.`,
    );
  }
  if (real !== root && !real.startsWith(`${root}/`)) {
    throw new ToolError(
      "invalid_input",
      `${dockerfile} points outside the build context; the Dockerfile must lie inside it.`,
    );
  }
  // One open: the size check and the bytes are of the same file.
  const handle = await open(real, "r");
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > MAX_DOCKERFILE_BYTES) {
      throw new ToolError("invalid_input", `${dockerfile} is not a regular file of at most 1 MiB.`);
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The image must pass the lists by all its names; one that is not here is pulled (and judged) first. */
async function judgeImage(
  deps: RegistryDeps,
  ctx: ToolContext,
  ref: string,
  why: string,
  platform: string | undefined,
): Promise<ImageIdentity> {
  const local = await localImage(deps, ref, ctx.signal);
  const resource = local ? imageResource(local, ref) : { kind: "image", names: [ref] };
  if (ctx.visible([resource], (r) => r).hidden > 0) {
    throw new ToolError(
      "denied",
      `Denied by policy: ${why}, which the image lists (whitelist_images / blacklist_images) refuse. A build may only use images the lists admit.`,
    );
  }
  if (local) return local;
  const parsed = parseReference(ref);
  if (!parsed) {
    throw new ToolError(
      "not_found",
      `${why[0]?.toUpperCase()}${why.slice(1)}, an image ID that is not on this daemon. Name the image by its tag or digest.`,
    );
  }
  ctx.progress(`Pulling ${parsed.full} (${why})`);
  const { image } = await pullChecked(deps, ctx, parsed, {
    ...(platform ? { platform } : {}),
    what: `${why}: ${parsed.full}`,
  });
  return image;
}

/** `FROM --platform=linux/arm64`: that platform; a variable (`$BUILDPLATFORM`) is left to the builder. */
function literalPlatform(platform: string | undefined): string | undefined {
  return platform && /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(platform) ? platform : undefined;
}

/** What a Dockerfile may say in an ONBUILD trigger (Docker refuses ONBUILD, FROM and MAINTAINER there). */
const TRIGGER_INSTRUCTIONS = new Set([
  "ADD",
  "ARG",
  "CMD",
  "COPY",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "HEALTHCHECK",
  "LABEL",
  "RUN",
  "SHELL",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
]);

/**
 * A trigger runs like the instruction it holds: `ONBUILD RUN` like a RUN of the Dockerfile (the build
 * policy judges a build by its context and the images it reads, not by its commands), `ONBUILD COPY
 * --from=img` reads img. A trigger this reading does not know cannot be judged, so it refuses the build.
 */
function refuseUnanalyzable(onBuild: readonly string[], where: string): void {
  onBuild.forEach((trigger, index) => {
    const keyword = /^\s*(\w+)/.exec(trigger)?.[1]?.toUpperCase();
    if (keyword && TRIGGER_INSTRUCTIONS.has(keyword)) return;
    throw new ToolError(
      "denied",
      `Denied: ONBUILD trigger ${index + 1} of ${where} (${JSON.stringify(trigger.slice(0, 200))}) would run in this build, and docker-mcp cannot analyze it. Build from a base image without that trigger.`,
    );
  });
}

function refuseUnknown(unknown: { line: number; text: string }[], where: string, what: string): void {
  if (unknown.length === 0) return;
  const first = unknown[0] as { line: number; text: string };
  throw new ToolError(
    "invalid_input",
    `${where} ${first.line} of ${what} (${first.text}) names an image the image lists cannot judge: through a variable without a value, or with quotes, escapes or substitutions the builder would rewrite. Name the image plainly, or give the variable a value in build_args or an ARG default.`,
  );
}
