import { type PluginManifest, toolSurface } from "@arktechnwa/docker-mcp-core";

/**
 * What the model sees of each tool of a plugin, plus the policy facts a reviewer must see change
 * (levels, timeout class, effect, target mode, the rows a listing spans hosts with): what the
 * plugins' tool-surface snapshots record.
 * `named` puts the plugin's name on each tool, for a snapshot that covers several plugins.
 */
export function reviewedToolSurface(
  plugin: { manifest: PluginManifest },
  options: { named?: boolean } = {},
): Record<string, unknown>[] {
  return plugin.manifest.tools.map((tool) => ({
    ...(options.named ? { plugin: plugin.manifest.name } : {}),
    ...toolSurface(tool),
    levels: tool.levels,
    timeoutClass: tool.timeoutClass,
    effect: tool.effect,
    targetMode: tool.targetMode ?? "all",
    ...(tool.listRows ? { listRows: tool.listRows } : {}),
  }));
}
