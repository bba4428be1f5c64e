import { maskText } from "@arktechnwa/mcp-mask";
import { checkBuild } from "./build-check.js";
import { compiledFor } from "./compiled.js";
import { checkComposeFiles } from "./compose-check.js";
import { checkCreate } from "./create-check.js";
import { checkCommand } from "./exec-check.js";
import { checkResource } from "./resource-check.js";
import type { CreateRequest, Decision, DecisionRequest, Policy, Reason } from "./types.js";

/**
 * Decides one tool call. Pure (no I/O, no clock), synchronous and total: for a policy from
 * `loadPolicy` it returns a decision for any input and never throws. Every reason that denies is
 * reported, not just the first, so one answer tells the user everything to change.
 */
export function decide(policy: Policy, request: DecisionRequest): Decision {
  let revision = "unknown";
  try {
    revision = String(policy.revision);
    const { denies, notes } = evaluate(policy, request);
    if (policy.bypass) {
      const would =
        denies.length === 0
          ? " It would have been allowed anyway."
          : ` Without bypass it would have been denied: ${denies.map((d) => `[${d.code}] ${d.message}`).join(" ")}`;
      return {
        allowed: true,
        reasons: [
          {
            code: "bypass",
            message: `Allowed because permissions are bypassed (--bypass-permissions); nothing was enforced.${would}`,
          },
        ],
        revision,
      };
    }
    if (denies.length > 0) return { allowed: false, reasons: denies, revision };
    return {
      allowed: true,
      reasons: [{ code: "allowed", message: `Allowed: ${notes.join("; ")}.` }],
      revision,
    };
  } catch (error) {
    let detail = "unexpected error";
    try {
      detail = error instanceof Error ? error.message : String(error);
    } catch {
      // keep the generic detail
    }
    return {
      allowed: false,
      reasons: [
        {
          code: "internal_error",
          message: `The policy engine failed on this request (${maskText(detail)}) and denied it to be safe. Please report this as a bug.`,
        },
      ],
      revision,
    };
  }
}

const isStringArray = (v: unknown): v is readonly string[] =>
  Array.isArray(v) && v.every((x) => typeof x === "string");

function invalid(message: string): { denies: Reason[]; notes: string[] } {
  return {
    denies: [{ code: "invalid_request", message: `${message} This is a bug in the caller.` }],
    notes: [],
  };
}

function evaluate(policy: Policy, request: DecisionRequest): { denies: Reason[]; notes: string[] } {
  if (request === null || typeof request !== "object") return invalid("The request must be an object.");
  const compiled = compiledFor(policy);
  const tool = typeof request.tool === "string" ? maskText(request.tool) : "(unnamed tool)";
  if (!isStringArray(request.levels))
    return invalid(`The request for ${tool} must list its levels as strings.`);

  const denies: Reason[] = [];
  const notes: string[] = [];

  if (request.levels.length === 0) {
    denies.push({
      code: "no_levels",
      message: `Tool ${tool} declares no permission level, and a call that requires nothing is not allowed. Declare the levels it needs in its manifest.`,
    });
  }
  const on: string[] = [];
  for (const level of request.levels) {
    if (!compiled.levelNames.has(level)) {
      denies.push({
        code: "unknown_level",
        message: `Tool ${tool} requires level "${maskText(level)}", which the ${policy.vocabulary.name} vocabulary does not define (known: ${[...compiled.levelNames].join(", ")}). Fix the tool's manifest.`,
      });
    } else if (policy.levels[level] !== true) {
      denies.push({
        code: "level_off",
        message: `Tool ${tool} needs the "${level}" level, which is off. Set permissions.${level} to true in the policy to allow it.`,
      });
    } else if (!on.includes(level)) {
      on.push(level);
    }
  }
  if (on.length > 0) notes.push(`${on.length === 1 ? "level" : "levels"} ${on.join(", ")} on`);

  const resources: unknown = request.resources;
  if (resources !== undefined) {
    if (!Array.isArray(resources)) return invalid(`The resources of the request for ${tool} must be a list.`);
    for (const r of resources as unknown[]) {
      if (r === null || typeof r !== "object")
        return invalid(`A resource in the request for ${tool} is not an object.`);
      const { kind, names, id, image, images } = r as Record<string, unknown>;
      if (typeof kind !== "string" || !isStringArray(names)) {
        return invalid(`Every resource in the request for ${tool} needs a kind and a list of names.`);
      }
      // Fail closed: image names that cannot be read cannot be shown not to be blacklisted.
      if (images !== undefined && !isStringArray(images)) {
        return invalid(`The images of a resource in the request for ${tool} must be a list of names.`);
      }
      const note = checkResource(
        compiled,
        kind,
        {
          names,
          ...(typeof id === "string" ? { id } : {}),
          ...(typeof image === "string" ? { image } : {}),
          ...(isStringArray(images) ? { images } : {}),
        },
        denies,
      );
      if (note !== undefined) notes.push(note);
    }
  }

  const command: unknown = request.command;
  if (command !== undefined) {
    if (!isStringArray(command))
      return invalid(`The command of the request for ${tool} must be a list of strings.`);
    const before = denies.length;
    const workdir = typeof request.workdir === "string" ? request.workdir : undefined;
    denies.push(...checkCommand(compiled.exec, command, workdir));
    if (denies.length === before) notes.push("command passes exec_safety");
  }

  const create: unknown = request.create;
  if (create !== undefined) {
    if (create === null || typeof create !== "object") {
      return invalid(`The create spec of the request for ${tool} must be an object.`);
    }
    const before = denies.length;
    denies.push(...checkCreate(policy.createSafety, sanitizeCreate(create as Record<string, unknown>)));
    if (denies.length === before) notes.push("container settings pass create_safety");
  }

  const build: unknown = request.build;
  if (build !== undefined) {
    if (build === null || typeof build !== "object") {
      return invalid(`The build spec of the request for ${tool} must be an object.`);
    }
    const context = (build as Record<string, unknown>)["context"];
    const before = denies.length;
    // A vocabulary without the build_safety section allows no build context at all.
    const safety = policy.buildSafety ?? { allowedContexts: [] };
    denies.push(...checkBuild(safety, { context: typeof context === "string" ? context : "" }));
    if (denies.length === before) notes.push("build context passes build_safety");
  }

  const composeFiles: unknown = request.composeFiles;
  if (composeFiles !== undefined) {
    if (!isStringArray(composeFiles))
      return invalid(`The compose files of the request for ${tool} must be a list of strings.`);
    const before = denies.length;
    denies.push(...checkComposeFiles(policy.composeSafety, composeFiles));
    if (denies.length === before) notes.push("compose files lie under compose_safety.allowed_directories");
  }
  return { denies, notes };
}

/** Keeps only well-typed fields, so odd input is judged by what it says rather than crashing. */
function sanitizeCreate(c: Record<string, unknown>): CreateRequest {
  const list = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map((x) => String(x)) : undefined);
  const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  const out: Record<string, unknown> = {
    privileged: c["privileged"] === true,
    networkMode: text(c["networkMode"]),
    pidMode: text(c["pidMode"]),
    ipcMode: text(c["ipcMode"]),
    utsMode: text(c["utsMode"]),
    usernsMode: text(c["usernsMode"]),
    capAdd: list(c["capAdd"]),
    devices: list(c["devices"]),
    securityOpt: list(c["securityOpt"]),
    cgroupnsMode: text(c["cgroupnsMode"]),
    cgroupParent: text(c["cgroupParent"]),
    sysctls: list(c["sysctls"]),
    runtime: text(c["runtime"]),
    deviceRequests: list(c["deviceRequests"]),
    volumeDrivers: list(c["volumeDrivers"]),
    unjudged: list(c["unjudged"]),
    binds: list(c["binds"]),
    mounts: Array.isArray(c["mounts"])
      ? c["mounts"].map((m) => (m !== null && typeof m === "object" ? m : { type: String(m) }))
      : undefined,
  };
  return out as CreateRequest;
}
