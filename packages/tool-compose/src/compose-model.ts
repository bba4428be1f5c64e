import { type MountSpec, parseVolumeSpec, ToolError } from "@arktechnwa/docker-mcp-core";
import { parse as parseYaml } from "yaml";

/**
 * One mount of a service, whichever syntax the CLI printed: v1 short strings go through the policy's
 * own `-v` parser, v2 long objects become the same shape. tmpfs mounts touch no host path and are left out.
 */
export type ServiceMount = MountSpec;

/** A service of the resolved model, reduced to what the policy judges and the tools report. */
export interface ComposeService {
  name: string;
  image?: string;
  /** Build context (absolute after `config`), when the service has a build section. */
  buildContext?: string;
  containerName?: string;
  /** How many containers `up` makes (scale, deploy.replicas; at least 1). */
  replicas: number;
  privileged: boolean;
  networkMode?: string;
  pid?: string;
  ipc?: string;
  uts?: string;
  usernsMode?: string;
  capAdd: string[];
  devices: string[];
  securityOpt: string[];
  /** `cgroup: host|private` (compose's name for the cgroup namespace mode). */
  cgroup?: string;
  cgroupParent?: string;
  /** `name=value` entries, from a mapping or a list. */
  sysctls: string[];
  runtime?: string;
  /** GPU and other device requests (`gpus`, `deploy.resources.reservations.devices`), described. */
  deviceRequests: string[];
  /** Containers outside the project it links to (`external_links`): it reads their environment. */
  externalLinks: string[];
  mounts: ServiceMount[];
  /** Mounts in a form that cannot be judged, with why: the call is refused for them. */
  unreadableMounts: string[];
  /** Other settings docker-mcp cannot judge (a `provider` plugin the CLI would run): each refuses. */
  unjudged: string[];
  volumesFrom: string[];
  /** Network keys the service joins (empty: the project's default network, unless a network_mode). */
  networks: string[];
  /** Services this one needs started first (depends_on, links, service: namespaces). */
  dependsOn: string[];
  environment: Record<string, string>;
  /** Names of top-level secrets and configs it uses. */
  secrets: string[];
  configs: string[];
  healthcheck: boolean;
}

/** A top-level volume, network, secret or config. */
export interface ComposeTopLevel {
  /** The name Docker knows it by, if the model says (`name:`, or `external.name`). */
  name?: string;
  external: boolean;
  /** For secrets and configs read from a host file. */
  file?: string;
  /** For secrets and configs taken from the environment. */
  environment?: string;
  /** For volumes: the driver and its options (a `local` volume may really be a bind of a host path). */
  driver?: string;
  driverOpts?: Record<string, string>;
}

export interface ComposeModel {
  /** The project name, when the model carries it (v2 prints `name:`). */
  name?: string;
  services: ComposeService[];
  volumes: Record<string, ComposeTopLevel>;
  networks: Record<string, ComposeTopLevel>;
  secrets: Record<string, ComposeTopLevel>;
  configs: Record<string, ComposeTopLevel>;
  /** The model as parsed, for docker_compose_config. */
  raw: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const text = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
const list = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap((x) => text(x) ?? []) : []);
/** A list, or the keys of a mapping (networks, depends_on and secrets come in both forms). */
const keysOrList = (v: unknown): string[] =>
  isObj(v)
    ? Object.keys(v)
    : Array.isArray(v)
      ? v.flatMap((x) => (isObj(x) ? (text(x["source"]) ?? []) : (text(x) ?? [])))
      : [];

/** Parses the output of `compose config` (YAML from v1 and older v2, JSON with `--format json`). */
export function parseComposeConfig(output: string, format: "yaml" | "json"): ComposeModel {
  let doc: unknown;
  try {
    doc = format === "json" ? JSON.parse(output) : parseYaml(output, { maxAliasCount: 1000 });
  } catch (error) {
    throw new ToolError(
      "compose_failed",
      `The compose CLI printed a model docker-mcp cannot read (${(error as Error).message.split("\n")[0]}). Check the compose file with \`compose config\`.`,
    );
  }
  if (!isObj(doc) || !isObj(doc["services"])) {
    throw new ToolError("compose_failed", "The compose model has no services. Check the compose file.");
  }
  const services = Object.entries(doc["services"]).map(([name, value]) =>
    toService(name, isObj(value) ? value : {}),
  );
  return {
    ...(text(doc["name"]) ? { name: text(doc["name"]) as string } : {}),
    services,
    volumes: topLevel(doc["volumes"]),
    networks: topLevel(doc["networks"]),
    secrets: topLevel(doc["secrets"]),
    configs: topLevel(doc["configs"]),
    raw: doc,
  };
}

function topLevel(v: unknown): Record<string, ComposeTopLevel> {
  const out: Record<string, ComposeTopLevel> = {};
  if (!isObj(v)) return out;
  for (const [key, value] of Object.entries(v)) {
    const entry = isObj(value) ? value : {};
    const external = entry["external"];
    const externalName = isObj(external) ? text(external["name"]) : undefined;
    const name = text(entry["name"]) ?? externalName;
    out[key] = {
      external: external === true || isObj(external),
      ...(name ? { name } : {}),
      ...(text(entry["file"]) ? { file: text(entry["file"]) as string } : {}),
      ...(text(entry["environment"]) ? { environment: text(entry["environment"]) as string } : {}),
      ...(text(entry["driver"]) ? { driver: text(entry["driver"]) as string } : {}),
      ...(isObj(entry["driver_opts"]) ? { driverOpts: stringValues(entry["driver_opts"]) } : {}),
    };
  }
  return out;
}

function stringValues(v: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    const t = text(value);
    if (t !== undefined) out[k] = t;
  }
  return out;
}

function toService(name: string, s: Obj): ComposeService {
  const build = s["build"];
  const buildContext = isObj(build) ? (text(build["context"]) ?? ".") : text(build);
  const deploy = isObj(s["deploy"]) ? s["deploy"] : {};
  const replicas = Math.max(1, Number(s["scale"] ?? 0) || 0, Number(deploy["replicas"] ?? 0) || 0);
  const mounts: ServiceMount[] = [];
  const unreadableMounts: string[] = [];
  for (const v of Array.isArray(s["volumes"]) ? s["volumes"] : []) {
    const read = toMount(v);
    if ("mount" in read) {
      if (read.mount) mounts.push(read.mount);
    } else unreadableMounts.push(read.problem);
  }
  // `use_api_socket` (compose 2.36+) binds the daemon's socket (and the CLI's credentials) into the
  // container: judged as the bind of the socket it is.
  if (s["use_api_socket"] === true)
    mounts.push({
      type: "bind",
      source: "/var/run/docker.sock",
      target: "/var/run/docker.sock",
      readOnly: false,
      options: [],
    });
  const unjudged: string[] = [];
  // A provider service is run by a plugin program on the host, with options only it understands.
  if (s["provider"] !== undefined && s["provider"] !== null)
    unjudged.push("it is run by a provider plugin on the host, which docker-mcp cannot judge");
  const dependsOn = new Set([
    ...keysOrList(s["depends_on"]),
    ...list(s["links"]).map((l) => l.split(":")[0] ?? l),
  ]);
  for (const mode of [s["network_mode"], s["pid"], s["ipc"]]) {
    const m = /^service:(.+)$/.exec(text(mode) ?? "");
    if (m?.[1]) dependsOn.add(m[1]);
  }
  for (const from of list(s["volumes_from"])) {
    if (!from.startsWith("container:"))
      dependsOn.add((from.startsWith("service:") ? from.slice(8) : from).split(":")[0] ?? from);
  }
  const healthcheck = isObj(s["healthcheck"]) && s["healthcheck"]["disable"] !== true;
  return {
    name,
    ...(text(s["image"]) ? { image: text(s["image"]) as string } : {}),
    ...(buildContext !== undefined ? { buildContext } : {}),
    ...(text(s["container_name"]) ? { containerName: text(s["container_name"]) as string } : {}),
    replicas,
    // A lifecycle hook (compose 2.30+) with `privileged: true` runs with every capability in the container.
    privileged:
      s["privileged"] === true ||
      [s["post_start"], s["pre_stop"]].some(
        (hooks) => Array.isArray(hooks) && hooks.some((h) => isObj(h) && h["privileged"] === true),
      ),
    ...(text(s["network_mode"]) ? { networkMode: text(s["network_mode"]) as string } : {}),
    ...(text(s["pid"]) ? { pid: text(s["pid"]) as string } : {}),
    ...(text(s["ipc"]) ? { ipc: text(s["ipc"]) as string } : {}),
    ...(text(s["uts"]) ? { uts: text(s["uts"]) as string } : {}),
    ...(text(s["userns_mode"]) ? { usernsMode: text(s["userns_mode"]) as string } : {}),
    capAdd: list(s["cap_add"]),
    // A device cgroup rule lets the container mknod and open host devices (with the default MKNOD
    // capability, `b 8:* rwm` is the host's disks): it is a device grant like `devices`.
    devices: [
      ...(Array.isArray(s["devices"]) ? s["devices"] : []).map((d) =>
        isObj(d) ? `${text(d["source"]) ?? ""}:${text(d["target"]) ?? ""}` : (text(d) ?? ""),
      ),
      ...list(s["device_cgroup_rules"]).map((r) => `device cgroup rule ${r}`),
    ],
    securityOpt: list(s["security_opt"]),
    ...(text(s["cgroup"]) ? { cgroup: text(s["cgroup"]) as string } : {}),
    ...(text(s["cgroup_parent"]) ? { cgroupParent: text(s["cgroup_parent"]) as string } : {}),
    sysctls: isObj(s["sysctls"])
      ? Object.entries(s["sysctls"]).map(([k, v]) => `${k}=${text(v) ?? ""}`)
      : list(s["sysctls"]),
    ...(text(s["runtime"]) ? { runtime: text(s["runtime"]) as string } : {}),
    deviceRequests: deviceRequestsOf(s, deploy),
    externalLinks: list(s["external_links"]).map((l) => l.split(":")[0] ?? l),
    mounts,
    unreadableMounts,
    unjudged,
    volumesFrom: list(s["volumes_from"]),
    networks: keysOrList(s["networks"]),
    dependsOn: [...dependsOn].filter((d) => d !== name),
    environment: environmentOf(s["environment"]),
    secrets: keysOrList(s["secrets"]),
    configs: keysOrList(s["configs"]),
    healthcheck,
  };
}

/**
 * Device requests in every form compose takes: `gpus: all` or a list (compose 2.30+), and
 * `deploy.resources.reservations.devices` (`capabilities: [gpu]`, `driver`, `count`, `device_ids`).
 * Each becomes a short description; any one is a request for host devices.
 */
function deviceRequestsOf(s: Obj, deploy: Obj): string[] {
  const out: string[] = [];
  const describe = (d: unknown): string => {
    if (!isObj(d)) return `gpus ${text(d) ?? JSON.stringify(d)}`;
    const parts = [
      text(d["driver"]) ?? "",
      list(d["capabilities"]).join(","),
      d["count"] !== undefined ? `count=${text(d["count"]) ?? "?"}` : "",
      list(d["device_ids"]).length ? `ids=${list(d["device_ids"]).join(",")}` : "",
    ];
    return parts.filter((p) => p !== "").join(" ") || "device request";
  };
  const gpus = s["gpus"];
  if (gpus !== undefined && gpus !== null) {
    if (Array.isArray(gpus)) out.push(...gpus.map(describe));
    else out.push(describe(gpus));
  }
  const resources = isObj(deploy["resources"]) ? deploy["resources"] : {};
  const reservations = isObj(resources["reservations"]) ? resources["reservations"] : {};
  if (Array.isArray(reservations["devices"])) out.push(...reservations["devices"].map(describe));
  return out;
}

/** `environment` as a mapping or a KEY=VALUE list; a key without value has none to mask. */
function environmentOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) {
    for (const [k, value] of Object.entries(v)) {
      const t = text(value);
      if (t !== undefined) out[k] = t;
    }
  } else {
    for (const entry of list(v)) {
      const i = entry.indexOf("=");
      if (i > 0) out[entry.slice(0, i)] = entry.slice(i + 1);
    }
  }
  return out;
}

/**
 * A mount from the model. v1 prints `docker run -v` strings (host paths made absolute by `config`),
 * read by the policy's own parser; v2 prints long objects ({type, source, target, read_only}).
 * `{ mount: undefined }`: a tmpfs, which touches no host path.
 */
export function toMount(v: unknown): { mount: ServiceMount | undefined } | { problem: string } {
  if (typeof v === "string") {
    const parsed = parseVolumeSpec(v);
    return parsed.ok ? { mount: parsed.mount } : { problem: parsed.problem };
  }
  if (!isObj(v)) return { problem: `the volume entry ${JSON.stringify(v)} cannot be read` };
  const target = text(v["target"]);
  const type = text(v["type"]);
  const source = text(v["source"]);
  if (type === "tmpfs") return { mount: undefined };
  if (!target?.startsWith("/"))
    return { problem: `the ${type ?? ""} mount ${JSON.stringify(v)} has no absolute target` };
  const readOnly = v["read_only"] === true;
  const base = { target, readOnly, options: readOnly ? ["ro"] : [] };
  if (type === "bind" || type === "npipe") {
    if (!source?.startsWith("/"))
      return { problem: `the bind mount source '${source ?? ""}' is not an absolute path` };
    return { mount: { type: "bind", source, ...base } };
  }
  if (type === "volume")
    return { mount: source ? { type: "volume", source, ...base } : { type: "anonymous", ...base } };
  return { problem: `the mount at ${target} has type '${type ?? "?"}', which docker-mcp cannot judge` };
}
