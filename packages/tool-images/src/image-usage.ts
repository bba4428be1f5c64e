import {
  type DockerDeps,
  displayName,
  listVisible,
  summaryToResource,
  withImageNames,
} from "@arktechnwa/docker-kit";
import type { ToolContext } from "@arktechnwa/docker-mcp-core";
import type { ContainerSummary } from "@arktechnwa/docker-mcp-engine";

/** Who uses an image: the containers the caller may see by name, the others only counted. */
export interface ImageUsers {
  visible: string[];
  hidden: number;
}

/**
 * Containers (any state) per image ID. A container whose image is gone still names its ID, so an
 * image in use is never reported free. Hidden containers are counted, never named.
 */
export async function imageUsers(
  deps: DockerDeps,
  ctx: Pick<ToolContext, "visible" | "signal">,
): Promise<(imageId: string) => ImageUsers> {
  let all: ContainerSummary[] = [];
  const { visible } = await listVisible(
    ctx,
    async () => {
      all = await withImageNames(
        deps,
        await deps.engine.listContainers({ all: true }, ctx.signal),
        ctx.signal,
      );
      return all;
    },
    summaryToResource,
  );
  const seen = new Set(visible.map((c) => c.id));
  const byImage = new Map<string, ImageUsers>();
  for (const container of all) {
    const users = byImage.get(container.imageId) ?? { visible: [], hidden: 0 };
    if (seen.has(container.id)) users.visible.push(displayName(container));
    else users.hidden++;
    byImage.set(container.imageId, users);
  }
  return (imageId) => byImage.get(imageId) ?? { visible: [], hidden: 0 };
}

/** "web-1, worker (and 2 containers the policy hides)" */
export function describeUsers(users: ImageUsers): string {
  const named = users.visible.join(", ");
  const hidden =
    users.hidden > 0 ? `${users.hidden} container${users.hidden === 1 ? "" : "s"} the policy hides` : "";
  if (named && hidden) return `${named} (and ${hidden})`;
  return named || hidden;
}

export function usedBy(users: ImageUsers): number {
  return users.visible.length + users.hidden;
}
