/**
 * An error meant for the user: says what happened, why, and what to do next.
 * `code` is stable for programs; `message` is the sentence the model reads.
 */
export class ToolError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ToolError";
    this.code = code;
  }
}

/** Thrown by the kernel when a plugin manifest is invalid; names the plugin. */
export class PluginLoadError extends Error {
  readonly plugin: string;
  constructor(plugin: string, message: string) {
    super(`plugin "${plugin}": ${message}`);
    this.name = "PluginLoadError";
    this.plugin = plugin;
  }
}

/** Reads a stable code from any error (EngineError, ToolError, system errors). */
export function errorCode(error: unknown): string | undefined {
  if (error && typeof error === "object" && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
