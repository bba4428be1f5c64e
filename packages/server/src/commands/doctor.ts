import { accessSync, constants } from "node:fs";
import { access, stat as statFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { type CreateEngineOptions, createEngine, resolveConnection } from "@arktechnwa/docker-mcp-engine";
import { DEFAULT_CANDIDATES, detectCompose } from "@arktechnwa/docker-mcp-tool-compose";
import type { CliIo } from "../cli.js";
import type { ResolvedConfig } from "../config.js";
import { createServer, engineOptions, hostEngineOptions } from "../create-server.js";
import { builtinPlugins } from "../plugins.js";
import { SERVER_VERSION } from "../version.js";
import { loadForCommand } from "./load.js";
import { policyLines } from "./policy-view.js";

export interface Finding {
  area: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  /** What to do about it (every warn and fail has one). */
  fix?: string;
}

const PING_DEADLINE_MS = 5_000;
const COMPOSE_DEADLINE_MS = 10_000;

/**
 * `docker-mcp doctor`: is the setup right? Every check says what it found; a problem says how to fix
 * it. Exits 1 when something the config asks for cannot work.
 */
export async function doctor(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let values: { config?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { config: { type: "string" }, json: { type: "boolean" } },
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(
      `docker-mcp: ${(error as Error).message}\nusage: docker-mcp doctor [--config PATH] [--json]\n`,
    );
    return 2;
  }
  const findings: Finding[] = [];
  const extra: string[] = [];
  const config = await loadForCommand(io, values.config);
  if (!config) {
    findings.push({
      area: "config",
      status: "fail",
      detail: `${values.config ?? "the config file"} cannot be used (its problems are printed above)`,
      fix: "fix each key it names (docker-mcp config schema prints the schema an editor can check against)",
    });
  } else {
    findings.push({
      area: "config",
      status: "ok",
      detail: config.source ? `${config.source} (valid)` : "no config file found: read-only defaults",
    });
    if (config.hosts.length === 0) {
      findings.push(...(await daemonFindings(engineOptions(config.docker, env), env, "")));
    } else {
      // Every named host is checked: a call may go to any of them.
      for (const host of config.hosts) {
        findings.push(...(await daemonFindings(hostEngineOptions(host, env), env, ` ${host.name}`)));
      }
    }
    findings.push(await composeFinding(config, env));
    findings.push(fallbackFinding(config, env));
    const audit = auditFinding(config);
    if (audit) findings.push(audit);
    const app = createServer({
      plugins: builtinPlugins,
      config: { ...config, audit: { enabled: false } },
      stderr: io.stderr,
    });
    const kernel = await app.ready();
    const enabled = kernel.enabledTools().map((t) => t.manifest.name);
    await app.close();
    findings.push({
      area: "tools",
      status: "ok",
      detail: `${enabled.length} of ${kernel.tools.length} tools offered: ${enabled.join(", ") || "(none)"}`,
    });
    extra.push("policy:", ...policyLines(config.policy).map((line) => `  ${line}`));
    for (const host of config.hosts.filter((h) => h.overrides)) {
      extra.push(
        `policy on host ${host.name} (its overrides merged):`,
        ...policyLines(host.policy).map((line) => `  ${line}`),
      );
    }
  }

  const failed = findings.filter((f) => f.status === "fail");
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify({ version: SERVER_VERSION, ok: failed.length === 0, findings }, null, 2)}\n`,
    );
  } else {
    const mark = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;
    const lines = [`docker-mcp ${SERVER_VERSION} doctor`];
    for (const f of findings) {
      lines.push(`${mark[f.status]}  ${f.area.padEnd(9)} ${f.detail}`);
      if (f.fix) lines.push(`      ${"".padEnd(9)} fix: ${f.fix}`);
    }
    lines.push(...extra);
    lines.push(
      failed.length === 0
        ? "No problem found."
        : `${failed.length} problem${failed.length === 1 ? "" : "s"}: ${failed.map((f) => f.area).join(", ")}.`,
    );
    io.stdout.write(`${lines.join("\n")}\n`);
  }
  return failed.length === 0 ? 0 : 1;
}

/** The address, the socket file (exists, is a socket, we may open it), TLS, then a real ping. */
async function daemonFindings(
  options: CreateEngineOptions,
  env: NodeJS.ProcessEnv,
  suffix: string,
): Promise<Finding[]> {
  const findings = await checkDaemon(options, env);
  if (!suffix) return findings;
  const key = `hosts.${suffix.trim()}.socket`;
  return findings.map((f) => ({
    ...f,
    area: `${f.area}${suffix}`,
    ...(f.fix
      ? { fix: f.fix.replaceAll("docker.socket / DOCKER_HOST", key).replaceAll("docker.socket", key) }
      : {}),
  }));
}

async function checkDaemon(options: CreateEngineOptions, env: NodeJS.ProcessEnv): Promise<Finding[]> {
  let connection: ReturnType<typeof resolveConnection>;
  try {
    connection = resolveConnection(options, env);
  } catch (error) {
    return [
      {
        area: "daemon",
        status: "fail",
        detail: (error as Error).message,
        fix: "set docker.host (or DOCKER_HOST) to unix:///path/to/docker.sock or tcp://host:port, and docker.tls for TLS",
      },
    ];
  }
  const findings: Finding[] = [];
  const socket = connection.socketPath;
  if (socket && connection.endpoint.startsWith("unix://")) {
    const problem = await socketProblem(socket);
    if (problem) return [{ area: "daemon", status: "fail", ...problem }];
    findings.push({ area: "socket", status: "ok", detail: `${socket} is a socket this user may open` });
  } else if (connection.ssh) {
    // SSH encrypts and authenticates: what matters is that ssh reaches the host and docker runs there.
    findings.push({
      area: "ssh",
      status: "ok",
      detail: `${connection.endpoint}: \`${sshCommandLine(connection.ssh)} docker system dial-stdio\``,
    });
  } else if (connection.protocol === "https") {
    findings.push({
      area: "tls",
      status: "ok",
      detail: `${connection.endpoint} over TLS${connection.tls?.verify === false ? " (server certificate NOT verified)" : ""}`,
    });
  } else {
    const loopback =
      connection.host === "127.0.0.1" || connection.host === "::1" || connection.host === "localhost";
    findings.push({
      area: "tls",
      status: loopback ? "ok" : "warn",
      detail: `${connection.endpoint} without TLS${loopback ? " (loopback only)" : ": anyone who reaches that port controls the daemon"}`,
      ...(loopback
        ? {}
        : {
            fix: "serve the daemon with --tlsverify and set docker.tls.{ca,cert,key} (or DOCKER_TLS_VERIFY and DOCKER_CERT_PATH)",
          }),
    });
  }

  const engine = createEngine(options);
  try {
    const version = await engine.ping(AbortSignal.timeout(PING_DEADLINE_MS));
    findings.unshift({
      area: "daemon",
      status: "ok",
      detail: `${connection.endpoint} answers: engine ${version.engineVersion ?? "(version not reported)"}, API ${version.apiVersion}`,
    });
  } catch (error) {
    findings.unshift({
      area: "daemon",
      status: "fail",
      detail: `${connection.endpoint} does not answer: ${(error as Error).message}`,
      fix: socket
        ? `start the daemon (sudo systemctl start docker, or dockerd), or point docker.socket at the socket it listens on`
        : connection.ssh
          ? `check that \`${sshCommandLine(connection.ssh)} docker version\` works without a prompt (a key the host accepts, its host key known, docker on the remote PATH)`
          : connection.protocol === "https"
            ? `check that the daemon listens on ${connection.endpoint} with TLS, that docker.tls.ca is the CA that signed its certificate, and that docker.tls.cert and key are a client certificate it accepts`
            : `check that the daemon listens on ${connection.endpoint} and that this machine may reach it`,
    });
  } finally {
    await engine.close();
  }
  return findings;
}

/** The ssh command line the engine runs for an ssh:// host, up to the remote command. */
function sshCommandLine(ssh: { command?: string; destination: string; port?: number }): string {
  return `${ssh.command ?? "ssh"}${ssh.port ? ` -p ${ssh.port}` : ""} ${ssh.destination}`;
}

// fs.statSync on the daemon's socket, before dockerode is first imported, made that import fail under
// Node 20 (a module of it "not found"); the promise API does not.
async function socketProblem(socket: string): Promise<{ detail: string; fix: string } | undefined> {
  let stat: Awaited<ReturnType<typeof statFile>>;
  try {
    stat = await statFile(socket);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      return {
        detail: `unix://${socket}: no socket at ${socket}`,
        fix: "start the Docker daemon (sudo systemctl start docker, or dockerd), or set docker.socket / DOCKER_HOST to the socket it listens on",
      };
    }
    return {
      detail: `unix://${socket}: cannot look at ${socket} (${code})`,
      fix: `check the permissions of ${dirname(socket)}, or set docker.socket to a socket this user can reach`,
    };
  }
  if (!stat.isSocket()) {
    return {
      detail: `unix://${socket}: ${socket} is not a socket`,
      fix: "set docker.socket to the daemon's socket (docker context inspect shows it)",
    };
  }
  try {
    await access(socket, constants.R_OK | constants.W_OK);
  } catch {
    const mode = (stat.mode & 0o777).toString(8).padStart(3, "0");
    return {
      detail: `unix://${socket}: permission denied (mode ${mode}, owner uid ${stat.uid}, group gid ${stat.gid}; this user is uid ${process.getuid?.()})`,
      fix: "add this user to the socket's group (sudo usermod -aG docker $USER, then log in again), or use rootless Docker and point docker.socket at its socket",
    };
  }
  return undefined;
}

/**
 * Which compose CLI the compose tools would use, found the way they find it. Missing compose fails
 * only when the config allows compose files (then the user asked for it); otherwise it is a warning.
 */
async function composeFinding(config: ResolvedConfig, env: NodeJS.ProcessEnv): Promise<Finding> {
  try {
    const cli = await detectCompose(DEFAULT_CANDIDATES, env, AbortSignal.timeout(COMPOSE_DEADLINE_MS));
    return { area: "compose", status: "ok", detail: `${cli.describe} (\`${cli.command.join(" ")}\`)` };
  } catch (error) {
    const wanted = config.policy.composeSafety.allowedDirectories.length > 0;
    return {
      area: "compose",
      status: wanted ? "fail" : "warn",
      detail: `${(error as Error).message.split(". Install")[0]}${wanted ? "; compose_safety.allowed_directories is set, so the compose tools cannot work" : "; the compose tools will answer that compose is missing"}`,
      fix: "install the Docker CLI plugin (package docker-compose-plugin: `docker compose`, v2 or later) or the standalone `docker-compose` (e.g. apt-get install docker-compose), on the PATH docker-mcp runs with",
    };
  }
}

function fallbackFinding(config: ResolvedConfig, env: NodeJS.ProcessEnv): Finding {
  const fallback = config.fallback;
  if (!fallback.enabled) {
    return {
      area: "ai",
      status: "ok",
      detail: "fallback off: use_ai uses the client's MCP sampling, else the rules alone",
    };
  }
  if (!env[fallback.apiKeyEnv]) {
    return {
      area: "ai",
      status: "fail",
      detail: `fallback.enabled is true but ${fallback.apiKeyEnv} is not set: use_ai without sampling falls back to the rules`,
      fix: `export ${fallback.apiKeyEnv}=<your Anthropic API key> in the environment the MCP client starts docker-mcp with (or set fallback.api_key_env)`,
    };
  }
  return {
    area: "ai",
    status: "ok",
    detail: `fallback ready: model ${fallback.model}, key in ${fallback.apiKeyEnv}${fallback.baseUrl ? `, ${fallback.baseUrl}` : ""}`,
  };
}

function auditFinding(config: ResolvedConfig): Finding | undefined {
  if (!config.audit.enabled) return { area: "audit", status: "ok", detail: "off (audit.enabled is false)" };
  const file = config.audit.file;
  if (!file) return { area: "audit", status: "ok", detail: "one JSON line per decision on stderr" };
  try {
    accessSync(dirname(file), constants.W_OK);
    return { area: "audit", status: "ok", detail: `one JSON line per decision in ${file}` };
  } catch {
    return {
      area: "audit",
      status: "fail",
      detail: `audit.file ${file}: ${dirname(file)} does not exist or is not writable`,
      fix: `create ${dirname(file)} writable for this user, or change audit.file`,
    };
  }
}
