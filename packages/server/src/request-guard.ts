import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  ErrorCode,
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type MessageExtraInfo,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";

/** A JSON-RPC error answer we send ourselves, before the SDK sees the message. */
export interface Rejection {
  /** undefined: nothing to answer (an invalid notification or response; JSON-RPC forbids a reply). */
  reply?: { jsonrpc: "2.0"; id: RequestId | null; error: { code: number; message: string } };
  /** One line for the server's log. */
  log: string;
}

export type Screened = { ok: true; message: JSONRPCMessage } | { ok: false; rejection: Rejection };

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is RequestId =>
  typeof v === "string" || (typeof v === "number" && Number.isInteger(v));

/** What a JSON value is, in a few words, for error messages that never echo the value itself. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a fractional number";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function reject(id: RequestId | null, code: number, message: string): Screened {
  return {
    ok: false,
    rejection: { reply: { jsonrpc: "2.0", id, error: { code, message } }, log: message },
  };
}

/**
 * Checks one incoming message before the MCP SDK sees it. The SDK drops a request it cannot parse
 * (the client then waits forever) or answers a bad tools/call with -32603 and a schema dump; here
 * every request that carries an id gets a short JSON-RPC error instead: -32600 when it is not a
 * request at all, -32602 when only its params are wrong.
 */
export function screenMessage(value: unknown): Screened {
  if (Array.isArray(value)) {
    return reject(
      null,
      ErrorCode.InvalidRequest,
      "Invalid request: JSON-RPC batches are not supported by MCP; send one message per line.",
    );
  }
  if (!isObject(value)) {
    return reject(
      null,
      ErrorCode.InvalidRequest,
      `Invalid request: a JSON-RPC message is an object, not ${kindOf(value)}.`,
    );
  }
  const parsed = JSONRPCMessageSchema.safeParse(value);
  if (parsed.success) {
    const problem = value.method === "tools/call" ? toolsCallProblem(value.params) : undefined;
    if (problem && "id" in value && isId(value.id))
      return reject(value.id, ErrorCode.InvalidParams, `Invalid params: ${problem}`);
    return { ok: true, message: parsed.data as JSONRPCMessage };
  }

  const hasMethod = typeof value.method === "string";
  const looksLikeResponse = "result" in value || "error" in value;
  if (!("id" in value) && (hasMethod || looksLikeResponse)) {
    // An invalid notification or response: JSON-RPC allows no answer to those.
    return {
      ok: false,
      rejection: { log: `dropped an invalid ${hasMethod ? `notification (${value.method})` : "response"}` },
    };
  }
  const id = isId(value.id) ? value.id : null;
  if (value.jsonrpc !== "2.0")
    return reject(id, ErrorCode.InvalidRequest, 'Invalid request: "jsonrpc" must be "2.0".');
  if (!hasMethod) {
    if (looksLikeResponse) return { ok: false, rejection: { log: "dropped an invalid response" } };
    return reject(id, ErrorCode.InvalidRequest, 'Invalid request: "method" must be a string.');
  }
  if (id === null) {
    return reject(
      null,
      ErrorCode.InvalidRequest,
      `Invalid request: "id" must be a string or an integer, not ${kindOf(value.id)}.`,
    );
  }
  const problem =
    paramsProblem(value.params) ??
    (value.method === "tools/call" ? toolsCallProblem(value.params) : undefined) ??
    firstIssue(parsed.error.issues);
  return reject(id, ErrorCode.InvalidParams, `Invalid params: ${problem}`);
}

/** The envelope every request shares: params and its _meta. */
function paramsProblem(params: unknown): string | undefined {
  if (params === undefined) return undefined;
  if (!isObject(params)) return `"params" must be an object, not ${kindOf(params)}.`;
  const meta = params._meta;
  if (meta === undefined) return undefined;
  if (!isObject(meta)) return `"params._meta" must be an object, not ${kindOf(meta)}.`;
  const token = meta.progressToken;
  if (token !== undefined && !isId(token))
    return `"params._meta.progressToken" must be a string or an integer, not ${kindOf(token)}.`;
  return undefined;
}

/** tools/call needs a tool name, and its arguments (when given) are an object of named arguments. */
function toolsCallProblem(params: unknown): string | undefined {
  if (!isObject(params)) return `tools/call needs "params" with the tool's "name".`;
  if (typeof params.name !== "string")
    return `"params.name" must be the tool's name (a string), not ${kindOf(params.name)}.`;
  const args = params.arguments;
  if (args !== undefined && !isObject(args))
    return `"params.arguments" must be an object of named arguments (omit it for none), not ${kindOf(args)}.`;
  return undefined;
}

function firstIssue(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  // A union's issues come per branch; the request branch is the one that names params.
  const issue = issues.find((i) => i.path[0] === "params") ?? issues[0];
  if (!issue) return "the request does not match the MCP schema.";
  const path = issue.path.map(String).join(".");
  return `${path ? `"${path}": ` : ""}${issue.message}.`;
}

/**
 * Wraps any transport so that every message passes screenMessage first: a rejected request is
 * answered on the same transport and never reaches the SDK.
 */
export function guardTransport(inner: Transport, log: (line: string) => void = () => {}): Transport {
  const guarded: Transport = {
    async start() {
      inner.onmessage = (message: unknown, extra?: MessageExtraInfo) => {
        const screened = screenMessage(message);
        if (screened.ok) {
          guarded.onmessage?.(screened.message, extra);
          return;
        }
        log(screened.rejection.log);
        if (screened.rejection.reply)
          inner.send(screened.rejection.reply as JSONRPCMessage).catch((error: unknown) => {
            guarded.onerror?.(error instanceof Error ? error : new Error(String(error)));
          });
      };
      inner.onerror = (error) => guarded.onerror?.(error);
      inner.onclose = () => guarded.onclose?.();
      await inner.start();
    },
    send: (message, options) => inner.send(message, options),
    close: () => inner.close(),
    setProtocolVersion: (version) => inner.setProtocolVersion?.(version),
  };
  Object.defineProperty(guarded, "sessionId", { get: () => inner.sessionId, enumerable: true });
  return guarded;
}
