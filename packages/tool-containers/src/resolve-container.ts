import {
  errorCode,
  type ResolvedResource,
  type ResourceResolver,
  secretValuesFromEnv,
} from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity, ContainerSummary } from "@arktechnwa/docker-mcp-engine";
import type { ContainersDeps } from "./deps.js";

/** name, /name, ID prefix or full ID -> one container, with its secret env values for the redactor. */
export function containerResolver(deps: ContainersDeps): ResourceResolver {
  return async (ref, signal) => {
    const identity = await deps.engine.resolveContainer(ref, signal);
    const resource = identityToResource(identity);
    // Created from a bare image ID, a container's Config.Image names no image the image lists could
    // match: judge it by the tag its image carries instead.
    if (IMAGE_ID.test(identity.image)) {
      const image = await deps.engine
        .inspectImage(identity.imageId || identity.image, signal)
        .catch(() => undefined);
      if (image?.tags[0]) resource.image = image.tags[0];
    }
    return resource;
  };
}

const IMAGE_ID = /^(sha256:)?[0-9a-f]{12,64}$/;

/**
 * An image by name, tag, digest or ID -> the local image with every tag it carries, so image lists
 * hold however the image is named (a blacklisted image given by its ID is still that image).
 */
export function imageResolver(deps: ContainersDeps): ResourceResolver {
  return async (ref, signal) => {
    const image = await deps.engine.inspectImage(ref, signal).catch((error: unknown) => {
      // Not here (yet): the policy judges the name as written, and the action reports the absence.
      if (errorCode(error) === "NOT_FOUND") return undefined;
      throw error;
    });
    if (!image) return { kind: "image", names: [ref] };
    const names = [...new Set([ref, ...image.tags, ...image.digests])];
    return { kind: "image", id: image.id, names, data: image };
  };
}

/** Compose labels every container it runs with its project: project lists apply to those containers. */
export const COMPOSE_PROJECT_LABEL = "com.docker.compose.project";

function related(labels: Record<string, string>): ResolvedResource["related"] {
  const project = labels[COMPOSE_PROJECT_LABEL];
  return project ? [{ kind: "compose_project", names: [project] }] : undefined;
}

/**
 * A container's own names: legacy links add aliases like "web/db" to the linked container, which
 * are not its names and must not widen what a whitelist admits.
 */
export function ownNames(names: string[]): string[] {
  return names.filter((name) => !name.includes("/"));
}

/** What to call a container in answers: its own name, else its short ID. */
export function displayName(container: { names: string[]; id: string }): string {
  return ownNames(container.names)[0] ?? container.id.slice(0, 12);
}

/** What the policy judges of a container: its own names, its image and its compose project. */
function containerResource(c: {
  id: string;
  names: string[];
  image: string;
  labels: Record<string, string>;
}): ResolvedResource {
  const rel = related(c.labels);
  return {
    kind: "container",
    id: c.id,
    names: ownNames(c.names),
    image: c.image,
    ...(rel ? { related: rel } : {}),
  };
}

export function identityToResource(identity: ContainerIdentity): ResolvedResource {
  return { ...containerResource(identity), secrets: secretValuesFromEnv(identity.env), data: identity };
}

/**
 * Listing rows whose image is a bare ID get the tag their image carries (one lookup per distinct
 * image, only when there are such rows), so a blacklisted image hides its containers however they
 * were created.
 */
export async function withImageTags(
  deps: ContainersDeps,
  rows: ContainerSummary[],
  signal: AbortSignal,
): Promise<ContainerSummary[]> {
  const ids = [...new Set(rows.filter((r) => IMAGE_ID.test(r.image)).map((r) => r.imageId || r.image))];
  if (ids.length === 0) return rows;
  const tags = new Map<string, string>();
  await Promise.all(
    ids.map(async (id) => {
      const image = await deps.engine.inspectImage(id, signal).catch(() => undefined);
      if (image?.tags[0]) tags.set(id, image.tags[0]);
    }),
  );
  return rows.map((r) => {
    const tag = IMAGE_ID.test(r.image) ? tags.get(r.imageId || r.image) : undefined;
    return tag ? { ...r, image: tag } : r;
  });
}

/** The identity a listing row gives the policy (for filtering what the caller may see). */
export function summaryToResource(summary: ContainerSummary): ResolvedResource {
  return containerResource(summary);
}

/** Handlers get the engine's identity back from a resolved target. */
export function identityOf(resource: ResolvedResource | undefined): ContainerIdentity {
  if (!resource?.data) throw new Error("internal: a container target was not resolved by the kernel");
  return resource.data as ContainerIdentity;
}
