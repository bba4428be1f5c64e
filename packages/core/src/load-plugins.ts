import { PluginLoadError } from "./errors.js";
import { KERNEL_API_VERSION, type Plugin, TIMEOUT_CLASSES, type ToolManifest } from "./plugin.js";

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const EFFECTS = new Set(["read", "write", "destructive"]);

export interface LoadedTool<Deps> {
  plugin: string;
  manifest: ToolManifest;
  createHandler: Plugin<Deps>["handlers"][string];
}

/**
 * Checks every plugin manifest before anything runs: API version, tool names (valid, unique across
 * plugins), known permission levels and timeout classes, a handler for every tool and none extra.
 */
export function loadPlugins<Deps>(
  plugins: Plugin<Deps>[],
  knownLevels: ReadonlySet<string>,
): Map<string, LoadedTool<Deps>> {
  const tools = new Map<string, LoadedTool<Deps>>();
  const pluginNames = new Set<string>();
  for (const plugin of plugins) {
    const name = plugin?.manifest?.name;
    if (typeof name !== "string" || name.length === 0) {
      throw new PluginLoadError(String(name), "the manifest has no name");
    }
    if (pluginNames.has(name)) throw new PluginLoadError(name, "is loaded twice");
    pluginNames.add(name);
    if (plugin.manifest.apiVersion !== KERNEL_API_VERSION) {
      throw new PluginLoadError(
        name,
        `targets kernel API version ${plugin.manifest.apiVersion}, this kernel speaks ${KERNEL_API_VERSION}`,
      );
    }
    const declared = new Set<string>();
    for (const tool of plugin.manifest.tools) {
      if (!TOOL_NAME.test(tool.name)) {
        throw new PluginLoadError(name, `tool name "${tool.name}" must match ${TOOL_NAME.source}`);
      }
      const other = tools.get(tool.name);
      if (other || declared.has(tool.name)) {
        throw new PluginLoadError(
          name,
          `tool "${tool.name}" is already declared by plugin "${other?.plugin ?? name}"`,
        );
      }
      declared.add(tool.name);
      if (!Array.isArray(tool.levels) || tool.levels.length === 0) {
        throw new PluginLoadError(name, `tool "${tool.name}" declares no permission level`);
      }
      for (const level of tool.levels) {
        if (!knownLevels.has(level)) {
          throw new PluginLoadError(
            name,
            `tool "${tool.name}" requires unknown level "${level}" (known: ${[...knownLevels].join(", ")})`,
          );
        }
      }
      if (!TIMEOUT_CLASSES.includes(tool.timeoutClass)) {
        throw new PluginLoadError(
          name,
          `tool "${tool.name}" has timeout class "${tool.timeoutClass}" (use one of ${TIMEOUT_CLASSES.join(", ")})`,
        );
      }
      if (!EFFECTS.has(tool.effect)) {
        throw new PluginLoadError(
          name,
          `tool "${tool.name}" has effect "${tool.effect}" (read, write or destructive)`,
        );
      }
      const createHandler = plugin.handlers[tool.name];
      if (typeof createHandler !== "function") {
        throw new PluginLoadError(name, `tool "${tool.name}" has no handler`);
      }
      tools.set(tool.name, { plugin: name, manifest: tool, createHandler });
    }
    for (const handlerName of Object.keys(plugin.handlers)) {
      if (!declared.has(handlerName)) {
        throw new PluginLoadError(name, `handler "${handlerName}" belongs to no declared tool`);
      }
    }
  }
  return tools;
}
