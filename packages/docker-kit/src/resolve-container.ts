import {
  type ResolvedResource,
  type ResourceResolver,
  secretValuesFromArgv,
  secretValuesFromEnv,
} from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity, ContainerSummary } from "@arktechnwa/docker-mcp-engine";
import type { DockerDeps } from "./deps.js";
import { imageNamesById, imageNamesOf, isImageId, type ListedContainer } from "./image-names.js";
import { COMPOSE_PROJECT_LABEL, ownNames } from "./names.js";

/** name, /name, ID prefix or full ID -> one container, with its secret env and argv values for the redactor. */
export function containerResolver(deps: DockerDeps): ResourceResolver {
  return async (ref, signal, options) => {
    // A read may be answered from what the daemon's events keep current; a tool that acts asks now.
    const cached = options?.cached === true;
    const identity = await deps.engine.resolveContainer(ref, signal, { cached });
    const resource = identityToResource(identity);
    // An image is all its names: the container is judged by every tag, digest and the ID of the image
    // it runs, not only by the name it was created with (a bare ID, or one tag of several).
    const image = await imageNamesById(deps, identity.imageId || identity.image, signal, cached);
    if (image) {
      resource.images = imageNamesOf(image);
      if (isImageId(identity.image) && image.tags[0]) resource.image = image.tags[0];
    }
    return resource;
  };
}

function related(labels: Record<string, string>): ResolvedResource["related"] {
  const project = labels[COMPOSE_PROJECT_LABEL];
  return project ? [{ kind: "compose_project", names: [project] }] : undefined;
}

/** What the policy judges of a container: its own names, its image and its compose project. */
export function containerResource(c: {
  id: string;
  names: string[];
  image: string;
  images?: string[];
  labels: Record<string, string>;
}): ResolvedResource {
  const rel = related(c.labels);
  return {
    kind: "container",
    id: c.id,
    names: ownNames(c.names),
    image: c.image,
    ...(c.images ? { images: c.images } : {}),
    ...(rel ? { related: rel } : {}),
  };
}

/**
 * A resolved container: what the policy judges, its secrets (from its environment and from its command
 * lines: `--password VALUE`, `--token=VALUE`, `KEY=VALUE`, ...), and the engine's identity as data.
 */
export function identityToResource(identity: ContainerIdentity): ResolvedResource {
  const secrets = new Set(secretValuesFromEnv(identity.env));
  for (const argv of identity.argvs ?? []) for (const value of secretValuesFromArgv(argv)) secrets.add(value);
  return { ...containerResource(identity), secrets: [...secrets], data: identity };
}

/**
 * The identity a listing row gives the policy (for filtering what the caller may see); list through
 * listVisibleContainers, which gives each row its image's names.
 */
export function summaryToResource(summary: ContainerSummary | ListedContainer): ResolvedResource {
  return containerResource(summary);
}
