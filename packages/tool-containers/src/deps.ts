import type { DockerEngine } from "@arktechnwa/docker-mcp-engine";

/** What the containers plugin needs from the server that loads it. */
export interface ContainersDeps {
  engine: DockerEngine;
  /** Clock for relative times (`since: "-1h"`); injectable for tests. */
  now?: () => number;
}
