import {
  actedOnNothing,
  actOnEach,
  CREATED_BY_LABEL,
  type DockerDeps,
  renderItems,
  summarizeItems,
} from "@arktechnwa/docker-kit";
import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { NETWORK_ITEMS, networkItem } from "../items.js";

const cidr = z
  .string()
  .regex(/^[0-9a-fA-F.:]+\/\d{1,3}$/, "a CIDR such as 10.210.3.0/24")
  .describe("CIDR, e.g. 10.210.3.0/24. Leave it out and Docker picks a free one (the safe choice).");
const address = z.string().regex(/^[0-9a-fA-F.:]+$/, "an IP address such as 10.210.3.1");

const input = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/,
      "letters, digits, '_', '.' and '-', starting with a letter or digit",
    )
    .describe("Name of the new network."),
  driver: z
    .enum(["bridge", "overlay", "macvlan", "ipvlan"])
    .optional()
    .describe("Default bridge (overlay needs a swarm)."),
  internal: z.boolean().optional().describe("No route to the outside (default false)."),
  attachable: z.boolean().optional().describe("Standalone containers may join an overlay network."),
  ipv6: z.boolean().optional().describe("Enable IPv6 (needs a subnet for it or daemon support)."),
  subnet: cidr.optional(),
  gateway: address.optional().describe("Gateway inside the subnet (needs subnet)."),
  ip_range: cidr.optional().describe("Allocate container addresses from this part of the subnet."),
  labels: z.record(z.string().min(1), z.string()).optional(),
});

const output = z.object({
  results: z.array(networkItem),
  network: z
    .object({ id: z.string(), name: z.string(), driver: z.string(), subnets: z.array(z.string()) })
    .optional()
    .describe("The network as created."),
  warning: z.string().optional().describe("What the daemon warned about."),
  summary: z.string(),
});

export const networkCreateTool = defineTool({
  name: "docker_network_create",
  title: "Create a network",
  description:
    "Create a network (bridge by default; Docker picks the subnet unless you give one). The name is " +
    `checked against the network lists. Labeled ${CREATED_BY_LABEL}=docker-mcp.`,
  levels: ["networks"],
  timeoutClass: "lifecycle",
  effect: "write",
  input,
  output,
  targetKinds: [],
  bareKinds: ["network"],
  targets: (args) => [{ kind: "network", ref: args.name, resolve: false }],
  render: (out) =>
    renderItems(out.summary, out.results, "network") +
    (out.network?.subnets.length ? `\nsubnet ${out.network.subnets.join(", ")}` : "") +
    (out.warning ? `\nwarning: ${out.warning}` : ""),
  failed: (out) => actedOnNothing(out.results),
});

export function networkCreateHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    if (args.gateway && !args.subnet) {
      return {
        results: [
          { network: args.name, status: "failed", message: "a gateway needs its subnet: give subnet too" },
        ],
        summary: "0 created (of 1)",
      };
    }
    let created: z.input<typeof output>["network"];
    let warning: string | undefined;
    const results = await actOnEach([args.name], ctx, NETWORK_ITEMS, async (_target, signal) => {
      // A name in use is a failure with the daemon's reason (the existing network may differ).
      const answer = await deps.engine.createNetwork(
        {
          name: args.name,
          ...(args.driver ? { driver: args.driver } : {}),
          ...(args.internal !== undefined ? { internal: args.internal } : {}),
          ...(args.attachable !== undefined ? { attachable: args.attachable } : {}),
          ...(args.ipv6 !== undefined ? { enableIPv6: args.ipv6 } : {}),
          ...(args.subnet ? { subnet: args.subnet } : {}),
          ...(args.gateway ? { gateway: args.gateway } : {}),
          ...(args.ip_range ? { ipRange: args.ip_range } : {}),
          labels: { ...args.labels, [CREATED_BY_LABEL]: "docker-mcp" },
        },
        signal,
      );
      warning = answer.warning;
      // The network exists now: a failed read of its details does not make the create a failure.
      const details = await deps.engine.networkDetails(answer.id, signal).catch(() => undefined);
      created = {
        id: answer.id,
        name: args.name,
        driver: details?.driver ?? args.driver ?? "bridge",
        subnets: details?.ipam.config.flatMap((c) => (c.subnet ? [c.subnet] : [])) ?? [],
      };
      const subnets = created.subnets.length ? ` with subnet ${created.subnets.join(", ")}` : "";
      return { status: "done", message: `created (${answer.id.slice(0, 12)})${subnets}` };
    });
    return {
      results,
      ...(created ? { network: created } : {}),
      ...(warning ? { warning } : {}),
      summary: summarizeItems("created", results),
    };
  };
}
