import type { ResolvedResource, ResourceResolver } from "@arktechnwa/docker-mcp-core";
import type { NetworkIdentity } from "@arktechnwa/docker-mcp-engine";
import type { DockerDeps } from "./deps.js";

/** A network by name, full ID or unique ID prefix -> that network, judged by its name; NOT_FOUND else. */
export function networkResolver(deps: DockerDeps): ResourceResolver {
  return async (ref, signal) => networkResource(await deps.engine.inspectNetwork(ref, signal));
}

/** What the policy judges of a network: its name (and its ID, for messages and handlers). */
export function networkResource(network: NetworkIdentity): ResolvedResource {
  return { kind: "network", id: network.id, names: [network.name], data: network };
}
