import { errorCode, type ToolContext, ToolError } from "@arktechnwa/docker-mcp-core";
import type { ImageIdentity, PullProgressEvent, PullResult } from "@arktechnwa/docker-mcp-engine";
import type { RegistryDeps } from "./deps.js";
import type { ParsedReference } from "./image-reference.js";
import { credentialSecrets, lookupCredential, registryOf } from "./registry-auth.js";
import { authHeader } from "./registry-header.js";
import { imageResource } from "./resolve-image.js";

/** The local image a reference names, or undefined when there is none. */
export async function localImage(
  deps: RegistryDeps,
  ref: string,
  signal: AbortSignal,
): Promise<ImageIdentity | undefined> {
  return deps.engine.inspectImage(ref, signal).catch((error: unknown) => {
    if (errorCode(error) === "NOT_FOUND") return undefined;
    throw error;
  });
}

export interface PullCheckedOptions {
  platform?: string;
  onProgress?: (event: PullProgressEvent) => void;
  /** What the denial says the reference is, e.g. `the image nginx:1 names`. */
  what?: string;
}

/**
 * Pulls a reference the lists admitted by name, then judges what arrived by all its names: a digest or
 * tag whose content is a refused image's (`vault:1` pulled again as `app@sha256:...`) is undone (the tag
 * points where it did before, or the new reference is removed) and the call denied, so no tag the lists
 * admit ever points at content they refuse. Registry credentials come from the Docker config and are
 * masked.
 */
export async function pullChecked(
  deps: RegistryDeps,
  ctx: ToolContext,
  ref: ParsedReference,
  options: PullCheckedOptions = {},
): Promise<{ result: PullResult; image: ImageIdentity }> {
  const before = await localImage(deps, ref.full, ctx.signal);
  const credential = await lookupCredential(registryOf(ref.repository), {
    ...(deps.dockerConfigDir ? { configDir: deps.dockerConfigDir } : {}),
    signal: ctx.signal,
  });
  const registryAuth = credential ? authHeader(credential) : undefined;
  ctx.addSecrets([...credentialSecrets(credential), ...(registryAuth ? [registryAuth] : [])]);
  const result = await deps.engine.pullImage(
    {
      repository: ref.repository,
      tagOrDigest: ref.digest ?? (ref.tag as string),
      ...(options.platform ? { platform: options.platform } : {}),
      ...(registryAuth ? { registryAuth } : {}),
    },
    options.onProgress ?? (() => {}),
    ctx.signal,
  );
  const after = await deps.engine.inspectImage(ref.full, ctx.signal);
  await refuseHiddenContent(deps, ctx, ref.full, after, before, options.what);
  return { result, image: after };
}

/**
 * After a pull by someone else (the compose CLI): when what `reference` now names carries a refused name,
 * the tag goes back to where it pointed before (or away) and the call is denied.
 */
export async function refuseHiddenContent(
  deps: RegistryDeps,
  ctx: ToolContext,
  reference: string,
  after: ImageIdentity,
  before: { id: string } | undefined,
  what = `the image ${reference} names`,
): Promise<void> {
  const { hidden } = ctx.visible([imageResource(after, reference)], (r) => r);
  if (hidden === 0) return;
  const colon = reference.lastIndexOf(":");
  let undo: string;
  if (before && before.id !== after.id && !reference.includes("@")) {
    await deps.engine.tagImage(before.id, reference.slice(0, colon), reference.slice(colon + 1), ctx.signal);
    undo = `${reference} points at the image it named before the pull again`;
  } else if (!before || before.id !== after.id) {
    await deps.engine.removeImage(reference, { noprune: true }, ctx.signal);
    undo = `${reference} was removed again`;
  } else {
    undo = `${reference} is unchanged`;
  }
  throw new ToolError(
    "denied",
    `Denied by policy: ${what} is content the image lists refuse under another of its names, so no tag the lists admit may point at it; ${undo}.`,
  );
}
