import { request } from "node:http";
import {
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  fixtureName,
  removeFixtures,
  runFixture,
} from "@arktechnwa/docker-mcp-testkit";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config.js";
import { createServer } from "../src/create-server.js";
import { isLoopback, parseHttpAddress, serveHttp } from "../src/http-server.js";
import { text, writeConfig } from "./harness.js";
import { auditLines, type HttpBin, httpClient, runBin, startHttpBin } from "./http-harness.js";

const TOKEN = "tok-4f1c2a9e-http-test";
let bin: HttpBin;
let web: Fixture;
const hidden = fixtureName("http-hidden");
const clients: Client[] = [];

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  web = await runFixture({ name: "http-web" });
  await runFixture({ name: "http-hidden" });
  const config = writeConfig({ permissions: { read: true, blacklist_containers: [hidden] } });
  bin = await startHttpBin(["--config", config, "--http", "127.0.0.1:0"], { DOCKER_MCP_HTTP_TOKEN: TOKEN });
});

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await bin?.stop();
  await removeFixtures();
});

async function client(options: Parameters<typeof httpClient>[1] = { token: TOKEN }): Promise<Client> {
  const c = await httpClient(bin.url, options);
  clients.push(c);
  return c;
}

/** A raw request, for headers fetch will not let us set (Host). */
function raw(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: bin.url.hostname, port: bin.url.port, path: "/mcp", method: "POST", headers },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }));
  });
}

describe("addresses", () => {
  it("reads [host:]port, loopback by default", () => {
    expect(parseHttpAddress("8080")).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(parseHttpAddress("0.0.0.0:80")).toEqual({ host: "0.0.0.0", port: 80 });
    expect(parseHttpAddress("[::1]:9000")).toEqual({ host: "::1", port: 9000 });
    expect(() => parseHttpAddress("host:99999")).toThrow(/\[host:\]port/);
    expect(() => parseHttpAddress("nope")).toThrow(/--http 8080/);
  });

  it("knows loopback from the rest", () => {
    for (const h of ["127.0.0.1", "127.8.9.1", "::1", "localhost", "[::1]", "::ffff:127.0.0.1"])
      expect(isLoopback(h)).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.1", "192.168.1.2", "example.com", "127.evil.com"])
      expect(isLoopback(h)).toBe(false);
  });
});

describe("refusals before serving", () => {
  it("refuses to serve beyond loopback without a token, and says how to fix it", async () => {
    for (const address of ["0.0.0.0:0", "[::]:0", "10.1.2.3:0"]) {
      const run = await runBin(["--http", address], { DOCKER_MCP_HTTP_TOKEN: undefined });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /Refusing to serve MCP on .* without a bearer token.*DOCKER_MCP_HTTP_TOKEN.*--http-token-file/s,
      );
    }
  });

  it("refuses an empty or unreadable token rather than serving without one", async () => {
    let run = await runBin(["--http", "0.0.0.0:0"], { DOCKER_MCP_HTTP_TOKEN: "  " });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DOCKER_MCP_HTTP_TOKEN is set but empty/);
    run = await runBin(["--http", "0.0.0.0:0", "--http-token-file", "/nonexistent/token"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/token file \/nonexistent\/token cannot be read \(ENOENT\)/);
  });
});

describe("authentication and origin", () => {
  it("answers a missing or wrong token with 401", async () => {
    for (const options of [{}, { token: "wrong" }, { token: `${TOKEN}x` }]) {
      const error = await httpClient(bin.url, options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StreamableHTTPError);
      expect((error as StreamableHTTPError).code).toBe(401);
    }
  });

  it("answers a foreign Origin with 403 even with the right token, and lets a loopback one in", async () => {
    const error = await httpClient(bin.url, {
      token: TOKEN,
      headers: { origin: "http://evil.example" },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as StreamableHTTPError).code).toBe(403);
    const local = await client({ token: TOKEN, headers: { origin: "http://localhost:6274" } });
    expect((await local.listTools()).tools.length).toBeGreaterThan(0);
  });

  it("answers a Host that is not loopback with 403 (DNS rebinding)", async () => {
    const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    expect(await raw({ ...auth, host: "evil.example:80" })).toBe(403);
    expect(await raw({ ...auth, host: `localhost:${bin.url.port}`, accept: "application/json" })).toBe(400);
  });
});

describe("sessions", () => {
  it("serves two sessions at once over one kernel, each calling tools", async () => {
    const [a, b] = await Promise.all([client(), client()]);
    const [ra, rb, ia, ib] = (await Promise.all([
      a!.callTool({ name: "docker_ps", arguments: { all: true } }),
      b!.callTool({ name: "docker_ps", arguments: { all: true } }),
      a!.callTool({ name: "docker_inspect", arguments: { container: web.name, section: "state" } }),
      b!.callTool({ name: "docker_inspect", arguments: { container: hidden } }),
    ])) as CallToolResult[];
    for (const r of [ra, rb]) {
      const names = (r!.structuredContent as { containers: { name: string }[] }).containers.map(
        (c) => c.name,
      );
      expect(names).toContain(web.name);
      expect(names).not.toContain(hidden);
    }
    expect(ia!.isError).toBeFalsy();
    expect(ib!.isError).toBe(true);
    expect(text(ib!)).toMatch(/blacklist_containers/);
  });

  it("a closed session is gone: its id is refused afterwards", async () => {
    const c = await httpClient(bin.url, { token: TOKEN });
    const transport = c.transport as unknown as { sessionId?: string; terminateSession(): Promise<void> };
    const id = transport.sessionId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await transport.terminateSession();
    await c.close();
    const status = await raw({
      authorization: `Bearer ${TOKEN}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-session-id": id as string,
    });
    expect(status).toBe(404);
  });

  it("a tool call cancelled over HTTP reaches the kernel's call signal", async () => {
    const c = await client();
    const controller = new AbortController();
    const started = Date.now();
    // Three stats snapshots about a second apart: long enough to cancel in the middle.
    const call = c.callTool(
      { name: "docker_stats", arguments: { container: web.name, no_stream: false } },
      undefined,
      {
        signal: controller.signal,
      },
    );
    setTimeout(() => controller.abort("changed my mind"), 400);
    await expect(call).rejects.toThrow(/changed my mind|abort/i);
    expect(Date.now() - started).toBeLessThan(2_000);
    // The server saw the cancel: the kernel's audit line says so.
    await expect
      .poll(() => auditLines(bin.stderr()).find((r) => r["tool"] === "docker_stats")?.["outcome"], {
        timeout: 5_000,
      })
      .toBe("cancelled");
  });
});

describe("in-process server", () => {
  it("sends log messages to HTTP sessions on their standalone stream, and closes idle sessions", async () => {
    const app = createServer({
      plugins: [],
      config: resolveConfig({}, undefined, false),
      stderr: { write: () => true } as unknown as NodeJS.WritableStream,
    });
    const handle = await serveHttp({ app, host: "127.0.0.1", port: 0, idleMs: 1_500 });
    try {
      const c = await httpClient(new URL(handle.url));
      const got: string[] = [];
      c.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        got.push(`${n.params.level}: ${String(n.params.data)}`);
      });
      await c.setLoggingLevel("notice");
      expect(handle.sessions()).toBe(1);
      // Give the client's standalone GET stream a moment to open, then log as the breaker would.
      await expect
        .poll(
          () => {
            app.log("error", "the daemon stopped answering");
            return got.length;
          },
          { interval: 200, timeout: 5_000 },
        )
        .toBeGreaterThan(0);
      app.log("info", "below the level");
      app.log("notice", "the daemon answers again");
      await expect.poll(() => got.at(-1)).toBe("notice: the daemon answers again");
      expect(got).not.toContain("info: below the level");
      // Quiet for longer than idleMs: the session is closed and its id refused.
      await expect.poll(() => handle.sessions(), { timeout: 5_000 }).toBe(0);
      await expect(c.listTools()).rejects.toThrow(/Session not found/);
      await c.close().catch(() => {});
    } finally {
      await handle.close();
      await app.close();
    }
  });
});
