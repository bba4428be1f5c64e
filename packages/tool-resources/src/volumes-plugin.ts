import type { DockerDeps } from "@arktechnwa/docker-kit";
import { KERNEL_API_VERSION, type Plugin } from "@arktechnwa/docker-mcp-core";
import { volumeCreateHandler, volumeCreateTool } from "./tools/volume-create.js";
import { volumeInspectHandler, volumeInspectTool } from "./tools/volume-inspect.js";
import { volumeRemoveHandler, volumeRemoveTool } from "./tools/volume-remove.js";
import { volumesHandler, volumesTool } from "./tools/volumes.js";

/** Volumes: list and inspect with sizes and users (read); create and remove (level `volumes`). */
export const volumesPlugin: Plugin<DockerDeps> = {
  manifest: {
    name: "volumes",
    apiVersion: KERNEL_API_VERSION,
    tools: [volumesTool, volumeInspectTool, volumeCreateTool, volumeRemoveTool],
  },
  handlers: {
    docker_volumes: volumesHandler,
    docker_volume_inspect: volumeInspectHandler,
    docker_volume_create: volumeCreateHandler,
    docker_volume_remove: volumeRemoveHandler,
  },
};
