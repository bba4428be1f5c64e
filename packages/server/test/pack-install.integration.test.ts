import { execFile } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_VERSION } from "../src/index.js";
import { writeConfig } from "./harness.js";

const run = promisify(execFile);
const PACK = fileURLToPath(new URL("../scripts/pack.mjs", import.meta.url));

// What a user gets from `npm install -g`: the packed tarball installed into an empty prefix, offline
// (every dependency is inlined, so no registry is needed), then the installed bin itself.
describe("the packed package, installed with npm install -g", () => {
  const dir = mkdtempSync(join(tmpdir(), "docker-mcp-pack-test-"));
  const prefix = join(dir, "prefix");
  const bin = join(prefix, "bin", "docker-mcp");

  beforeAll(async () => {
    const packed = await run(process.execPath, [PACK, join(dir, "out")]);
    const tarball = packed.stdout.trim().split("\n").pop() as string;
    expect(tarball).toMatch(/arktechnwa-docker-mcp-.*\.tgz$/);
    await run("npm", ["install", "-g", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", tarball], {
      env: { ...process.env, npm_config_update_notifier: "false" },
    });
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("puts docker-mcp on the prefix's PATH, outside this checkout, and it prints its version", async () => {
    expect(realpathSync(bin)).toContain(join(prefix, "lib", "node_modules", "@arktechnwa", "docker-mcp"));
    const version = await run(bin, ["--version"]);
    expect(version.stderr.trim()).toBe(SERVER_VERSION);
  });

  it("answers an MCP initialize over stdio, lists its tools and reaches the daemon", async () => {
    const transport = new StdioClientTransport({
      command: bin,
      args: ["--config", writeConfig({ audit: { enabled: false } })],
      stderr: "pipe",
      cwd: dir,
    });
    const client = new Client({ name: "pack-install-test", version: "0" });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: "docker-mcp", version: SERVER_VERSION });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("docker_ps");
      // A real daemon call from the installed bundle.
      const ps = await client.callTool({ name: "docker_ps", arguments: { all: true } });
      expect(ps.isError).not.toBe(true);
      expect(ps.structuredContent).toHaveProperty("containers");
    } finally {
      await client.close();
    }
  });

  it("ships the config schema and its subcommands work from the install", async () => {
    const schema = await run(bin, ["config", "schema"]);
    expect(JSON.parse(schema.stdout)).toMatchObject({ title: "docker-mcp configuration" });
    const check = await run(bin, ["policy", "check", writeConfig({ permissions: { lifecycle: true } })]);
    expect(check.stdout).toMatch(/is valid[\s\S]*levels on: {2}read, lifecycle/);
  });
});
