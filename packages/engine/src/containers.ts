import type { ApiClient } from "./api-client.js";
import { statusRules } from "./daemon-errors.js";
import { EngineError } from "./errors.js";
import type { ContainerIdentity, ContainerSummary, ListContainersOptions } from "./types.js";

interface RawSummary {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  ImageID?: string;
  Command?: string;
  Created?: number;
  State?: string;
  Status?: string;
  Ports?: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[] | null;
  Labels?: Record<string, string> | null;
  Mounts?: { Type?: string; Name?: string; Source?: string; Destination?: string }[] | null;
  NetworkSettings?: { Networks?: Record<string, { NetworkID?: string }> | null } | null;
}

interface RawInspect {
  Id: string;
  Name?: string;
  Image?: string;
  Config?: {
    Image?: string;
    Labels?: Record<string, string> | null;
    Tty?: boolean;
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    Healthcheck?: { Test?: string[] | null } | null;
  } | null;
  Path?: string;
  Args?: string[] | null;
  State?: { Status?: string } | null;
}

/**
 * Every command line the container carries: the process's argv (Path and Args, what Entrypoint and
 * Cmd became), Entrypoint and Cmd as configured, and the healthcheck's command. Empty ones are left out.
 */
function commandLines(raw: RawInspect): string[][] {
  const lines = [
    raw.Path ? [raw.Path, ...(raw.Args ?? [])] : [],
    raw.Config?.Entrypoint ?? [],
    raw.Config?.Cmd ?? [],
    raw.Config?.Healthcheck?.Test ?? [],
  ];
  return lines.filter((line) => Array.isArray(line) && line.length > 0).map((line) => line.map(String));
}

export function stripSlash(name: string): string {
  return name.startsWith("/") ? name.slice(1) : name;
}

export async function listContainers(
  api: ApiClient,
  options: ListContainersOptions,
  signal: AbortSignal,
): Promise<ContainerSummary[]> {
  const filters =
    options.filters && Object.keys(options.filters).length > 0 ? JSON.stringify(options.filters) : undefined;
  const rows = await api.json<RawSummary[]>(
    {
      method: "GET",
      path: "/containers/json",
      query: { all: options.all ?? false, filters },
      what: "list containers",
    },
    signal,
  );
  return (rows ?? []).map((row) => ({
    id: row.Id,
    names: (row.Names ?? []).map(stripSlash),
    image: row.Image ?? "",
    imageId: row.ImageID ?? "",
    command: row.Command ?? "",
    created: row.Created ?? 0,
    state: row.State ?? "",
    status: row.Status ?? "",
    ports: (row.Ports ?? []).map((port) => ({
      ...(port.IP ? { ip: port.IP } : {}),
      privatePort: port.PrivatePort,
      ...(port.PublicPort ? { publicPort: port.PublicPort } : {}),
      type: port.Type,
    })),
    labels: row.Labels ?? {},
    mounts: (row.Mounts ?? []).map((m) => ({
      type: m.Type ?? "",
      ...(m.Name ? { name: m.Name } : {}),
      source: m.Source ?? "",
      destination: m.Destination ?? "",
    })),
    networks: Object.entries(row.NetworkSettings?.Networks ?? {}).map(([name, n]) => ({
      name,
      id: n.NetworkID ?? "",
    })),
  }));
}

export function inspectContainer(
  api: ApiClient,
  id: string,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const ref = stripSlash(id.trim());
  return api.json<Record<string, unknown>>(
    {
      method: "GET",
      path: `/containers/${encodeURIComponent(ref)}/json`,
      what: `inspect container '${ref}'`,
    },
    signal,
    (error) => notFoundOrAmbiguous(error, ref, api.endpoint),
  );
}

function notFoundOrAmbiguous(error: unknown, ref: string, endpoint: string): EngineError | undefined {
  return statusRules(endpoint, [
    // Signaled to resolveContainer, which counts the candidates.
    {
      message: /multiple IDs found/i,
      code: "AMBIGUOUS",
      text: () => `'${ref}' matches more than one container ID.`,
    },
    {
      status: 404,
      code: "NOT_FOUND",
      text: () => `No container named or with ID prefix '${ref}'. List containers with docker_ps.`,
    },
  ])(error);
}

/**
 * name, "/name", a unique ID prefix or the full ID -> exactly one container. The daemon resolves the
 * reference exactly as the CLI does (GET /containers/{ref}/json); the `name` filter is never used
 * because it is an unanchored regex.
 */
export async function resolveContainer(
  api: ApiClient,
  input: string,
  signal: AbortSignal,
): Promise<ContainerIdentity> {
  const ref = stripSlash(input.trim());
  if (ref === "" || /[/?#\s]/.test(ref)) {
    throw new EngineError(
      "NOT_FOUND",
      `No container named or with ID prefix '${input}'. List containers with docker_ps.`,
      { endpoint: api.endpoint },
    );
  }
  let raw: RawInspect;
  try {
    raw = (await inspectContainer(api, ref, signal)) as unknown as RawInspect;
  } catch (error) {
    if (error instanceof EngineError && error.code === "AMBIGUOUS") {
      throw await ambiguous(api, ref, signal, error);
    }
    throw error;
  }
  const identity: ContainerIdentity = {
    id: raw.Id,
    names: raw.Name ? [stripSlash(raw.Name)] : [],
    image: raw.Config?.Image ?? "",
    imageId: raw.Image ?? "",
    labels: raw.Config?.Labels ?? {},
    state: raw.State?.Status ?? "",
    tty: raw.Config?.Tty ?? false,
    env: raw.Config?.Env ?? [],
    argvs: commandLines(raw),
  };
  documents.set(identity, raw as unknown as Record<string, unknown>);
  return identity;
}

/** Each resolved identity's inspect document, for as long as the identity is held (one call). */
const documents = new WeakMap<ContainerIdentity, Record<string, unknown>>();

/**
 * The inspect document a `resolveContainer` identity was built from: a tool that shows it (docker_inspect)
 * needs no second request within the same call. Undefined for an identity made any other way.
 */
export function resolvedDocument(identity: ContainerIdentity): Record<string, unknown> | undefined {
  return documents.get(identity);
}

async function ambiguous(
  api: ApiClient,
  ref: string,
  signal: AbortSignal,
  cause: EngineError,
): Promise<EngineError> {
  const all = await listContainers(api, { all: true }, signal);
  const prefix = ref.toLowerCase();
  const candidates = all.filter((c) => c.id.startsWith(prefix)).map((c) => ({ id: c.id, names: c.names }));
  // Only a count: a candidate may be a container the caller is not allowed to see.
  const count = candidates.length >= 2 ? `${candidates.length} containers` : "more than one container";
  return new EngineError(
    "AMBIGUOUS",
    `'${ref}' is an ID prefix of ${count}; give more characters of the ID or the container's name.`,
    { cause, statusCode: cause.statusCode, endpoint: api.endpoint, candidates },
  );
}
