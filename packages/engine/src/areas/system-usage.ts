import type { ApiClient } from "../api-client.js";

/** One image in the daemon's disk usage (GET /system/df). */
export interface ImageUsage {
  id: string;
  tags: string[];
  digests: string[];
  /** Bytes, shared layers included. */
  size: number;
  /** Bytes shared with other images (-1 when the daemon did not compute it). */
  sharedSize: number;
  /** Containers using it (-1 when unknown). */
  containers: number;
  /** Unix seconds. */
  created: number;
}

/** One container in the daemon's disk usage. */
export interface ContainerUsage {
  id: string;
  names: string[];
  image: string;
  imageId: string;
  state: string;
  labels: Record<string, string>;
  /** Bytes written by the container (its writable layer). */
  sizeRw: number;
  /** Bytes of its whole filesystem (image included). */
  sizeRootFs: number;
}

/** One volume in the daemon's disk usage. */
export interface VolumeUsage {
  name: string;
  driver: string;
  labels: Record<string, string>;
  /** Bytes (-1 when the driver cannot say). */
  size: number;
  /** Containers referencing it (-1 when unknown). */
  refCount: number;
}

/** One build cache record. */
export interface BuildCacheUsage {
  id: string;
  type: string;
  description: string;
  inUse: boolean;
  shared: boolean;
  size: number;
  lastUsed: string;
}

export interface DiskUsage {
  /** Bytes of all image layers on disk (shared layers counted once). */
  layersSize: number;
  images: ImageUsage[];
  containers: ContainerUsage[];
  volumes: VolumeUsage[];
  buildCache: BuildCacheUsage[];
}

interface RawDf {
  LayersSize?: number;
  Images?: {
    Id: string;
    RepoTags?: string[] | null;
    RepoDigests?: string[] | null;
    Size?: number;
    SharedSize?: number;
    Containers?: number;
    Created?: number;
  }[];
  Containers?: {
    Id: string;
    Names?: string[];
    Image?: string;
    ImageID?: string;
    State?: string;
    Labels?: Record<string, string> | null;
    SizeRw?: number;
    SizeRootFs?: number;
  }[];
  Volumes?: {
    Name: string;
    Driver?: string;
    Labels?: Record<string, string> | null;
    UsageData?: { Size?: number; RefCount?: number } | null;
  }[];
  BuildCache?: {
    ID: string;
    Type?: string;
    Description?: string;
    InUse?: boolean;
    Shared?: boolean;
    Size?: number;
    LastUsedAt?: string | null;
  }[];
}

const realTag = (tag: string) => tag !== "<none>:<none>" && tag !== "<none>@<none>";

/** GET /system/df: what uses the daemon's disk. It walks volumes and layers, so it can take seconds. */
export async function diskUsage(api: ApiClient, signal: AbortSignal): Promise<DiskUsage> {
  const raw = await api.json<RawDf>(
    { method: "GET", path: "/system/df", what: "read the daemon's disk usage" },
    signal,
  );
  return {
    layersSize: raw?.LayersSize ?? 0,
    images: (raw?.Images ?? []).map((i) => ({
      id: i.Id,
      tags: (i.RepoTags ?? []).filter(realTag),
      digests: (i.RepoDigests ?? []).filter(realTag),
      size: i.Size ?? 0,
      sharedSize: i.SharedSize ?? -1,
      containers: i.Containers ?? -1,
      created: i.Created ?? 0,
    })),
    containers: (raw?.Containers ?? []).map((c) => ({
      id: c.Id,
      names: (c.Names ?? []).map((n) => n.replace(/^\//, "")),
      image: c.Image ?? "",
      imageId: c.ImageID ?? "",
      state: c.State ?? "",
      labels: c.Labels ?? {},
      sizeRw: c.SizeRw ?? 0,
      sizeRootFs: c.SizeRootFs ?? 0,
    })),
    volumes: (raw?.Volumes ?? []).map((v) => ({
      name: v.Name,
      driver: v.Driver ?? "",
      labels: v.Labels ?? {},
      size: v.UsageData?.Size ?? -1,
      refCount: v.UsageData?.RefCount ?? -1,
    })),
    buildCache: (raw?.BuildCache ?? []).map((b) => ({
      id: b.ID,
      type: b.Type ?? "",
      description: b.Description ?? "",
      inUse: b.InUse ?? false,
      shared: b.Shared ?? false,
      size: b.Size ?? 0,
      lastUsed: b.LastUsedAt ?? "",
    })),
  };
}

/** POST /build/prune: the build cache has no names for a policy to judge; the daemon removes it whole. */
export async function pruneBuildCache(
  api: ApiClient,
  all: boolean,
  signal: AbortSignal,
): Promise<{ removed: number; spaceReclaimed: number }> {
  const raw = await api.json<{ CachesDeleted?: string[] | null; SpaceReclaimed?: number }>(
    { method: "POST", path: "/build/prune", query: all ? { all: true } : {}, what: "prune the build cache" },
    signal,
  );
  return { removed: (raw?.CachesDeleted ?? []).length, spaceReclaimed: raw?.SpaceReclaimed ?? 0 };
}

/** GET /info: the daemon's own description (host, storage, counts, registries). */
export async function systemInfo(api: ApiClient, signal: AbortSignal): Promise<Record<string, unknown>> {
  return (
    (await api.json<Record<string, unknown>>(
      { method: "GET", path: "/info", what: "read the daemon's information" },
      signal,
    )) ?? {}
  );
}
