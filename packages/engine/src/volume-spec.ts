import { EngineError } from "./errors.js";

/**
 * A mount already parsed and judged by the caller (the policy's `parseVolumeSpec`): the engine sends
 * exactly this and parses nothing itself, so what was judged is what Docker receives.
 */
export interface VolumeMount {
  /** bind: a host path; volume: a named volume; anonymous: a fresh volume at `target`. */
  readonly type: "bind" | "volume" | "anonymous";
  /** Host path (absolute, normalized) for binds, the volume name for named volumes. */
  readonly source?: string;
  readonly target: string;
  readonly readOnly: boolean;
  /** Options (ro, rw, z, Z, nocopy, propagation). */
  readonly options: readonly string[];
}

/** Characters that would make a `source:target:options` string mean something else to the daemon. */
const UNSAFE = /[\s\p{Cc}\p{Cf}\p{Z}:]/u;

function invalid(why: string): EngineError {
  return new EngineError(
    "INVALID",
    `Invalid mount: ${why}. Parse volume specs with the policy's parseVolumeSpec.`,
  );
}

/** Guards the serialization: a part that would be re-split or trimmed by the daemon is refused. */
function part(value: string | undefined, what: string, absolute: boolean): string {
  if (typeof value !== "string" || value === "") throw invalid(`the ${what} is missing`);
  if (UNSAFE.test(value))
    throw invalid(`the ${what} ${JSON.stringify(value)} contains ':', whitespace or control characters`);
  if (absolute && !value.startsWith("/"))
    throw invalid(`the ${what} ${JSON.stringify(value)} is not absolute`);
  return value;
}

/** HostConfig.Binds (binds and named volumes) and Config.Volumes (anonymous volumes) for the mounts. */
export function volumeBinds(mounts: readonly VolumeMount[]): {
  binds: string[];
  anonymous: Record<string, Record<string, never>>;
} {
  const binds: string[] = [];
  const anonymous: Record<string, Record<string, never>> = {};
  for (const m of mounts) {
    const target = part(m.target, "container path", true);
    if (m.type === "anonymous") {
      anonymous[target] = {};
      continue;
    }
    if (m.type !== "bind" && m.type !== "volume") throw invalid(`unknown type ${JSON.stringify(m.type)}`);
    const source = part(m.source, m.type === "bind" ? "host path" : "volume name", m.type === "bind");
    if (m.type === "volume" && source.startsWith("/")) throw invalid(`the volume name ${source} is a path`);
    const options = m.options.map((o) => part(o, "option", false));
    if (m.readOnly && !options.includes("ro")) options.unshift("ro");
    binds.push([source, target, ...(options.length ? [options.join(",")] : [])].join(":"));
  }
  return { binds, anonymous };
}
