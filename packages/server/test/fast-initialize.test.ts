import { spawn } from "node:child_process";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import {
  LATEST_PROTOCOL_VERSION as SDK_LATEST,
  SUPPORTED_PROTOCOL_VERSIONS as SDK_SUPPORTED,
} from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config.js";
import { createServer } from "../src/create-server.js";
import {
  fastInitialize,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "../src/fast-initialize.js";
import { SERVER_VERSION } from "../src/version.js";
import { BIN, writeConfig } from "./harness.js";

const SERVER_INFO = { name: "docker-mcp", version: SERVER_VERSION };

/** What the SDK server of a docker-mcp session answers to this one raw message. */
async function sdkAnswer(message: unknown): Promise<unknown> {
  const app = createServer({ plugins: [], config: resolveConfig({}, undefined, false) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await app.connect(serverSide);
  const answers: unknown[] = [];
  clientSide.onmessage = (m) => answers.push(m);
  await clientSide.start();
  await clientSide.send(message as never);
  for (let i = 0; i < 100 && answers.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  await clientSide.close();
  await app.close();
  expect(answers).toHaveLength(1);
  return answers[0];
}

const initialize = (params: unknown, id: unknown = 1) => ({
  jsonrpc: "2.0",
  id,
  method: "initialize",
  params,
});
const clientInfo = { name: "t", version: "0" };

describe("the start's own initialize answer", () => {
  it("negotiates with the SDK's protocol versions", () => {
    expect(LATEST_PROTOCOL_VERSION).toBe(SDK_LATEST);
    expect(SUPPORTED_PROTOCOL_VERSIONS).toEqual(SDK_SUPPORTED);
  });

  it("is what the SDK server answers, for every version (known or not) and the usual client capabilities", async () => {
    const versions = [...SDK_SUPPORTED, "2099-01-01", "1.0", ""];
    const capabilities = [
      {},
      { elicitation: {} },
      { sampling: {}, roots: { listChanged: true } },
      { elicitation: { form: { applyDefaults: true }, url: {} }, sampling: { context: {}, tools: {} } },
      { experimental: { x: { y: 1 } }, roots: {} },
    ];
    const ids: unknown[] = [1, 0, "abc", 2 ** 40];
    const messages = [
      ...versions.map((protocolVersion) => initialize({ protocolVersion, capabilities: {}, clientInfo })),
      ...capabilities.map((c) => initialize({ protocolVersion: "2025-06-18", capabilities: c, clientInfo })),
      ...ids.map((id) => initialize({ protocolVersion: "2025-03-26", capabilities: {}, clientInfo }, id)),
      initialize({
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "t", title: "T", version: "1", websiteUrl: "https://x", description: "d" },
      }),
    ];
    for (const message of messages) {
      const fast = fastInitialize(message, SERVER_INFO);
      expect(fast, JSON.stringify(message)).toBeDefined();
      expect(JSON.parse(fast?.line ?? "null"), JSON.stringify(message)).toEqual(await sdkAnswer(message));
    }
  });

  it("leaves a malformed or unusual first message to the SDK server", async () => {
    const good = { protocolVersion: "2025-06-18", capabilities: {}, clientInfo };
    const messages: unknown[] = [
      null,
      [initialize(good)],
      "initialize",
      { ...initialize(good), jsonrpc: "1.0" },
      { ...initialize(good), extra: true },
      initialize(good, 1.5),
      initialize(good, null),
      initialize(good, 2 ** 60),
      { jsonrpc: "2.0", method: "initialize", params: good },
      { jsonrpc: "2.0", id: 1, method: "ping" },
      initialize(undefined),
      initialize({ ...good, protocolVersion: 20250618 }),
      initialize({ ...good, capabilities: undefined }),
      initialize({ ...good, capabilities: { roots: { listChanged: "yes" } } }),
      initialize({ ...good, capabilities: { sampling: { context: true } } }),
      initialize({ ...good, capabilities: { elicitation: { form: { applyDefaults: 1 } } } }),
      initialize({ ...good, capabilities: { tasks: {} } }),
      initialize({ ...good, clientInfo: { name: "t" } }),
      initialize({ ...good, clientInfo: { name: "t", version: 1 } }),
      initialize({ ...good, clientInfo: { ...clientInfo, icons: [] } }),
      initialize({ ...good, _meta: { progressToken: 1 } }),
      initialize({ ...good, more: 1 }),
    ];
    for (const message of messages)
      expect(fastInitialize(message, SERVER_INFO), JSON.stringify(message)).toBeUndefined();
  });
});

/** Runs the bin, writes these lines at once, and collects stdout until `done` says so or it exits. */
function runBin(args: string[], lines: string[], done: (out: string) => boolean) {
  return new Promise<{ out: string; err: string; code: number | null }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => child.stdin.end(), 10_000);
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (done(out)) child.stdin.end();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ out, err, code });
    });
    child.stdin.write(lines.map((line) => `${line}\n`).join(""));
  });
}
const answersTo = (out: string, id: unknown) =>
  out
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id?: unknown; result?: unknown; error?: unknown })
    .filter((m) => m.id === id);

describe("the bin over stdio", () => {
  it("answers a plain initialize once, and the SDK server takes over for what follows", async () => {
    const message = initialize({ protocolVersion: "2024-11-05", capabilities: {}, clientInfo });
    const run = await runBin(
      ["--config", writeConfig({})],
      [
        JSON.stringify(message),
        JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
        JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }),
      ],
      (out) => out.includes('"id":2'),
    );
    // The start's own answer (the SDK writes "result" first): the SDK server's second one was dropped.
    expect(run.out.startsWith('{"jsonrpc":"2.0","id":1,"result":')).toBe(true);
    expect(answersTo(run.out, 1)).toEqual([await sdkAnswer(message)]);
    expect(answersTo(run.out, 2)).toEqual([{ jsonrpc: "2.0", id: 2, result: {} }]);
    expect(run.code).toBe(0);
  });

  it("leaves a malformed first initialize to the SDK server, which answers it as before", async () => {
    const malformed = initialize({ protocolVersion: "2025-06-18", capabilities: {} });
    const good = initialize({ protocolVersion: "2025-06-18", capabilities: {}, clientInfo }, 2);
    const run = await runBin(
      ["--config", writeConfig({})],
      [JSON.stringify(malformed), JSON.stringify(good)],
      (out) => out.includes('"id":2'),
    );
    const [refused] = answersTo(run.out, 1);
    expect(refused?.error).toBeDefined();
    expect(answersTo(run.out, 1)).toHaveLength(1);
    expect(answersTo(run.out, 2)).toEqual([await sdkAnswer(good)]);
  });

  it("a bad config still ends the start with exit code 2 and its message, and serves no tool", async () => {
    const bad = writeConfig({ permissions: { lifecycel: true } });
    const run = await runBin(
      ["--config", bad],
      [
        JSON.stringify(initialize({ protocolVersion: "2025-06-18", capabilities: {}, clientInfo })),
        JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
        JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
      ],
      () => false,
    );
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/config\.json is invalid[\s\S]*did you mean lifecycle/);
    expect(answersTo(run.out, 2)).toEqual([]);
    // The client, answered already, is told why as an error log message.
    const notices = run.out
      .split("\n")
      .filter((line) => line.includes("notifications/message"))
      .map((line) => JSON.parse(line));
    expect(notices).toHaveLength(1);
    expect(notices[0].params).toMatchObject({ level: "error", logger: "docker-mcp" });
    expect(notices[0].params.data).toMatch(/config\.json is invalid[\s\S]*did you mean lifecycle/);
  });
});
