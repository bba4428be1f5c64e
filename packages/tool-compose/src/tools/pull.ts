import { localImage, parseReference, refuseHiddenContent } from "@arktechnwa/docker-kit";
import { defineTool, ToolError, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { ProgressLog, progressArgs } from "../compose-progress.js";
import { authorizeOrThrow, checkRun, loadModel, locateProject } from "../compose-project.js";
import { type ComposeDeps, runnerFor } from "../deps.js";
import { judgedModelInput } from "../judged-model.js";
import { fileInput, projectInput, projectTargetKinds, servicesInput } from "../project-input.js";
import { selectKnownServices } from "../project-plan.js";

const input = z.strictObject({
  project: projectInput.optional(),
  file: fileInput.optional(),
  services: servicesInput,
});

const output = z.object({
  project: z.string(),
  compose: z.string(),
  images: z.array(z.object({ service: z.string(), image: z.string() })),
  log: z.array(z.string()),
});

export const composePullTool = defineTool({
  name: "docker_compose_pull",
  title: "Pull a compose project's images",
  description:
    "Pull the images of a compose project's services (compose pull). Every image must pass the image lists first.",
  levels: ["images"],
  timeoutClass: "compose",
  effect: "write",
  idempotent: true,
  openWorld: true,
  input,
  output,
  ...projectTargetKinds,
  render: (out) =>
    `${out.project}: pulled with ${out.compose}: ${out.images.map((i) => `${i.service} ${i.image}`).join(", ") || "nothing to pull"}`,
});

export function composePullHandler(deps: ComposeDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const target = await locateProject(deps, ctx, args);
    const { model, cli } = await loadModel(deps, ctx, target);
    const selected = selectKnownServices(model, args.services, target.project);
    // Pull only what the caller named (compose pull does not follow depends_on), with an image to pull.
    const chosen = model.services.filter(
      (s) => (args.services ? args.services.includes(s.name) : selected.includes(s.name)) && s.image,
    );
    authorizeOrThrow(ctx, {
      subject: `images of ${target.project}`,
      resources: chosen.map((s) => ({ kind: "image", names: [s.image as string] })),
    });
    if (chosen.length === 0) return { project: target.project, compose: cli.describe, images: [], log: [] };
    // The CLI runs the model judged above, not the files read again.
    const judgedModel = judgedModelInput(cli, target, model);
    const before = new Map<string, { id: string } | undefined>();
    for (const s of chosen) {
      const ref = parseReference(s.image as string);
      if (ref) before.set(ref.full, await localImage(deps, ref.full, ctx.signal));
    }
    const log = new ProgressLog((message) => ctx.progress(message));
    const result = await runnerFor(deps).run(
      [...progressArgs(cli.features), ...judgedModel.args, "pull", "--", ...chosen.map((s) => s.name)],
      { cwd: target.workingDir, signal: ctx.signal, onStderrLine: log.line, stdin: judgedModel.stdin },
    );
    if (result.killed) {
      throw new ToolError(
        "outcome_unknown",
        `${cli.describe} pull was killed before it finished; some images may be new and others not. Call it again: pulling is idempotent.`,
      );
    }
    checkRun(result, "pull");
    // What arrived is judged by all its names: a tag or digest that turned out to be a refused image's
    // content is undone (the tag points where it did before, or is removed) and the call denied.
    for (const [image, previous] of before) {
      const after = await localImage(deps, image, ctx.signal);
      if (after) await refuseHiddenContent(deps, ctx, image, after, previous, `the image ${image} names`);
    }
    return {
      project: target.project,
      compose: cli.describe,
      images: chosen.map((s) => ({ service: s.name, image: s.image as string })),
      log: log.lines,
    };
  };
}
