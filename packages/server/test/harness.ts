import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

export function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "docker-mcp-test-"));
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export interface Connected {
  client: Client;
  stderr: () => string;
  /** When each stderr chunk arrived (epoch ms), for timing what the server logs. */
  stderrChunks: () => { at: number; text: string }[];
  /** The server's process ID. */
  pid: number | null;
  close: () => Promise<void>;
}

/** Spawns the real `docker-mcp` bin and connects the SDK's Client to it over stdio. */
export async function connect(args: string[], env: Record<string, string> = {}): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, ...args],
    env: { ...(process.env as Record<string, string>), ...env },
    stderr: "pipe",
  });
  let err = "";
  const chunks: { at: number; text: string }[] = [];
  transport.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
    chunks.push({ at: Date.now(), text: chunk.toString() });
  });
  const client = new Client({ name: "docker-mcp-test", version: "0.0.0" });
  await client.connect(transport);
  return {
    client,
    stderr: () => err,
    stderrChunks: () => chunks,
    pid: transport.pid,
    close: () => client.close(),
  };
}

export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

export function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}
