import { dockerResources } from "@arktechnwa/docker-kit";
import { createKernel, type Kernel, type KernelOptions, localRealPath } from "@arktechnwa/docker-mcp-core";
import type { ServerDeps } from "./create-server.js";

export { dockerWording } from "./docker-wording.js";

/**
 * The kernel over the given plugins and docker-kit's resource provider, which is always there: every
 * container, image, network, volume and compose project a tool targets is resolved by it (never judged
 * on the text typed). A host whose daemon is on a local socket sees this machine's filesystem, so bind
 * sources there are judged by their real paths too; over TCP or SSH that filesystem is not ours to look
 * at. Loaded by createServer on first use: the kernel and docker-kit are no part of a start.
 */
export function createDockerKernel(options: KernelOptions<ServerDeps>): Kernel {
  return createKernel<ServerDeps>({
    ...options,
    plugins: [dockerResources, ...options.plugins.filter((plugin) => plugin !== dockerResources)],
    hosts: options.hosts?.map((host) =>
      host.deps.engine.endpoint.startsWith("unix://") ? { ...host, hostPaths: localRealPath } : host,
    ),
  });
}
