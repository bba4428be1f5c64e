import { type SpawnOptions, spawn } from "node:child_process";
import { BIN } from "./harness.js";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `docker-mcp` bin as a child process with these arguments; `prefix` runs it under
 * another program first (e.g. setpriv to drop to another user).
 */
export function runCli(
  args: string[],
  options: { prefix?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliRun> {
  const argv = [...(options.prefix ?? []), process.execPath, BIN, ...args];
  const spawnOptions: SpawnOptions = {
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: options.timeoutMs ?? 15_000,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), spawnOptions);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
