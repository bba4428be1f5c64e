import type { ApiClient } from "./api-client.js";
import { EngineError } from "./errors.js";
import type { ExecOptions, ExecResult } from "./types.js";

export async function runExec(
  api: ApiClient,
  _id: string,
  _options: ExecOptions,
  _signal: AbortSignal,
): Promise<ExecResult> {
  throw new EngineError("DAEMON", "exec is not implemented yet", { endpoint: api.endpoint });
}
