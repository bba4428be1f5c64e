import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { isSecretKey, startDeadline, ToolError } from "@arktechnwa/docker-mcp-core";
import {
  type ProcessRegistry,
  processRegistry,
  type RunProcessResult,
  runProcess,
  SpawnError,
} from "@arktechnwa/docker-mcp-process";
import {
  type ComposeFeatures,
  type ComposeVersion,
  featuresOf,
  parseComposeVersion,
} from "./compose-version.js";

/** The compose CLI found on this machine. */
export interface ComposeCli {
  /** The argv prefix: ["docker", "compose"] (the CLI plugin) or ["docker-compose"] (standalone). */
  command: string[];
  version: ComposeVersion;
  features: ComposeFeatures;
  /** "docker compose 2.29.7", for answers. */
  describe: string;
}

/** How the server itself reaches the daemon: the compose CLI must talk to the same one. */
export interface DockerConnection {
  /** "unix:///var/run/docker.sock", "tcp://host:2376". */
  host: string;
  tls?: { ca?: string; cert?: string; key?: string; verify?: boolean };
}

export interface ComposeRunnerOptions {
  connection: DockerConnection;
  /** The environment the CLI starts from (default: this process's). PATH decides which CLI is found. */
  env?: NodeJS.ProcessEnv;
  /** argv prefixes tried in order (default: `docker compose`, then `docker-compose`). */
  candidates?: string[][];
  registry?: ProcessRegistry;
  /** Between TERM and KILL of a CLI's process group (default 2 s). */
  killGraceMs?: number;
}

export interface ComposeRunOptions {
  cwd?: string;
  signal: AbortSignal;
  /** Each stderr line as it comes (compose writes its progress there). */
  onStderrLine?: (line: string) => void;
  maxOutputBytes?: number;
  /** Written to the CLI's stdin (the judged model, read with `-f -`). */
  stdin?: string;
}

export interface ComposeRunResult extends RunProcessResult {
  cli: ComposeCli;
  argv: string[];
}

export const DEFAULT_CANDIDATES: string[][] = [["docker", "compose"], ["docker-compose"]];

export const INSTALL_HINT =
  "Install Docker Compose where docker-mcp runs: the Docker CLI plugin (`docker compose`, package " +
  "docker-compose-plugin, v2 or later) or the standalone `docker-compose` (e.g. `apt-get install " +
  "docker-compose`), and make sure it is on the server's PATH.";

/** Runs the compose CLI: found once, always as argv, in its own process group, against our daemon. */
export class ComposeRunner {
  readonly #options: ComposeRunnerOptions;
  #detected: Promise<ComposeCli> | undefined;
  #certDir: string | undefined;

  constructor(options: ComposeRunnerOptions) {
    this.#options = options;
  }

  /** Finds the CLI and its version once; a failure is not cached, so installing it later works. */
  detect(signal: AbortSignal): Promise<ComposeCli> {
    this.#detected ??= detectCompose(
      this.#options.candidates ?? DEFAULT_CANDIDATES,
      this.env(),
      signal,
      this.#options.registry,
    ).catch((error: unknown) => {
      this.#detected = undefined;
      throw error;
    });
    return this.#detected;
  }

  /** `compose <args>`; the caller's signal (deadline or cancel) kills the CLI's whole process group. */
  async run(args: string[], options: ComposeRunOptions): Promise<ComposeRunResult> {
    const cli = await this.detect(options.signal);
    const argv = [...cli.command, ...args];
    try {
      const result = await runProcess({
        argv,
        env: this.env(),
        signal: options.signal,
        killGraceMs: this.#options.killGraceMs ?? 2_000,
        maxOutputBytes: options.maxOutputBytes ?? 4 * 1024 * 1024,
        ...(options.cwd ? { cwd: options.cwd } : {}),
        ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
        ...(options.onStderrLine ? { onStderrLine: options.onStderrLine } : {}),
        ...(this.#options.registry ? { registry: this.#options.registry } : {}),
      });
      return { ...result, cli, argv };
    } catch (error) {
      if (error instanceof SpawnError) {
        this.#detected = undefined;
        throw new ToolError("compose_unavailable", `${error.message} ${INSTALL_HINT}`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * The CLI's environment: our daemon's address and TLS files replace whatever DOCKER_* the server was
   * started with, and compose variables that would change the project or files are dropped (the tools
   * pass them as arguments).
   */
  env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...(this.#options.env ?? process.env) };
    // The server's own secrets (its HTTP token, a model API key, ...) never reach the CLI: a compose file
    // could interpolate them (`${DOCKER_MCP_HTTP_TOKEN}`) into a model that docker_compose_config shows
    // or a container's environment.
    for (const key of Object.keys(env)) {
      if (isSecretKey(key) || key.startsWith("DOCKER_MCP_")) delete env[key];
    }
    for (const key of [
      "DOCKER_HOST",
      "DOCKER_CONTEXT",
      "DOCKER_TLS",
      "DOCKER_TLS_VERIFY",
      "DOCKER_CERT_PATH",
      "COMPOSE_FILE",
      "COMPOSE_PROJECT_NAME",
      "COMPOSE_PATH_SEPARATOR",
    ]) {
      delete env[key];
    }
    const { host, tls } = this.#options.connection;
    env["DOCKER_HOST"] = host;
    if (tls && host.startsWith("tcp://")) {
      const certDir = this.#certPath(tls);
      if (certDir) env["DOCKER_CERT_PATH"] = certDir;
      if (tls.verify !== false) env["DOCKER_TLS_VERIFY"] = "1";
      else env["DOCKER_TLS"] = "1";
      // Compose v1 talks through Python's requests, which lets REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE
      // replace the CA it was given: the daemon's own CA must decide (compose pulls through the daemon).
      if (tls.ca) {
        delete env["REQUESTS_CA_BUNDLE"];
        delete env["CURL_CA_BUNDLE"];
      }
    }
    // Plain output: no colors or cursor movement in what we relay.
    env["COMPOSE_ANSI"] = "never";
    env["NO_COLOR"] = "1";
    env["COMPOSE_INTERACTIVE_NO_CLI"] = "1";
    return env;
  }

  /** Removes the directory made for TLS file names, if any. */
  dispose(): void {
    if (this.#certDir) rmSync(this.#certDir, { recursive: true, force: true });
    this.#certDir = undefined;
  }

  /**
   * The CLI reads ca.pem, cert.pem and key.pem from DOCKER_CERT_PATH. When the configured files are
   * named so in one directory it is used as is; otherwise a private directory of links gives them
   * those names.
   */
  #certPath(tls: NonNullable<DockerConnection["tls"]>): string | undefined {
    const files = { "ca.pem": tls.ca, "cert.pem": tls.cert, "key.pem": tls.key };
    const given = Object.entries(files).filter(([, path]) => path);
    if (given.length === 0) return undefined;
    const dirs = new Set(given.map(([, path]) => dirname(path as string)));
    if (dirs.size === 1 && given.every(([name, path]) => basename(path as string) === name)) {
      return [...dirs][0];
    }
    if (!this.#certDir) {
      const dir = mkdtempSync(join(tmpdir(), "docker-mcp-tls-"));
      for (const [name, path] of given) symlinkSync(path as string, join(dir, name));
      this.#certDir = dir;
    }
    return this.#certDir;
  }
}

/**
 * Tries `docker compose version --short`, then `docker-compose version --short`, and keeps the first
 * that answers with a version. Neither: a ToolError that says what to install.
 */
export async function detectCompose(
  candidates: string[][],
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  registry: ProcessRegistry = processRegistry,
): Promise<ComposeCli> {
  const tried: string[] = [];
  for (const command of candidates) {
    const label = command.join(" ");
    try {
      // Not AbortSignal.any over AbortSignal.timeout: on Node 20 the timeout can be collected and never fire.
      const probe = startDeadline(15_000, signal);
      const result = await runProcess({
        argv: [...command, "version", "--short"],
        env,
        signal: probe.signal,
        maxOutputBytes: 64 * 1024,
        registry,
      }).finally(() => probe.dispose());
      const version = result.exitCode === 0 ? parseComposeVersion(result.stdout) : undefined;
      if (version)
        return { command, version, features: featuresOf(version), describe: `${label} ${version.text}` };
      const why = (result.stderr.trim().split("\n")[0] ?? "") || `exit code ${result.exitCode}`;
      tried.push(`\`${label}\` did not answer with a version (${why.slice(0, 200)})`);
    } catch (error) {
      if (signal.aborted) throw error;
      tried.push(
        `\`${label}\` ${error instanceof SpawnError && error.code === "ENOENT" ? "is not installed" : `failed: ${(error as Error).message}`}`,
      );
    }
  }
  throw new ToolError(
    "compose_unavailable",
    `Docker Compose is not available: ${tried.join("; ")}. ${INSTALL_HINT}`,
  );
}
