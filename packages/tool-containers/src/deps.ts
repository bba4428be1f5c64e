import type { DockerDeps } from "@arktechnwa/docker-kit";

/** What the containers plugin needs from the server that loads it. */
export type ContainersDeps = DockerDeps;
