import { defineTool, type ResolvedResource, ToolError, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { ProgressLog, progressArgs } from "../compose-progress.js";
import {
  authorizeOrThrow,
  checkRun,
  containerResource,
  loadModel,
  locateProject,
  projectContainers,
} from "../compose-project.js";
import { describeContainer } from "../container-state.js";
import { type ComposeDeps, runnerFor } from "../deps.js";
import { judgedModelInput } from "../judged-model.js";
import { fileInput, projectInput, projectTargetKinds } from "../project-input.js";
import { unknownOutcome } from "./up.js";

const input = z.strictObject({
  project: projectInput.optional(),
  file: fileInput.optional(),
  volumes: z.boolean().optional().describe("Also remove the project's named volumes (their data is lost)."),
  remove_orphans: z
    .boolean()
    .optional()
    .describe("Also remove containers of services no longer in the compose file."),
});

const output = z.object({
  project: z.string(),
  compose: z.string(),
  removed: z.array(z.string()).describe("Containers of the project before down that are now gone."),
  remaining: z
    .array(z.string())
    .describe("Project containers still there (e.g. orphans without remove_orphans)."),
  volumes: z.array(z.string()).describe("Named volumes down was told to remove (with volumes: true)."),
  log: z.array(z.string()),
});

export const composeDownTool = defineTool({
  name: "docker_compose_down",
  title: "Stop and remove a compose project",
  description:
    "Stop and remove a compose project's containers and networks (compose down); `volumes` removes its named volumes too. " +
    "Refused when the project has a container the policy hides, so down never touches one.",
  levels: ["lifecycle"],
  timeoutClass: "compose",
  effect: "destructive",
  idempotent: true,
  input,
  output,
  ...projectTargetKinds,
  render: (out) =>
    [
      `${out.project}: down with ${out.compose}; removed ${out.removed.length ? out.removed.join(", ") : "no containers"}`,
      out.volumes.length ? `volumes: ${out.volumes.join(", ")}` : "",
      out.remaining.length ? `still there: ${out.remaining.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join("\n"),
});

export function composeDownHandler(deps: ComposeDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const target = await locateProject(deps, ctx, args);
    const before = await projectContainers(deps, target.project, ctx.signal);
    const { hidden } = ctx.visible(before, containerResource);
    if (hidden > 0) {
      throw new ToolError(
        "denied",
        `Denied by policy: compose project ${target.project} has ${hidden} container${hidden === 1 ? "" : "s"} the policy hides, and down would remove ${hidden === 1 ? "it" : "them"} too. Nothing was run. Remove the others one by one (docker_remove) or change the policy.`,
      );
    }
    const { model, cli } = await loadModel(deps, ctx, target);
    // Down removes the project's networks, and with volumes its named volumes: each must be allowed.
    const owned = (entries: typeof model.volumes, kind: string): ResolvedResource[] =>
      Object.entries(entries)
        .filter(([, e]) => !e.external)
        .map(([key, e]) => ({ kind, names: [e.name ?? `${target.project}_${key}`] }));
    const networks = owned(model.networks, "network");
    if (!model.networks["default"]) networks.push({ kind: "network", names: [`${target.project}_default`] });
    const volumes = args.volumes ? owned(model.volumes, "volume") : [];
    authorizeOrThrow(ctx, {
      subject: `networks and volumes of ${target.project}`,
      resources: [...networks, ...volumes],
    });

    // The CLI runs the model judged above, not the files read again.
    const judgedModel = judgedModelInput(cli, target, model);
    const log = new ProgressLog((message) => ctx.progress(message));
    const result = await runnerFor(deps).run(
      [
        ...progressArgs(cli.features),
        ...judgedModel.args,
        "down",
        ...(args.volumes ? ["--volumes"] : []),
        ...(args.remove_orphans ? ["--remove-orphans"] : []),
      ],
      { cwd: target.workingDir, signal: ctx.signal, onStderrLine: log.line, stdin: judgedModel.stdin },
    );
    if (result.killed) throw unknownOutcome("down", target.project, result);
    checkRun(result, "down");
    const after = new Set((await projectContainers(deps, target.project, ctx.signal)).map((c) => c.id));
    return {
      project: target.project,
      compose: cli.describe,
      removed: before.filter((c) => !after.has(c.id)).map((c) => describeContainer(c).name),
      remaining: before.filter((c) => after.has(c.id)).map((c) => describeContainer(c).name),
      volumes: volumes.flatMap((v) => v.names),
      log: log.lines,
    };
  };
}
