import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import {
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  fixtureName,
  removeFixtures,
  runFixture,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, writeConfig } from "./harness.js";
import { type HttpBin, startHttpBin } from "./http-harness.js";

const run = promisify(execFile);
// The official MCP Inspector's command-line mode (the same code `@modelcontextprotocol/inspector --cli` runs).
const INSPECTOR = join(
  dirname(createRequire(import.meta.url).resolve("@modelcontextprotocol/inspector-cli/package.json")),
  "build/index.js",
);

let web: Fixture;
let config: string;
const hidden = fixtureName("insp-hidden");

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  web = await runFixture({ name: "insp-web" });
  await runFixture({ name: "insp-hidden" });
  config = writeConfig({ permissions: { read: true, blacklist_containers: [hidden] } });
});

afterAll(async () => {
  await removeFixtures();
});

/** Runs the Inspector CLI against the built bin over stdio (the server's own flags after `--`). */
async function inspector(args: string[]): Promise<unknown> {
  // The CLI finds its own package.json through a path relative to its working directory: run it
  // from the bin's directory, whose parent has one.
  const { stdout } = await run(process.execPath, [INSPECTOR, ...args], {
    cwd: dirname(BIN),
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

describe("MCP Inspector CLI against the built bin", () => {
  it("lists the tools", async () => {
    const listed = (await inspector([
      process.execPath,
      BIN,
      "--method",
      "tools/list",
      "--",
      "--config",
      config,
    ])) as {
      tools: { name: string }[];
    };
    expect(listed.tools.map((t) => t.name)).toEqual(expect.arrayContaining(["docker_ps", "docker_logs"]));
    expect(listed.tools.map((t) => t.name)).not.toContain("docker_exec");
  });

  it("calls a tool", async () => {
    const result = (await inspector([
      process.execPath,
      BIN,
      "--method",
      "tools/call",
      "--tool-name",
      "docker_ps",
      "--tool-arg",
      "all=true",
      "--",
      "--config",
      config,
    ])) as { structuredContent: { containers: { name: string }[] } };
    const names = result.structuredContent.containers.map((c) => c.name);
    expect(names).toContain(web.name);
    expect(names).not.toContain(hidden);
  });

  it("sets the logging level and lists resource templates and prompts", async () => {
    expect(
      await inspector([process.execPath, BIN, "--method", "logging/setLevel", "--log-level", "debug"]),
    ).toEqual({});
    const templates = (await inspector([process.execPath, BIN, "--method", "resources/templates/list"])) as {
      resourceTemplates: unknown[];
    };
    expect(templates.resourceTemplates).toHaveLength(3);
    const prompts = (await inspector([process.execPath, BIN, "--method", "prompts/list"])) as {
      prompts: unknown[];
    };
    expect(prompts.prompts).toHaveLength(2);
  });

  it("lists and calls tools over Streamable HTTP with a bearer token", async () => {
    let bin: HttpBin | undefined;
    try {
      bin = await startHttpBin(["--config", config, "--http", "127.0.0.1:0"], {
        DOCKER_MCP_HTTP_TOKEN: "inspector-token-1",
      });
      const url = bin.url.href;
      const header = ["--header", "Authorization: Bearer inspector-token-1"];
      const listed = (await inspector([url, "--transport", "http", ...header, "--method", "tools/list"])) as {
        tools: { name: string }[];
      };
      expect(listed.tools.map((t) => t.name)).toContain("docker_ps");
      const called = (await inspector([
        url,
        "--transport",
        "http",
        ...header,
        "--method",
        "tools/call",
        "--tool-name",
        "docker_inspect",
        "--tool-arg",
        `container=${web.name}`,
      ])) as { isError?: boolean };
      expect(called.isError).toBeFalsy();
      await expect(
        run(process.execPath, [INSPECTOR, url, "--transport", "http", "--method", "tools/list"], {
          cwd: dirname(BIN),
          timeout: 60_000,
        }),
      ).rejects.toThrow(/Unauthorized: send Authorization: Bearer/);
    } finally {
      await bin?.stop();
    }
  });
});
