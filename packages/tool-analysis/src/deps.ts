import type { DockerDeps } from "@arktechnwa/docker-kit";

/** What the analysis plugin needs from the server that loads it: the engine and a clock. */
export type AnalysisDeps = DockerDeps;
