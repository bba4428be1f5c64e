import type { DockerEngine } from "@arktechnwa/docker-mcp-engine";

/** What the analysis plugin needs from the server that loads it. */
export interface AnalysisDeps {
  engine: DockerEngine;
  now?: () => number;
}
