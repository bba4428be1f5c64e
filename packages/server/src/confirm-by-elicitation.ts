import type { CallOptions } from "@arktechnwa/docker-mcp-core";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  ElicitResultSchema,
  type ServerNotification,
  type ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";

type SendRequest = RequestHandlerExtra<ServerRequest, ServerNotification>["sendRequest"];

/** How long the user has to answer a confirmation before it counts as "cancel". */
const ANSWER_WITHIN_MS = 5 * 60_000;

/**
 * The kernel's confirm hook for one call: an MCP elicitation with an empty form (yes or no), sent on
 * the call's own stream (over Streamable HTTP an untied request may go nowhere). Undefined when the
 * client declared no elicitation capability: the kernel then denies and says how to drop the key.
 */
export function confirmByElicitation(
  server: Server,
  sendRequest: SendRequest,
): CallOptions["confirm"] | undefined {
  if (!server.getClientCapabilities()?.elicitation) return undefined;
  return async (question, signal) => {
    const answer = await sendRequest(
      {
        method: "elicitation/create",
        params: {
          message: question.message,
          requestedSchema: { type: "object", properties: {} },
        },
      },
      ElicitResultSchema,
      { signal, timeout: ANSWER_WITHIN_MS },
    );
    return answer.action;
  };
}
