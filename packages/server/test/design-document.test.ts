import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import {
  connect as connectSocket,
  createServer as createNetServer,
  type Server,
  type Socket,
} from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { containersPlugin } from "@arktechnwa/docker-mcp-tool-containers";
import { decide } from "@arktechnwa/mcp-policy";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, createServer, loadConfig, type ResolvedConfig, resolveConfig } from "../src/index.js";
import { call, text } from "./harness.js";

/** The JSON examples of the design document, copied verbatim: users paste them as they are. */
function example(name: string): Record<string, unknown> {
  const file = new URL(`./fixtures/design-document/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

const DAEMON_SOCKET = "/var/run/docker.sock";
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "dmcp-doc-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function inMemory(config: ResolvedConfig) {
  const app = createServer({ plugins: [containersPlugin], config, stderr: process.stderr });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await app.connect(serverSide);
  const client = new Client({ name: "t", version: "0" });
  await client.connect(clientSide);
  return { client, app };
}

/** Points the docker section of an example at a socket of the test's own. */
function withSocket(doc: Record<string, unknown>, socket: string): Record<string, unknown> {
  return { ...doc, docker: { ...(doc.docker as object | undefined), socket } };
}

describe("every JSON config example of the design document loads as written", () => {
  it("container filtering: levels, white and black lists for containers and images", () => {
    const c = resolveConfig(example("container-filtering"), "config.json", false);
    expect(c.policy.levels).toMatchObject({ read: true, lifecycle: false, exec: false, create: false });
    const container = (name: string, image = "myorg/app:1") =>
      decide(c.policy, {
        tool: "docker_ps",
        levels: ["read"],
        resources: [{ kind: "container", names: [name], image }],
      }).allowed;
    expect(container("myapp-web")).toBe(true);
    expect(container("nginx", "nginx:1.27")).toBe(true);
    // Blacklist always wins, even over a whitelisted name.
    expect(container("myapp-db")).toBe(false);
    expect(container("vault")).toBe(false);
    expect(container("postgres")).toBe(false);
    // whitelist_images limits image operations: an image outside myorg/* and nginx:* is denied.
    const image = (name: string) =>
      decide(c.policy, {
        tool: "docker_images",
        levels: ["read"],
        resources: [{ kind: "image", names: [name] }],
      }).allowed;
    expect(image("myorg/api:2")).toBe(true);
    expect(image("nginx:1.27")).toBe(true);
    expect(image("redis:7")).toBe(false);
  });

  it("exec safety: blocked commands, max_output and a 30 s timeout", () => {
    const c = resolveConfig(example("exec-safety"), "config.json", false);
    expect(c.policy.execSafety.maxOutput).toBe(10_000);
    expect(c.policy.execSafety.timeoutMs).toBe(30_000);
    const run = (command: string[]) =>
      decide(
        { ...c.policy, levels: { ...c.policy.levels, exec: true } },
        {
          tool: "docker_exec",
          levels: ["exec"],
          command,
          resources: [{ kind: "container", names: ["web"] }],
        },
      ).allowed;
    expect(run(["ls", "-la"])).toBe(true);
    expect(run(["rm", "-rf", "/app"])).toBe(false);
    expect(run(["dd", "if=/dev/zero", "of=/x"])).toBe(false);
  });

  it('socket: the socket path, and "host": null means no TCP host', () => {
    const c = resolveConfig(example("socket"), "config.json", false);
    expect(c.docker.socket).toBe("/var/run/docker.sock");
    expect(c.docker.host).toBeUndefined();
  });

  it("TCP with TLS: files that do not exist stop the start with each file named", () => {
    let error: unknown;
    try {
      resolveConfig(example("tcp-tls"), "/home/me/.config/docker-mcp/config.json", false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain("docker.tls.ca: /path/to/ca.pem does not exist");
    expect(message).toContain("docker.tls.cert: /path/to/cert.pem does not exist");
    expect(message).toContain("docker.tls.key: /path/to/key.pem does not exist");
  });

  it("TCP with TLS: with the files in place (relative to the config file) it loads", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "certs"));
    for (const f of ["ca", "cert", "key"])
      writeFileSync(join(dir, "certs", `${f}.pem`), "-----BEGIN X-----\n");
    const doc = example("tcp-tls") as { docker: { tls: Record<string, string> } };
    for (const f of ["ca", "cert", "key"]) doc.docker.tls[f] = `certs/${f}.pem`;
    writeFileSync(join(dir, "config.json"), JSON.stringify(doc));
    const c = await loadConfig({ configPath: join(dir, "config.json"), home: dir });
    expect(c.docker.host).toBe("tcp://localhost:2375");
    expect(c.docker.tls).toEqual({
      ca: join(dir, "certs", "ca.pem"),
      cert: join(dir, "certs", "cert.pem"),
      key: join(dir, "certs", "key.pem"),
    });
  });

  it("neverhang: timeouts in milliseconds and the 3-in-60 s, 5 min circuit breaker", () => {
    const c = resolveConfig(example("neverhang"), "config.json", false);
    expect(c.timeouts).toMatchObject({ read: 30_000, lifecycle: 60_000, compose: 120_000 });
    // exec_timeout 30000, plus the 5 s the server keeps to kill a command at exec_safety.timeout (30 s).
    expect(c.timeouts.exec).toBe(35_000);
    expect(c.breaker).toMatchObject({ failureThreshold: 3, windowMs: 60_000, cooldownMs: 300_000 });
  });

  it("fallback: every key is read", () => {
    const c = resolveConfig(example("fallback"), "config.json", false);
    expect(c.fallback).toMatchObject({
      enabled: true,
      model: "claude-haiku-4-5",
      apiKeyEnv: "DOCKER_MCP_FALLBACK_KEY",
      maxLogLines: 200,
      maxTokens: 500,
    });
  });

  it("the whole config.json example", () => {
    const c = resolveConfig(example("config"), "config.json", false);
    expect(c.docker.socket).toBe("/var/run/docker.sock");
    expect(c.policy.levels).toMatchObject({ read: true, lifecycle: false, exec: false, images: false });
    expect(c.timeouts.read).toBe(30_000);
    expect(c.fallback.enabled).toBe(false);
    const denied = (name: string) =>
      !decide(c.policy, {
        tool: "docker_ps",
        levels: ["read"],
        resources: [{ kind: "container", names: [name] }],
      }).allowed;
    expect(denied("billing-db")).toBe(true);
    expect(denied("vault")).toBe(true);
    // An empty whitelist does not restrict.
    expect(denied("web")).toBe(false);
  });

  it("durations: a number is milliseconds, strings carry their unit, and both spellings agree", () => {
    const c = resolveConfig(
      { neverhang: { read_timeout: 1500, timeouts: { lifecycle: "2m" }, compose_timeout: "90s" } },
      undefined,
      false,
    );
    expect(c.timeouts).toMatchObject({ read: 1500, lifecycle: 120_000, compose: 90_000 });
    expect(() => resolveConfig({ neverhang: { read_timeout: 30 } }, "c.json", false)).toThrow(
      /neverhang\.read_timeout: a number is milliseconds here/,
    );
    expect(() =>
      resolveConfig({ neverhang: { read_timeout: 1000, timeouts: { read: "2s" } } }, "c.json", false),
    ).toThrow(/neverhang\.read_timeout \(1000 ms\) and neverhang\.timeouts\.read \(2000 ms\) disagree/);
    expect(() => resolveConfig({ neverhang: { read_timeuot: 1000 } }, "c.json", false)).toThrow(
      /neverhang\.read_timeuot is not a known key; did you mean read_timeout\?/,
    );
  });
});

describe("the neverhang example means what it says, against a daemon", () => {
  it("read_timeout 1500: a daemon that accepts but never answers costs 1.5 s, not 30", async () => {
    const socket = join(tempDir(), "silent.sock");
    const held: Socket[] = [];
    const silent = createNetServer((conn) => held.push(conn)).listen(socket);
    await once(silent, "listening");
    const doc = example("neverhang") as { neverhang: Record<string, unknown> };
    doc.neverhang.read_timeout = 1500;
    const { client, app } = await inMemory(resolveConfig(withSocket(doc, socket), undefined, false));
    try {
      const t0 = performance.now();
      const r = await call(client, "docker_ps", {});
      const took = performance.now() - t0;
      expect(r.isError).toBe(true);
      expect(took).toBeGreaterThanOrEqual(1400);
      expect(took).toBeLessThan(3000);
      expect(text(r)).toMatch(/within its 1\.5 s deadline/);
    } finally {
      await app.close();
      for (const conn of held) conn.destroy();
      silent.close();
    }
  });

  it("{failures: 3, window: 60000, cooldown: 300000}: opens after three failures, answers the fourth call in under 10 ms, and the /_ping probe closes it when the daemon is back", async () => {
    const socket = join(tempDir(), "docker.sock");
    const doc = example("neverhang");
    const { client, app } = await inMemory(resolveConfig(withSocket(doc, socket), undefined, false));
    let proxy: Server | undefined;
    try {
      // Nothing listens yet: each call fails at once with "cannot reach the daemon".
      for (let i = 0; i < 3; i++) {
        const r = await call(client, "docker_ps", {});
        expect(r.isError).toBe(true);
        expect(text(r)).not.toMatch(/circuit breaker/);
      }
      const t0 = performance.now();
      const fourth = await call(client, "docker_ps", {});
      const took = performance.now() - t0;
      expect(fourth.isError).toBe(true);
      expect(text(fourth)).toMatch(/circuit breaker/);
      expect(text(fourth)).toMatch(
        /failed to answer 3 times within 60 s.*pings it every 5 s and resumes as soon as it answers, at the latest it retries in 300 s/,
      );
      expect(took).toBeLessThan(10);

      // The daemon comes back: a plain relay to the real one at the same address.
      proxy = createNetServer((conn) => {
        const upstream = connectSocket(DAEMON_SOCKET);
        conn.pipe(upstream).pipe(conn);
        const end = () => {
          conn.destroy();
          upstream.destroy();
        };
        conn.on("error", end);
        upstream.on("error", end);
        conn.on("close", end);
        upstream.on("close", end);
      }).listen(socket);
      await once(proxy, "listening");
      const back = performance.now();
      let r = await call(client, "docker_ps", {});
      while (r.isError && performance.now() - back < 9000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        r = await call(client, "docker_ps", {});
      }
      expect(r.isError).toBeFalsy();
      // The probe runs every 5 s: far from the 5 minutes of cooldown.
      expect(performance.now() - back).toBeLessThan(8000);
    } finally {
      await app.close();
      proxy?.close();
    }
  });

  it("only a daemon that does not answer counts: a 404, a denial and a bad argument never open the circuit", async () => {
    const { client, app } = await inMemory(
      resolveConfig(
        { docker: { socket: DAEMON_SOCKET }, neverhang: { circuit_breaker: { failures: 1 } } },
        undefined,
        false,
      ),
    );
    try {
      for (let i = 0; i < 3; i++) {
        const missing = await call(client, "docker_inspect", { container: `no-such-container-${i}-xq` });
        expect(missing.isError).toBe(true);
        expect(text(missing)).toMatch(/no container|not found|no such/i);
        const denied = await call(client, "docker_stop", { containers: "anything" });
        expect(text(denied)).toMatch(/Denied by policy/);
        const bad = await call(client, "docker_ps", { all: "yes" });
        expect(text(bad)).toMatch(/Invalid arguments/);
      }
      const r = await call(client, "docker_ps", {});
      expect(r.isError).toBeFalsy();
      expect(text(r)).not.toMatch(/circuit breaker/);
    } finally {
      await app.close();
    }
  });

  it("a call past its deadline while the daemon still answers /_ping does not count against it", async () => {
    // A daemon that answers pings and nothing else: calls run into their deadline, the probe succeeds.
    const socket = join(tempDir(), "pings-only.sock");
    const held: Socket[] = [];
    const relay = createNetServer((conn) => {
      held.push(conn);
      const upstream = connectSocket(DAEMON_SOCKET);
      held.push(upstream);
      conn.on("data", (chunk: Buffer) => {
        if (/^(GET|HEAD) \/_ping /.test(chunk.toString("latin1"))) upstream.write(chunk);
      });
      upstream.on("data", (chunk: Buffer) => conn.write(chunk));
      const end = () => {
        conn.destroy();
        upstream.destroy();
      };
      conn.on("error", end);
      upstream.on("error", end);
      conn.on("close", end);
    }).listen(socket);
    await once(relay, "listening");
    const { client, app } = await inMemory(
      resolveConfig(
        { docker: { socket }, neverhang: { read_timeout: 1000, circuit_breaker: { failures: 1 } } },
        undefined,
        false,
      ),
    );
    try {
      for (let i = 0; i < 2; i++) {
        const r = await call(client, "docker_ps", {});
        expect(r.isError).toBe(true);
        expect(text(r)).toMatch(/did not finish within its 1 s deadline/);
        // Give the probe that judges the deadline time to answer.
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    } finally {
      await app.close();
      for (const conn of held) conn.destroy();
      relay.close();
    }
  });
});
