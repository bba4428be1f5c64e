import type { Agent as HttpAgent } from "node:http";
import { Duplex } from "node:stream";
import { type ProcessRegistry, processRegistry, terminateGroup } from "@arktechnwa/docker-mcp-process";
import { nodeChildProcess, nodeHttp } from "./lazy-builtins.js";

export interface SshTarget {
  /** `user@host` or a Host alias of ~/.ssh/config, as ssh takes it. */
  destination: string;
  port?: number;
  /** The ssh program (default `ssh` on the PATH). */
  command?: string;
  /** Seconds ssh may take to connect (default 30, as the docker CLI). */
  connectTimeoutSeconds?: number;
  registry?: ProcessRegistry;
}

/** `ssh://[user@]host[:port]` as the docker CLI takes it (a path is not allowed). */
export function parseSshHost(host: string): SshTarget {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new Error(`'${host}' is not a valid ssh:// address; write ssh://user@host or ssh://user@host:port`);
  }
  if (url.pathname && url.pathname !== "/") {
    throw new Error(`'${host}' has a path; an ssh:// Docker host is ssh://user@host[:port] only`);
  }
  if (!url.hostname) throw new Error(`'${host}' names no machine; write ssh://user@host`);
  const user = url.username ? `${decodeURIComponent(url.username)}@` : "";
  return {
    destination: `${user}${url.hostname.replace(/^\[(.*)\]$/, "$1")}`,
    ...(url.port ? { port: Number(url.port) } : {}),
  };
}

/**
 * An http.Agent that reaches the daemon the way the docker CLI does over SSH: each connection is an
 * OpenSSH child running `docker system dial-stdio` on the remote host, and HTTP goes over its stdio.
 * OpenSSH reads ~/.ssh/config (aliases, keys, jump hosts, ControlMaster); keep-alive reuses a
 * connection for many requests; a destroyed connection (an aborted request) kills its child's group.
 * Each child is in the process registry, so none outlives the server.
 */
export function sshAgent(target: SshTarget): HttpAgent {
  const agent = new (nodeHttp().Agent)({ keepAlive: true, maxSockets: 4 });
  const registry = target.registry ?? processRegistry;
  const argv = [
    "-o",
    `ConnectTimeout=${target.connectTimeoutSeconds ?? 30}`,
    // Never ask for a password or a host key on a terminal nobody watches.
    "-o",
    "BatchMode=yes",
    "-T",
    ...(target.port ? ["-p", String(target.port)] : []),
    "--",
    target.destination,
    "docker",
    "system",
    "dial-stdio",
  ];
  const command = target.command ?? "ssh";
  (agent as unknown as { createConnection: () => Duplex }).createConnection = () => {
    const child = nodeChildProcess().spawn(command, argv, {
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString("utf8");
    });
    const socket = Duplex.from({ readable: child.stdout, writable: child.stdin }) as Duplex & {
      setKeepAlive?: () => void;
      setNoDelay?: () => void;
      setTimeout?: () => void;
      ref?: () => void;
      unref?: () => void;
    };
    // What http.Agent calls on a net.Socket; a pipe has nothing to set.
    socket.setKeepAlive = () => {};
    socket.setNoDelay = () => {};
    socket.setTimeout = () => {};
    socket.ref = () => {};
    socket.unref = () => {};
    const pid = child.pid;
    const end = () => {
      if (pid !== undefined) {
        registry.delete(pid);
        void terminateGroup(pid, 2_000).catch(() => false);
      }
    };
    if (pid !== undefined) {
      registry.add({
        pid,
        argv: [command, ...argv],
        startedAt: Date.now(),
        kill: async () => {
          socket.destroy();
          return terminateGroup(pid, 2_000);
        },
      });
    }
    child.once("error", (error) => {
      socket.destroy(sshError(`cannot run ${command}: ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      if (pid !== undefined) registry.delete(pid);
      if (!socket.destroyed) {
        const why = stderr.trim().split("\n").slice(-3).join(" ") || `${signal ?? `exit code ${code}`}`;
        socket.destroy(sshError(`ssh to ${target.destination} ended: ${why}`));
      }
    });
    socket.once("close", end);
    return socket;
  };
  return agent;
}

/** Coded so the engine reports it as an unreachable daemon, with ssh's own words. */
function sshError(message: string): Error {
  return Object.assign(new Error(message), { code: "ESSH" });
}
