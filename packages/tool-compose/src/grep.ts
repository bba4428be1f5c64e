import { ToolError } from "@arktechnwa/docker-mcp-core";
import type { LineMatcher } from "@arktechnwa/docker-mcp-engine";
import { RE2JS } from "re2js";

const REGEX_FLAGS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/**
 * Plain text, or `/regex/flags` (flags i, m, s), run on RE2 (linear time): a pattern like `(a+)+$`
 * cannot stall the server the way a backtracking engine would.
 */
export function lineMatcher(grep: string): LineMatcher {
  const m = /^\/(.+)\/([ims]*)$/.exec(grep);
  if (!m) return { test: (line) => line.includes(grep) };
  let flags = 0;
  for (const flag of m[2] ?? "") flags |= REGEX_FLAGS[flag] ?? 0;
  try {
    const pattern = RE2JS.compile(m[1] as string, flags);
    return { test: (line) => pattern.matcher(line).find() };
  } catch (error) {
    throw new ToolError(
      "invalid_input",
      `grep ${grep} is not a regular expression I can run (${(error as Error).message}). RE2 syntax: no backreferences or lookarounds; for plain text, drop the slashes.`,
    );
  }
}
