import type { CallResult, Kernel } from "@arktechnwa/docker-mcp-core";
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
/** The tools the daemon's health resource is read through. */
const HEALTH_TOOL = "docker_health";
const ANOMALIES_TOOL = "docker_anomalies";

export function resourceTemplates(): ResourceTemplate[] {
  return [
    ...CONTAINER_VIEWS.map((v) => ({
      uriTemplate: `docker://containers/{container}/${v.view}`,
      name: `container-${v.view}`,
      title: v.title,
      description: `${v.description} Read through ${v.tool}, under the same policy.`,
      mimeType: v.mimeType,
    })),
  ];
}

/** The containers the policy lets the caller see, by name (through docker_ps). */
export async function visibleContainerNames(kernel: Kernel, signal?: AbortSignal): Promise<string[]> {
  const result = await kernel.call("docker_ps", { all: true, limit: 1000 }, signal ? { signal } : {});
  if (result.isError) return [];
  const rows = (result.structured?.["containers"] ?? []) as { name?: unknown }[];
  return rows.map((row) => row.name).filter((name): name is string => typeof name === "string");
}

/** The compose projects the policy lets the caller see (through docker_compose_ps), by name. */
export async function visibleComposeProjects(kernel: Kernel, signal?: AbortSignal): Promise<string[]> {
  if (!kernel.tools.some((t) => t.manifest.name === "docker_compose_ps")) return [];
  const result = await kernel.call("docker_compose_ps", {}, signal ? { signal } : {});
  if (result.isError) return [];
  const rows = (result.structured?.["projects"] ?? []) as { project?: unknown }[];
  return rows.map((row) => row.project).filter((name): name is string => typeof name === "string");
}

/** resources/list: the daemon's health and, for each visible container, its logs and details. */
export async function listResources(kernel: Kernel, signal?: AbortSignal): Promise<Resource[]> {
  const resources: Resource[] = [];
  if (kernel.enabledTools().some((t) => t.manifest.name === HEALTH_TOOL)) {
    resources.push({
      uri: DAEMON_HEALTH_URI,
      name: "daemon-health",
      title: "Docker daemon health",
      description:
        "Whether the daemon answers (docker_health: latency, versions, circuit breaker) and containers near trouble (docker_anomalies).",
      mimeType: "application/json",
    });
  }
  for (const name of await visibleContainerNames(kernel, signal)) {
    for (const v of CONTAINER_VIEWS.filter((view) => view.view !== "stats")) {
      resources.push({
        uri: containerUri(name, v.view),
        name: `${name} ${v.view}`,
        title: `${v.title}: ${name}`,
        mimeType: v.mimeType,
      });
    }
  }
  return resources;
}

export function containerUri(container: string, view: ContainerView["view"]): string {
  return `docker://containers/${encodeURIComponent(container)}/${view}`;
}

/** resources/read, through the tool that shows the same thing. */
export async function readResource(
  kernel: Kernel,
  uri: string,
  signal?: AbortSignal,
): Promise<ReadResourceResult> {
  if (uri === DAEMON_HEALTH_URI) return readDaemonHealth(kernel, signal);
  const match = CONTAINER_URI.exec(uri);
  const view = match && CONTAINER_VIEWS.find((v) => v.view === match[2]);
  if (!match || !view) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Unknown resource ${JSON.stringify(uri.slice(0, 200))}: use ${DAEMON_HEALTH_URI} or docker://containers/{container}/logs|inspect|stats (resources/templates/list).`,
    );
  }
  let container: string;
  try {
    container = decodeURIComponent(match[1] as string);
  } catch {
    throw new McpError(
      ErrorCode.InvalidParams,
      "The container name in the URI is not valid percent-encoding.",
    );
  }
  const result = await kernel.call(view.tool, view.args(container), signal ? { signal } : {});
  if (result.isError) throw callError(result);
  const text = view.mimeType === "text/plain" ? result.text : JSON.stringify(result.structured, null, 2);
  return { contents: [{ uri, mimeType: view.mimeType, text }] };
}

async function readDaemonHealth(kernel: Kernel, signal?: AbortSignal): Promise<ReadResourceResult> {
  const options = signal ? { signal } : {};
  const health = await kernel.call(HEALTH_TOOL, {}, options);
  if (health.isError) throw callError(health);
  const answer: Record<string, unknown> = { ...health.structured };
  // Containers near trouble only when the daemon answers: otherwise that call would wait for its deadline.
  if (answer["answering"] === true && kernel.tools.some((t) => t.manifest.name === ANOMALIES_TOOL)) {
    const anomalies = await kernel.call(ANOMALIES_TOOL, {}, options);
    answer["anomalies"] = anomalies.isError ? { error: anomalies.text } : anomalies.structured;
  }
  return {
    contents: [
      { uri: DAEMON_HEALTH_URI, mimeType: "application/json", text: JSON.stringify(answer, null, 2) },
    ],
  };
}

/** A tool's error answer as a JSON-RPC error: not found is the resource error code, the rest bad params. */
export function callError(result: CallResult): McpError {
  const code = result.code === "not_found" ? -32002 : ErrorCode.InvalidParams;
  return new McpError(code, result.text);
}
