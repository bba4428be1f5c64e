import { realpath } from "node:fs/promises";
import { isAbsolute, relative } from "node:path";
import {
  type BuildSpec,
  CREATED_BY_LABEL,
  type JudgedBuild,
  judgeBuild,
  parseReference,
  runJudgedBuild,
  tagJudged,
} from "@arktechnwa/docker-kit";
import { type ToolContext, ToolError } from "@arktechnwa/docker-mcp-core";
import type { ComposeModel } from "./compose-model.js";
import type { ComposeDeps } from "./deps.js";
import type { JudgedService } from "./judge-plan.js";

/** Build options docker-mcp carries out itself; any other refuses the build (it would be ignored). */
const SUPPORTED = new Set(["context", "dockerfile", "dockerfile_inline", "args", "target", "labels"]);
/** The name an inline Dockerfile is sent under in the context. */
const INLINE_NAME = ".docker-mcp.inline.Dockerfile";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** A service build, judged: the Dockerfile read once and every image it reads from admitted. */
export interface ServiceBuild {
  service: string;
  image: string;
  judged: JudgedBuild;
}

/**
 * Compose does not build the services itself: docker-mcp does, the way docker_build does (the
 * Dockerfile read once and judged with every image it reads from, ONBUILD triggers of its bases
 * included, and those same bytes sent), then tags each result with the service's image and runs `up
 * --no-build`. A Dockerfile compose would read again after the check could be another one. Every
 * refusal is collected, so one answer names them all, and nothing is built when one is refused.
 */
export async function judgeServiceBuilds(
  deps: ComposeDeps,
  ctx: ToolContext,
  project: string,
  model: ComposeModel,
  services: JudgedService[],
): Promise<ServiceBuild[]> {
  const refusals: string[] = [];
  const builds: ServiceBuild[] = [];
  const rawServices = isObj(model.raw["services"]) ? model.raw["services"] : {};
  for (const service of services) {
    try {
      const spec = await serviceBuildSpec(service.service, rawServices[service.service]);
      builds.push({
        service: service.service,
        image: service.image,
        judged: await judgeBuild(deps, ctx, spec),
      });
    } catch (error) {
      if (!(error instanceof ToolError) || !["denied", "invalid_input", "not_found"].includes(error.code))
        throw error;
      refusals.push(`service ${service.service}: ${error.message.replace(/^Denied by policy: /, "")}`);
    }
  }
  if (refusals.length > 0) {
    throw new ToolError(
      "denied",
      `Denied: compose project ${project} would build what docker-mcp refuses, so nothing was built or run.\n- ${refusals.join("\n- ")}`,
    );
  }
  return builds;
}

/** Builds each judged service and tags the result with the image name compose expects. */
export async function runServiceBuilds(
  deps: ComposeDeps,
  ctx: ToolContext,
  builds: ServiceBuild[],
): Promise<void> {
  for (const build of builds) {
    ctx.progress(`Building ${build.image} for service ${build.service}`);
    const built = await runJudgedBuild(deps, ctx, build.judged, (event) => {
      if (event.step) ctx.progress(`${build.service}: ${event.line ?? ""}`);
    });
    const tag = parseReference(build.image);
    if (!tag?.tag || tag.digest) {
      throw new ToolError(
        "invalid_input",
        `Service ${build.service} names its image '${build.image}', which is no tag to give a build. Use a name like 'app:1'.`,
      );
    }
    await tagJudged(deps, ctx, built.imageId, tag as { repository: string; tag: string; full: string });
  }
}

/** The service's `build` section as a build docker-mcp runs, or a ToolError saying why it cannot. */
export async function serviceBuildSpec(service: string, raw: unknown): Promise<BuildSpec> {
  const section = isObj(raw) ? raw["build"] : undefined;
  const build: Obj = typeof section === "string" ? { context: section } : isObj(section) ? section : {};
  const unsupported = Object.keys(build).filter((k) => !SUPPORTED.has(k));
  if (unsupported.length > 0) {
    throw new ToolError(
      "invalid_input",
      `its build uses ${unsupported.join(", ")}, which docker-mcp does not carry out (it builds compose services itself, from the Dockerfile it judged; supported: ${[...SUPPORTED].join(", ")}). Build the image another way, or drop those options.`,
    );
  }
  const context = typeof build["context"] === "string" ? build["context"] : "";
  if (!isAbsolute(context)) {
    throw new ToolError(
      "invalid_input",
      `its build context '${context}' is not a local directory; docker-mcp builds only from directories under build_safety.allowed_contexts.`,
    );
  }
  const root = await realpath(context).catch(() => {
    throw new ToolError("invalid_input", `its build context ${context} does not exist or cannot be read.`);
  });
  const inline = typeof build["dockerfile_inline"] === "string" ? build["dockerfile_inline"] : undefined;
  let dockerfile = typeof build["dockerfile"] === "string" ? build["dockerfile"] : "Dockerfile";
  // Newer compose versions print the Dockerfile as an absolute path; it must lie in the context.
  if (isAbsolute(dockerfile)) {
    const inside = relative(context, dockerfile);
    if (inside.startsWith("..") || isAbsolute(inside)) {
      throw new ToolError(
        "invalid_input",
        `its Dockerfile ${dockerfile} lies outside its build context ${context}; it must lie inside it.`,
      );
    }
    dockerfile = inside;
  }
  return {
    root,
    dockerfile: inline !== undefined ? INLINE_NAME : dockerfile,
    ...(inline !== undefined ? { inline } : {}),
    buildArgs: stringMap(build["args"]),
    ...(typeof build["target"] === "string" ? { target: build["target"] } : {}),
    labels: { ...stringMap(build["labels"]), [CREATED_BY_LABEL]: "docker-mcp" },
    what: `the Dockerfile of service ${service}`,
  };
}

/** `args`/`labels` as a mapping or a KEY=VALUE list; a key without a value is not passed. */
function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) {
    for (const [k, value] of Object.entries(v)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
        out[k] = String(value);
    }
  } else if (Array.isArray(v)) {
    for (const entry of v) {
      if (typeof entry !== "string") continue;
      const i = entry.indexOf("=");
      if (i > 0) out[entry.slice(0, i)] = entry.slice(i + 1);
    }
  }
  return out;
}
