import type { ResolvedResource, ResourceResolver } from "@arktechnwa/docker-mcp-core";
import type { VolumeIdentity } from "@arktechnwa/docker-mcp-engine";
import type { DockerDeps } from "./deps.js";

/** A volume by its exact name (volumes have no ID) -> that volume; NOT_FOUND when absent. */
export function volumeResolver(deps: DockerDeps): ResourceResolver {
  return async (ref, signal) => volumeResource(await deps.engine.inspectVolume(ref, signal));
}

/** What the policy judges of a volume: its name. */
export function volumeResource(volume: VolumeIdentity): ResolvedResource {
  return { kind: "volume", names: [volume.name], data: volume };
}
