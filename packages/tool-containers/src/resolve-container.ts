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

export function identityToResource(identity: ContainerIdentity): ResolvedResource {
  return {
    kind: "container",
    id: identity.id,
    names: identity.names,
    image: identity.image,
    secrets: secretValuesFromEnv(identity.env),
    data: identity,
  };
}

/** The identity a listing row gives the policy (for filtering what the caller may see). */
export function summaryToResource(summary: ContainerSummary): ResolvedResource {
  return { kind: "container", id: summary.id, names: summary.names, image: summary.image };
}

/** Handlers get the engine's identity back from a resolved target. */
export function identityOf(resource: ResolvedResource | undefined): ContainerIdentity {
  if (!resource?.data) throw new Error("internal: a container target was not resolved by the kernel");
  return resource.data as ContainerIdentity;
}
