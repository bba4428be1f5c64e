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
import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { NetworkIdentity } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { describeUsers, lazyContainerUsers } from "../container-users.js";
import { NETWORK_ITEMS, networkItem } from "../items.js";
import { removeUnlessInUse } from "../remove-unless-in-use.js";

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
    const users = lazyContainerUsers(deps, ctx);
    const results = await actOnEach(refList(args.networks), ctx, NETWORK_ITEMS, async (target, signal) => {
      const network = dataOf<NetworkIdentity>(target, "network");
      if (PREDEFINED.has(network.name) && network.scope === "local") {
        return {
          status: "failed",
          message: "is one of Docker's predefined networks, which cannot be removed",
        };
      }
      return removeUnlessInUse(
        () => deps.engine.removeNetwork(network.id, signal),
        async () => {
          const attached = (await users()).ofNetwork(network.id);
          return `in use: containers are attached (${describeUsers(attached, "a container created just now")}); disconnect them (docker_network_disconnect) or remove them first`;
        },
      );
    });
    return { results, summary: summarizeItems("removed", results) };
  };
}
