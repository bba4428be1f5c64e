import { type Decision, type DecisionRequest, decide, type Policy } from "@arktechnwa/mcp-policy";
import type { AuditTarget } from "./audit.js";
import { raceSignal } from "./deadline.js";
import { errorCode, errorMessage, ToolError } from "./errors.js";
import { type HostPathResolver, withRealBindSources } from "./host-real-path.js";
import type {
  CreateFacts,
  RejectedTarget,
  ResolvedResource,
  ResourceResolver,
  TargetRef,
  ToolManifest,
} from "./plugin.js";

export interface Authorization {
  proceed: boolean;
  request: DecisionRequest;
  decision: Decision;
  allowed: ResolvedResource[];
  rejected: RejectedTarget[];
  /** Every resolved target, for denial messages. */
  resolved: ResolvedResource[];
}

export type Authorizer = (
  manifest: ToolManifest,
  input: Record<string, unknown>,
  signal: AbortSignal,
  audited: AuditTarget[],
  /** Sees every resolved target, allowed or not (the kernel learns their secrets and names from it). */
  onResolved?: (resource: ResolvedResource) => void,
) => Promise<Authorization>;

/**
 * Resolves every target and asks the policy. "all": one decision over every resource, and any
 * target that cannot be resolved fails the call. "each": the command/creation facts are decided once,
 * then every target on its own, so one denied container never blocks (or unblocks) another.
 */
/** A mounted target's resolver found nothing: the resource is about to be created. */
const NOT_YET = Symbol("not yet");

export function createAuthorizer(
  policy: Policy,
  resolvers: ReadonlyMap<string, ResourceResolver>,
  hostPaths?: HostPathResolver,
): Authorizer {
  /**
   * Fails closed: a bare target only for a kind the manifest declares bare, a resolved one only for
   * a kind it declares resolved (the loader saw to it that each has its one resolver), and a resolver
   * that finds nothing fails the target; nothing is ever judged on the text as typed unless declared.
   */
  async function resolveTarget(
    ref: TargetRef,
    signal: AbortSignal,
    cached: boolean,
  ): Promise<{ ok: true; resource: ResolvedResource } | { ok: false; error: unknown }> {
    if (ref.resolve === false) {
      return {
        ok: true,
        resource: {
          kind: ref.kind,
          ref: ref.ref,
          names: ref.ref ? [ref.ref] : [],
          ...(ref.image ? { image: ref.image } : {}),
        },
      };
    }
    const resolver = resolvers.get(ref.kind) as ResourceResolver;
    try {
      const resource = await resolver(ref.ref, signal, { cached }).catch((error: unknown) => {
        // A mounted resource that does not exist yet is about to be created: judged by its name.
        if (ref.mounted && /^not_found$/i.test(errorCode(error) ?? "")) return NOT_YET;
        throw error;
      });
      if (resource === NOT_YET)
        return { ok: true, resource: { kind: ref.kind, ref: ref.ref, names: [ref.ref] } };
      if (!resource || typeof resource !== "object" || !Array.isArray(resource.names)) {
        throw new ToolError("not_found", `No ${ref.kind} "${ref.ref}" was found.`);
      }
      if (resource.kind !== ref.kind) {
        throw new ToolError(
          "internal_error",
          `The ${ref.kind} resolver answered with a ${String(resource.kind)} for "${ref.ref}". This is a bug; please report it.`,
        );
      }
      return { ok: true, resource: { ...resource, ref: ref.ref } };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** A target the manifest did not declare is a bug in the tool: the whole call fails, nothing is judged on it. */
  function checkDeclared(manifest: ToolManifest, refs: readonly TargetRef[]): void {
    for (const ref of refs) {
      const bare = ref.resolve === false;
      const declared = bare ? manifest.bareKinds : manifest.targetKinds;
      const maybeBare = ref.mounted === true && !manifest.bareKinds?.includes(ref.kind);
      if (!declared?.includes(ref.kind) || (!bare && !resolvers.has(ref.kind)) || maybeBare) {
        throw new ToolError(
          "internal_error",
          `${manifest.name} named a ${bare ? "bare " : ""}${ref.kind} target, but its manifest does not declare "${ref.kind}" in ${bare ? "bareKinds" : "targetKinds"}, so the call is refused. This is a bug in the tool; please report it.`,
        );
      }
    }
  }

  return async (manifest, input, signal, audited, onResolved) => {
    const refs = manifest.targets?.(input) ?? [];
    checkDeclared(manifest, refs);
    const command = manifest.command?.(input);
    const workdir = command ? manifest.workdir?.(input) : undefined;
    const stated = manifest.create?.(input);
    const build = manifest.build?.(input);
    const resolved = await raceSignal(
      Promise.all(
        refs.map(async (ref) => ({ ref, r: await resolveTarget(ref, signal, manifest.effect === "read") })),
      ),
      signal,
    );
    // What the mounted resources really mount is judged with the stated settings.
    const mounted = resolved.flatMap(({ ref, r }) =>
      ref.mounted && r.ok && r.resource.createFacts ? [r.resource.createFacts] : [],
    );
    const all = mounted.length > 0 ? mounted.reduce(joinFacts, stated ?? {}) : stated;
    // On a local daemon every bind source is judged by its real path too (symlinks resolved).
    const create = all && hostPaths ? await raceSignal(withRealBindSources(all, hostPaths), signal) : all;
    const base: DecisionRequest = {
      tool: manifest.name,
      levels: manifest.levels,
      ...(command ? { command } : {}),
      ...(workdir ? { workdir } : {}),
      ...(create ? { create } : {}),
      ...(build ? { build } : {}),
    };
    for (const { ref, r } of resolved) {
      if (r.ok) onResolved?.(r.resource);
      audited.push({
        kind: ref.kind,
        ref: ref.ref,
        ...(r.ok ? { id: r.resource.id, names: r.resource.names } : {}),
      });
    }

    if ((manifest.targetMode ?? "all") === "all") {
      const failed = resolved.find(({ r }) => !r.ok)?.r;
      if (failed && !failed.ok) throw failed.error;
      const resources = resolved.flatMap(({ r }) => (r.ok ? [r.resource] : []));
      const request = { ...base, resources: resources.flatMap(toPolicyResources) };
      const decision = decide(policy, request);
      return {
        proceed: decision.allowed,
        request,
        decision,
        allowed: decision.allowed ? resources : [],
        rejected: [],
        resolved: resources,
      };
    }

    const decision = decide(policy, base);
    const allowed: ResolvedResource[] = [];
    const rejected: RejectedTarget[] = [];
    if (!decision.allowed)
      return { proceed: false, request: base, decision, allowed, rejected, resolved: [] };
    resolved.forEach(({ ref, r }, i) => {
      const entry = audited[i] as AuditTarget;
      if (!r.ok) {
        const code = errorCode(r.error) ?? "error";
        rejected.push({
          ref: ref.ref,
          kind: ref.kind,
          status: "unresolved",
          code,
          message: errorMessage(r.error),
        });
        Object.assign(entry, { allowed: false, code });
        return;
      }
      const d = decide(policy, { ...base, resources: toPolicyResources(r.resource) });
      const code = d.reasons[0]?.code ?? (d.allowed ? "allowed" : "denied");
      Object.assign(entry, { allowed: d.allowed, code });
      if (d.allowed) allowed.push(r.resource);
      else {
        const message = denialText(d, [r.resource]);
        rejected.push({ ref: ref.ref, kind: ref.kind, status: "denied", code, message });
      }
    });
    const resources = resolved.flatMap(({ r }) => (r.ok ? toPolicyResources(r.resource) : []));
    return { proceed: true, request: { ...base, resources }, decision, allowed, rejected, resolved: [] };
  };
}

/** Create facts of a mounted resource added to the call's: its lists joined to the call's lists. */
function joinFacts(into: CreateFacts, more: CreateFacts): CreateFacts {
  const out: Record<string, unknown> = { ...into };
  for (const [key, value] of Object.entries(more)) {
    if (Array.isArray(value)) {
      const mine = out[key];
      out[key] = [...(Array.isArray(mine) ? mine : []), ...value];
    }
  }
  return out as CreateFacts;
}

/** The resource and those it belongs to (e.g. a container's compose project): the policy judges them all. */
export function toPolicyResources(
  resource: ResolvedResource,
): NonNullable<DecisionRequest["resources"]>[number][] {
  const main = {
    kind: resource.kind,
    names: resource.names,
    ...(resource.id ? { id: resource.id } : {}),
    ...(resource.image ? { image: resource.image } : {}),
    ...(resource.images ? { images: resource.images } : {}),
  };
  return [main, ...(resource.related ?? []).map((r) => ({ kind: r.kind, names: r.names }))];
}

export function reasonText(decision: Decision): string {
  return decision.reasons.map((r) => r.message).join(" ");
}

/** Reasons that are about a resource's identity (its names, image, project) rather than the call. */
const IDENTITY_CODES = new Set(["blacklisted", "not_whitelisted", "image_blacklisted", "unnamed"]);

/**
 * Whether the caller named the resource by ID or ID prefix, not by one of its names. Only a resolved
 * resource has an ID: a bare name (a resource about to be created, perhaps unnamed) is never anonymous.
 */
function addressedAnonymously(resource: ResolvedResource): resource is ResolvedResource & { ref: string } {
  // An empty reference (a container created without a name) names nothing, so it hides nothing.
  return (
    resource.id !== undefined &&
    resource.ref !== undefined &&
    resource.ref !== "" &&
    !resource.names.includes(resource.ref.replace(/^\//, ""))
  );
}

/**
 * The reasons of a denial as the caller may read them. A resource the caller named by ID or ID prefix
 * stays as anonymous as the caller left it: a reason about its identity becomes "protected by the
 * policy" with the list that decided, never its names, its image or the pattern that matched (which
 * may be the name itself); the audit line keeps them all.
 */
export function denialText(decision: Decision, resources: readonly ResolvedResource[]): string {
  const anonymous = resources.filter(addressedAnonymously);
  if (anonymous.length === 0) return reasonText(decision);
  const texts: string[] = [];
  for (const reason of decision.reasons) {
    if (!IDENTITY_CODES.has(reason.code)) {
      texts.push(hideIdentities(reason.message, resources));
      continue;
    }
    const about = anonymous.filter((resource) => mentions(reason.message, resource));
    if (about.length === 0) {
      texts.push(hideIdentities(reason.message, resources));
      continue;
    }
    for (const resource of about) {
      const list = /\b(?:permissions\.)?((?:black|white)list_[a-z_]+)/.exec(reason.message)?.[1];
      const text = `${capitalize(resource.kind.replace(/_/g, " "))} "${resource.ref}" is protected by the policy${list ? ` (permissions.${list})` : ""}. Named by ID, its names and the rule's pattern are not shown.`;
      // Built from the caller's own reference: nothing in it to hide.
      if (!texts.includes(text)) texts.push(text);
    }
  }
  return texts.join(" ");
}

/** Whether a policy message is about this resource: the policy quotes every name and image it mentions. */
function mentions(message: string, resource: ResolvedResource): boolean {
  const quoted = [
    ...resource.names,
    ...(resource.related ?? []).flatMap((r) => r.names),
    ...(resource.image ? [resource.image] : []),
    ...(resource.images ?? []),
  ];
  return quoted.some((name) => message.includes(`"${name}"`)) || resource.names.length === 0;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A denied resource the caller named by ID or ID prefix stays as anonymous as the caller left it: its
 * names, ID and image are replaced by the reference the caller gave (the audit line keeps them all).
 */
export function hideIdentities(text: string, resources: readonly ResolvedResource[]): string {
  let out = text;
  for (const resource of resources) {
    const ref = resource.ref;
    if (ref === undefined || resource.names.includes(ref.replace(/^\//, ""))) continue;
    // The policy quotes every name and image it mentions.
    for (const name of resource.names) out = out.split(`"${name}"`).join(`"${ref}"`);
    if (resource.id) out = out.split(resource.id.slice(0, 12)).join(ref);
    for (const image of [resource.image, ...(resource.images ?? [])]) {
      if (image) out = out.split(`"${image}"`).join("(not shown)");
    }
  }
  return out;
}
