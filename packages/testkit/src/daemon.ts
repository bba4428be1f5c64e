import { DockerCliError, docker } from "./docker-cli.js";

let checked: Promise<string> | undefined;

/**
 * Resolves with the daemon's API version, or throws a clear error. Tests call it in `beforeAll` so a
 * missing daemon makes them FAIL, never skip.
 */
export function ensureDaemon(): Promise<string> {
  checked ??= docker(["version", "--format", "{{.Server.APIVersion}}"], { timeoutMs: 15_000 }).catch(
    (error: unknown) => {
      checked = undefined;
      const detail = error instanceof DockerCliError ? error.stderr.trim() || error.message : String(error);
      throw new Error(
        `No Docker daemon answers (DOCKER_HOST=${process.env["DOCKER_HOST"] ?? "unset, default socket"}). ` +
          `Integration tests need a real Docker Engine: run scripts/ensure-docker.sh. Detail: ${detail}`,
      );
    },
  );
  return checked;
}
