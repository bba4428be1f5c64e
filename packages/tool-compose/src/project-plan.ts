import { type CreateFacts, type MountFacts, ToolError, volumeDriverMount } from "@arktechnwa/docker-mcp-core";
import type { ComposeModel, ComposeService } from "./compose-model.js";
import type { ComposeFeatures } from "./compose-version.js";

/** What one service will create, in the terms the policy judges. */
export interface ServicePlan {
  service: string;
  /** Every container name `up` gives it (container_name, or project/service/index per replica). */
  containerNames: string[];
  /** The image it runs (for a build without `image:`, the name compose gives the built image). */
  image: string;
  /** Build context, when the service is built. */
  buildContext?: string;
  create: CreateFacts;
  /** Named volumes and networks, by the names Docker will know them. */
  volumes: string[];
  /** Each named volume with where it is mounted: an existing one is judged by its record on the daemon. */
  volumeUses: { name: string; target: string }[];
  networks: string[];
  /**
   * Other containers it joins (network_mode/pid/ipc/volumes_from `container:<ref>`) or links to
   * (`external_links`: it reads their environment): each is judged as a container the call acts on.
   */
  joins: string[];
  /** The same, with what each join shares: it inherits that container's namespace or mounts. */
  joinVia: { ref: string; via: "network" | "pid" | "ipc" | "volumes" }[];
  /** Facts that cannot be judged (e.g. a relative bind source): the plan is refused for them. */
  problems: string[];
}

export interface ProjectPlan {
  project: string;
  /** The services `up` will touch: those asked for and everything they depend on. */
  selected: string[];
  plans: ServicePlan[];
  /**
   * The project's own volumes whose driver options bind a host path (`up` creates every one, used or
   * not), judged as binds; and those whose options cannot be judged.
   */
  volumeBinds: { volume: string; mount: MountFacts }[];
  /** The project's own volumes of a plugin driver with options: judged by create_safety.allowed_volume_drivers. */
  volumeDrivers: { volume: string; driver: string }[];
  volumeProblems: string[];
}

const MAX_REPLICA_NAMES = 100;

/** The services asked for, with everything they need started first; unknown names are reported. */
export function selectServices(
  model: ComposeModel,
  requested: string[] | undefined,
): { selected: string[]; unknown: string[] } {
  const byName = new Map(model.services.map((s) => [s.name, s]));
  if (!requested || requested.length === 0) return { selected: [...byName.keys()].sort(), unknown: [] };
  const unknown = requested.filter((r) => !byName.has(r));
  const selected = new Set<string>();
  const visit = (name: string) => {
    if (selected.has(name) || !byName.has(name)) return;
    selected.add(name);
    for (const dep of byName.get(name)?.dependsOn ?? []) visit(dep);
  };
  requested.forEach(visit);
  return { selected: [...selected].sort(), unknown };
}

/**
 * `selectServices` for a tool: a requested service the project does not have is bad input, answered
 * with the services it has. `quote` shows each unknown name (up quotes them: a name may look like a flag).
 */
export function selectKnownServices(
  model: ComposeModel,
  requested: string[] | undefined,
  project: string,
  quote: (name: string) => string = (name) => name,
): string[] {
  const { selected, unknown } = selectServices(model, requested);
  if (unknown.length > 0) {
    throw new ToolError(
      "invalid_input",
      `No service ${unknown.map(quote).join(", ")} in project ${project}; its services are: ${model.services.map((s) => s.name).join(", ")}.`,
    );
  }
  return selected;
}

/** The names Docker gives a top-level volume or network of the project. */
function dockerName(entries: ComposeModel["volumes"], key: string, project: string): string {
  const entry = entries[key];
  if (!entry) return key === "default" ? `${project}_default` : key;
  return entry.name ?? (entry.external ? key : `${project}_${key}`);
}

/** Every container name a service gets from `up`. */
export function containerNames(
  project: string,
  service: ComposeService,
  features: ComposeFeatures,
): string[] {
  if (service.containerName) return [service.containerName];
  const sep = features.separator;
  const count = Math.min(service.replicas, MAX_REPLICA_NAMES);
  return Array.from({ length: count }, (_, i) => `${project}${sep}${service.name}${sep}${i + 1}`);
}

function joined(mode: string | undefined): string | undefined {
  const m = /^container:(.+)$/.exec(mode ?? "");
  return m?.[1];
}

/** Turns each selected service into what the policy judges: names, image, settings, volumes, networks. */
export function planProject(
  model: ComposeModel,
  project: string,
  features: ComposeFeatures,
  selected: string[],
): ProjectPlan {
  const plans: ServicePlan[] = [];
  for (const service of model.services) {
    if (!selected.includes(service.name)) continue;
    const problems = [...service.unreadableMounts, ...service.unjudged];
    // Every name up gives is judged: past the names judged, a blacklisted one could slip through.
    if (!service.containerName && service.replicas > MAX_REPLICA_NAMES)
      problems.push(
        `it asks for ${service.replicas} containers; docker-mcp judges at most ${MAX_REPLICA_NAMES} per service: lower its scale`,
      );
    const mounts: MountFacts[] = [];
    const volumes: string[] = [];
    const volumeUses: ServicePlan["volumeUses"] = [];
    for (const mount of service.mounts) {
      mounts.push(mount);
      if (mount.type !== "volume" || !mount.source) continue;
      const name = dockerName(model.volumes, mount.source, project);
      volumes.push(name);
      volumeUses.push({ name, target: mount.target });
    }
    // File-based secrets and configs are bind mounts of host files into the container.
    for (const [kind, keys, entries, dir] of [
      ["secret", service.secrets, model.secrets, "/run/secrets"],
      ["config", service.configs, model.configs, ""],
    ] as const) {
      for (const key of keys) {
        const file = entries[key]?.file;
        if (file === undefined) continue;
        if (!file.startsWith("/"))
          problems.push(`the ${kind} '${key}' reads '${file}', not an absolute path`);
        else
          mounts.push({
            type: "bind",
            source: file,
            target: `${dir}/${key}`,
            readOnly: true,
            options: ["ro"],
          });
      }
    }
    const networks =
      service.networkMode !== undefined
        ? []
        : (service.networks.length > 0 ? service.networks : ["default"]).map((n) =>
            dockerName(model.networks, n, project),
          );
    const joinVia = (
      [
        [joined(service.networkMode), "network"],
        [joined(service.pid), "pid"],
        [joined(service.ipc), "ipc"],
        ...service.volumesFrom.map((v) => [joined(v)?.split(":")[0], "volumes"] as const),
      ] as const
    ).flatMap(([ref, via]) => (ref ? [{ ref, via }] : []));
    const joins = [...new Set([...joinVia.map((j) => j.ref), ...service.externalLinks])];
    const sep = features.separator;
    const create: CreateFacts = {
      privileged: service.privileged,
      ...(service.networkMode ? { networkMode: service.networkMode } : {}),
      ...(service.pid ? { pidMode: service.pid } : {}),
      ...(service.ipc ? { ipcMode: service.ipc } : {}),
      ...(service.uts ? { utsMode: service.uts } : {}),
      ...(service.usernsMode ? { usernsMode: service.usernsMode } : {}),
      capAdd: service.capAdd,
      devices: service.devices,
      securityOpt: service.securityOpt,
      ...(service.cgroup ? { cgroupnsMode: service.cgroup } : {}),
      ...(service.cgroupParent ? { cgroupParent: service.cgroupParent } : {}),
      ...(service.sysctls.length ? { sysctls: service.sysctls } : {}),
      ...(service.runtime ? { runtime: service.runtime } : {}),
      ...(service.deviceRequests.length ? { deviceRequests: service.deviceRequests } : {}),
      mounts,
    };
    plans.push({
      service: service.name,
      containerNames: containerNames(project, service, features),
      image: service.image ?? `${project}${sep}${service.name}`,
      ...(service.buildContext !== undefined ? { buildContext: service.buildContext } : {}),
      create,
      volumes: [...new Set(volumes)],
      volumeUses,
      networks: [...new Set(networks)],
      joins,
      joinVia,
      problems,
    });
  }
  const volumeBinds: ProjectPlan["volumeBinds"] = [];
  const volumeProblems: string[] = [];
  const volumeDrivers: ProjectPlan["volumeDrivers"] = [];
  for (const [key, entry] of Object.entries(model.volumes)) {
    if (entry.external) continue;
    const real = volumeDriverMount(entry.driver, entry.driverOpts, `/${key}`);
    const volume = dockerName(model.volumes, key, project);
    if (real.kind === "bind") for (const mount of real.mounts) volumeBinds.push({ volume, mount });
    else if (real.kind === "plugin") volumeDrivers.push({ volume, driver: real.driver });
    else if (real.kind === "problem") volumeProblems.push(`volume ${volume}: ${real.problem}`);
  }
  return { project, selected, plans, volumeBinds, volumeDrivers, volumeProblems };
}

/**
 * A project name as compose itself derives it from a directory: lower case, only [a-z0-9_-], starting
 * with a letter or digit (v1 keeps a leading '-' or '_', but such names are refused anyway).
 */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-_a-z0-9]/g, "")
    .replace(/^[-_]+/, "");
}
