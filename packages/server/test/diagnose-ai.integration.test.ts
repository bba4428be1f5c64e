import { once } from "node:events";
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import {
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  removeFixtures,
  runFixture,
  waitFor,
} from "@arktechnwa/docker-mcp-testkit";
import { analysisPlugin } from "@arktechnwa/docker-mcp-tool-analysis";
import { containersPlugin } from "@arktechnwa/docker-mcp-tool-containers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { type CallToolResult, CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, resolveConfig } from "../src/index.js";

// The AI paths against the real SDKs: @anthropic-ai/sdk talking to a fake Messages API on 127.0.0.1
// (what it sends is recorded and checked for secrets), and MCP sampling answered by a real SDK Client.

const ENV_SECRET = "Sup3r-Secret-Value-4711";
const URL_PASSWORD = "pg-pass-0815";
const LOG_TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJ012345";

const GOOD_ANSWER = {
  analysis: "The app cannot reach its database at 10.9.8.7:5432: nothing listens there.",
  suggested_fix: "Start the database or fix DB_HOST.",
  confidence: "high",
};

type Mode = "ok" | "500" | "slow" | "invalid";

interface FakeApi {
  url: string;
  bodies: Record<string, unknown>[];
  headers: IncomingMessage["headers"][];
  close(): Promise<void>;
}

/** A fake Anthropic Messages API: records every request and answers according to `mode`. */
async function fakeMessagesApi(mode: Mode): Promise<FakeApi> {
  const bodies: Record<string, unknown>[] = [];
  const headers: IncomingMessage["headers"][] = [];
  const server: HttpServer = createHttpServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    if (req.method !== "POST" || req.url !== "/v1/messages") {
      res.writeHead(404).end();
      return;
    }
    bodies.push(JSON.parse(raw) as Record<string, unknown>);
    headers.push(req.headers);
    if (mode === "500") {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ type: "error", error: { type: "api_error", message: "Internal server error" } }),
      );
      return;
    }
    if (mode === "slow") {
      setTimeout(() => res.destroyed || res.writeHead(200).end("{}"), 10_000).unref();
      return;
    }
    const text =
      mode === "ok"
        ? `Here you go:\n\`\`\`json\n${JSON.stringify(GOOD_ANSWER)}\n\`\`\``
        : "The container crashed, probably.";
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: "msg_test",
        type: "message",
        role: "assistant",
        model: "claude-haiku-4-5-fake",
        content: [{ type: "text", text }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 100, output_tokens: 50 },
      }),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    headers,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let crashed: Fixture;

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  crashed = await runFixture({
    name: "diag-ai",
    env: {
      DB_PASSWORD: ENV_SECRET,
      DATABASE_LINK: `postgres://app:${URL_PASSWORD}@db/app`,
      DB_HOST: "10.9.8.7",
    },
    script: [
      'echo "connecting to postgres with password $DB_PASSWORD"',
      `echo "using github token ${LOG_TOKEN}"`,
      'echo "dsn $DATABASE_LINK"',
      'echo "Error: connect ECONNREFUSED 10.9.8.7:5432" >&2',
      "exit 1",
    ].join("; "),
  });
  await waitFor(
    "the container to exit",
    async () => (await docker(["inspect", "-f", "{{.State.Status}}", crashed.id])) === "exited",
  );
}, 60_000);

afterAll(async () => {
  await removeFixtures();
});

interface Diagnosis {
  synthesis: {
    analysis: string;
    suggested_fix: string;
    confidence: string;
    source: string;
    model?: string;
    note?: string;
  };
  findings: { class: string }[];
}

async function connectApp(
  doc: unknown,
  env: NodeJS.ProcessEnv,
  sampling?: (prompt: string, system: string) => unknown,
) {
  const app = createServer({
    plugins: [containersPlugin, analysisPlugin],
    config: resolveConfig(doc, undefined, false),
    env,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  // Record which request each server-to-client message is tied to: a sampling request must travel on
  // the tool call's own stream (over Streamable HTTP an untied one may never reach the client).
  const tied: { method: string; relatedRequestId: unknown }[] = [];
  const send = serverSide.send.bind(serverSide);
  serverSide.send = (message, options) => {
    if ("method" in message && "id" in message)
      tied.push({ method: message.method, relatedRequestId: options?.relatedRequestId });
    return send(message, options);
  };
  await app.connect(serverSide);
  const client = new Client(
    { name: "ai-test", version: "0" },
    sampling ? { capabilities: { sampling: {} } } : {},
  );
  if (sampling) {
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      const content = request.params.messages[0]?.content;
      const prompt = content && !Array.isArray(content) && content.type === "text" ? content.text : "";
      return sampling(prompt, request.params.systemPrompt ?? "") as never;
    });
  }
  await client.connect(clientSide);
  return {
    tied,
    client,
    async diagnose(): Promise<Diagnosis> {
      const result = (await client.callTool({
        name: "docker_diagnose",
        arguments: { container: crashed.name, use_ai: true },
      })) as CallToolResult;
      if (result.isError) throw new Error(JSON.stringify(result.content));
      return result.structuredContent as unknown as Diagnosis;
    },
    async close() {
      await client.close();
      await app.close();
    },
  };
}

const FALLBACK_ON = { fallback: { enabled: true, timeout: "2s" } };

describe("docker_diagnose with the Anthropic fallback (real SDK, fake Messages API)", () => {
  it("sends the masked facts, takes the answer into synthesis, and never sends a secret", async () => {
    const api = await fakeMessagesApi("ok");
    // ANTHROPIC_BASE_URL is honored; the key comes from the default variable DOCKER_MCP_FALLBACK_KEY.
    const app = await connectApp(FALLBACK_ON, {
      DOCKER_MCP_FALLBACK_KEY: "test-key-123",
      ANTHROPIC_BASE_URL: api.url,
    });
    try {
      const d = await app.diagnose();
      expect(d.synthesis).toMatchObject({
        ...GOOD_ANSWER,
        confidence: "medium",
        source: "anthropic",
        model: "claude-haiku-4-5-fake",
      });
      expect(api.bodies).toHaveLength(1);
      const body = api.bodies[0] as {
        model: string;
        max_tokens: number;
        system: string;
        messages: { content: string }[];
      };
      expect(body.model).toBe("claude-haiku-4-5");
      expect(body.max_tokens).toBe(500);
      expect(body.system).toContain("JSON");
      const auth = api.headers[0] ?? {};
      expect(auth["x-api-key"] === "test-key-123" || auth.authorization === "Bearer test-key-123").toBe(true);
      const sent = JSON.stringify(body);
      // The facts travel...
      expect(sent).toContain("connection_refused");
      expect(sent).toContain("10.9.8.7:5432");
      expect(sent).toContain("exit_code");
      // ...and no secret from the container's environment or its logs does.
      for (const secret of [ENV_SECRET, URL_PASSWORD, LOG_TOKEN, "test-key-123"])
        expect(sent).not.toContain(secret);
      expect(sent).toContain("[REDACTED]");

      // The same masked input is not sent twice: the second answer comes from the cache.
      const again = await app.diagnose();
      expect(again.synthesis.source).toBe("anthropic");
      expect(api.bodies).toHaveLength(1);
    } finally {
      await app.close();
      await api.close();
    }
  });

  it.each([
    ["500", /model call failed/],
    ["slow", /did not answer within 2\.0 s/],
    ["invalid", /held no JSON object/],
  ] as const)("a %s answer falls back to the rules and says why", async (mode, why) => {
    const api = await fakeMessagesApi(mode);
    const app = await connectApp(FALLBACK_ON, { DOCKER_MCP_FALLBACK_KEY: "k", ANTHROPIC_BASE_URL: api.url });
    try {
      const started = Date.now();
      const d = await app.diagnose();
      expect(d.synthesis.source).toBe("rules");
      expect(d.synthesis.confidence).toBe("medium");
      expect(d.synthesis.analysis).toContain("10.9.8.7:5432");
      expect(d.synthesis.note).toMatch(why);
      expect(api.bodies).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      await app.close();
      await api.close();
    }
  });

  it("without the key variable, says so and answers with the rules", async () => {
    const app = await connectApp(FALLBACK_ON, {});
    try {
      const d = await app.diagnose();
      expect(d.synthesis.source).toBe("rules");
      expect(d.synthesis.note).toMatch(/DOCKER_MCP_FALLBACK_KEY is not set/);
    } finally {
      await app.close();
    }
  });
});

describe("docker_diagnose with MCP sampling (a real SDK Client that samples)", () => {
  it("asks the client's model on the call, before any fallback, with masked facts; a model may lower confidence", async () => {
    const api = await fakeMessagesApi("ok");
    const prompts: string[] = [];
    const app = await connectApp(
      FALLBACK_ON,
      { DOCKER_MCP_FALLBACK_KEY: "k", ANTHROPIC_BASE_URL: api.url },
      (prompt, system) => {
        prompts.push(prompt);
        expect(system).toContain("JSON");
        return {
          role: "assistant",
          model: "client-model-1",
          content: {
            type: "text",
            text: JSON.stringify({ analysis: "DB down.", suggested_fix: "Start it.", confidence: "low" }),
          },
        };
      },
    );
    try {
      const d = await app.diagnose();
      expect(d.synthesis).toEqual({
        analysis: "DB down.",
        suggested_fix: "Start it.",
        confidence: "low",
        source: "sampling",
        model: "client-model-1",
      });
      expect(api.bodies).toHaveLength(0);
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).toContain("connection_refused");
      // Sent from inside the tool call, tied to it.
      expect(app.tied).toHaveLength(1);
      expect(app.tied[0]?.method).toBe("sampling/createMessage");
      expect(app.tied[0]?.relatedRequestId).toEqual(expect.any(Number));
      for (const secret of [ENV_SECRET, URL_PASSWORD, LOG_TOKEN]) expect(prompts[0]).not.toContain(secret);
    } finally {
      await app.close();
      await api.close();
    }
  });

  it("a model cannot raise confidence above the rules'", async () => {
    const app = await connectApp({}, {}, () => ({
      role: "assistant",
      model: "m",
      content: {
        type: "text",
        text: JSON.stringify({ analysis: "Certain.", suggested_fix: "x", confidence: "high" }),
      },
    }));
    try {
      const d = await app.diagnose();
      expect(d.synthesis.source).toBe("sampling");
      expect(d.synthesis.confidence).toBe("medium");
    } finally {
      await app.close();
    }
  });

  it("docker_anomalies: use_ai adds a model's summary of the masked facts", async () => {
    const prompts: string[] = [];
    const app = await connectApp({}, {}, (prompt) => {
      prompts.push(prompt);
      return {
        role: "assistant",
        model: "m",
        content: {
          type: "text",
          text: JSON.stringify({
            analysis: "One container exits.",
            suggested_fix: "Diagnose it.",
            confidence: "high",
          }),
        },
      };
    });
    try {
      const result = (await app.client.callTool({
        name: "docker_anomalies",
        arguments: { use_ai: true },
      })) as CallToolResult;
      const out = result.structuredContent as {
        anomalies: { container: string; kind: string }[];
        summary?: { source: string; analysis: string };
      };
      expect(out.anomalies).toContainEqual(
        expect.objectContaining({ container: crashed.name, kind: "exited_nonzero" }),
      );
      expect(out.summary).toMatchObject({ source: "sampling", analysis: "One container exits." });
      expect(prompts[0]).toContain(crashed.name);
    } finally {
      await app.close();
    }
  });

  it("a client that refuses the sampling request leaves the rules' answer with the reason", async () => {
    const app = await connectApp({}, {}, () => {
      throw new Error("user declined the sampling request");
    });
    try {
      const d = await app.diagnose();
      expect(d.synthesis.source).toBe("rules");
      expect(d.synthesis.note).toMatch(/AI \(sampling\) not used: the model call failed \(.*declined/);
    } finally {
      await app.close();
    }
  });
});
