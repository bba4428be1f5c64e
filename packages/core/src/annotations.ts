import type { ToolManifest } from "./plugin.js";

/** MCP tool annotations: hints for clients, derived from what the manifest declares. */
export interface ToolAnnotations {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export function deriveAnnotations(tool: ToolManifest): ToolAnnotations {
  const readOnly = tool.effect === "read";
  return {
    title: tool.title,
    readOnlyHint: readOnly,
    destructiveHint: tool.effect === "destructive",
    // Reads never change anything, so repeating them is always safe.
    idempotentHint: readOnly || tool.idempotent === true,
    openWorldHint: tool.openWorld === true,
  };
}
