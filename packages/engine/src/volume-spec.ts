import { posix } from "node:path";
import { EngineError } from "./errors.js";

export interface VolumeMount {
  /** bind: a host path; volume: a named volume; anonymous: a fresh volume at `target`. */
  type: "bind" | "volume" | "anonymous";
  /** Host path (normalized, absolute) for binds, the volume name for named volumes. */
  source?: string;
  target: string;
  readOnly: boolean;
  /** Options as given after the second ':' (ro, rw, z, Z, nocopy, propagation). */
  options: string[];
}

const OPTIONS = new Set([
  "ro",
  "rw",
  "z",
  "Z",
  "nocopy",
  "shared",
  "rshared",
  "slave",
  "rslave",
  "private",
  "rprivate",
  "delegated",
  "cached",
  "consistent",
]);
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function invalid(spec: string, why: string): EngineError {
  return new EngineError(
    "INVALID",
    `Invalid volume '${spec}': ${why}. Use /host/path:/container/path[:ro], volume-name:/container/path[:ro] or /container/path.`,
  );
}

/** Normalizes an absolute path so "/etc/../" and "/etc/" compare as "/" and "/etc". */
export function normalizeHostPath(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith("/") ? normal.slice(0, -1) : normal;
}

/** Parses one `docker run -v` spec. Relative host paths are refused (no CLI here to resolve them). */
export function parseVolumeSpec(spec: string): VolumeMount {
  const text = spec.trim();
  const parts = text.split(":");
  if (parts.length > 3 || parts.some((p) => p === ""))
    throw invalid(spec, "expected one to three non-empty ':'-separated parts");
  if (parts.length === 1) {
    const target = parts[0] ?? "";
    if (!target.startsWith("/")) throw invalid(spec, "the container path must be absolute");
    return { type: "anonymous", target: normalizeHostPath(target), readOnly: false, options: [] };
  }
  const [source = "", rawTarget = "", rawOptions] = parts;
  if (!rawTarget.startsWith("/")) throw invalid(spec, `the container path '${rawTarget}' must be absolute`);
  const target = normalizeHostPath(rawTarget);
  if (target === "/") throw invalid(spec, "cannot mount over the container's '/'");
  const options = rawOptions ? rawOptions.split(",") : [];
  for (const option of options) if (!OPTIONS.has(option)) throw invalid(spec, `unknown option '${option}'`);
  if (options.includes("ro") && options.includes("rw")) throw invalid(spec, "both 'ro' and 'rw'");
  const readOnly = options.includes("ro");
  if (source.startsWith("/")) {
    return { type: "bind", source: normalizeHostPath(source), target, readOnly, options };
  }
  if (source.startsWith(".") || source.startsWith("~")) {
    throw invalid(spec, `the host path '${source}' must be absolute`);
  }
  if (!VOLUME_NAME.test(source))
    throw invalid(spec, `'${source}' is neither an absolute host path nor a volume name`);
  return { type: "volume", source, target, readOnly, options };
}

/** HostConfig.Binds (binds and named volumes) and Config.Volumes (anonymous volumes) for the specs. */
export function volumeBinds(specs: string[]): {
  binds: string[];
  anonymous: Record<string, Record<string, never>>;
} {
  const binds: string[] = [];
  const anonymous: Record<string, Record<string, never>> = {};
  for (const spec of specs) {
    const m = parseVolumeSpec(spec);
    if (m.type === "anonymous") anonymous[m.target] = {};
    else binds.push([m.source, m.target, ...(m.options.length ? [m.options.join(",")] : [])].join(":"));
  }
  return { binds, anonymous };
}
