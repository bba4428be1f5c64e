import { type ChildProcess, spawn } from "node:child_process";
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { BIN } from "./harness.js";

export interface HttpBin {
  url: URL;
  child: ChildProcess;
  stderr: () => string;
  stop: () => Promise<void>;
}

/** Starts the real bin with `--http` (port 0: the kernel picks one) and waits for the address it prints. */
export async function startHttpBin(args: string[], env: Record<string, string> = {}): Promise<HttpBin> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...(process.env as Record<string, string>), ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed within 15 s:\n${err}`)), 15_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      const match = /serving on (http:\/\/\S+\/mcp)/.exec(err);
      if (match) {
        clearTimeout(timer);
        resolve(new URL(match[1] as string));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the bin exited (${code}) before serving:\n${err}`));
    });
  });
  return {
    url,
    child,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Runs the bin to its exit (for arguments it must refuse). */
export function runBin(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; stderr: string }> {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env }))
    if (value !== undefined) merged[key] = value;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: merged,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once("exit", (code) => resolve({ code, stderr: err }));
  });
}

/** The SDK's own client over its Streamable HTTP transport. */
export async function httpClient(
  url: URL,
  options: { token?: string; headers?: Record<string, string>; client?: ClientOptions } = {},
): Promise<Client> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers["authorization"] = `Bearer ${options.token}`;
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers } });
  const client = new Client({ name: "docker-mcp-http-test", version: "0.0.0" }, options.client);
  await client.connect(transport);
  return client;
}

/** The audit lines the bin wrote to stderr. */
export function auditLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("docker-mcp audit {"))
    .map((line) => {
      try {
        return JSON.parse(line.slice("docker-mcp audit ".length)) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}
