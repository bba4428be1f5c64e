import { parseReference, pullChecked } from "@arktechnwa/docker-kit";
import { defineTool, type ToolContext, ToolError, type ToolHandler } from "@arktechnwa/docker-mcp-core";
import { z } from "zod";
import { judgeServiceBuilds, runServiceBuilds } from "../compose-build.js";
import type { ComposeRunResult } from "../compose-cli.js";
import { ProgressLog, progressArgs } from "../compose-progress.js";
import {
  checkRun,
  containerResource,
  loadModel,
  locateProject,
  projectContainers,
} from "../compose-project.js";
import { byServiceThenNumber, describeContainer, type ServiceContainer } from "../container-state.js";
import { type ComposeDeps, runnerFor } from "../deps.js";
import { judgePlan } from "../judge-plan.js";
import { judgedModelInput } from "../judged-model.js";
import { fileInput, projectInput, projectTargetKinds, servicesInput } from "../project-input.js";
import { planProject, selectKnownServices } from "../project-plan.js";

/** Waiting for health ends this long before the call's deadline, so the answer still arrives. */
const WAIT_MARGIN_MS = 3_000;

const input = z.strictObject({
  project: projectInput.optional(),
  file: fileInput.optional(),
  services: servicesInput.describe("Only these services and what they depend on (default: all)."),
  detach: z
    .boolean()
    .optional()
    .describe(
      "true (default): answer once the containers are started. false: also wait until they run and their health checks pass (bounded by the compose deadline).",
    ),
  build: z
    .boolean()
    .optional()
    .describe(
      "Build images of services that have a build section (needs the images level and build_safety). docker-mcp builds them itself, from the Dockerfile it judged with every base image it reads (ONBUILD triggers included).",
    ),
});

export const containerSchema = z.object({
  name: z.string(),
  id: z.string(),
  state: z.string(),
  status: z.string(),
  health: z.string().optional(),
  ports: z.array(z.string()),
});

const output = z.object({
  project: z.string(),
  compose: z.string().describe("The compose CLI that ran, e.g. 'docker-compose 1.29.2'."),
  services: z.array(
    z.object({ service: z.string(), image: z.string(), containers: z.array(containerSchema) }),
  ),
  pulled: z.array(z.string()).describe("Images that were not local (compose pulled them)."),
  built: z.array(z.string()),
  ready: z
    .boolean()
    .optional()
    .describe("With detach false: every container runs and passes its health check."),
  log: z.array(z.string()).describe("The last lines compose printed."),
});

export const composeUpTool = defineTool({
  name: "docker_compose_up",
  title: "Start a compose project",
  description:
    "Create and start a compose project's services (compose up, detached). Before anything runs, the resolved model is " +
    "judged whole: the project name, every container name it will create, every image, each service's settings " +
    "(privileged, host namespaces, devices, capabilities, bind mounts) through create_safety, and its volumes and " +
    "networks. One refused member refuses the project unless `services` leaves it out.",
  levels: ["create", "lifecycle"],
  timeoutClass: "compose",
  effect: "write",
  input,
  output,
  ...projectTargetKinds,
  render: (out) => {
    const lines = [`${out.project}: up with ${out.compose}`];
    for (const s of out.services) {
      for (const c of s.containers) {
        lines.push(
          `  ${s.service}  ${c.name}  ${c.state}${c.health ? ` (${c.health})` : ""} ${c.ports.join(", ")}`.trimEnd(),
        );
      }
    }
    if (out.pulled.length) lines.push(`pulled: ${out.pulled.join(", ")}`);
    if (out.built.length) lines.push(`built: ${out.built.join(", ")}`);
    if (out.ready !== undefined)
      lines.push(out.ready ? "all running and healthy" : "not all running and healthy yet");
    return lines.join("\n");
  },
});

/** What to tell the user when the CLI was killed in the middle of a change. */
export function unknownOutcome(what: string, project: string, result: ComposeRunResult): ToolError {
  return new ToolError(
    "outcome_unknown",
    `${result.cli.describe} ${what} of project ${project} was killed (${result.killed === "timeout" ? "deadline" : "deadline or cancel"}) before it finished: the outcome is unknown, some containers may have been changed and others not. ` +
      `Check with docker_compose_ps (project ${project}) before retrying.${result.groupGone ? "" : " Its processes could not all be confirmed ended."}`,
  );
}

async function waitReady(
  deps: ComposeDeps,
  ctx: ToolContext,
  project: string,
  services: string[],
): Promise<boolean> {
  const until = ctx.deadline - WAIT_MARGIN_MS;
  while (Date.now() < until && !ctx.signal.aborted) {
    const rows = (await projectContainers(deps, project, ctx.signal)).map(describeContainer);
    const mine = rows.filter((c) => services.includes(c.service) && !c.oneoff);
    if (
      mine.length > 0 &&
      mine.every((c) => c.state === "running" && (c.health ?? "healthy") === "healthy")
    ) {
      return true;
    }
    const failing = mine.filter(
      (c) => c.state === "exited" || c.state === "dead" || c.health === "unhealthy",
    );
    if (failing.length > 0) return false;
    ctx.progress(
      `waiting for ${mine
        .filter((c) => c.health !== "healthy")
        .map((c) => c.name)
        .join(", ")}`,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, Math.max(0, until - Date.now()))));
  }
  return false;
}

/** The project's containers of these services, grouped, for the answer. */
export async function serviceStates(
  deps: ComposeDeps,
  ctx: ToolContext,
  project: string,
  services: { service: string; image: string }[],
): Promise<{ service: string; image: string; containers: Omit<ServiceContainer, "service" | "oneoff">[] }[]> {
  const rows = (await projectContainers(deps, project, ctx.signal)).sort(byServiceThenNumber);
  const { visible } = ctx.visible(rows, (c) => ({
    kind: "container",
    id: c.id,
    names: c.names.map((n) => n.replace(/^\//, "")),
    image: c.image,
    related: [{ kind: "compose_project", names: [project] }],
  }));
  return services.map((s) => ({
    ...s,
    containers: visible
      .map(describeContainer)
      .filter((c) => c.service === s.service && !c.oneoff)
      .map(({ service: _s, oneoff: _o, ...c }) => c),
  }));
}

export function composeUpHandler(deps: ComposeDeps): ToolHandler<typeof input, typeof output> {
  return async (args, ctx) => {
    const target = await locateProject(deps, ctx, args);
    const { model, cli } = await loadModel(deps, ctx, target);
    const selected = selectKnownServices(model, args.services, target.project, (u) => `'${u}'`);
    const plan = planProject(model, target.project, cli.features, selected);
    const judged = await judgePlan(deps, ctx, plan, { build: args.build === true, checkPulls: true });
    // Up may recreate (remove and replace) the existing containers of these services: none may be hidden.
    const existing = (await projectContainers(deps, target.project, ctx.signal)).filter((c) => {
      const d = describeContainer(c);
      return !d.oneoff && selected.includes(d.service);
    });
    const { hidden } = ctx.visible(existing, containerResource);
    if (hidden > 0) {
      throw new ToolError(
        "denied",
        `Denied by policy: compose project ${target.project} already has ${hidden} container${hidden === 1 ? "" : "s"} of these services that the policy hides, and up may recreate ${hidden === 1 ? "it" : "them"}. Nothing was run. Leave those services out with \`services\`, or change the policy.`,
      );
    }

    // What the CLI will read: refused here (a lone `$`) before anything is pulled or built.
    const judgedModel = judgedModelInput(cli, target, model);
    // Built here from the judged Dockerfiles, never by compose from files it would read again.
    const builds = await judgeServiceBuilds(
      deps,
      ctx,
      target.project,
      model,
      judged.filter((j) => j.builds),
    );
    // Images up would pull are pulled here, then judged by all the names of what arrived (a digest
    // whose content is a blacklisted tag here is refused and the pull undone), before anything runs.
    for (const image of new Set(judged.filter((j) => j.pulls).map((j) => j.image))) {
      const ref = parseReference(image);
      if (!ref) continue; // compose itself refuses a name that is no reference
      ctx.progress(`Pulling ${ref.full}`);
      await pullChecked(deps, ctx, ref);
    }
    await runServiceBuilds(deps, ctx, builds);

    const wait = args.detach === false;
    const nativeWait = wait && cli.features.upWait;
    const waitSeconds = Math.max(1, Math.floor((ctx.deadline - Date.now() - WAIT_MARGIN_MS) / 1000));
    const log = new ProgressLog((message) => ctx.progress(message));
    await deps.afterCheck?.("compose up");
    const result = await runnerFor(deps).run(
      [
        ...progressArgs(cli.features),
        ...judgedModel.args,
        "up",
        "--detach",
        "--no-build",
        ...(nativeWait
          ? ["--wait", ...(cli.features.waitTimeout ? ["--wait-timeout", String(waitSeconds)] : [])]
          : []),
        // `--` first: a service may be named like a flag (`--remove-orphans` is a valid service name).
        ...(args.services ? ["--", ...selected] : []),
      ],
      { cwd: target.workingDir, signal: ctx.signal, onStderrLine: log.line, stdin: judgedModel.stdin },
    );
    if (result.killed) throw unknownOutcome("up", target.project, result);
    checkRun(result, "up");

    const ready = wait ? nativeWait || (await waitReady(deps, ctx, target.project, selected)) : undefined;
    return {
      project: target.project,
      compose: cli.describe,
      services: await serviceStates(deps, ctx, target.project, judged),
      pulled: judged.filter((j) => j.pulls).map((j) => j.image),
      built: judged.filter((j) => j.builds).map((j) => j.image),
      ...(ready !== undefined ? { ready } : {}),
      log: log.lines,
    };
  };
}
