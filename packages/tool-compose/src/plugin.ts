import { KERNEL_API_VERSION, type Plugin } from "@arktechnwa/docker-mcp-core";
import type { ComposeDeps } from "./deps.js";
import { composeConfigHandler, composeConfigTool } from "./tools/config.js";
import { composeDownHandler, composeDownTool } from "./tools/down.js";
import { composeLogsHandler, composeLogsTool } from "./tools/logs.js";
import { composePsHandler, composePsTool } from "./tools/ps.js";
import { composePullHandler, composePullTool } from "./tools/pull.js";
import { composeRestartHandler, composeRestartTool } from "./tools/restart.js";
import { composeUpHandler, composeUpTool } from "./tools/up.js";

/**
 * Compose: ps and logs read the compose labels through the Docker API (any compose version, no CLI);
 * up, down, pull and config run the compose CLI found on the machine, after the policy has judged the
 * whole resolved project.
 */
export const composePlugin: Plugin<ComposeDeps> = {
  manifest: {
    name: "compose",
    apiVersion: KERNEL_API_VERSION,
    tools: [
      composePsTool,
      composeLogsTool,
      composeConfigTool,
      composeUpTool,
      composeDownTool,
      composeRestartTool,
      composePullTool,
    ],
  },
  handlers: {
    docker_compose_ps: composePsHandler,
    docker_compose_logs: composeLogsHandler,
    docker_compose_config: composeConfigHandler,
    docker_compose_up: composeUpHandler,
    docker_compose_down: composeDownHandler,
    docker_compose_restart: composeRestartHandler,
    docker_compose_pull: composePullHandler,
  },
};
