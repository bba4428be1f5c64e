import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, describe, expect, it } from "vitest";

// The bundled bin answers initialize before its tool plugins load; when they then cannot load, the
// process ends with exit code 2 and says why on stderr, and serves no tool. Neither config nor
// environment can make a built-in plugin refuse (the vocabulary and the timeout classes are code), so
// the failure is a damaged install: a copy of the bundle without the chunk holding the plugins' code.

const BUNDLE_DIR = fileURLToPath(new URL("../dist/bundle", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "docker-mcp-broken-install-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function brokenBundle(): { bin: string; removed: string } {
  const dir = join(root, "bundle");
  cpSync(BUNDLE_DIR, dir, { recursive: true });
  const chunks = join(dir, "chunks");
  const holders = readdirSync(chunks).filter(
    (name) =>
      name.endsWith(".js") && readFileSync(join(chunks, name), "utf8").includes("var builtinPlugins="),
  );
  expect(holders, "exactly one chunk defines the built-in plugins").toHaveLength(1);
  const removed = holders[0] as string;
  rmSync(join(chunks, removed));
  return { bin: join(dir, "docker-mcp.js"), removed };
}

describe("a tool plugin that cannot load (bundled bin over stdio)", () => {
  it("ends the server with exit code 2, the reason on stderr, and no tool served", async () => {
    const { bin, removed } = brokenBundle();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin],
      env: process.env as Record<string, string>,
      stderr: "pipe",
    });
    let err = "";
    transport.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    const client = new Client({ name: "docker-mcp-plugin-failure-test", version: "0.0.0" });
    try {
      // initialize is answered without the plugins, so the client connects.
      await client.connect(transport);
      const child = (transport as unknown as { _process: import("node:child_process").ChildProcess })
        ._process;
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve({ code: child.exitCode, signal: child.signalCode });
        } else child.once("exit", (code, signal) => resolve({ code, signal }));
      });
      const listed = client.listTools(undefined, { timeout: 10_000 }).then(
        (r) => ({ tools: r.tools.map((t) => t.name) }),
        (error: unknown) => ({ error: String(error) }),
      );
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([
        exited,
        new Promise<"still running">((resolve) => {
          timer = setTimeout(() => resolve("still running"), 10_000);
        }),
      ]);
      clearTimeout(timer);
      expect(exit).toEqual({ code: 2, signal: null });
      expect(err).toContain("docker-mcp: the tools could not be loaded:");
      expect(err).toContain(removed);
      expect(await listed).not.toHaveProperty("tools");
    } finally {
      await client.close().catch(() => {});
    }
  });
});
