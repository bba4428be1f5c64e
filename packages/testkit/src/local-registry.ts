import { type ChildProcess, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LocalRegistry {
  /** `127.0.0.1:5000`: prefix image names with it (`127.0.0.1:5000/name:tag`). */
  address: string;
  /** Whether this call started the registry (then `stop` ends it); false when one was already answering. */
  owned: boolean;
  /** The registry's process ID when owned. */
  pid?: number;
  /** Stops the registry (by its pid) and removes its storage, if this call started it. */
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  /** Default 5000. Docker treats 127.0.0.0/8 registries as insecure (plain HTTP) by default. */
  port?: number;
  /** How long to wait for it to answer (default 15 s). */
  timeoutMs?: number;
  /**
   * An htpasswd line (`user:$2y$...`, bcrypt) to require basic auth. Such a registry is never shared:
   * the port must be free.
   */
  htpasswd?: string;
}

/** True when something answers the registry API (`GET /v2/` with 200 or 401) at the address. */
export function registryAnswers(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/v2/", method: "GET", timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200 || res.statusCode === 401);
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

/**
 * A Docker registry on 127.0.0.1 for real pulls and pushes (Debian's `docker-registry`, no auth, storage
 * in a temp directory). When one already answers on the port it is reused and left running, so
 * parallel test files can share it; one this call started is stopped by `stop()`.
 */
export async function startLocalRegistry(options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  const port = options.port ?? 5000;
  const address = `127.0.0.1:${port}`;
  if (await registryAnswers(port)) {
    if (options.htpasswd) throw new Error(`Port ${port} is taken; a registry with auth needs a free port.`);
    return { address, owned: false, stop: async () => {} };
  }

  const dir = await mkdtemp(join(tmpdir(), "docker-mcp-registry-"));
  const config = join(dir, "config.yml");
  const auth = options.htpasswd
    ? ["auth:", "  htpasswd:", "    realm: docker-mcp-test", `    path: ${join(dir, "htpasswd")}`]
    : [];
  if (options.htpasswd) await writeFile(join(dir, "htpasswd"), `${options.htpasswd}\n`);
  await writeFile(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: warn",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(dir, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: ${address}`,
      ...auth,
      "",
    ].join("\n"),
  );
  const log = openSync(join(dir, "registry.log"), "a");
  let child: ChildProcess;
  try {
    child = spawn("docker-registry", ["serve", config], { stdio: ["ignore", log, log], detached: true });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const exited = new Promise<string>((resolve) => {
    child.once("error", (error) => resolve(`could not start docker-registry: ${error.message}`));
    child.once("exit", (code, signal) => resolve(`docker-registry exited (${signal ?? `code ${code}`})`));
  });
  const pid = child.pid;
  const stop = async () => {
    if (pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      process.kill(pid, "SIGTERM");
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGKILL");
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let early: string | undefined;
  void exited.then((why) => {
    early = why;
  });
  while (!(await registryAnswers(port))) {
    if (early !== undefined || Date.now() > deadline) {
      await stop();
      // Another test file may have won the race for the port: use its registry.
      if (await registryAnswers(port)) {
        if (options.htpasswd)
          throw new Error(`Port ${port} is taken; a registry with auth needs a free port.`);
        return { address, owned: false, stop: async () => {} };
      }
      throw new Error(
        `The local registry did not answer on ${address}: ${early ?? "timed out"}. Is docker-registry installed (scripts/ensure-docker.sh) and the port free?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.unref();
  return { address, owned: true, ...(pid !== undefined ? { pid } : {}), stop };
}
