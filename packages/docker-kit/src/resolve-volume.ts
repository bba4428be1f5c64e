import { type ResolvedResource, type ResourceResolver, volumeCreateFacts } from "@arktechnwa/docker-mcp-core";
import type { VolumeIdentity } from "@arktechnwa/docker-mcp-engine";
import type { DockerDeps } from "./deps.js";

/** A volume by its exact name (volumes have no ID) -> that volume; NOT_FOUND when absent. */
export function volumeResolver(deps: DockerDeps): ResourceResolver {
  return async (ref, signal) => volumeResource(await deps.engine.inspectVolume(ref, signal));
}

/**
 * What the policy judges of a volume: its name; and, where a tool mounts it into a new container, what
 * its record (driver, options) really mounts: a `local` volume made with `o: bind, device: /etc` is a bind
 * of /etc, whoever created it.
 */
export function volumeResource(volume: VolumeIdentity): ResolvedResource {
  const facts = volumeCreateFacts(`volume ${volume.name}`, volume.driver, volume.options, "/");
  return {
    kind: "volume",
    names: [volume.name],
    data: volume,
    ...(Object.keys(facts).length > 0 ? { createFacts: facts } : {}),
  };
}
