import { type DockerDeps, shortId, singleTarget, targetData } from "@arktechnwa/docker-kit";
import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { NetworkIdentity } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { containerUsers } from "../container-users.js";

const one = singleTarget("network", "network", "Network name, ID prefix or full ID.");
const input = z.strictObject({ ...one.input });

const attached = z.object({
  name: z.string(),
  id: z.string().describe("Short container ID."),
  ipv4: z.string().describe("Address on this network (empty when the container is not running)."),
  ipv6: z.string(),
  running: z.boolean().describe("Whether it has an endpoint now (stopped containers keep their attachment)."),
});

const output = z.object({
  network: z.object({
    id: z.string().describe("Full ID."),
    name: z.string(),
    driver: z.string(),
    scope: z.string(),
    internal: z.boolean(),
    attachable: z.boolean(),
    ipv6: z.boolean(),
    created: z.string(),
    subnets: z.array(z.object({ subnet: z.string(), gateway: z.string(), ip_range: z.string().optional() })),
    options: z.record(z.string(), z.string()),
    labels: z.record(z.string(), z.string()),
  }),
  containers: z.array(attached).describe("Attached containers the policy lets you see."),
  hidden_containers: z.number().int().describe("Attached containers the policy hides (counted, not named)."),
});

export const networkInspectTool = defineTool({
  name: "docker_network_inspect",
  title: "Inspect a network",
  description:
    "Show one network: driver, subnets and gateways, options, labels, and the containers attached to it " +
    "with their addresses (containers the policy hides are only counted).",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  targetKinds: ["network"],
  targets: one.targets,
  render: (out) => {
    const n = out.network;
    const lines = [
      `${n.name} (${shortId(n.id)}) ${n.driver}/${n.scope}${n.internal ? " internal" : ""}${n.attachable ? " attachable" : ""}`,
      ...n.subnets.map((s) => `  subnet ${s.subnet}${s.gateway ? ` gateway ${s.gateway}` : ""}`),
      `${out.containers.length} attached container${out.containers.length === 1 ? "" : "s"}${out.hidden_containers ? ` (+${out.hidden_containers} hidden by policy)` : ""}`,
      ...out.containers.map(
        (c) => `  ${c.name} (${c.id})${c.running ? ` ${c.ipv4 || c.ipv6 || "no address"}` : " not running"}`,
      ),
    ];
    return lines.join("\n");
  },
});

export function networkInspectHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (_args, ctx) => {
    const identity = targetData<NetworkIdentity>(ctx, "network");
    const [details, users] = await Promise.all([
      deps.engine.networkDetails(identity.id, ctx.signal),
      containerUsers(deps, ctx),
    ]);
    const endpoints = new Map(details.containers.map((e) => [e.id, e]));
    // Stopped containers keep their attachment but have no endpoint; running ones have both.
    const ids = new Set([
      ...endpoints.keys(),
      ...users.all.filter((c) => c.networks?.some((n) => n.id === details.id)).map((c) => c.id),
    ]);
    const byId = new Map(users.all.map((c) => [c.id, c]));
    const containers: z.input<typeof attached>[] = [];
    let hidden = 0;
    for (const id of ids) {
      if (!users.isVisible(id)) {
        hidden++;
        continue;
      }
      const endpoint = endpoints.get(id);
      const row = byId.get(id);
      containers.push({
        name: row?.names[0] ?? endpoint?.name ?? shortId(id),
        id: shortId(id),
        ipv4: endpoint?.ipv4 ?? "",
        ipv6: endpoint?.ipv6 ?? "",
        running: endpoint !== undefined,
      });
    }
    containers.sort((a, b) => a.name.localeCompare(b.name));
    return {
      network: {
        id: details.id,
        name: details.name,
        driver: details.driver,
        scope: details.scope,
        internal: details.internal,
        attachable: details.attachable,
        ipv6: details.enableIPv6,
        created: details.created,
        subnets: details.ipam.config.map((c) => ({
          subnet: c.subnet ?? "",
          gateway: c.gateway ?? "",
          ...(c.ipRange ? { ip_range: c.ipRange } : {}),
        })),
        options: details.options,
        labels: details.labels,
      },
      containers,
      hidden_containers: hidden,
    };
  };
}
