import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer as createNetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { defineTool, KERNEL_API_VERSION, type Plugin, type ToolContext } from "@arktechnwa/docker-mcp-core";
import { containersPlugin } from "@arktechnwa/docker-mcp-tool-containers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createServer, resolveConfig, SERVER_VERSION, type ServerDeps } from "../src/index.js";
import { BIN, call, connect, text, writeConfig } from "./harness.js";

const run = promisify(execFile);

async function inMemory(plugins: Plugin<ServerDeps>[], doc: unknown = {}, extra: { bypass?: boolean } = {}) {
  const app = createServer({
    plugins,
    config: resolveConfig(doc, undefined, extra.bypass ?? false),
    stderr: process.stderr,
  });
  await app.ready();
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await app.connect(serverSide);
  const client = new Client({ name: "t", version: "0" });
  await client.connect(clientSide);
  return { client, app };
}

describe("the docker-mcp command line", () => {
  it("--help and --version answer on stderr and exit 0", async () => {
    const help = await run(process.execPath, [BIN, "--help"]);
    expect(help.stdout).toBe("");
    expect(help.stderr).toMatch(/--bypass-permissions/);
    const version = await run(process.execPath, [BIN, "--version"]);
    expect(version.stderr.trim()).toBe(SERVER_VERSION);
  });

  it("refuses an unknown flag and a broken config with exit code 2 and a clear message", async () => {
    await expect(run(process.execPath, [BIN, "--bogus"])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--bogus[\s\S]*--help/),
    });
    const bad = writeConfig({ permissions: { lifecycel: true } });
    await expect(run(process.execPath, [BIN, "--config", bad])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/config\.json is invalid[\s\S]*did you mean lifecycle/),
    });
  });

  it("warns loudly on stderr under --bypass-permissions and lists every tool", async () => {
    const server = await connect(["--bypass-permissions", "--config", writeConfig({})]);
    try {
      const { tools } = await server.client.listTools();
      expect(tools.map((t) => t.name)).toContain("docker_exec");
      expect(server.stderr()).toMatch(/WARNING: --bypass-permissions/);
    } finally {
      await server.close();
    }
  });
});

describe("when the daemon cannot be reached", () => {
  it("starts anyway, and a call says within seconds which address failed and what to check", async () => {
    const socket = join(mkdtempSync(join(tmpdir(), "dmcp-")), "missing.sock");
    const server = await connect(["--config", writeConfig({ docker: { socket } })]);
    try {
      const t0 = Date.now();
      const r = await call(server.client, "docker_ps", {});
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(r.isError).toBe(true);
      expect(text(r)).toContain(socket);
      expect(text(r)).toMatch(/dockerd|running|DOCKER_HOST/i);
    } finally {
      await server.close();
    }
  });

  it("answers at the deadline when the daemon accepts connections but never replies", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dmcp-"));
    const socket = join(dir, "silent.sock");
    const held: Socket[] = [];
    const silent = createNetServer((conn) => held.push(conn)).listen(socket);
    await once(silent, "listening");
    const server = await connect([
      "--config",
      writeConfig({ docker: { socket }, neverhang: { timeouts: { read: "1s" } } }),
    ]);
    try {
      const t0 = Date.now();
      const r = await call(server.client, "docker_ps", {});
      expect(Date.now() - t0).toBeLessThan(4000);
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/did not finish within its 1 s deadline/);
      expect(text(r)).toContain(socket);
    } finally {
      await server.close();
      for (const conn of held) conn.destroy();
      silent.close();
    }
  });

  it("opens the circuit after repeated failures and fails fast", async () => {
    const socket = join(mkdtempSync(join(tmpdir(), "dmcp-")), "missing.sock");
    const { client, app } = await inMemory([containersPlugin], {
      docker: { socket },
      neverhang: { circuit_breaker: { failures: 2, cooldown: "1m" } },
    });
    await call(client, "docker_ps", {});
    await call(client, "docker_ps", {});
    const r = await call(client, "docker_ps", {});
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/circuit breaker/);
    await app.close();
  });
});

/** A tool that never answers, under the given timeout class. */
function slow(name: string, timeoutClass: string, effect: "read" | "write" = "read") {
  return defineTool({
    name,
    title: name,
    description: "Never answers.",
    levels: [effect === "read" ? "read" : "lifecycle"],
    timeoutClass,
    effect,
    input: z.strictObject({}),
    output: z.object({}),
    render: () => "",
  });
}

/** A handler that ends only when its call's signal fires. */
const untilAborted = (_input: unknown, ctx: ToolContext) =>
  new Promise<never>((_resolve, reject) => {
    ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
  });

describe("createServer", () => {
  it("builds a server from a single plugin of someone else's", async () => {
    const hello = defineTool({
      name: "hello_world",
      title: "Hello",
      description: "Says hello.",
      levels: ["read"],
      timeoutClass: "read",
      effect: "read",
      input: z.strictObject({ who: z.string() }),
      output: z.object({ greeting: z.string() }),
      render: (o) => o.greeting,
    });
    const plugin: Plugin<ServerDeps> = {
      manifest: { name: "hello", apiVersion: KERNEL_API_VERSION, tools: [hello] },
      handlers: { hello_world: () => async (input) => ({ greeting: `hello ${input.who}` }) },
    };
    const { client, app } = await inMemory([plugin]);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["hello_world"]);
    const r = await call(client, "hello_world", { who: "docker" });
    expect(r.structuredContent).toEqual({ greeting: "hello docker" });
    expect(text(r)).toBe("hello docker");
    await app.close();
  });

  it("refuses a plugin whose tool names a timeout class the server does not define", async () => {
    const plugin: Plugin<ServerDeps> = {
      manifest: {
        name: "odd",
        apiVersion: KERNEL_API_VERSION,
        tools: [defineTool({ ...slow("odd_tool", "read"), timeoutClass: "glacial" })],
      },
      handlers: { odd_tool: () => untilAborted },
    };
    await expect(inMemory([plugin])).rejects.toThrow(
      /plugin "odd": tool "odd_tool" has timeout class "glacial", which this server does not define \(use one of read, lifecycle, exec, compose, follow, pull, build\)/,
    );
  });

  it("runs tools under the pull and build classes, set in neverhang.timeouts, with Docker wording", async () => {
    const plugin: Plugin<ServerDeps> = {
      manifest: {
        name: "slow",
        apiVersion: KERNEL_API_VERSION,
        tools: [slow("slow_pull", "pull", "write"), slow("slow_build", "build", "read")],
      },
      handlers: {
        slow_pull: () => untilAborted,
        slow_build: () => untilAborted,
      },
    };
    const { client, app } = await inMemory([plugin], {
      permissions: { lifecycle: true },
      neverhang: { timeouts: { pull: "1s", build: "1s" } },
    });
    const [pull, build] = await Promise.all([call(client, "slow_pull", {}), call(client, "slow_build", {})]);
    expect(text(pull)).toBe(
      'slow_pull did not finish within its 1 s deadline (timeout class "pull"): the outcome is unknown, the change may or may not have happened. Check the current state with docker_ps or docker_inspect before retrying.',
    );
    expect(text(build)).toMatch(
      /^slow_build did not finish within its 1 s deadline \(timeout class "build"\)\. The daemon at \S+ may be overloaded or stuck; try again, narrow the request, or raise neverhang\.build_timeout \(milliseconds\)\.$/,
    );
    await app.close();
  });

  it("writes one audit line per decision to the configured file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "dmcp-")), "audit.jsonl");
    const { client, app } = await inMemory([containersPlugin], { audit: { file } });
    await call(client, "docker_stop", { containers: "anything" });
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ tool: "docker_stop", allowed: false, outcome: "denied" });
    expect(lines[0].reasons[0].message).toMatch(/permissions\.lifecycle/);
    await app.close();
  });

  it("lists only the tools whose level is on, all of them with tools.show_all", async () => {
    const ro = await inMemory([containersPlugin]);
    expect((await ro.client.listTools()).tools.map((t) => t.name).sort()).toEqual([
      "docker_health",
      "docker_inspect",
      "docker_logs",
      "docker_ps",
      "docker_stats",
    ]);
    await ro.app.close();
    const lc = await inMemory([containersPlugin], { permissions: { lifecycle: true } });
    expect((await lc.client.listTools()).tools.map((t) => t.name)).toContain("docker_restart");
    expect((await lc.client.listTools()).tools.map((t) => t.name)).not.toContain("docker_exec");
    await lc.app.close();
    const all = await inMemory([containersPlugin], { tools: { show_all: true } });
    expect((await all.client.listTools()).tools).toHaveLength(containersPlugin.manifest.tools.length);
    await all.app.close();
  });

  it("with a plugin loader, answers initialize before the plugins load; tool requests wait for them", async () => {
    let release: (plugins: Plugin<ServerDeps>[]) => void = () => {};
    const loading = new Promise<Plugin<ServerDeps>[]>((resolve) => {
      release = resolve;
    });
    let asked = 0;
    const app = createServer({
      plugins: () => {
        asked++;
        return loading;
      },
      config: resolveConfig({}, undefined, false),
      stderr: process.stderr,
    });
    expect(() => app.kernel).toThrow(/not built yet.*await ready\(\)/);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await app.connect(serverSide);
    const client = new Client({ name: "t", version: "0" });
    await client.connect(clientSide); // initialize, answered while the loader has not resolved
    expect(client.getServerVersion()?.name).toBe("docker-mcp");
    let listed: string[] | undefined;
    const listing = client.listTools().then((r) => {
      listed = r.tools.map((t) => t.name);
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(listed).toBeUndefined();
    release([containersPlugin]);
    await listing;
    expect(listed).toContain("docker_ps");
    expect(app.kernel.tools.length).toBeGreaterThan(0);
    expect(await app.ready()).toBe(app.kernel);
    expect(asked).toBe(1);
    await app.close();
  });

  it("with a plugin loader that fails, says so on every tool request", async () => {
    const app = createServer({
      plugins: async () => {
        throw new Error("no plugins today");
      },
      config: resolveConfig({}, undefined, false),
      stderr: process.stderr,
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await app.connect(serverSide);
    const client = new Client({ name: "t", version: "0" });
    await client.connect(clientSide);
    await expect(client.listTools()).rejects.toThrow(/no plugins today/);
    await expect(app.ready()).rejects.toThrow(/no plugins today/);
    await app.close();
  });
});
