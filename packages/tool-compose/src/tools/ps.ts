import { defineTool, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import type { ContainerSummary } from "@arktechnwa/docker-mcp-engine";
import { z } from "zod";
import { containerResource, locateProject, PROJECT_LABEL, projectContainers } from "../compose-project.js";
import { byServiceThenNumber, describeContainer } from "../container-state.js";
import type { ComposeDeps } from "../deps.js";
import { fileInput, projectInput, projectTargetKinds } from "../project-input.js";

const input = z.strictObject({
  project: projectInput.optional(),
  file: fileInput.optional(),
});

const containerSchema = z.object({
  name: z.string(),
  id: z.string(),
  state: z.string(),
  status: z.string(),
  health: z.string().optional(),
  ports: z.array(z.string()),
  oneoff: z.boolean().optional(),
});

const output = z.object({
  projects: z.array(
    z.object({
      project: z.string(),
      services: z.array(
        z.object({
          service: z.string(),
          state: z.string().describe("The states of its containers (running, exited, ...)."),
          containers: z.array(containerSchema),
        }),
      ),
    }),
  ),
  hidden: z.number().int().describe("Project containers the policy does not let you see."),
});

export const composePsTool = defineTool({
  name: "docker_compose_ps",
  title: "List compose services",
  description:
    "List compose projects and their services: per service its containers with state, health, ports and names. " +
    "Read from the compose labels through the Docker API, so it works for projects started by any compose version. " +
    "Without project or file: every compose project on the daemon.",
  levels: ["read"],
  timeoutClass: "read",
  effect: "read",
  input,
  output,
  listRows: "projects",
  ...projectTargetKinds,
  render: (out) => {
    if (out.projects.length === 0)
      return `No compose containers${out.hidden ? ` (${out.hidden} hidden by policy)` : ""}.`;
    const lines: string[] = [];
    for (const p of out.projects) {
      lines.push(`${p.project}:`);
      for (const s of p.services) {
        for (const c of s.containers) {
          const bits = [c.state, c.health ? `(${c.health})` : "", c.ports.join(", ")].filter(Boolean);
          lines.push(`  ${s.service}  ${c.name}  ${bits.join(" ")}`);
        }
      }
    }
    if (out.hidden) lines.push(`(${out.hidden} container${out.hidden === 1 ? "" : "s"} hidden by policy)`);
    return lines.join("\n");
  },
});

function group(rows: ContainerSummary[]): z.input<typeof output>["projects"] {
  const projects = new Map<string, Map<string, ContainerSummary[]>>();
  for (const row of [...rows].sort(byServiceThenNumber)) {
    const project = row.labels[PROJECT_LABEL] ?? "";
    const service = describeContainer(row).service;
    const services = projects.get(project) ?? new Map<string, ContainerSummary[]>();
    services.set(service, [...(services.get(service) ?? []), row]);
    projects.set(project, services);
  }
  return [...projects.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([project, services]) => ({
      project,
      services: [...services.entries()].map(([service, containers]) => ({
        service,
        state: [...new Set(containers.map((c) => c.state))].join(", "),
        containers: containers.map((c) => {
          const { service: _service, ...rest } = describeContainer(c);
          return rest;
        }),
      })),
    }));
}

export function composePsHandler(deps: ComposeDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    let rows: ContainerSummary[];
    if (args.project || args.file) {
      const project = args.file ? (await locateProject(deps, ctx, args)).project : (args.project as string);
      rows = await projectContainers(deps, project, ctx.signal);
    } else {
      rows = await deps.engine.listContainers({ all: true, filters: { label: [PROJECT_LABEL] } }, ctx.signal);
      rows = rows.filter((r) => r.labels[PROJECT_LABEL]);
    }
    const { visible, hidden } = ctx.visible(rows, containerResource);
    return { projects: group(visible), hidden };
  };
}
