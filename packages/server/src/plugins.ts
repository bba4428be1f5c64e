import type { Plugin } from "@arktechnwa/docker-mcp-core";
import { analysisPlugin } from "@arktechnwa/docker-mcp-tool-analysis";
import { composePlugin } from "@arktechnwa/docker-mcp-tool-compose";
import { containersPlugin } from "@arktechnwa/docker-mcp-tool-containers";
import { imagesPlugin } from "@arktechnwa/docker-mcp-tool-images";
import { networksPlugin, systemPlugin, volumesPlugin } from "@arktechnwa/docker-mcp-tool-resources";
import { swarmPlugin } from "@arktechnwa/docker-mcp-tool-swarm";
import type { ServerDeps } from "./create-server.js";

/** The tool plugins the docker-mcp bin serves; `policy explain` and `doctor` load the same ones. */
export const builtinPlugins: Plugin<ServerDeps>[] = [
  containersPlugin,
  imagesPlugin,
  networksPlugin,
  volumesPlugin,
  systemPlugin,
  composePlugin,
  analysisPlugin,
  swarmPlugin,
];
