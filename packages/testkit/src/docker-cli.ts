import { execFile } from "node:child_process";

export interface DockerCliOptions {
  /** Total time the command may take; the child is killed afterwards. */
  timeoutMs?: number;
  /** Text written to the command's stdin. */
  input?: string;
  /** Daemon to talk to (`unix:///path`), e.g. a private daemon's; default: DOCKER_HOST or the usual socket. */
  host?: string;
}

/** Error from a `docker` CLI call; carries the exit code and stderr for assertions. */
export class DockerCliError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "DockerCliError";
  }
}

/**
 * Runs `docker <args>` and resolves with its stdout (trailing newline trimmed).
 * Uses the CLI on purpose: the testkit must not share code paths with the engine it tests.
 */
export function docker(args: readonly string[], options: DockerCliOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const argv = options.host ? ["-H", options.host, ...args] : [...args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      "docker",
      argv,
      { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === "number" ? error.code : null;
          const why = error.killed ? `timed out after ${timeoutMs} ms` : `exit code ${String(error.code)}`;
          reject(
            new DockerCliError(
              `docker ${args.join(" ")} failed (${why}): ${stderr.trim() || error.message}`,
              args,
              code,
              stderr,
            ),
          );
          return;
        }
        resolve(stdout.replace(/\n$/, ""));
      },
    );
    if (options.input !== undefined) {
      child.stdin?.end(options.input);
    }
  });
}
