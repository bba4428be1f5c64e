import type { DockerDeps } from "@arktechnwa/docker-kit";
import { KERNEL_API_VERSION, type Plugin } from "@arktechnwa/docker-mcp-core";
import { eventsHandler, eventsTool } from "./tools/events.js";
import { systemDfHandler, systemDfTool } from "./tools/system-df.js";
import { systemInfoHandler, systemInfoTool } from "./tools/system-info.js";
import { systemPruneHandler, systemPruneTool } from "./tools/system-prune.js";

/** The daemon as a whole: disk usage (read); info, events and prune (level `system`). */
export const systemPlugin: Plugin<DockerDeps> = {
  manifest: {
    name: "system",
    apiVersion: KERNEL_API_VERSION,
    tools: [systemInfoTool, systemDfTool, systemPruneTool, eventsTool],
  },
  handlers: {
    docker_system_info: systemInfoHandler,
    docker_system_df: systemDfHandler,
    docker_system_prune: systemPruneHandler,
    docker_events: eventsHandler,
  },
};
