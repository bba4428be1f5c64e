import type { DockerDeps } from "@arktechnwa/docker-kit";

/** What the images plugin needs from the server that loads it. */
export interface ImagesDeps extends DockerDeps {
  /**
   * The Docker config directory whose `config.json` holds registry credentials (`auths`, credential
   * helpers). Default: DOCKER_CONFIG, else ~/.docker, read at each pull or build.
   */
  dockerConfigDir?: string;
}
