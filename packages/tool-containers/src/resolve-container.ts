import {
  type ResolvedResource,
  type ResourceResolver,
  secretValuesFromEnv,
} from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity, ContainerSummary } from "@arktechnwa/docker-mcp-engine";
import type { ContainersDeps } from "./deps.js";

/** name, /name, ID prefix or full ID -> one container, with its secret env values for the redactor. */
export function containerResolver(deps: ContainersDeps): ResourceResolver {
  return async (ref, signal) => identityToResource(await deps.engine.resolveContainer(ref, signal));
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

export function identityToResource(identity: ContainerIdentity): ResolvedResource {
  const rel = related(identity.labels);
  return {
    kind: "container",
    id: identity.id,
    names: ownNames(identity.names),
    image: identity.image,
    ...(rel ? { related: rel } : {}),
    secrets: secretValuesFromEnv(identity.env),
    data: identity,
  };
}

/** The identity a listing row gives the policy (for filtering what the caller may see). */
export function summaryToResource(summary: ContainerSummary): ResolvedResource {
  const rel = related(summary.labels);
  return {
    kind: "container",
    id: summary.id,
    names: ownNames(summary.names),
    image: summary.image,
    ...(rel ? { related: rel } : {}),
  };
}

/** Handlers get the engine's identity back from a resolved target. */
export function identityOf(resource: ResolvedResource | undefined): ContainerIdentity {
  if (!resource?.data) throw new Error("internal: a container target was not resolved by the kernel");
  return resource.data as ContainerIdentity;
}
