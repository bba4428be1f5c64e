import type { ResolvedResource } from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity } from "@arktechnwa/docker-mcp-engine";

/** The engine's identity of a container the kernel resolved (the container resolver puts it in `data`). */
export function containerOf(resource: ResolvedResource | undefined): ContainerIdentity {
  if (!resource?.data) throw new Error("internal: a container target was not resolved by the kernel");
  return resource.data as ContainerIdentity;
}

/** A container's own name (not a link alias), else its short ID. */
export function nameOf(container: { names: string[]; id: string }): string {
  return container.names.find((n) => !n.includes("/")) ?? container.id.slice(0, 12);
}
