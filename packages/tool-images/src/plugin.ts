import { KERNEL_API_VERSION, type Plugin } from "@arktechnwa/docker-mcp-core";
import type { ImagesDeps } from "./deps.js";
import { buildHandler, buildTool } from "./tools/build.js";
import { imagesHandler, imagesTool } from "./tools/images.js";
import { inspectHandler, inspectTool } from "./tools/inspect.js";
import { pruneHandler, pruneTool } from "./tools/prune.js";
import { pullHandler, pullTool } from "./tools/pull.js";
import { removeHandler, removeTool } from "./tools/remove.js";

/** Images: perception (list, inspect) and action (pull, build, remove, prune), behind the images level. */
export const imagesPlugin: Plugin<ImagesDeps> = {
  manifest: {
    name: "images",
    apiVersion: KERNEL_API_VERSION,
    tools: [imagesTool, inspectTool, pullTool, buildTool, removeTool, pruneTool],
  },
  handlers: {
    docker_images: imagesHandler,
    docker_image_inspect: inspectHandler,
    docker_pull: pullHandler,
    docker_build: buildHandler,
    docker_image_remove: removeHandler,
    docker_image_prune: pruneHandler,
  },
};
