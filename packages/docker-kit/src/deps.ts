import type { DockerEngine } from "@arktechnwa/docker-mcp-engine";

/** What every Docker plugin (and the resource provider) gets from the server that loads it. */
export interface DockerDeps {
  engine: DockerEngine;
  /** Clock for relative times (`since: "-1h"`); injectable for tests. */
  now?: () => number;
}
