import type { DockerDeps } from "@arktechnwa/docker-kit";
import { KERNEL_API_VERSION, type Plugin } from "@arktechnwa/docker-mcp-core";
import {
  networkConnectHandler,
  networkConnectTool,
  networkDisconnectHandler,
  networkDisconnectTool,
} from "./tools/network-connect.js";
import { networkCreateHandler, networkCreateTool } from "./tools/network-create.js";
import { networkInspectHandler, networkInspectTool } from "./tools/network-inspect.js";
import { networkRemoveHandler, networkRemoveTool } from "./tools/network-remove.js";
import { networksHandler, networksTool } from "./tools/networks.js";

/** Networks: list and inspect (read); create, remove, connect and disconnect (level `networks`). */
export const networksPlugin: Plugin<DockerDeps> = {
  manifest: {
    name: "networks",
    apiVersion: KERNEL_API_VERSION,
    tools: [
      networksTool,
      networkInspectTool,
      networkCreateTool,
      networkRemoveTool,
      networkConnectTool,
      networkDisconnectTool,
    ],
  },
  handlers: {
    docker_networks: networksHandler,
    docker_network_inspect: networkInspectHandler,
    docker_network_create: networkCreateHandler,
    docker_network_remove: networkRemoveHandler,
    docker_network_connect: networkConnectHandler,
    docker_network_disconnect: networkDisconnectHandler,
  },
};
