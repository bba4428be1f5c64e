import { type CallResult, EVERY_HOST, type Kernel } from "@arktechnwa/docker-mcp-core";
import {
  ErrorCode,
  McpError,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
} from "@modelcontextprotocol/sdk/types.js";

/**
 * MCP resources are views on tool calls: every read runs the kernel's pipeline (levels, resolution,
 * policy, deadline, masking, audit) through the tool that shows the same thing. There is no second
 * policy path: what a tool may not show, no resource shows.
 */
interface ContainerView {
  view: "logs" | "inspect" | "stats";
  tool: string;
  args: (container: string) => Record<string, unknown>;
  mimeType: string;
  title: string;
  description: string;
}

const CONTAINER_VIEWS: readonly ContainerView[] = [
  {
    view: "logs",
    tool: "docker_logs",
    args: (container) => ({ container, tail: 200 }),
    mimeType: "text/plain",
    title: "Container logs",
    description: "The last 200 log lines of a container (stdout and stderr marked, secrets masked).",
  },
  {
    view: "inspect",
    tool: "docker_inspect",
    args: (container) => ({ container }),
    mimeType: "application/json",
    title: "Container details",
    description: "A container's configuration, state, network and mounts (secret values masked).",
  },
  {
    view: "stats",
    tool: "docker_stats",
    args: (container) => ({ container }),
    mimeType: "application/json",
    title: "Container resource usage",
    description: "A container's CPU, memory, network and disk I/O right now.",
  },
];

export const DAEMON_HEALTH_URI = "docker://daemon/health";
const CONTAINER_URI = /^docker:\/\/containers\/([^/]+)\/(logs|inspect|stats)$/;
/** With several hosts: the same views on a named host. */
const HOST_CONTAINER_URI = /^docker:\/\/hosts\/([^/]+)\/containers\/([^/]+)\/(logs|inspect|stats)$/;
const HOST_HEALTH_URI = /^docker:\/\/hosts\/([^/]+)\/daemon\/health$/;
/** The tools the daemon's health resource is read through. */
const HEALTH_TOOL = "docker_health";
const ANOMALIES_TOOL = "docker_anomalies";

/** A container of one host, as docker_ps showed it. */
export interface HostContainer {
  host: string | undefined;
  name: string;
}

export function resourceTemplates(kernel: Kernel): ResourceTemplate[] {
  const several = kernel.hosts.length > 1;
  const templates: ResourceTemplate[] = CONTAINER_VIEWS.map((v) => ({
    uriTemplate: `docker://containers/{container}/${v.view}`,
    name: `container-${v.view}`,
    title: v.title,
    description: `${v.description} Read through ${v.tool}, under the same policy${several ? `, on the default host "${kernel.hosts[0]}"` : ""}.`,
    mimeType: v.mimeType,
  }));
  if (!several) return templates;
  return [
    ...templates,
    ...CONTAINER_VIEWS.map((v) => ({
      uriTemplate: `docker://hosts/{host}/containers/{container}/${v.view}`,
      name: `host-container-${v.view}`,
      title: `${v.title} (on a named host)`,
      description: `${v.description} Read through ${v.tool} on the host named (${kernel.hosts.join(", ")}), under that host's policy.`,
      mimeType: v.mimeType,
    })),
    {
      uriTemplate: "docker://hosts/{host}/daemon/health",
      name: "host-daemon-health",
      title: "Docker daemon health (on a named host)",
      description:
        "Whether the host's daemon answers (docker_health) and its containers near trouble (docker_anomalies), under that host's policy.",
      mimeType: "application/json",
    },
  ];
}

/**
 * The containers the policy lets the caller see, by name (through docker_ps): on the host named (the
 * default without one), or with host "*" on every host, each name with its host and decided by that
 * host's policy. A host that does not answer adds nothing.
 */
export async function visibleContainers(
  kernel: Kernel,
  signal?: AbortSignal,
  host?: string,
): Promise<HostContainer[]> {
  const result = await kernel.call(
    "docker_ps",
    { all: true, limit: 1000, ...(host !== undefined ? { host } : {}) },
    signal ? { signal } : {},
  );
  if (result.isError) return [];
  const rows = (result.structured?.["containers"] ?? []) as { name?: unknown; host?: unknown }[];
  return rows.flatMap((row) =>
    typeof row.name === "string"
      ? [{ host: typeof row.host === "string" ? row.host : host, name: row.name }]
      : [],
  );
}

/** The names of the containers the policy lets the caller see on one host (the default without one). */
export async function visibleContainerNames(
  kernel: Kernel,
  signal?: AbortSignal,
  host?: string,
): Promise<string[]> {
  return (await visibleContainers(kernel, signal, host)).map((c) => c.name);
}

/** The compose projects the policy lets the caller see (through docker_compose_ps), by name. */
export async function visibleComposeProjects(
  kernel: Kernel,
  signal?: AbortSignal,
  host?: string,
): Promise<string[]> {
  if (!kernel.tools.some((t) => t.manifest.name === "docker_compose_ps")) return [];
  const result = await kernel.call(
    "docker_compose_ps",
    host !== undefined ? { host } : {},
    signal ? { signal } : {},
  );
  if (result.isError) return [];
  const rows = (result.structured?.["projects"] ?? []) as { project?: unknown }[];
  return rows.map((row) => row.project).filter((name): name is string => typeof name === "string");
}

/**
 * resources/list: the daemon's health and, for each visible container, its logs and details. With
 * several hosts, every host's (one docker_ps call over all of them), each under its host's URI and
 * decided by that host's policy.
 */
export async function listResources(kernel: Kernel, signal?: AbortSignal): Promise<Resource[]> {
  const several = kernel.hosts.length > 1;
  const resources: Resource[] = [];
  for (const host of several ? kernel.hosts : [undefined]) {
    if (!kernel.enabledTools(host).some((t) => t.manifest.name === HEALTH_TOOL)) continue;
    resources.push({
      uri: host === undefined ? DAEMON_HEALTH_URI : hostHealthUri(host),
      name: host === undefined ? "daemon-health" : `${host} daemon-health`,
      title: host === undefined ? "Docker daemon health" : `Docker daemon health: host ${host}`,
      description:
        "Whether the daemon answers (docker_health: latency, versions, circuit breaker) and containers near trouble (docker_anomalies).",
      mimeType: "application/json",
    });
  }
  for (const { host, name } of await visibleContainers(kernel, signal, several ? EVERY_HOST : undefined)) {
    for (const v of CONTAINER_VIEWS.filter((view) => view.view !== "stats")) {
      resources.push({
        uri: containerUri(name, v.view, several ? host : undefined),
        name: several ? `${host} ${name} ${v.view}` : `${name} ${v.view}`,
        title: `${v.title}: ${name}${several ? ` on ${host}` : ""}`,
        mimeType: v.mimeType,
      });
    }
  }
  return resources;
}

/** A container's view; with a host, on that host (`docker://hosts/{host}/containers/...`). */
export function containerUri(container: string, view: ContainerView["view"], host?: string): string {
  const path = `containers/${encodeURIComponent(container)}/${view}`;
  return host === undefined ? `docker://${path}` : `docker://hosts/${encodeURIComponent(host)}/${path}`;
}

function hostHealthUri(host: string): string {
  return `docker://hosts/${encodeURIComponent(host)}/daemon/health`;
}

/** resources/read, through the tool that shows the same thing (on the URI's host, if it names one). */
export async function readResource(
  kernel: Kernel,
  uri: string,
  signal?: AbortSignal,
): Promise<ReadResourceResult> {
  if (uri === DAEMON_HEALTH_URI) return readDaemonHealth(kernel, uri, undefined, signal);
  // Host URIs exist only with several hosts (one host takes no host argument).
  const several = kernel.hosts.length > 1;
  const health = several ? HOST_HEALTH_URI.exec(uri) : null;
  if (health) return readDaemonHealth(kernel, uri, decoded(health[1] as string, "host"), signal);
  const onHost = several ? HOST_CONTAINER_URI.exec(uri) : null;
  const plain = onHost ? null : CONTAINER_URI.exec(uri);
  const [ref, viewName] = onHost ? [onHost[2], onHost[3]] : plain ? [plain[1], plain[2]] : [];
  const view = CONTAINER_VIEWS.find((v) => v.view === viewName);
  if (ref === undefined || !view) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Unknown resource ${JSON.stringify(uri.slice(0, 200))}: use ${DAEMON_HEALTH_URI} or docker://containers/{container}/logs|inspect|stats${several ? ", or docker://hosts/{host}/daemon/health and docker://hosts/{host}/containers/{container}/logs|inspect|stats" : ""} (resources/templates/list).`,
    );
  }
  const container = decoded(ref, "container");
  const host = onHost ? decoded(onHost[1] as string, "host") : undefined;
  const result = await kernel.call(
    view.tool,
    { ...view.args(container), ...(host !== undefined ? { host } : {}) },
    signal ? { signal } : {},
  );
  if (result.isError) throw callError(result);
  const text = view.mimeType === "text/plain" ? result.text : JSON.stringify(result.structured, null, 2);
  return { contents: [{ uri, mimeType: view.mimeType, text }] };
}

function decoded(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new McpError(ErrorCode.InvalidParams, `The ${what} name in the URI is not valid percent-encoding.`);
  }
}

async function readDaemonHealth(
  kernel: Kernel,
  uri: string,
  host: string | undefined,
  signal?: AbortSignal,
): Promise<ReadResourceResult> {
  const options = signal ? { signal } : {};
  const on = host !== undefined ? { host } : {};
  const health = await kernel.call(HEALTH_TOOL, on, options);
  if (health.isError) throw callError(health);
  const answer: Record<string, unknown> = { ...health.structured };
  // Containers near trouble only when the daemon answers: otherwise that call would wait for its deadline.
  if (answer["answering"] === true && kernel.tools.some((t) => t.manifest.name === ANOMALIES_TOOL)) {
    const anomalies = await kernel.call(ANOMALIES_TOOL, on, options);
    answer["anomalies"] = anomalies.isError ? { error: anomalies.text } : anomalies.structured;
  }
  return { contents: [{ uri, mimeType: "application/json", text: JSON.stringify(answer, null, 2) }] };
}

/** A tool's error answer as a JSON-RPC error: not found is the resource error code, the rest bad params. */
export function callError(result: CallResult): McpError {
  const code = result.code === "not_found" ? -32002 : ErrorCode.InvalidParams;
  return new McpError(code, result.text);
}
