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
  /** RFC 3339, when the daemon reports it. */
  created: string;
}

/** Volumes: what plugins may ask the daemon about volumes. */
export interface VolumesArea {
  /** A volume by its exact name, or NOT_FOUND. */
  inspectVolume(name: string, signal: AbortSignal): Promise<VolumeIdentity>;
  listVolumes(signal: AbortSignal): Promise<VolumeIdentity[]>;
}

export function volumesArea(api: ApiClient): VolumesArea {
  return {
    inspectVolume: (name, signal) => inspectVolume(api, name, signal),
    listVolumes: (signal) => listVolumes(api, signal),
  };
}

interface RawVolume {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  Scope?: string;
  Labels?: Record<string, string> | null;
  CreatedAt?: string;
}

function toIdentity(raw: RawVolume): VolumeIdentity {
  return {
    name: raw.Name,
    driver: raw.Driver ?? "",
    mountpoint: raw.Mountpoint ?? "",
    scope: raw.Scope ?? "",
    labels: raw.Labels ?? {},
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
