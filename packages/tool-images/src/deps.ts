import type { DockerDeps, RegistryDeps } from "@arktechnwa/docker-kit";

/** What the images plugin needs from the server that loads it. */
export interface ImagesDeps extends DockerDeps, RegistryDeps {}
