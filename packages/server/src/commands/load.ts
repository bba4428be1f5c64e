import type { CliIo } from "../cli.js";
import { ConfigError, loadConfig, type ResolvedConfig } from "../config.js";

/** Loads the config as the server would; a config that cannot be used is printed with its problems. */
export async function loadForCommand(
  io: CliIo,
  configPath: string | undefined,
  bypass = false,
): Promise<ResolvedConfig | undefined> {
  try {
    return await loadConfig({ ...(configPath ? { configPath } : {}), bypass });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`docker-mcp: ${error.message}\n`);
    return undefined;
  }
}
