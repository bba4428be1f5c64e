/**
 * The stdio start's first answer, without the MCP SDK: the SDK's types module builds hundreds of zod
 * schemas when imported (about 50 ms of every start), none of which `initialize` needs. The bin answers
 * a plain, well-formed first `initialize` from here, exactly as the SDK server would (a test compares
 * the two), and hands the same request to the SDK server afterwards; anything else (a malformed or
 * unusual request) goes to the SDK server unanswered. This module must stay free of imports that are
 * not cheap: it is all a start parses before the answer.
 */

/** The SDK's LATEST_PROTOCOL_VERSION (a test keeps the two equal). */
export const LATEST_PROTOCOL_VERSION = "2025-11-25";
/** The SDK's SUPPORTED_PROTOCOL_VERSIONS, in its order (a test keeps the two equal). */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = [
  LATEST_PROTOCOL_VERSION,
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
  "2024-10-07",
];

/** What every docker-mcp session declares (the SDK server is built with the same object). */
export const SERVER_CAPABILITIES = {
  tools: { listChanged: false },
  logging: {},
  resources: {},
  prompts: {},
  completions: {},
};

export type RequestId = string | number;

export interface FastInitialize {
  id: RequestId;
  /** The JSON-RPC answer, serialized as one line (newline included). */
  line: string;
}

type Obj = Record<string, unknown>;
const isPlain = (v: unknown): v is Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const keysWithin = (o: Obj, allowed: readonly string[]) => Object.keys(o).every((k) => allowed.includes(k));
const optional = (o: Obj, key: string, test: (v: unknown) => boolean) => !(key in o) || test(o[key]);
const isString = (v: unknown) => typeof v === "string";
const plainValues = (v: unknown) => isPlain(v) && Object.values(v).every(isPlain);

/**
 * Client capabilities as the SDK accepts them, narrowed to the usual forms: anything else is left to
 * the SDK (declining is always safe, it only costs the fast answer).
 */
function plainCapabilities(c: unknown): boolean {
  if (!isPlain(c) || !keysWithin(c, ["roots", "sampling", "elicitation", "experimental"])) return false;
  const roots = (v: unknown) =>
    isPlain(v) && keysWithin(v, ["listChanged"]) && optional(v, "listChanged", (b) => typeof b === "boolean");
  const sampling = (v: unknown) => isPlain(v) && keysWithin(v, ["context", "tools"]) && plainValues(v);
  const form = (v: unknown) =>
    isPlain(v) &&
    keysWithin(v, ["applyDefaults"]) &&
    optional(v, "applyDefaults", (b) => typeof b === "boolean");
  const elicitation = (v: unknown) =>
    isPlain(v) && keysWithin(v, ["form", "url"]) && optional(v, "form", form) && optional(v, "url", isPlain);
  return (
    optional(c, "roots", roots) &&
    optional(c, "sampling", sampling) &&
    optional(c, "elicitation", elicitation) &&
    optional(c, "experimental", plainValues)
  );
}

/**
 * The answer the SDK server gives to this message when it is a well-formed `initialize` request of
 * the usual shape; undefined for anything else (the SDK then answers it itself).
 */
export function fastInitialize(
  message: unknown,
  serverInfo: { name: string; version: string },
): FastInitialize | undefined {
  if (!isPlain(message) || !keysWithin(message, ["jsonrpc", "id", "method", "params"])) return undefined;
  const { jsonrpc, id, method, params } = message;
  if (jsonrpc !== "2.0" || method !== "initialize") return undefined;
  if (typeof id !== "string" && !(typeof id === "number" && Number.isSafeInteger(id))) return undefined;
  if (!isPlain(params) || !keysWithin(params, ["protocolVersion", "capabilities", "clientInfo"]))
    return undefined;
  const { protocolVersion, capabilities, clientInfo } = params;
  if (typeof protocolVersion !== "string" || !plainCapabilities(capabilities)) return undefined;
  if (
    !isPlain(clientInfo) ||
    !keysWithin(clientInfo, ["name", "title", "version", "websiteUrl", "description"]) ||
    !isString(clientInfo.name) ||
    !isString(clientInfo.version) ||
    !Object.values(clientInfo).every(isString)
  )
    return undefined;
  const result = {
    protocolVersion: SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)
      ? protocolVersion
      : LATEST_PROTOCOL_VERSION,
    capabilities: SERVER_CAPABILITIES,
    serverInfo,
  };
  return { id, line: `${JSON.stringify({ jsonrpc: "2.0", id, result })}\n` };
}
