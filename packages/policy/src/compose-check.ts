import { maskText } from "@arktechnwa/mcp-mask";
import { isAtOrBelow, normalizeHostPath } from "./host-path.js";
import type { ComposeSafety, Reason } from "./types.js";

/**
 * Deny reasons for the host paths a compose call reads. The caller resolves symlinks first (this
 * package does no I/O); a relative path is refused, since it cannot be placed.
 */
export function checkComposeFiles(safety: ComposeSafety, files: readonly string[]): Reason[] {
  const reasons: Reason[] = [];
  const allowed = safety.allowedDirectories;
  for (const file of files) {
    const path = normalizeHostPath(file);
    if (path === undefined) {
      reasons.push({
        code: "path_not_allowed",
        message: `The compose path "${maskText(file)}" is not absolute. Give the compose file as an absolute path.`,
      });
      continue;
    }
    if (allowed.some((dir) => isAtOrBelow(path, dir))) continue;
    reasons.push({
      code: "path_not_allowed",
      message:
        allowed.length === 0
          ? `Compose file ${path} is refused: compose_safety.allowed_directories is empty, so no compose file may be used. Add the directory of your compose projects there (e.g. "/home/me/projects").`
          : `Compose path ${path} is refused: it is not under any entry of compose_safety.allowed_directories (${allowed.join(", ")}). Add its directory there to allow it.`,
    });
  }
  return reasons;
}
