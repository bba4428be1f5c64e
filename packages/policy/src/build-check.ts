import { maskText } from "@arktechnwa/mcp-mask";
import { isAtOrBelow, normalizeHostPath } from "./host-path.js";
import type { BuildRequest, BuildSafety, Reason } from "./types.js";

const unsafe = (message: string): Reason => ({ code: "build_unsafe", message });

/**
 * Deny reasons for an image build; empty when its context lies within `build_safety.allowed_contexts`.
 * A build sends every file of its context to the daemon (and a Dockerfile can COPY any of them into an
 * image anyone may run), so no directory is allowed until the policy names it.
 */
export function checkBuild(safety: BuildSafety, build: BuildRequest): Reason[] {
  const raw = typeof build.context === "string" ? build.context : "";
  const context = normalizeHostPath(raw);
  if (context === undefined) {
    return [
      unsafe(
        `The build context ${JSON.stringify(maskText(raw))} is not an absolute path; give the directory as an absolute path.`,
      ),
    ];
  }
  if (safety.allowedContexts.length === 0) {
    return [
      unsafe(
        `Building from ${context} is refused: no directory is allowed for builds. Add it (or a directory above it) to build_safety.allowed_contexts to allow builds from it.`,
      ),
    ];
  }
  if (!safety.allowedContexts.some((allowed) => isAtOrBelow(context, allowed))) {
    return [
      unsafe(
        `Building from ${context} is refused: it is not under any entry of build_safety.allowed_contexts (${safety.allowedContexts.join(", ")}). Add the directory there to allow it.`,
      ),
    ];
  }
  return [];
}
