import type { DockerDeps } from "@arktechnwa/docker-kit";
import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { visibleServices } from "../visible-services.js";

const input = z.strictObject({
  name: z.string().min(1).optional().describe("Keep services whose name contains this text."),
});

const service = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  mode: z.string().describe("replicated or global."),
  replicas: z.string().describe('"running/desired", e.g. "2/2".'),
  running: z.number().int().nullable(),
  desired: z.number().int().nullable(),
  ports: z.array(z.string()),
  updated_at: z.string(),
});

const output = z.object({
  services: z.array(service),
  hidden: z.number().int().describe("Services the policy hides (their image is not visible)."),
  summary: z.string(),
});

export const servicesTool = defineTool({
  name: "docker_services",
  title: "List Swarm services",
  description:
    "List the Swarm services with running/desired task counts, mode, image and published ports. The host must be a Swarm manager.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  idempotent: true,
  input,
  output,
  listRows: "services",
  render: (o) =>
    [
      o.summary,
      ...o.services.map(
        (s) =>
          `${s.name}  ${s.replicas}  ${s.mode}  ${s.image}${s.ports.length ? `  ${s.ports.join(", ")}` : ""}`,
      ),
    ].join("\n"),
});

export function servicesHandler(deps: DockerDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const { visible, hidden } = await visibleServices(deps, ctx);
    const services = visible
      .filter((s) => !args.name || s.name.includes(args.name))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({
        id: s.id,
        name: s.name,
        image: s.image,
        mode: s.mode,
        replicas: `${s.running ?? "?"}/${s.desired ?? "?"}`,
        running: s.running,
        desired: s.desired,
        ports: s.ports,
        updated_at: s.updatedAt,
      }));
    const short = services.filter((s) => s.running !== null && s.desired !== null && s.running < s.desired);
    return {
      services,
      hidden,
      summary:
        `${services.length} service(s)` +
        (short.length
          ? `; ${short.length} below their desired count: ${short.map((s) => `${s.name} ${s.replicas}`).join(", ")}`
          : "") +
        (hidden ? `; ${hidden} hidden by policy` : ""),
    };
  };
}
