import {
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  removeFixtures,
  runFixture,
  waitFor,
} from "@arktechnwa/docker-mcp-testkit";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  type CallToolResult,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, writeConfig } from "./harness.js";

// The bin answers the first initialize itself and replays it to the SDK server: the client's
// capabilities (elicitation, sampling) must still reach the SDK server over stdio.
beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
}, 60_000);

afterAll(async () => {
  await removeFixtures();
});

async function stdioClient(asked: string[], prompts: string[]): Promise<Client> {
  const client = new Client(
    { name: "docker-mcp-stdio-capabilities", version: "0" },
    { capabilities: { elicitation: {}, sampling: {} } },
  );
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(request.params.message);
    return { action: "accept" };
  });
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    const content = request.params.messages[0]?.content;
    prompts.push(content && !Array.isArray(content) && content.type === "text" ? content.text : "");
    return {
      role: "assistant",
      model: "test-model",
      content: {
        type: "text",
        text: JSON.stringify({ analysis: "It exited.", suggested_fix: "Start it.", confidence: "low" }),
      },
    };
  });
  const config = writeConfig({ permissions: { read: true, create: true }, confirm: ["docker_remove"] });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [BIN, "--config", config], stderr: "pipe" }),
  );
  return client;
}

describe("client capabilities over stdio", () => {
  it("a confirmation is asked through elicitation and a diagnosis samples the client's model", async () => {
    const target = await runFixture({ name: "stdio-caps-remove" });
    const crashed = await runFixture({ name: "stdio-caps-crashed", script: "echo boom >&2; exit 1" });
    await waitFor(
      "the container to exit",
      async () => (await docker(["inspect", "-f", "{{.State.Status}}", crashed.id])) === "exited",
    );
    const asked: string[] = [];
    const prompts: string[] = [];
    const client = await stdioClient(asked, prompts);
    try {
      const removed = (await client.callTool({
        name: "docker_remove",
        arguments: { containers: [target.name], force: true },
      })) as CallToolResult;
      expect(removed.isError).toBeFalsy();
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain(`Allow docker_remove on container "${target.name}"`);
      await expect(docker(["inspect", target.id])).rejects.toThrow();

      const diagnosis = (await client.callTool({
        name: "docker_diagnose",
        arguments: { container: crashed.name, use_ai: true },
      })) as CallToolResult;
      expect(diagnosis.isError).toBeFalsy();
      expect(prompts).toHaveLength(1);
      const synthesis = (diagnosis.structuredContent as { synthesis: { source: string; model?: string } })
        .synthesis;
      expect(synthesis.source).toBe("sampling");
    } finally {
      await client.close();
    }
  });
});
