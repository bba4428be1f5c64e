import { z } from "zod";
import { PluginLoadError } from "./errors.js";
import {
  KERNEL_API_VERSION,
  type Plugin,
  type ResourceResolver,
  type ToolHandler,
  type ToolManifest,
} from "./plugin.js";

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const EFFECTS = new Set(["read", "write", "destructive"]);

export interface LoadedTool<Deps> {
  plugin: string;
  manifest: ToolManifest;
  // biome-ignore lint/suspicious/noExplicitAny: handler types differ per tool
  createHandler: (deps: Deps) => ToolHandler<any, any>;
}

export interface LoadedResolver<Deps> {
  /** The plugin that brings it, named when a tool or another plugin conflicts. */
  plugin: string;
  create: (deps: Deps) => ResourceResolver;
}

export interface LoadedPlugins<Deps> {
  tools: Map<string, LoadedTool<Deps>>;
  /** Kind -> its one resolver. */
  resolvers: Map<string, LoadedResolver<Deps>>;
}

/**
 * Checks every plugin manifest before anything runs: API version, tool names (valid, unique across
 * plugins), known permission levels and timeout classes, a handler for every tool and none extra,
 * and resolution that fails closed: exactly one resolver per kind across all plugins (in any load
 * order, from plugins with or without tools), and one for every kind a tool resolves.
 */
export function loadPlugins<Deps>(
  plugins: Plugin<Deps>[],
  knownLevels: ReadonlySet<string>,
  timeoutClasses: ReadonlySet<string>,
  /** Resource kinds the policy judges: a tool targeting another kind could never be allowed. */
  knownKinds: ReadonlySet<string>,
): LoadedPlugins<Deps> {
  const tools = new Map<string, LoadedTool<Deps>>();
  const resolvers = new Map<string, LoadedResolver<Deps>>();
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
    const handlers = plugin.handlers ?? {};
    const declared = new Set<string>();
    for (const tool of plugin.manifest.tools ?? []) {
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
      if (!timeoutClasses.has(tool.timeoutClass)) {
        throw new PluginLoadError(
          name,
          `tool "${tool.name}" has timeout class "${tool.timeoutClass}", which this server does not define (use one of ${[...timeoutClasses].join(", ")})`,
        );
      }
      if (tool.streaming && !timeoutClasses.has(tool.streaming.timeoutClass)) {
        throw new PluginLoadError(
          name,
          `tool "${tool.name}" streams under timeout class "${tool.streaming.timeoutClass}", which this server does not define (use one of ${[...timeoutClasses].join(", ")})`,
        );
      }
      if (!EFFECTS.has(tool.effect)) {
        throw new PluginLoadError(
          name,
          `tool "${tool.name}" has effect "${tool.effect}" (read, write or destructive)`,
        );
      }
      checkTargetDeclaration(name, tool, knownKinds);
      checkListRows(name, tool);
      const createHandler = handlers[tool.name];
      if (typeof createHandler !== "function") {
        throw new PluginLoadError(name, `tool "${tool.name}" has no handler`);
      }
      tools.set(tool.name, { plugin: name, manifest: tool, createHandler });
    }
    for (const handlerName of Object.keys(handlers)) {
      if (!declared.has(handlerName)) {
        throw new PluginLoadError(name, `handler "${handlerName}" belongs to no declared tool`);
      }
    }
    for (const [kind, create] of Object.entries(plugin.resolvers ?? {})) {
      if (typeof create !== "function") {
        throw new PluginLoadError(name, `the resolver for kind "${kind}" is not a function`);
      }
      const other = resolvers.get(kind);
      if (other) {
        throw new PluginLoadError(
          name,
          `brings a resolver for kind "${kind}", which plugin "${other.plugin}" already resolves; exactly one plugin may resolve a kind (drop one of them)`,
        );
      }
      resolvers.set(kind, { plugin: name, create });
    }
  }

  // Only once every plugin is in: a resolver may come from a plugin loaded after the tool's.
  for (const { plugin, manifest } of tools.values()) {
    for (const kind of manifest.targetKinds ?? []) {
      if (!resolvers.has(kind)) {
        const known = [...resolvers.keys()];
        throw new PluginLoadError(
          plugin,
          `tool "${manifest.name}" targets kind "${kind}", but no loaded plugin resolves it (resolved kinds: ${known.length ? known.join(", ") : "none"}). Load the plugin that provides it, or, if the tool names a ${kind} about to be created, declare "${kind}" in bareKinds`,
        );
      }
    }
  }
  return { tools, resolvers };
}

/** A tool with targets says which kinds it resolves and which are bare names, all kinds the policy knows. */
function checkTargetDeclaration(plugin: string, tool: ToolManifest, knownKinds: ReadonlySet<string>): void {
  for (const field of ["targetKinds", "bareKinds"] as const) {
    const kinds = tool[field];
    if (kinds === undefined) continue;
    if (!Array.isArray(kinds) || kinds.some((k) => typeof k !== "string" || k.length === 0)) {
      throw new PluginLoadError(plugin, `tool "${tool.name}": ${field} must be a list of kind names`);
    }
    for (const kind of kinds) {
      if (!knownKinds.has(kind)) {
        throw new PluginLoadError(
          plugin,
          `tool "${tool.name}" declares kind "${kind}" in ${field}, which the policy does not know (known kinds: ${[...knownKinds].join(", ")})`,
        );
      }
    }
  }
  if (tool.targets !== undefined && tool.targetKinds === undefined && tool.bareKinds === undefined) {
    throw new PluginLoadError(
      plugin,
      `tool "${tool.name}" has targets but declares no targetKinds (the kinds it resolves) nor bareKinds (names of resources about to be created)`,
    );
  }
}

/**
 * `listRows` names an array of objects in the output, whose rows have no `host` of their own (the
 * kernel tags each row with it), in an output without `hosts` (the kernel's per-host entries). Only a
 * tool that reads may list: host "*" runs it on every host at once, which no acting tool may do.
 */
function checkListRows(plugin: string, tool: ToolManifest): void {
  if (tool.listRows === undefined) return;
  if (tool.effect !== "read") {
    throw new PluginLoadError(
      plugin,
      `tool "${tool.name}" names listRows but its effect is "${tool.effect}": only a tool that reads may list across hosts (host "*" calls every host at once)`,
    );
  }
  const shape = tool.output.shape as Record<string, unknown>;
  const field = shape[tool.listRows];
  const rows = field instanceof z.ZodArray ? field.element : undefined;
  if (!(rows instanceof z.ZodObject)) {
    throw new PluginLoadError(
      plugin,
      `tool "${tool.name}" names listRows "${tool.listRows}", which is not an array of objects in its output`,
    );
  }
  if ("host" in rows.shape || "hosts" in shape) {
    throw new PluginLoadError(
      plugin,
      `tool "${tool.name}" lists rows across hosts, so its rows may not have a "host" field nor its output a "hosts" field (the kernel adds them)`,
    );
  }
}
