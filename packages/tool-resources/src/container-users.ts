import { type DockerDeps, displayName, summaryToResource, withImageNames } from "@arktechnwa/docker-kit";
import type { ToolContext } from "@arktechnwa/docker-mcp-core";
import type { ContainerSummary } from "@arktechnwa/docker-mcp-engine";

/** Who uses a volume or network: the containers the caller may see by name, the others only counted. */
export interface Users {
  names: string[];
  hidden: number;
}

/** Every container (running or not) once, split by what the policy lets the caller see. */
export interface ContainerUsers {
  all: ContainerSummary[];
  isVisible(id: string): boolean;
  /** Containers mounting the volume. */
  ofVolume(name: string): Users;
  /** Containers attached to the network (by its full ID), running or stopped. */
  ofNetwork(id: string): Users;
  /** A group of container IDs, named where visible. */
  named(ids: Iterable<string>): Users;
}

/** One container listing for the whole call (plus the image listing the policy needs to judge them). */
export async function containerUsers(
  deps: DockerDeps,
  ctx: Pick<ToolContext, "visible" | "signal">,
): Promise<ContainerUsers> {
  const all = await withImageNames(
    deps,
    await deps.engine.listContainers({ all: true }, ctx.signal),
    ctx.signal,
  );
  const visible = new Map(ctx.visible(all, summaryToResource).visible.map((c) => [c.id, c]));
  const named = (ids: Iterable<string>): Users => {
    const users: Users = { names: [], hidden: 0 };
    for (const id of new Set(ids)) {
      const container = visible.get(id);
      if (container) users.names.push(displayName(container));
      else users.hidden++;
    }
    users.names.sort();
    return users;
  };
  return {
    all,
    isVisible: (id) => visible.has(id),
    ofVolume: (name) =>
      named(
        all.filter((c) => c.mounts?.some((m) => m.type === "volume" && m.name === name)).map((c) => c.id),
      ),
    ofNetwork: (id) => named(all.filter((c) => c.networks?.some((n) => n.id === id)).map((c) => c.id)),
    named,
  };
}

/** `containerUsers` listed on first need, then shared by the rest of the call. */
export function lazyContainerUsers(
  deps: DockerDeps,
  ctx: Pick<ToolContext, "visible" | "signal">,
): () => Promise<ContainerUsers> {
  let users: Promise<ContainerUsers> | undefined;
  return () => {
    users ??= containerUsers(deps, ctx);
    return users;
  };
}

/** "web, api and 2 containers the policy hides" / `none` when there are none. */
export function describeUsers(users: Users, none = "no container"): string {
  const parts = [...users.names];
  if (users.hidden > 0)
    parts.push(`${users.hidden} container${users.hidden === 1 ? "" : "s"} the policy hides`);
  if (parts.length === 0) return none;
  return parts.length === 1 ? (parts[0] as string) : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}
