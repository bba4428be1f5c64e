import { realpath } from "node:fs/promises";
import {
  inheritedFacts,
  mergeCreateFacts,
  mountedVolumes,
  withRealBindsOnLocalDaemon,
} from "@arktechnwa/docker-kit";
import {
  type CreateFacts,
  type ResolvedResource,
  type ToolContext,
  ToolError,
} from "@arktechnwa/docker-mcp-core";
import type { ComposeDeps } from "./deps.js";
import type { ProjectPlan, ServicePlan } from "./project-plan.js";

export interface JudgeOptions {
  /** The caller asked for a build (`--build`); else nothing is built (`--no-build`). */
  build: boolean;
  /** Images that are not local will be pulled by `up`: that needs the images level. */
  checkPulls: boolean;
}

export interface JudgedService {
  service: string;
  image: string;
  /** The image is not local and up will pull it. */
  pulls: boolean;
  builds: boolean;
}

/** An image by any of its names: a local image answers to all its tags, so the image lists hold. */
async function imageResource(deps: ComposeDeps, image: string, signal: AbortSignal) {
  const local = await deps.engine.inspectImage(image, signal).catch(() => undefined);
  const names = [...new Set([image, ...(local?.tags ?? []), ...(local?.digests ?? [])])];
  return {
    resource: { kind: "image", names, ...(local ? { id: local.id } : {}) } as ResolvedResource,
    local,
  };
}

/** A container another one joins (`container:<ref>`), by every name it really has. */
async function joinedResource(
  deps: ComposeDeps,
  ref: string,
  signal: AbortSignal,
): Promise<ResolvedResource> {
  const identity = await deps.engine.resolveContainer(ref, signal).catch(() => undefined);
  return identity
    ? { kind: "container", id: identity.id, names: identity.names, image: identity.image }
    : { kind: "container", names: [ref] };
}

/**
 * Judges every service of the plan with the policy, before anything runs: the containers it will
 * create (every name, with the image and the project), the image by all its tags, its settings
 * through create_safety, its named volumes and networks, the containers it joins, and (for a build)
 * the images level and the build context. All refusals are collected, so one answer names them all.
 */
export async function judgePlan(
  deps: ComposeDeps,
  ctx: ToolContext,
  plan: ProjectPlan,
  options: JudgeOptions,
): Promise<JudgedService[]> {
  const refusals: string[] = [...plan.volumeProblems];
  const judged: JudgedService[] = [];
  // Volumes whose driver options bind a host path are judged as those binds (up creates them all).
  if (plan.volumeDrivers.length > 0) {
    const d = ctx.authorize({
      subject: `volumes of ${plan.project}`,
      create: { volumeDrivers: plan.volumeDrivers.map((v) => v.driver) },
    });
    if (!d.allowed) {
      const names = plan.volumeDrivers.map((v) => v.volume).join(", ");
      refusals.push(...d.reasons.map((r) => `volume ${names}: ${r.message}`));
    }
  }
  if (plan.volumeBinds.length > 0) {
    const create = await realBinds(deps, { mounts: plan.volumeBinds.map((b) => b.mount) });
    const d = ctx.authorize({ subject: `volumes of ${plan.project}`, create });
    if (!d.allowed) {
      const names = plan.volumeBinds.map((b) => b.volume).join(", ");
      refusals.push(
        ...d.reasons.map((r) => `volume ${names} (driver options bind a host path): ${r.message}`),
      );
    }
  }
  for (const service of plan.plans) {
    const why = await judgeService(deps, ctx, plan, service, options);
    if (why.refusals.length > 0)
      refusals.push(...why.refusals.map((r) => `service ${service.service}: ${r}`));
    else judged.push(why.judged);
  }
  if (refusals.length > 0) {
    throw new ToolError(
      "denied",
      `Denied by policy: compose project ${plan.project} would create what the policy refuses, so nothing was run.\n- ${refusals.join("\n- ")}\n` +
        "Leave the service out with `services` (if nothing else depends on it), or change the policy.",
    );
  }
  return judged;
}

/**
 * What a service really gets: its own settings, what it inherits from the containers it joins
 * (`network_mode`/`pid`/`ipc: container:X` where X uses the host's namespace; `volumes_from` X's binds
 * and named volumes), and every named volume that exists already as the daemon's record says (a volume
 * created outside docker-mcp as a bind of /etc is a bind of /etc). Bind sources by their real paths too.
 */
async function serviceFacts(
  deps: ComposeDeps,
  service: ServicePlan,
  signal: AbortSignal,
): Promise<CreateFacts> {
  const inherited =
    service.joinVia.length > 0 ? await inheritedFacts(deps.engine, service.joinVia, signal) : {};
  const records = await mountedVolumes(deps.engine, service.volumeUses, signal);
  const create = mergeCreateFacts(mergeCreateFacts(service.create, inherited), records.facts);
  return await realBinds(deps, create);
}

/** On a daemon that shares this machine's filesystem, every bind source is judged by its real path too. */
async function realBinds(deps: ComposeDeps, create: CreateFacts): Promise<CreateFacts> {
  return await withRealBindsOnLocalDaemon(deps.connection?.host ?? deps.engine.endpoint, create);
}

async function judgeService(
  deps: ComposeDeps,
  ctx: ToolContext,
  plan: ProjectPlan,
  service: ServicePlan,
  options: JudgeOptions,
): Promise<{ refusals: string[]; judged: JudgedService }> {
  const refusals = [...service.problems];
  const { resource: image, local } = await imageResource(deps, service.image, ctx.signal);
  const builds = service.buildContext !== undefined && (options.build || !local);
  const project = [{ kind: "compose_project", names: [plan.project] }];
  const resources: ResolvedResource[] = [
    ...service.containerNames.map((name) => ({
      kind: "container",
      names: [name],
      image: service.image,
      related: project,
    })),
    image,
    ...service.volumes.map((name) => ({ kind: "volume", names: [name] })),
    ...service.networks.map((name) => ({ kind: "network", names: [name] })),
    ...(await Promise.all(service.joins.map((ref) => joinedResource(deps, ref, ctx.signal)))),
  ];
  const create = await serviceFacts(deps, service, ctx.signal);
  const collect = (subject: string, d: { allowed: boolean; reasons: { message: string }[] }) => {
    if (!d.allowed) refusals.push(...d.reasons.map((r) => r.message));
    return subject;
  };
  collect(
    `service ${service.service}`,
    ctx.authorize({ subject: `service ${service.service}`, resources, create }),
  );
  if (builds) {
    if (!options.build) {
      refusals.push(
        `its image ${service.image} is not local and would have to be built: pass build: true to build it`,
      );
    } else {
      const context = await realpath(service.buildContext as string).catch(
        () => service.buildContext as string,
      );
      collect(
        `build of service ${service.service}`,
        ctx.authorize({
          subject: `build of service ${service.service}`,
          levels: ["images"],
          build: { context },
        }),
      );
    }
  } else if (!local && options.checkPulls) {
    collect(
      `pull of ${service.image}`,
      ctx.authorize({ subject: `pull of ${service.image}`, levels: ["images"] }),
    );
  }
  return {
    refusals: [...new Set(refusals)],
    judged: { service: service.service, image: service.image, pulls: !local && !builds, builds },
  };
}
