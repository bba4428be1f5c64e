import { KERNEL_API_VERSION, type Plugin } from "@arktechnwa/docker-mcp-core";
import type { ContainersDeps } from "./deps.js";
import { createHandler, createTool } from "./tools/create.js";
import { execHandler, execTool } from "./tools/exec.js";
import { healthHandler, healthTool } from "./tools/health.js";
import { inspectHandler, inspectTool } from "./tools/inspect.js";
import { lifecycleTools } from "./tools/lifecycle.js";
import { logsHandler, logsTool } from "./tools/logs.js";
import { psHandler, psTool } from "./tools/ps.js";
import { removeHandler, removeTool } from "./tools/remove.js";
import { statsHandler, statsTool } from "./tools/stats.js";

/**
 * Containers: perception (ps, inspect, logs, stats) and action (lifecycle, exec, create, remove). The
 * containers, images, networks and volumes its tools target are resolved by docker-kit's provider.
 */
export const containersPlugin: Plugin<ContainersDeps> = {
  manifest: {
    name: "containers",
    apiVersion: KERNEL_API_VERSION,
    tools: [
      psTool,
      inspectTool,
      logsTool,
      statsTool,
      healthTool,
      ...lifecycleTools.map((t) => t.tool),
      execTool,
      createTool,
      removeTool,
    ],
  },
  handlers: {
    docker_ps: psHandler,
    docker_inspect: inspectHandler,
    docker_logs: logsHandler,
    docker_stats: statsHandler,
    docker_health: healthHandler,
    ...Object.fromEntries(lifecycleTools.map((t) => [t.tool.name, t.handler])),
    docker_exec: execHandler,
    docker_create: createHandler,
    docker_remove: removeHandler,
  },
};
