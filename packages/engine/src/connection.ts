import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { currentContextName, readDockerContext } from "./docker-context.js";
import { EngineError } from "./errors.js";
import { parseSshHost, type SshTarget } from "./ssh-agent.js";
import type { ConnectionOptions } from "./types.js";

export const DEFAULT_SOCKET_PATH = "/var/run/docker.sock";

/** Where and how to reach the daemon, after options and environment are merged. */
export interface ResolvedConnection {
  /** For messages: "unix:///var/run/docker.sock", "tcp://host:2376". */
  endpoint: string;
  socketPath?: string;
  host?: string;
  port?: number;
  protocol: "http" | "https";
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; verify: boolean };
  apiVersion?: string;
  /** ssh://: HTTP over `ssh ... docker system dial-stdio`, as the docker CLI does. */
  ssh?: SshTarget;
}

/**
 * Reads DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_TLS, DOCKER_CERT_PATH and DOCKER_API_VERSION the way the
 * docker CLI does: TLS when DOCKER_TLS_VERIFY (verify) or DOCKER_TLS is set, certificates from
 * DOCKER_CERT_PATH (default ~/.docker) as ca.pem, cert.pem and key.pem.
 */
export function connectionFromEnv(env: NodeJS.ProcessEnv): ConnectionOptions {
  const options: ConnectionOptions = {};
  const host = env["DOCKER_HOST"]?.trim();
  if (host) options.host = host;
  const verify = Boolean(env["DOCKER_TLS_VERIFY"]);
  const tls = verify || Boolean(env["DOCKER_TLS"]);
  if (tls) {
    const certPath = env["DOCKER_CERT_PATH"] || join(env["HOME"] || homedir(), ".docker");
    options.tls = {
      ca: join(certPath, "ca.pem"),
      cert: join(certPath, "cert.pem"),
      key: join(certPath, "key.pem"),
      verify,
    };
  }
  const apiVersion = env["DOCKER_API_VERSION"]?.trim();
  if (apiVersion) options.apiVersion = apiVersion.replace(/^v/, "");
  return options;
}

function readTlsFile(path: string | undefined, what: string, endpoint: string): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    throw new EngineError(
      "UNREACHABLE",
      `Cannot read the TLS ${what} file '${path}' needed to reach Docker at ${endpoint}: ` +
        `${(error as Error).message}. Check docker.tls settings or DOCKER_CERT_PATH.`,
      { cause: error, endpoint },
    );
  }
}

/**
 * Which daemon the options and environment choose, with the docker CLI's precedence: a socket path, an
 * explicit host, DOCKER_HOST, a named context (explicit, then DOCKER_CONTEXT, then config.json's
 * currentContext), the default socket. TLS files stay paths: a helper program (the compose CLI) is
 * handed the same ones. Throws EngineError UNREACHABLE for a context that cannot be read.
 */
export function chooseConnection(explicit: ConnectionOptions, env: NodeJS.ProcessEnv): ConnectionOptions {
  const fromEnv = connectionFromEnv(env);
  const apiVersion = explicit.apiVersion ?? fromEnv.apiVersion;
  const base: ConnectionOptions = {
    ...(apiVersion ? { apiVersion: apiVersion.replace(/^v/, "") } : {}),
    ...(explicit.sshCommand ? { sshCommand: explicit.sshCommand } : {}),
  };
  if (explicit.socketPath) return { ...base, socketPath: explicit.socketPath };
  if (explicit.host === undefined && (explicit.context !== undefined || fromEnv.host === undefined)) {
    const context = explicit.context ?? currentContextName(env);
    if (context !== undefined) {
      try {
        const { host, tls } = readDockerContext(context, env);
        return { ...base, ...(host ? { host } : {}), ...(tls ? { tls } : {}) };
      } catch (error) {
        throw new EngineError("UNREACHABLE", `${(error as Error).message}.`, {
          endpoint: `context ${context}`,
        });
      }
    }
  }
  // An explicit host takes the explicit tls settings only; env TLS goes with env DOCKER_HOST.
  const host = explicit.host ?? fromEnv.host;
  const tls = explicit.host !== undefined ? explicit.tls : (explicit.tls ?? fromEnv.tls);
  return { ...base, ...(host ? { host } : {}), ...(tls ? { tls } : {}) };
}

/**
 * Merges explicit options over the environment (explicit wins; see chooseConnection) and parses the
 * host URL. Throws EngineError UNREACHABLE for an unusable address, naming it.
 */
export function resolveConnection(explicit: ConnectionOptions, env: NodeJS.ProcessEnv): ResolvedConnection {
  const chosen = chooseConnection(explicit, env);
  const base = chosen.apiVersion ? { apiVersion: chosen.apiVersion } : {};
  if (chosen.socketPath) {
    return {
      ...base,
      endpoint: `unix://${chosen.socketPath}`,
      socketPath: chosen.socketPath,
      protocol: "http",
    };
  }
  const { host, tls: tlsOptions } = chosen;
  if (!host) {
    return {
      ...base,
      endpoint: `unix://${DEFAULT_SOCKET_PATH}`,
      socketPath: DEFAULT_SOCKET_PATH,
      protocol: "http",
    };
  }

  if (host.startsWith("unix://")) {
    const socketPath = host.slice("unix://".length) || DEFAULT_SOCKET_PATH;
    return { ...base, endpoint: `unix://${socketPath}`, socketPath, protocol: "http" };
  }
  if (host.startsWith("npipe://")) {
    const socketPath = host.slice("npipe://".length) || "//./pipe/docker_engine";
    return { ...base, endpoint: host, socketPath, protocol: "http" };
  }
  if (host.startsWith("ssh://")) {
    let ssh: SshTarget;
    try {
      ssh = parseSshHost(host);
    } catch (error) {
      throw new EngineError("UNREACHABLE", `Docker host ${(error as Error).message}.`, { endpoint: host });
    }
    return {
      ...base,
      endpoint: host,
      host: "docker",
      port: 80,
      protocol: "http",
      ssh: { ...ssh, ...(chosen.sshCommand ? { command: chosen.sshCommand } : {}) },
    };
  }

  const withScheme = /^[a-z]+:\/\//i.test(host) ? host : `tcp://${host}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (error) {
    throw new EngineError(
      "UNREACHABLE",
      `Docker host '${host}' is not a valid address. Use unix:///path/to/docker.sock or tcp://host:port.`,
      { cause: error, endpoint: host },
    );
  }
  if (!["tcp:", "http:", "https:"].includes(url.protocol)) {
    throw new EngineError(
      "UNREACHABLE",
      `Docker host '${host}' has an unsupported scheme '${url.protocol}'. Use unix://, tcp://, http:// or https://.`,
      { endpoint: host },
    );
  }
  const useTls = tlsOptions !== undefined || url.protocol === "https:";
  const port = url.port ? Number(url.port) : useTls ? 2376 : 2375;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const endpoint = `tcp://${url.hostname}:${port}`;
  const resolved: ResolvedConnection = {
    ...base,
    endpoint,
    host: hostname,
    port,
    protocol: useTls ? "https" : "http",
  };
  if (useTls) {
    resolved.tls = {
      ca: readTlsFile(tlsOptions?.ca, "CA", endpoint),
      cert: readTlsFile(tlsOptions?.cert, "certificate", endpoint),
      key: readTlsFile(tlsOptions?.key, "key", endpoint),
      verify: tlsOptions?.verify ?? true,
    };
  }
  return resolved;
}
