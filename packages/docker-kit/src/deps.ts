import type { DockerEngine } from "@arktechnwa/docker-mcp-engine";

/** What every Docker plugin (and the resource provider) gets from the server that loads it. */
export interface DockerDeps {
  engine: DockerEngine;
  /** Clock for relative times (`since: "-1h"`); injectable for tests. */
  now?: () => number;
}

/** What pulls and builds need besides the engine. */
export interface RegistryDeps {
  engine: DockerEngine;
  /**
   * The Docker config directory whose `config.json` holds registry credentials (`auths`, credential
   * helpers). Default: DOCKER_CONFIG, else ~/.docker, read at each pull or build.
   */
  dockerConfigDir?: string;
  /**
   * Runs between the check of files (a Dockerfile, a compose model) and their use. Only tests set it:
   * they change the files there to prove that what runs is what was judged.
   */
  afterCheck?: (stage: "build" | "compose up") => Promise<void> | void;
}
