import { type CreateFacts, errorCode, type MountFacts } from "@arktechnwa/docker-mcp-core";
import type { DockerEngine } from "@arktechnwa/docker-mcp-engine";
import { mountedVolumes, type VolumeUse } from "./mounted-volumes.js";

/** A container a new one joins, and what it shares of it. */
export interface ContainerJoin {
  ref: string;
  via: "network" | "pid" | "ipc" | "volumes";
}

type Obj = Record<string, unknown>;
const MAX_JOIN_CHAIN = 5;
const MODE_KEY = { network: "NetworkMode", pid: "PidMode", ipc: "IpcMode" } as const;
const FACT_KEY = { network: "networkMode", pid: "pidMode", ipc: "ipcMode" } as const;

/**
 * `network: container:X` (and `pid`/`ipc`) runs in X's namespace, which is the host's when X runs with
 * host networking (or joins one that does); `volumes_from: X` gets X's mounts, its binds (a Docker
 * socket, say) and its named volumes as their records say. What a new container inherits this way is
 * judged as if it asked for it. X itself must be a target of the call (resolved, judged by the lists).
 * An X that cannot be inspected adds nothing here: Docker refuses to join a container it cannot find.
 */
export async function inheritedFacts(
  engine: DockerEngine,
  joins: readonly ContainerJoin[],
  signal: AbortSignal,
): Promise<CreateFacts> {
  const facts: { -readonly [K in keyof CreateFacts]: CreateFacts[K] } = {};
  const mounts: MountFacts[] = [];
  const volumes: VolumeUse[] = [];
  const unjudged: string[] = [];
  // Only "not found" adds nothing: any other failure (a daemon error, the deadline) leaves what is
  // inherited unknown, so the call fails rather than judging the join as harmless.
  const inspect = (ref: string): Promise<Obj | undefined> =>
    engine.inspectContainer(ref, signal).catch((error: unknown) => {
      if (errorCode(error) === "NOT_FOUND") return undefined;
      throw error;
    });
  for (const { ref, via } of joins) {
    if (via === "volumes") {
      const raw = await inspect(ref);
      for (const m of Array.isArray(raw?.["Mounts"]) ? (raw["Mounts"] as Obj[]) : []) {
        if (typeof m["Destination"] !== "string") continue;
        if (m["Type"] === "bind" && typeof m["Source"] === "string")
          mounts.push({
            type: "bind",
            source: m["Source"],
            target: m["Destination"],
            readOnly: m["RW"] === false,
            options: [],
          });
        else if (m["Type"] === "volume" && typeof m["Name"] === "string")
          volumes.push({ name: m["Name"], target: m["Destination"] });
      }
      continue;
    }
    // Follow container:<ref> chains to the namespace really shared.
    let mode: unknown = `container:${ref}`;
    for (let i = 0; i < MAX_JOIN_CHAIN && typeof mode === "string" && mode.startsWith("container:"); i++) {
      const hostConfig = (await inspect(mode.slice("container:".length)))?.["HostConfig"];
      mode = hostConfig && typeof hostConfig === "object" ? (hostConfig as Obj)[MODE_KEY[via]] : undefined;
    }
    if (typeof mode === "string" && mode.trim().toLowerCase() === "host") facts[FACT_KEY[via]] = "host";
    // A chain longer than we follow may end in the host's namespace: it cannot be judged, so it refuses.
    else if (typeof mode === "string" && mode.startsWith("container:"))
      unjudged.push(
        `joining the ${via} namespace of container ${ref} through more than ${MAX_JOIN_CHAIN} containers that join another's`,
      );
  }
  if (volumes.length > 0) {
    const records = await mountedVolumes(engine, volumes, signal);
    mounts.push(...(records.facts.mounts ?? []));
    if (records.facts.volumeDrivers) facts.volumeDrivers = records.facts.volumeDrivers;
    unjudged.push(...(records.facts.unjudged ?? []));
  }
  if (mounts.length > 0) facts.mounts = mounts;
  if (unjudged.length > 0) facts.unjudged = unjudged;
  return facts;
}

/** Two sets of create facts as one: lists joined, a `host` mode from either side kept. */
export function mergeCreateFacts(a: CreateFacts, b: CreateFacts): CreateFacts {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (value === undefined) continue;
    const mine = out[key];
    if (Array.isArray(value)) out[key] = [...(Array.isArray(mine) ? mine : []), ...value];
    else if (typeof value === "string" && typeof mine === "string" && mine.toLowerCase() === "host") continue;
    else if (typeof value === "boolean") out[key] = mine === true || value;
    else out[key] = value;
  }
  return out as CreateFacts;
}
