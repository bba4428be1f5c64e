import { defineTool, errorMessage, ToolError, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { containerResource, locateProject, projectContainers } from "../compose-project.js";
import { byServiceThenNumber, describeContainer } from "../container-state.js";
import type { ComposeDeps } from "../deps.js";
import { fileInput, projectInput, projectTargetKinds, servicesInput } from "../project-input.js";

const input = z.strictObject({
  project: projectInput.optional(),
  file: fileInput.optional(),
  services: servicesInput,
  timeout: z
    .number()
    .int()
    .min(0)
    .max(600)
    .optional()
    .describe("Seconds each container gets to stop before it is killed (default: Docker's 10)."),
});

const output = z.object({
  project: z.string(),
  results: z.array(
    z.object({
      container: z.string(),
      service: z.string(),
      status: z.enum(["done", "failed", "unknown"]),
      message: z.string().optional(),
    }),
  ),
  hidden: z.number().int().describe("Project containers the policy hides: not restarted."),
});

export const composeRestartTool = defineTool({
  name: "docker_compose_restart",
  title: "Restart compose services",
  description:
    "Restart the containers of a compose project's services (all, or `services`), each one the policy allows; " +
    "containers it hides are left alone. Done through the Docker API, so no compose CLI is needed.",
  levels: ["lifecycle"],
  timeoutClass: "compose",
  effect: "destructive",
  input,
  output,
  ...projectTargetKinds,
  render: (out) =>
    [
      `${out.project}: restart`,
      ...out.results.map(
        (r) => `  ${r.service}  ${r.container}  ${r.status}${r.message ? `: ${r.message}` : ""}`,
      ),
      out.hidden ? `(${out.hidden} hidden by policy, not restarted)` : "",
    ]
      .filter(Boolean)
      .join("\n"),
});

/** Restarts at most this many containers at once. */
const CONCURRENCY = 4;

export function composeRestartHandler(deps: ComposeDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const project = args.file ? (await locateProject(deps, ctx, args)).project : args.project;
    if (!project) throw new ToolError("invalid_input", "Say which compose project: `project` or `file`.");
    const rows = (await projectContainers(deps, project, ctx.signal))
      .filter((r) => !describeContainer(r).oneoff)
      .sort(byServiceThenNumber);
    const wanted = args.services ? new Set(args.services) : undefined;
    const chosen = rows.filter((r) => !wanted || wanted.has(describeContainer(r).service));
    if (chosen.length === 0) {
      throw new ToolError(
        "not_found",
        `Compose project '${project}' has no containers${args.services ? ` for ${args.services.join(", ")}` : ""}. Check with docker_compose_ps.`,
      );
    }
    const { visible, hidden } = ctx.visible(chosen, containerResource);
    const results: z.input<typeof output>["results"] = visible.map((r) => ({
      container: describeContainer(r).name,
      service: describeContainer(r).service,
      status: "unknown" as const,
    }));
    let next = 0;
    const worker = async () => {
      while (next < visible.length && !ctx.signal.aborted) {
        const i = next++;
        const row = visible[i];
        const result = results[i];
        if (!row || !result) continue;
        try {
          await deps.engine.restartContainer(
            row.id,
            args.timeout !== undefined ? { timeoutSeconds: args.timeout } : {},
            ctx.signal,
          );
          result.status = "done";
        } catch (error) {
          if (ctx.signal.aborted) break;
          result.status = "failed";
          result.message = errorMessage(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, visible.length) }, worker));
    return { project, results, hidden };
  };
}
