import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { containersPlugin } from "@arktechnwa/docker-mcp-tool-containers";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, resolveConfig } from "../src/index.js";
import { BIN, writeConfig } from "./harness.js";

type Reply = { id: unknown; result?: unknown; error?: { code: number; message: string } };

const call = (params: unknown) => ({ method: "tools/call", params });

/**
 * Requests the SDK alone drops or answers with -32603 and a schema dump. Each must get a short
 * JSON-RPC error with its own id (or id null when the id itself is unusable).
 */
const BAD_REQUESTS: { name: string; body: Record<string, unknown>; code: number; text: RegExp }[] = [
  ...[{}, [1], 1.5, true, null, { a: 1 }].map((token) => ({
    name: `progressToken ${JSON.stringify(token)}`,
    body: call({ name: "docker_ps", arguments: {}, _meta: { progressToken: token } }),
    code: -32602,
    text: /params\._meta\.progressToken" must be a string or an integer/,
  })),
  ...["x", [1], 5, null].map((meta) => ({
    name: `_meta ${JSON.stringify(meta)}`,
    body: call({ name: "docker_ps", arguments: {}, _meta: meta }),
    code: -32602,
    text: /params\._meta" must be an object/,
  })),
  ...[[1], "x", 5, null, true, [{ all: true }]].map((args) => ({
    name: `arguments ${JSON.stringify(args)}`,
    body: call({ name: "docker_ps", arguments: args }),
    code: -32602,
    text: /params\.arguments" must be an object of named arguments/,
  })),
  ...[5, null, ["docker_ps"]].map((name) => ({
    name: `tool name ${JSON.stringify(name)}`,
    body: call({ name, arguments: {} }),
    code: -32602,
    text: /params\.name" must be the tool's name/,
  })),
  { name: "tools/call without params", body: { method: "tools/call" }, code: -32602, text: /needs "params"/ },
  ...[5, "x", [1]].map((params) => ({
    name: `params ${JSON.stringify(params)}`,
    body: { method: "tools/list", params },
    code: -32602,
    text: /"params" must be an object/,
  })),
  { name: "method 5", body: { method: 5 }, code: -32600, text: /"method" must be a string/ },
  { name: "no method", body: { params: {} }, code: -32600, text: /"method" must be a string/ },
];

function lines(body: Record<string, unknown>, id: number, jsonrpc = "2.0"): string {
  return `${JSON.stringify({ jsonrpc, id, ...body })}\n`;
}

const INITIALIZE = {
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
};

describe("a malformed request always gets an answer: raw lines over the real bin's stdio", () => {
  let child: ChildProcessWithoutNullStreams;
  const replies: Reply[] = [];
  let stdout = "";
  let stderr = "";
  const send = (raw: string) => child.stdin.write(raw);
  const waitFor = async (match: (r: Reply) => boolean, ms = 3000): Promise<Reply> => {
    const t0 = Date.now();
    for (;;) {
      const found = replies.find(match);
      if (found) return found;
      if (Date.now() - t0 > ms)
        throw new Error(`no answer within ${ms} ms; stdout so far:\n${stdout}\nstderr:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  beforeAll(async () => {
    child = spawn(process.execPath, [BIN, "--config", writeConfig({})], { stdio: "pipe" });
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const parts = stdout.split("\n");
      stdout = parts.pop() ?? "";
      for (const part of parts) if (part.trim()) replies.push(JSON.parse(part) as Reply);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    send(lines(INITIALIZE, 0));
    await waitFor((r) => r.id === 0);
    send(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
  });
  afterAll(() => {
    child.kill();
  });

  it.each(BAD_REQUESTS.map((c, i) => ({ ...c, id: 100 + i })))(
    "$name is answered with $code and a short message",
    async ({ body, code, text, id }) => {
      send(lines(body, id));
      const reply = await waitFor((r) => r.id === id);
      expect(reply.error?.code).toBe(code);
      expect(reply.error?.message).toMatch(text);
      // Short and to the point: no schema dump.
      expect(reply.error?.message.length).toBeLessThan(200);
    },
  );

  it("an id the server cannot echo, a wrong jsonrpc, a batch, a bare value and a line that is not JSON are answered with id null", async () => {
    const before = replies.filter((r) => r.id === null).length;
    send(`${JSON.stringify({ jsonrpc: "2.0", id: {}, method: "tools/list" })}\n`);
    send(`${JSON.stringify({ jsonrpc: "2.0", id: 1.5, method: "tools/list" })}\n`);
    send(`${JSON.stringify([{ jsonrpc: "2.0", id: 7, method: "tools/list" }])}\n`);
    send("42\n");
    send("{not json\n");
    await waitFor(() => replies.filter((r) => r.id === null).length >= before + 5);
    const nulls = replies.filter((r) => r.id === null).slice(before);
    expect(nulls.map((r) => r.error?.code)).toEqual([-32600, -32600, -32600, -32600, -32700]);
    send(lines({ method: "tools/list" }, 300, "1.0"));
    const wrongVersion = await waitFor((r) => r.id === 300);
    expect(wrongVersion.error).toMatchObject({
      code: -32600,
      message: expect.stringMatching(/"jsonrpc" must be "2\.0"/),
    });
  });

  it("an invalid notification gets no answer (JSON-RPC), and the server keeps serving", async () => {
    const count = replies.length;
    send(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: 5 })}\n`);
    send(lines({ method: "tools/list" }, 400));
    const listed = await waitFor((r) => r.id === 400);
    expect(listed.result).toMatchObject({ tools: expect.any(Array) });
    expect(replies.length).toBe(count + 1);
    expect(stderr).toMatch(/dropped an invalid notification/);
  });

  it("a well-formed call with a progress token still works after all that", async () => {
    send(lines(call({ name: "no_such_tool", arguments: {}, _meta: { progressToken: "p1" } }), 500));
    const r = await waitFor((reply) => reply.id === 500);
    expect(r.result).toMatchObject({ isError: true });
  });
});

describe("a malformed request always gets an answer: the in-memory transport", () => {
  it.each(BAD_REQUESTS.map((c, i) => ({ ...c, id: 100 + i })))(
    "$name is answered with $code",
    async ({ body, code, text, id }) => {
      const app = createServer({
        plugins: [containersPlugin],
        config: resolveConfig({}, undefined, false),
        stderr: { write: () => true } as unknown as NodeJS.WritableStream,
      });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const replies: Reply[] = [];
      clientSide.onmessage = (m) => replies.push(m as unknown as Reply);
      await clientSide.start();
      await app.connect(serverSide);
      try {
        await clientSide.send({ jsonrpc: "2.0", id, ...body } as unknown as JSONRPCMessage);
        const t0 = Date.now();
        while (!replies.some((r) => r.id === id) && Date.now() - t0 < 2000)
          await new Promise((resolve) => setTimeout(resolve, 5));
        const reply = replies.find((r) => r.id === id);
        expect(reply?.error?.code).toBe(code);
        expect(reply?.error?.message).toMatch(text);
      } finally {
        await app.close();
      }
    },
  );
});
