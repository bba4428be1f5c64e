import type { ToolManifest } from "./plugin.js";

/**
 * What the kernel says about the system its tools talk to, and how it classifies that system's
 * errors. The kernel knows no particular system: the server injects its own (daemon names, config
 * keys, tool names in hints); these defaults are neutral.
 */
export interface KernelWording {
  /** The server's name, for "<product> is shutting down" and "this is a bug in <product>". */
  product: string;
  /**
   * True when an error says the target system is not answering (unreachable, timed out): it counts
   * against the circuit breaker. Any other error proves the system answered.
   */
  isUnreachable(error: unknown): boolean;
  /** The system the tools talk to, opening a sentence ("The Docker daemon at unix:///..."). */
  system: string;
  /** What to check when the system does not answer (ends the circuit breaker's message). */
  checkReachable: string;
  /** After "<tool> did not finish within its deadline" for a read tool: what may be wrong and what to try. */
  readInterrupted(manifest: ToolManifest): string;
  /** After "the outcome is unknown" for a tool that changes things: how to check the current state. */
  checkState(manifest: ToolManifest): string;
}

export const NEUTRAL_WORDING: KernelWording = {
  product: "the server",
  isUnreachable: () => false,
  system: "The target system",
  checkReachable: "Check that it is running and reachable.",
  readInterrupted: (manifest) =>
    `The target system may be overloaded or stuck; try again, narrow the request, or raise the "${manifest.timeoutClass}" timeout.`,
  checkState: () => "Check the current state before retrying.",
};

/** Upper-cases the first letter, for a product name that opens a sentence. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
