import type { ApiClient } from "../api-client.js";
import { statusRules } from "../daemon-errors.js";
import { EngineError } from "../errors.js";

/** A volume as the policy and the tools see it. Volumes have no ID: the name is the identity. */
export interface VolumeIdentity {
  name: string;
  driver: string;
  /** Where the volume lives on the daemon's host. */
  mountpoint: string;
  /** local | global */
  scope: string;
  labels: Record<string, string>;
  /**
   * The driver options it was created with (`type`, `o`, `device` for local): a local volume with
   * `o: bind` is really a bind of its device, whoever created it.
   */
  options: Record<string, string>;
  /** RFC 3339, when the daemon reports it. */
  created: string;
}

/** Volumes: what plugins may ask the daemon about volumes. */
export interface VolumesArea {
  /** A volume by its exact name, or NOT_FOUND. */
  inspectVolume(name: string, signal: AbortSignal): Promise<VolumeIdentity>;
  listVolumes(signal: AbortSignal): Promise<VolumeIdentity[]>;
  /**
   * Creates a volume. The daemon answers an existing name with that volume (no error): check first when
   * "already there" matters. INVALID when it refuses the name, driver or options.
   */
  createVolume(spec: CreateVolumeSpec, signal: AbortSignal): Promise<VolumeIdentity>;
  /** CONFLICT while a container uses it (the daemon's message names container IDs: never show it). */
  removeVolume(name: string, force: boolean, signal: AbortSignal): Promise<void>;
}

export interface CreateVolumeSpec {
  /** Absent: the daemon names it (a 64-hex anonymous name). */
  name?: string;
  /** local (default) or a plugin's. */
  driver?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
}

export function volumesArea(api: ApiClient): VolumesArea {
  return {
    inspectVolume: (name, signal) => inspectVolume(api, name, signal),
    listVolumes: (signal) => listVolumes(api, signal),
    createVolume: (spec, signal) => createVolume(api, spec, signal),
    removeVolume: (name, force, signal) => removeVolume(api, name, force, signal),
  };
}

interface RawVolume {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  Scope?: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
  CreatedAt?: string;
}

function toIdentity(raw: RawVolume): VolumeIdentity {
  return {
    name: raw.Name,
    driver: raw.Driver ?? "",
    mountpoint: raw.Mountpoint ?? "",
    scope: raw.Scope ?? "",
    labels: raw.Labels ?? {},
    options: raw.Options ?? {},
    created: raw.CreatedAt ?? "",
  };
}

export async function inspectVolume(
  api: ApiClient,
  input: string,
  signal: AbortSignal,
): Promise<VolumeIdentity> {
  const notFound = `No volume named '${input}'. List the volumes to see which exist.`;
  // Exact names only: an empty name would be the list endpoint, a slash another endpoint.
  if (input === "" || /[/?#\s]/.test(input))
    throw new EngineError("NOT_FOUND", notFound, { endpoint: api.endpoint });
  const raw = await api.json<RawVolume>(
    { method: "GET", path: `/volumes/${encodeURIComponent(input)}`, what: `inspect volume '${input}'` },
    signal,
    statusRules(api.endpoint, [{ status: 404, code: "NOT_FOUND", text: () => notFound }]),
  );
  return toIdentity(raw);
}

export async function listVolumes(api: ApiClient, signal: AbortSignal): Promise<VolumeIdentity[]> {
  const answer = await api.json<{ Volumes?: RawVolume[] | null }>(
    { method: "GET", path: "/volumes", what: "list volumes" },
    signal,
  );
  return (answer?.Volumes ?? []).map(toIdentity);
}

export async function createVolume(
  api: ApiClient,
  spec: CreateVolumeSpec,
  signal: AbortSignal,
): Promise<VolumeIdentity> {
  const raw = await api.json<RawVolume>(
    {
      method: "POST",
      path: "/volumes/create",
      body: {
        ...(spec.name ? { Name: spec.name } : {}),
        Driver: spec.driver ?? "local",
        DriverOpts: spec.driverOpts ?? {},
        Labels: spec.labels ?? {},
      },
      what: `create volume${spec.name ? ` '${spec.name}'` : ""}`,
    },
    signal,
    statusRules(api.endpoint, [
      {
        status: [400, 404, 500],
        message: /invalid|not found|plugin|driver|options|allowed/i,
        code: "INVALID",
        text: (m) => `The daemon refused the volume: ${m}. Check its name, driver and options.`,
      },
      {
        status: 409,
        code: "CONFLICT",
        text: (m) => `A volume by that name exists with another driver: ${m}.`,
      },
    ]),
  );
  return toIdentity(raw);
}

export async function removeVolume(
  api: ApiClient,
  name: string,
  force: boolean,
  signal: AbortSignal,
): Promise<void> {
  if (name === "" || /[/?#\s]/.test(name)) {
    throw new EngineError("NOT_FOUND", `No volume named '${name}'.`, { endpoint: api.endpoint });
  }
  await api.json(
    {
      method: "DELETE",
      path: `/volumes/${encodeURIComponent(name)}`,
      query: force ? { force: true } : {},
      what: `remove volume '${name}'`,
    },
    signal,
    statusRules(api.endpoint, [
      // The daemon lists the IDs of the containers using it; callers name the ones the policy shows.
      { status: 409, code: "CONFLICT", text: () => `the volume '${name}' is in use by a container` },
      { status: 404, code: "NOT_FOUND", text: () => `the volume '${name}' no longer exists` },
    ]),
  );
}
