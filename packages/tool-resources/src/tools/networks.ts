import { type DockerDeps, listVisibleNetworks, shortId } from "@arktechnwa/docker-kit";
import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { wildcard } from "../wildcard.js";

const input = z.strictObject({
  filter: z
    .strictObject({
      name: z
        .string()
        .min(1)
        .optional()
        .describe("Part of the network name; with * it must match the whole name (e.g. 'app-*')."),
      driver: z.string().min(1).optional().describe("bridge, overlay, macvlan, host, null, ..."),
    })
    .optional(),
});

const network = z.object({
  id: z.string().describe("Short ID (12 characters)."),
  name: z.string(),
  driver: z.string(),
  scope: z.string().describe("local, global or swarm."),
  internal: z.boolean().describe("No route to the outside."),
  created: z.string().describe("RFC 3339."),
});

const output = z.object({
  networks: z.array(network),
  summary: z.string(),
  hidden: z
    .number()
    .int()
    .optional()
    .describe("Networks left out because the policy hides them (only counted when no filter is given)."),
});

export const networksTool = defineTool({
  name: "docker_networks",
  title: "List networks",
  description:
    "List Docker networks: name, short ID, driver, scope, whether internal. Filter by name or driver. " +
    "Networks the policy hides are left out. docker_network_inspect shows subnets and attached containers.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  listRows: "networks",
  render: (out) =>
    [
      out.summary,
      ...out.networks.map(
        (n) => `${n.name} (${n.id}) ${n.driver}/${n.scope}${n.internal ? " internal" : ""}`,
      ),
    ].join("\n"),
});

export function networksHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const { visible, hidden } = await listVisibleNetworks(deps, ctx);
    const byName = args.filter?.name ? wildcard(args.filter.name) : undefined;
    const driver = args.filter?.driver;
    const rows = visible
      .filter((n) => (!byName || byName(n.name)) && (!driver || n.driver === driver))
      .sort((a, b) => a.name.localeCompare(b.name));
    // A hidden count under a filter would tell which names hidden networks have.
    const filtered = byName !== undefined || driver !== undefined;
    let summary = `${rows.length} network${rows.length === 1 ? "" : "s"}`;
    if (!filtered && hidden > 0) summary += `; ${hidden} hidden by policy`;
    return {
      networks: rows.map((n) => ({
        id: shortId(n.id),
        name: n.name,
        driver: n.driver,
        scope: n.scope,
        internal: n.internal,
        created: n.created,
      })),
      summary,
      ...(filtered ? {} : { hidden }),
    };
  };
}
