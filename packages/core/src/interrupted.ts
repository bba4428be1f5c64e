import type { AbortCause } from "./deadline.js";
import { formatSeconds } from "./format.js";
import type { ToolManifest } from "./plugin.js";
import type { KernelWording } from "./wording.js";

/** What to tell the model when the deadline or the client's cancel ended a call. */
export function interruptedMessage(
  manifest: ToolManifest,
  cause: AbortCause,
  timeoutMs: number,
  wording: KernelWording,
): string {
  const what =
    cause === "deadline"
      ? `did not finish within its ${formatSeconds(timeoutMs)} deadline (timeout class "${manifest.timeoutClass}")`
      : "was cancelled by the client";
  return manifest.effect === "read"
    ? `${manifest.name} ${what}. ${wording.readInterrupted(manifest)}`
    : `${manifest.name} ${what}: the outcome is unknown, the change may or may not have happened. ${wording.checkState(manifest)}`;
}
