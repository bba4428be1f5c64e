import {
  actedOnNothing,
  actOnEach,
  type DockerDeps,
  dataOf,
  refList,
  refsSchema,
  renderItems,
  summarizeItems,
} from "@arktechnwa/docker-kit";
import { defineTool, errorCode, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { NetworkIdentity } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { type ContainerUsers, containerUsers, describeUsers } from "../container-users.js";
import { NETWORK_ITEMS, networkItem } from "../items.js";

/** Docker's own networks: removing them is refused by the daemon, and would break every container. */
const PREDEFINED = new Set(["bridge", "host", "none"]);

const input = z.strictObject({
  networks: refsSchema("One network or a list: name, ID prefix or full ID (at most 100)."),
});

const output = z.object({ results: z.array(networkItem), summary: z.string() });

export const networkRemoveTool = defineTool({
  name: "docker_network_remove",
  title: "Remove networks",
  description:
    "Remove one or more networks. A network with containers attached is not removed: the answer names " +
    "the containers you may see. Each network is checked against the policy on its own.",
  levels: ["networks"],
  timeoutClass: "lifecycle",
  effect: "destructive",
  idempotent: true,
  input,
  output,
  targetKinds: ["network"],
  targets: (args) => refList(args.networks).map((ref) => ({ kind: "network", ref })),
  targetMode: "each",
  render: (out) => renderItems(out.summary, out.results, "network"),
  failed: (out) => actedOnNothing(out.results),
});

export function networkRemoveHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    let users: Promise<ContainerUsers> | undefined;
    const results = await actOnEach(refList(args.networks), ctx, NETWORK_ITEMS, async (target, signal) => {
      const network = dataOf<NetworkIdentity>(target, "network");
      if (PREDEFINED.has(network.name) && network.scope === "local") {
        return {
          status: "failed",
          message: "is one of Docker's predefined networks, which cannot be removed",
        };
      }
      try {
        await deps.engine.removeNetwork(network.id, signal);
      } catch (error) {
        if (errorCode(error) === "NOT_FOUND") return { status: "unchanged", message: "already gone" };
        if (errorCode(error) !== "CONFLICT") throw error;
        // Name who uses it, as far as the caller may see (the daemon's message is not shown).
        users ??= containerUsers(deps, ctx);
        const attached = (await users).ofNetwork(network.id);
        return {
          status: "failed",
          message: `in use: containers are attached (${describeUsers(attached, "a container created just now")}); disconnect them (docker_network_disconnect) or remove them first`,
        };
      }
      return { status: "done", message: "removed" };
    });
    return { results, summary: summarizeItems("removed", results) };
  };
}
