import {
  actedOnNothing,
  type DockerDeps,
  dataOf,
  displayName,
  ICON,
  itemResultSchema,
  shortId,
  theTarget,
} from "@arktechnwa/docker-kit";
import {
  defineTool,
  errorCode,
  errorMessage,
  type ToolContext,
  type ToolHandler,
} from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity, NetworkIdentity } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";

const result = itemResultSchema("network").extend({
  container: z.string().describe("The container, by name."),
});

const output = z.object({ results: z.array(result), summary: z.string() });

const render = (out: z.output<typeof output>) =>
  [
    out.summary,
    ...out.results.map((r) => `${ICON[r.status]} ${r.container} / ${r.name ?? r.network}: ${r.message}`),
  ].join("\n");

const refs = {
  network: z.string().min(1).describe("Network name, ID prefix or full ID."),
  container: z.string().min(1).describe("Container name, ID prefix or full ID."),
};

const targets = (args: { network: string; container: string }) => [
  { kind: "network", ref: args.network },
  { kind: "container", ref: args.container },
];

const connectInput = z.strictObject({
  ...refs,
  aliases: z
    .array(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "a DNS name"))
    .max(16)
    .optional()
    .describe("Extra DNS names for the container on this network."),
  ipv4: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}$/, "an IPv4 address")
    .optional()
    .describe("Fixed address (the network needs a subnet you gave at creation)."),
});

const disconnectInput = z.strictObject({
  ...refs,
  force: z.boolean().optional().describe("Disconnect even if the container's endpoint is in a bad state."),
});

export const networkConnectTool = defineTool({
  name: "docker_network_connect",
  title: "Connect a container to a network",
  description:
    "Attach a container to a network (optionally with DNS aliases or a fixed IPv4 address). Both the " +
    "network and the container are checked against the policy.",
  levels: ["networks"],
  timeoutClass: "lifecycle",
  effect: "write",
  idempotent: true,
  input: connectInput,
  output,
  targetKinds: ["network", "container"],
  targets,
  render,
  failed: (out) => actedOnNothing(out.results),
});

export const networkDisconnectTool = defineTool({
  name: "docker_network_disconnect",
  title: "Disconnect a container from a network",
  description:
    "Detach a container from a network. Both the network and the container are checked against the policy.",
  levels: ["networks"],
  timeoutClass: "lifecycle",
  effect: "destructive",
  idempotent: true,
  input: disconnectInput,
  output,
  targetKinds: ["network", "container"],
  targets,
  render,
  failed: (out) => actedOnNothing(out.results),
});

type Outcome = { status: "done" | "unchanged" | "failed" | "unknown"; message: string };

/** One (network, container) pair; a deadline while the daemon works is an unknown outcome. */
async function pair(
  ctx: ToolContext,
  verb: string,
  act: (network: NetworkIdentity, container: ContainerIdentity) => Promise<void>,
  unchanged: string,
): Promise<z.input<typeof output>> {
  const networkTarget = theTarget(ctx, "network");
  const containerTarget = theTarget(ctx, "container");
  const network = dataOf<NetworkIdentity>(networkTarget, "network");
  const container = dataOf<ContainerIdentity>(containerTarget, "container");
  let outcome: Outcome;
  try {
    await act(network, container);
    outcome = { status: "done", message: verb };
  } catch (error) {
    // The kernel reports a deadline or cancel as "outcome unknown"; here only the daemon's answers.
    if (ctx.signal.aborted) throw error;
    outcome =
      errorCode(error) === "CONFLICT"
        ? { status: "unchanged", message: unchanged }
        : { status: "failed", message: errorMessage(error) };
  }
  const item = {
    network: networkTarget.ref ?? network.name,
    id: shortId(network.id),
    name: network.name,
    container: displayName(containerTarget),
    ...outcome,
  };
  const summary = `${displayName(containerTarget)} ${outcome.status === "done" ? verb : outcome.status === "unchanged" ? "unchanged" : "not changed"} (network ${network.name})`;
  return { results: [item], summary };
}

export function networkConnectHandler(deps: DockerDeps): ToolHandler<typeof connectInput, typeof output> {
  return async (args, ctx) =>
    pair(
      ctx,
      "connected",
      (network, container) =>
        deps.engine.connectNetwork(
          network.id,
          container.id,
          { ...(args.aliases ? { aliases: args.aliases } : {}), ...(args.ipv4 ? { ipv4: args.ipv4 } : {}) },
          ctx.signal,
        ),
      "already connected to this network",
    );
}

export function networkDisconnectHandler(
  deps: DockerDeps,
): ToolHandler<typeof disconnectInput, typeof output> {
  return async (args, ctx) =>
    pair(
      ctx,
      "disconnected",
      (network, container) =>
        deps.engine.disconnectNetwork(network.id, container.id, args.force ?? false, ctx.signal),
      "not connected to this network",
    );
}
