import type { ApiClient } from "../api-client.js";
import { type StatusRule, statusRules } from "../daemon-errors.js";
import { readLogs } from "../logs.js";
import type { LogsOptions, LogsResult } from "../types.js";

export interface ServiceSummary {
  id: string;
  name: string;
  /** The image as the service spec names it (digest pin cut off). */
  image: string;
  mode: "replicated" | "global" | string;
  /** Tasks running now and tasks wanted (GET /services?status=true, API >= 1.41). */
  running: number | null;
  desired: number | null;
  /** Published ports, "8080->80/tcp". */
  ports: string[];
  labels: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface TaskSummary {
  id: string;
  serviceId: string;
  /** Replica number (replicated services). */
  slot: number | null;
  nodeId: string | null;
  desiredState: string;
  state: string;
  /** The daemon's status message ("started", "pending", ...). */
  message: string;
  /** Why the task failed (e.g. "task: non-zero exit (1)"), when it did. */
  error: string | null;
  exitCode: number | null;
  containerId: string | null;
  timestamp: string;
}

export interface NodeSummary {
  id: string;
  hostname: string;
  role: string;
  availability: string;
  status: string;
  address: string | null;
  /** "reachable", "unreachable"; null on a worker. */
  managerReachability: string | null;
  leader: boolean;
  engineVersion: string | null;
}

/** Swarm: read-only views of services, tasks and nodes (a manager node answers them). */
export interface SwarmArea {
  listServices(signal: AbortSignal): Promise<ServiceSummary[]>;
  /** One service by ID, ID prefix or name (the daemon's own lookup). */
  inspectService(ref: string, signal: AbortSignal): Promise<ServiceSummary>;
  /** Tasks, optionally of one service (by ID) only. */
  listTasks(filter: { service?: string }, signal: AbortSignal): Promise<TaskSummary[]>;
  listNodes(signal: AbortSignal): Promise<NodeSummary[]>;
  /** A service's log, bounded like a container's (the manager merges its tasks' logs). */
  readServiceLogs(id: string, options: LogsOptions, signal: AbortSignal): Promise<LogsResult>;
}

/**
 * A daemon outside a swarm, or a worker, answers 503: a state to report (not a daemon failure, so it
 * never counts against the breaker), with what to do.
 */
function swarmRules(endpoint: string): StatusRule[] {
  return [
    {
      status: 503,
      message: /not a swarm manager|not part of a swarm/i,
      code: "DAEMON",
      text: (m) =>
        `The Docker daemon at ${endpoint} is not a Swarm manager (${m}). Swarm services, tasks and nodes are read from a manager: call these tools with the host of a manager node, or make this one a manager (docker swarm init / docker swarm join as manager).`,
    },
  ];
}

export function swarmArea(api: ApiClient): SwarmArea {
  const mapError = statusRules(api.endpoint, swarmRules(api.endpoint));
  return {
    async listServices(signal) {
      const raw = await api.json<RawService[]>(
        { method: "GET", path: "/services", query: { status: true }, what: "list the Swarm services" },
        signal,
        mapError,
      );
      return (raw ?? []).map(toService);
    },
    async inspectService(ref, signal) {
      const raw = await api.json<RawService>(
        {
          method: "GET",
          path: `/services/${encodeURIComponent(ref)}`,
          what: `inspect the Swarm service ${ref}`,
        },
        signal,
        mapError,
      );
      return toService(raw);
    },
    async listTasks(filter, signal) {
      const filters = filter.service ? JSON.stringify({ service: [filter.service] }) : undefined;
      const raw = await api.json<RawTask[]>(
        { method: "GET", path: "/tasks", query: { filters }, what: "list the Swarm tasks" },
        signal,
        mapError,
      );
      return (raw ?? []).map(toTask);
    },
    async listNodes(signal) {
      const raw = await api.json<RawNode[]>(
        { method: "GET", path: "/nodes", what: "list the Swarm nodes" },
        signal,
        mapError,
      );
      return (raw ?? []).map(toNode);
    },
    readServiceLogs: (id, options, signal) => readLogs(api, id, false, options, signal, "service", mapError),
  };
}

interface RawService {
  ID: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: {
    Name?: string;
    Labels?: Record<string, string>;
    TaskTemplate?: { ContainerSpec?: { Image?: string } };
    Mode?: { Replicated?: { Replicas?: number }; Global?: unknown };
  };
  Endpoint?: { Ports?: { Protocol?: string; TargetPort?: number; PublishedPort?: number }[] };
  ServiceStatus?: { RunningTasks?: number; DesiredTasks?: number };
}

function toService(raw: RawService): ServiceSummary {
  const mode = raw.Spec?.Mode;
  return {
    id: raw.ID,
    name: raw.Spec?.Name ?? raw.ID,
    image: (raw.Spec?.TaskTemplate?.ContainerSpec?.Image ?? "").replace(/@sha256:[0-9a-f]+$/, ""),
    mode: mode?.Replicated
      ? "replicated"
      : mode?.Global !== undefined
        ? "global"
        : (Object.keys(mode ?? {})[0] ?? ""),
    running: raw.ServiceStatus?.RunningTasks ?? null,
    desired: raw.ServiceStatus?.DesiredTasks ?? mode?.Replicated?.Replicas ?? null,
    ports: (raw.Endpoint?.Ports ?? []).map(
      (p) => `${p.PublishedPort ?? ""}->${p.TargetPort ?? ""}/${p.Protocol ?? "tcp"}`,
    ),
    labels: raw.Spec?.Labels ?? {},
    createdAt: raw.CreatedAt ?? "",
    updatedAt: raw.UpdatedAt ?? "",
  };
}

interface RawTask {
  ID: string;
  ServiceID?: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  Status?: {
    State?: string;
    Message?: string;
    Err?: string;
    Timestamp?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
  };
}

function toTask(raw: RawTask): TaskSummary {
  const status = raw.Status ?? {};
  return {
    id: raw.ID,
    serviceId: raw.ServiceID ?? "",
    slot: raw.Slot ?? null,
    nodeId: raw.NodeID || null,
    desiredState: raw.DesiredState ?? "",
    state: status.State ?? "",
    message: status.Message ?? "",
    error: status.Err || null,
    exitCode: status.ContainerStatus?.ExitCode ?? null,
    containerId: status.ContainerStatus?.ContainerID || null,
    timestamp: status.Timestamp ?? "",
  };
}

interface RawNode {
  ID: string;
  Description?: { Hostname?: string; Engine?: { EngineVersion?: string } };
  Spec?: { Role?: string; Availability?: string };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string };
}

function toNode(raw: RawNode): NodeSummary {
  return {
    id: raw.ID,
    hostname: raw.Description?.Hostname ?? "",
    role: raw.Spec?.Role ?? "",
    availability: raw.Spec?.Availability ?? "",
    status: raw.Status?.State ?? "",
    address: raw.Status?.Addr || raw.ManagerStatus?.Addr || null,
    managerReachability: raw.ManagerStatus?.Reachability ?? null,
    leader: raw.ManagerStatus?.Leader ?? false,
    engineVersion: raw.Description?.Engine?.EngineVersion ?? null,
  };
}
