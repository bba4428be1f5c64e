/**
 * A language model a tool may ask to explain facts it has gathered. The kernel knows no model: the
 * server supplies one per call (the client's own model through MCP sampling, sent on that call's
 * stream, or a configured API) and a tool only sees this port.
 */
export interface ModelRequest {
  /** Instructions: what the model is for and the exact answer shape. */
  system: string;
  /** The (already masked) material to explain. */
  prompt: string;
  maxTokens: number;
  /** Fires at the model call's own deadline or when the tool call ends; the request is then abandoned. */
  signal: AbortSignal;
}

export interface ModelReply {
  text: string;
  /** The model that answered, when the answer says. */
  model?: string;
}

export interface ModelPort {
  /** "sampling": the MCP client's model, asked over this tool call. "anthropic": the configured fallback. */
  readonly source: "sampling" | "anthropic";
  /** At most this many log lines go to the model (the fallback's `max_log_lines`). */
  readonly maxLogLines: number;
  /** Tokens the model may answer with (the fallback's `max_tokens`). */
  readonly maxTokens: number;
  /** The most one model call may take (inside the tool's own deadline). */
  readonly timeoutMs?: number;
  complete(request: ModelRequest): Promise<ModelReply>;
}

/** No model for this call, and why (said to the user when they asked for AI). */
export interface NoModel {
  readonly source: "none";
  readonly reason: string;
}

export type CallModel = ModelPort | NoModel;

export const NO_MODEL: NoModel = {
  source: "none",
  reason: "this server was started without a model (no MCP sampling and no fallback configured)",
};
