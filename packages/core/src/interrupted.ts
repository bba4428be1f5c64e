import type { AbortCause } from "./deadline.js";
import { formatSeconds } from "./format.js";
import type { ToolManifest } from "./plugin.js";

/** What to tell the model when the deadline or the client's cancel ended a call. */
export function interruptedMessage(
  manifest: ToolManifest,
  cause: AbortCause,
  timeoutMs: number,
  endpoint?: string,
): string {
  const what =
    cause === "deadline"
      ? `did not finish within its ${formatSeconds(timeoutMs)} deadline (timeout class "${manifest.timeoutClass}")`
      : "was cancelled by the client";
  return manifest.effect === "read"
    ? `${manifest.name} ${what}. The daemon${endpoint ? ` at ${endpoint}` : ""} may be overloaded or stuck; try again, narrow the request, or raise neverhang.${manifest.timeoutClass}_timeout (milliseconds).`
    : `${manifest.name} ${what}: the outcome is unknown, the change may or may not have happened. Check the current state with docker_ps or docker_inspect before retrying.`;
}
