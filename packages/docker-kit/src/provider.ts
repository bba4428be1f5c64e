import { KERNEL_API_VERSION, type Plugin } from "@arktechnwa/docker-mcp-core";
import type { DockerDeps } from "./deps.js";
import { composeProjectResolver } from "./resolve-compose-project.js";
import { containerResolver } from "./resolve-container.js";
import { imageResolver } from "./resolve-image.js";
import { networkResolver } from "./resolve-network.js";
import { volumeResolver } from "./resolve-volume.js";

/**
 * The resource provider: the one place each Docker resource kind is looked up. A plugin with resolvers
 * and no tools, loaded by the server next to the tool plugins, so every tool that targets a container,
 * image, network, volume or compose project is judged on the resolved resource, never on the text typed.
 */
export const dockerResources: Plugin<DockerDeps> = {
  manifest: { name: "docker-resources", apiVersion: KERNEL_API_VERSION, tools: [] },
  handlers: {},
  resolvers: {
    container: containerResolver,
    image: imageResolver,
    network: networkResolver,
    volume: volumeResolver,
    compose_project: composeProjectResolver,
  },
};
