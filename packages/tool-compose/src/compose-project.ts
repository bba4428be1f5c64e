import { realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute } from "node:path";
import {
  type LateCheck,
  type ResolvedResource,
  type ToolContext,
  ToolError,
} from "@arktechnwa/docker-mcp-core";
import type { ContainerSummary } from "@arktechnwa/docker-mcp-engine";
import type { ComposeCli, ComposeRunResult } from "./compose-cli.js";
import { checkHostFiles } from "./compose-host-files.js";
import { type ComposeModel, parseComposeConfig } from "./compose-model.js";
import type { ComposeDeps } from "./deps.js";
import { runnerFor } from "./deps.js";
import { normalizeProjectName } from "./project-plan.js";

export const PROJECT_LABEL = "com.docker.compose.project";
export const SERVICE_LABEL = "com.docker.compose.service";
export const NUMBER_LABEL = "com.docker.compose.container-number";
export const ONEOFF_LABEL = "com.docker.compose.oneoff";
export const CONFIG_FILES_LABEL = "com.docker.compose.project.config_files";
export const WORKING_DIR_LABEL = "com.docker.compose.project.working_dir";
/**
 * Compose labels nothing with its files when it reads the model from stdin (`-f -`), so docker-mcp
 * labels each service with them: a later call naming only the project finds its files (and judges
 * them) again.
 */
export const FILES_LABEL = "dev.arktechnwa.docker-mcp.compose.config_files";

/** The compose files a container says it was made from: compose's own label, else docker-mcp's. */
function configFilesOf(labels: Record<string, string>): string | undefined {
  const own = labels[CONFIG_FILES_LABEL];
  return own && own !== "-" ? own : labels[FILES_LABEL] || undefined;
}

/** Project names compose accepts from every version (v2's rule, which v1 names also satisfy). */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** Where a project's compose files are and what it is called. */
export interface ProjectTarget {
  project: string;
  /** Absolute compose files, symlinks resolved, each allowed by compose_safety. */
  files: string[];
  /** Where the CLI runs (the first file's directory). */
  workingDir: string;
}

/** Every container of a project, one-off (`run`) containers included unless asked otherwise. */
export async function projectContainers(
  deps: ComposeDeps,
  project: string,
  signal: AbortSignal,
): Promise<ContainerSummary[]> {
  const rows = await deps.engine.listContainers(
    { all: true, filters: { label: [`${PROJECT_LABEL}=${project}`] } },
    signal,
  );
  // The daemon filtered by label; check again so a faulty filter can never widen the set.
  return rows.filter((r) => r.labels[PROJECT_LABEL] === project);
}

/** A container's own names (legacy link aliases like "web/db" are not its names). */
export function ownNames(names: string[]): string[] {
  return names.map((n) => n.replace(/^\//, "")).filter((n) => !n.includes("/"));
}

/** What the policy judges of a project container: its names, its image and its project. */
export function containerResource(c: ContainerSummary): ResolvedResource {
  const project = c.labels[PROJECT_LABEL];
  return {
    kind: "container",
    id: c.id,
    names: ownNames(c.names),
    image: c.image,
    ...(project ? { related: [{ kind: "compose_project", names: [project] }] } : {}),
  };
}

/** Throws the policy's reasons when a late check is denied; says what was judged. */
export function authorizeOrThrow(ctx: ToolContext, check: LateCheck): void {
  const d = ctx.authorize(check);
  if (d.allowed) return;
  throw new ToolError(
    d.reasons[0]?.code ?? "denied",
    `Denied by policy (${check.subject}): ${d.reasons.map((r) => r.message).join(" ")}`,
  );
}

/** An absolute compose file, with symlinks resolved, that the policy lets the call read. */
async function allowedFile(ctx: ToolContext, file: string): Promise<string> {
  if (!isAbsolute(file)) {
    throw new ToolError(
      "invalid_input",
      `The compose file '${file}' is not an absolute path. Give the full path, e.g. /home/me/app/compose.yml.`,
    );
  }
  // Judge the path as written first, so a refused path is refused without touching the disk.
  authorizeOrThrow(ctx, { subject: `compose file ${file}`, composeFiles: [file] });
  const real = await realpath(file).catch((error: NodeJS.ErrnoException) => {
    throw new ToolError(
      "not_found",
      `The compose file ${file} cannot be read (${error.code ?? error.message}). Check the path.`,
    );
  });
  if (real !== file)
    authorizeOrThrow(ctx, { subject: `compose file ${file} (${real})`, composeFiles: [real] });
  return real;
}

/**
 * Finds the project a call is about: from `file` (its name from `project`, else from the file's
 * directory, as compose does), or from `project` alone through the compose labels of its containers
 * (the files it was started from). Every file must pass compose_safety; the name, the project lists.
 */
export async function locateProject(
  deps: ComposeDeps,
  ctx: ToolContext,
  input: { project?: string | undefined; file?: string | undefined },
): Promise<ProjectTarget> {
  let target: ProjectTarget;
  if (input.file) {
    const file = await allowedFile(ctx, input.file);
    const project = input.project ?? normalizeProjectName(basename(dirname(file)));
    if (!PROJECT_NAME.test(project)) {
      throw new ToolError(
        "invalid_input",
        `The directory of ${file} gives no usable project name ('${project}'). Pass \`project\` (lower case letters, digits, - and _).`,
      );
    }
    target = { project, files: [file], workingDir: dirname(file) };
  } else if (input.project) {
    const containers = await projectContainers(deps, input.project, ctx.signal);
    const labeled = containers.find((c) => configFilesOf(c.labels));
    if (!labeled) {
      throw new ToolError(
        "not_found",
        containers.length === 0
          ? `No container of compose project '${input.project}' exists, so its compose file is unknown. Pass \`file\` (the absolute path of its compose file).`
          : `The containers of compose project '${input.project}' do not say which compose file made them. Pass \`file\`.`,
      );
    }
    const workingDir = labeled.labels[WORKING_DIR_LABEL] ?? "";
    const listed = (configFilesOf(labeled.labels) ?? "")
      .split(",")
      .map((f) => f.trim())
      .filter(Boolean)
      .map((f) => (isAbsolute(f) || !workingDir ? f : `${workingDir}/${f}`));
    const files: string[] = [];
    for (const f of listed) files.push(await allowedFile(ctx, f));
    target = { project: input.project, files, workingDir: dirname(files[0] as string) };
  } else {
    throw new ToolError(
      "invalid_input",
      "Say which compose project: `project` (its name) or `file` (the absolute path of its compose file), or both.",
    );
  }
  authorizeOrThrow(ctx, {
    subject: `compose project ${target.project}`,
    resources: [{ kind: "compose_project", names: [target.project] }],
  });
  return target;
}

/** `-f FILE... -p NAME` plus plain output, for any compose version. */
export function projectArgs(cli: ComposeCli, target: ProjectTarget): string[] {
  const args: string[] = [];
  for (const f of target.files) args.push("-f", f);
  args.push("-p", target.project);
  if (cli.features.ansiNever) args.push("--ansi", "never");
  else args.push("--no-ansi");
  return args;
}

/** A CLI run that failed becomes an error with the CLI's own last words. */
export function checkRun(result: ComposeRunResult, what: string): void {
  if (result.exitCode === 0 && !result.killed) return;
  const tail = result.stderr.trim().split("\n").slice(-8).join("\n");
  throw new ToolError(
    "compose_failed",
    `${result.cli.describe} ${what} failed (exit code ${result.exitCode ?? result.exitSignal}):\n${tail || "(no output)"}`,
  );
}

/** The resolved model (`config`): JSON from compose 2.26 on, YAML before. */
export async function loadModel(
  deps: ComposeDeps,
  ctx: ToolContext,
  target: ProjectTarget,
): Promise<{ model: ComposeModel; cli: ComposeCli }> {
  // compose reads env_file, extends and include files and .env before it prints anything.
  await checkHostFiles(ctx, target.files, target.workingDir);
  const runner = runnerFor(deps);
  const cli = await runner.detect(ctx.signal);
  const json = cli.features.configJson;
  const result = await runner.run(
    [...projectArgs(cli, target), "config", ...(json ? ["--format", "json"] : [])],
    {
      cwd: target.workingDir,
      signal: ctx.signal,
    },
  );
  checkRun(result, "config");
  return { model: parseComposeConfig(result.stdout, json ? "json" : "yaml"), cli };
}
