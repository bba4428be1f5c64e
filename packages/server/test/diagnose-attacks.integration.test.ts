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

// A container's own secret printed by its health probe: docker_diagnose quotes probe output (cut to a
// length) in its findings and sends the facts as JSON to a model. Neither road may show the secret,
// whole, in part at a cut, or JSON-escaped (a quote or backslash in it).
const SECRETS = {
  // Starts just before the 200-character cut of the probe quote: its start would be left at the edge.
  DB_PASSWORD: "Cut-Edge-Secret-Value-7781",
  // Escaped inside JSON text, where the raw value never matches.
  API_TOKEN: 'quo"te\\back-Secret-5521',
};
const PAD = "x".repeat(190);

let unhealthy: Fixture;

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  unhealthy = await runFixture({
    name: "diag-probe-secret",
    env: SECRETS,
    script: "sleep 300",
    healthcheck: {
      cmd: `echo "${PAD} $DB_PASSWORD"; echo "token $API_TOKEN"; exit 1`,
      intervalSeconds: 1,
      retries: 1,
    },
  });
  await waitFor(
    "the health check to fail",
    async () => (await docker(["inspect", "-f", "{{.State.Health.Status}}", unhealthy.id])) === "unhealthy",
  );
}, 60_000);

afterAll(async () => {
  await removeFixtures();
});

/** Every piece of a secret long enough to recognize: its first 6 characters and each later 6. */
function pieces(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 6 <= secret.length; i += 3) out.push(secret.slice(i, i + 6));
  return out;
}

describe("docker_diagnose on a probe that prints the container's secrets", () => {
  it("shows no part of them in the answer, nor in the prompt sent to the model", async () => {
    const prompts: string[] = [];
    const app = createServer({
      plugins: [containersPlugin, analysisPlugin],
      config: resolveConfig({}, undefined, false),
      env: {},
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await app.connect(serverSide);
    const client = new Client({ name: "attack", version: "0" }, { capabilities: { sampling: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      const content = request.params.messages[0]?.content;
      prompts.push(content && !Array.isArray(content) && content.type === "text" ? content.text : "");
      return {
        role: "assistant",
        model: "m",
        content: {
          type: "text",
          text: JSON.stringify({ analysis: "a", suggested_fix: "b", confidence: "low" }),
        },
      } as never;
    });
    await client.connect(clientSide);
    try {
      const result = (await client.callTool({
        name: "docker_diagnose",
        arguments: { container: unhealthy.name, use_ai: true },
      })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      const answer = JSON.stringify(result);
      // The probe and its quote are there...
      expect(answer).toContain("unhealthy");
      expect(answer).toContain("xxxxxxxxxx");
      expect(prompts).toHaveLength(1);
      const prompt = prompts[0] as string;
      expect(prompt).toContain("unhealthy");
      // ...and no piece of a secret, raw or as JSON writes it.
      for (const secret of Object.values(SECRETS)) {
        for (const piece of pieces(secret)) {
          for (const form of [piece, JSON.stringify(piece).slice(1, -1)]) {
            expect(answer).not.toContain(form);
            expect(prompt).not.toContain(form);
          }
        }
      }
    } finally {
      await client.close();
      await app.close();
    }
  });
});
