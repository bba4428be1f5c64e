import {
  type CreateFacts,
  errorCode,
  localRealPath,
  type MountFacts,
  volumeCreateFacts,
  withRealBindSources,
} from "@arktechnwa/docker-mcp-core";
import type { DockerEngine, VolumeIdentity } from "@arktechnwa/docker-mcp-engine";

/** A named volume a new container will mount, and where. */
export interface VolumeUse {
  name: string;
  target: string;
}

/** What mounting existing volumes asks of create_safety, and which of them do not exist yet. */
export interface MountedVolumes {
  /** Create facts from the volumes' records: binds of their devices, plugin drivers, unjudged options. */
  facts: Pick<CreateFacts, "mounts" | "volumeDrivers" | "unjudged">;
  /** Volumes the daemon does not have (Docker would create them: with no options, unless someone is first). */
  missing: string[];
  /** The records read, by name. */
  records: Map<string, VolumeIdentity>;
}

/** Adds one volume record's facts to the collected ones. */
function addRecord(
  facts: { mounts: MountFacts[]; volumeDrivers: string[]; unjudged: string[] },
  volume: VolumeIdentity,
  target: string,
): void {
  const more = volumeCreateFacts(`volume ${volume.name}`, volume.driver, volume.options, target);
  facts.mounts.push(...(more.mounts ?? []));
  facts.volumeDrivers.push(...(more.volumeDrivers ?? []));
  facts.unjudged.push(...(more.unjudged ?? []));
}

/**
 * Reads the daemon's record (driver and options) of every named volume a new container mounts, so an
 * existing volume is judged by what it really mounts, whoever created it: a `local` volume made with
 * `-o type=none -o o=bind -o device=/etc` is a bind of /etc, and is judged as one by create_safety.
 * A record that cannot be read (other than "not found") fails the call: it cannot be judged.
 */
export async function mountedVolumes(
  engine: DockerEngine,
  uses: readonly VolumeUse[],
  signal: AbortSignal,
): Promise<MountedVolumes> {
  const facts = { mounts: [] as MountFacts[], volumeDrivers: [] as string[], unjudged: [] as string[] };
  const missing: string[] = [];
  const records = new Map<string, VolumeIdentity>();
  const names = [...new Set(uses.map((u) => u.name))];
  const found = await Promise.all(
    names.map((name) =>
      engine.inspectVolume(name, signal).catch((error: unknown) => {
        if (errorCode(error) === "NOT_FOUND") return undefined;
        throw error;
      }),
    ),
  );
  names.forEach((name, i) => {
    const volume = found[i];
    if (volume === undefined) missing.push(name);
    else records.set(name, volume);
  });
  for (const use of uses) {
    const volume = records.get(use.name);
    if (volume) addRecord(facts, volume, use.target);
  }
  return { facts: compact(facts), missing, records };
}

/** Facts for volumes whose records are already known (e.g. just created). */
export function volumeRecordFacts(
  volumes: readonly { volume: VolumeIdentity; target: string }[],
): Pick<CreateFacts, "mounts" | "volumeDrivers" | "unjudged"> {
  const facts = { mounts: [] as MountFacts[], volumeDrivers: [] as string[], unjudged: [] as string[] };
  for (const { volume, target } of volumes) addRecord(facts, volume, target);
  return compact(facts);
}

function compact(facts: {
  mounts: MountFacts[];
  volumeDrivers: string[];
  unjudged: string[];
}): Pick<CreateFacts, "mounts" | "volumeDrivers" | "unjudged"> {
  return {
    ...(facts.mounts.length ? { mounts: facts.mounts } : {}),
    ...(facts.volumeDrivers.length ? { volumeDrivers: [...new Set(facts.volumeDrivers)] } : {}),
    ...(facts.unjudged.length ? { unjudged: facts.unjudged } : {}),
  };
}

/**
 * On a daemon that shares this machine's filesystem (a local unix socket), every bind source is judged
 * by its real path too (symlinks resolved); over TCP or SSH the daemon's files are not this machine's.
 */
export async function withRealBindsOnLocalDaemon(
  endpoint: string,
  create: CreateFacts,
): Promise<CreateFacts> {
  return endpoint.startsWith("unix://") ? await withRealBindSources(create, localRealPath) : create;
}
