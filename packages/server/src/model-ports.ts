import type Anthropic from "@anthropic-ai/sdk";
import type { CallModel, ModelPort, NoModel } from "@arktechnwa/docker-mcp-core";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CreateMessageResultSchema, type ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { ResolvedConfig } from "./config.js";

type Fallback = ResolvedConfig["fallback"];

/**
 * The Anthropic API as a model port, or why there is none (disabled, no key). The key is read from the
 * environment variable the config names; the address from `fallback.base_url`, else ANTHROPIC_BASE_URL.
 */
export function anthropicModel(fallback: Fallback, env: NodeJS.ProcessEnv): ModelPort | NoModel {
  if (!fallback.enabled) {
    return {
      source: "none",
      reason: "the client offers no MCP sampling and the fallback model is not enabled (fallback.enabled)",
    };
  }
  const apiKey = env[fallback.apiKeyEnv];
  if (!apiKey) {
    return {
      source: "none",
      reason: `the client offers no MCP sampling and the fallback's API key variable ${fallback.apiKeyEnv} is not set`,
    };
  }
  const baseURL = fallback.baseUrl ?? env["ANTHROPIC_BASE_URL"];
  // The SDK takes ~150 ms to import: loaded on the first model call, never at start.
  let client: Promise<Anthropic> | undefined;
  const load = () =>
    (client ??= import("@anthropic-ai/sdk").then(
      ({ default: AnthropicClient }) =>
        // No retries: the tool's deadline is short and a fallback to the rules is always there.
        new AnthropicClient({
          apiKey,
          ...(baseURL ? { baseURL } : {}),
          maxRetries: 0,
          timeout: fallback.timeoutMs,
        }),
    ));
  return {
    source: "anthropic",
    maxLogLines: fallback.maxLogLines,
    maxTokens: fallback.maxTokens,
    timeoutMs: fallback.timeoutMs,
    async complete(request) {
      const message = await (await load()).messages.create(
        {
          model: fallback.model,
          max_tokens: request.maxTokens,
          system: request.system,
          messages: [{ role: "user", content: request.prompt }],
        },
        { signal: request.signal },
      );
      const text = message.content
        .map((block) => (block.type === "text" ? block.text : ""))
        .join("")
        .trim();
      return { text, model: message.model };
    },
  };
}

/** Sends a request to the client on the tool call's own stream (the handler's `extra.sendRequest`). */
export type SendRequest = (
  request: ServerRequest,
  schema: typeof CreateMessageResultSchema,
  options?: { signal?: AbortSignal; timeout?: number },
) => Promise<unknown>;

/**
 * The client's own model through MCP sampling, asked on the tool call's stream (tied to the call, so it
 * reaches the client over Streamable HTTP too). The fallback's limits apply to what is sent.
 */
export function samplingModel(sendRequest: SendRequest, fallback: Fallback): ModelPort {
  return {
    source: "sampling",
    maxLogLines: fallback.maxLogLines,
    maxTokens: fallback.maxTokens,
    timeoutMs: fallback.timeoutMs,
    async complete(request) {
      const result = (await sendRequest(
        {
          method: "sampling/createMessage",
          params: {
            messages: [{ role: "user", content: { type: "text", text: request.prompt } }],
            systemPrompt: request.system,
            maxTokens: request.maxTokens,
            includeContext: "none",
          },
        },
        CreateMessageResultSchema,
        { signal: request.signal, timeout: fallback.timeoutMs },
      )) as { content: { type: string; text?: string } | { type: string; text?: string }[]; model: string };
      const blocks = Array.isArray(result.content) ? result.content : [result.content];
      const text = blocks
        .map((block) => (block.type === "text" ? (block.text ?? "") : ""))
        .join("")
        .trim();
      return { text, model: result.model };
    },
  };
}

/** Sampling when the client supports it, else the configured fallback, else none (with why). */
export function chooseModel(
  server: Server,
  sendRequest: SendRequest,
  fallback: Fallback,
  anthropic: ModelPort | NoModel,
): CallModel {
  if (server.getClientCapabilities()?.sampling) return samplingModel(sendRequest, fallback);
  return anthropic;
}
