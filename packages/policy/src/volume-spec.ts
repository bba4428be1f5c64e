/**
 * The one parser for `docker run -v` specs. What it returns is what the policy judges and what the
 * engine sends, so nothing is trimmed, guessed or re-read later: a spec that is not exactly a clean
 * named volume or a clean absolute host path is refused here, with what to write instead.
 */

/** A parsed `-v` spec. */
export interface MountSpec {
  /** bind: a host path; volume: a named volume; anonymous: a fresh volume at `target`. */
  readonly type: "bind" | "volume" | "anonymous";
  /** The host path (absolute, normalized) for a bind, the volume name for a named volume. */
  readonly source?: string;
  /** Absolute, normalized path in the container. */
  readonly target: string;
  readonly readOnly: boolean;
  /** Options as given after the second ':' (ro, rw, z, Z, nocopy, propagation). */
  readonly options: readonly string[];
}

/**
 * A mount as the policy judges it: the parsed spec plus, for a bind on a daemon that shares this
 * machine's filesystem, the source's real path (symlinks resolved). Found outside the policy, which
 * does no I/O.
 */
export interface MountFacts extends MountSpec {
  /** The bind source with every symlink resolved (deepest existing ancestor, then the rest). */
  readonly realSource?: string;
  /** Set when the real path was looked for and could not be found; the bind is then refused. */
  readonly realSourceProblem?: string;
}

export type ParsedVolumeSpec = { ok: true; mount: MountSpec } | { ok: false; problem: string };

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

/** Docker's own rule for volume names. */
export const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Whitespace, control and invisible format characters: a daemon or a shell may trim or split on them. */
const UNCLEAN = /[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}]/u;

export const VOLUME_SPEC_USAGE =
  "Use /host/path:/container/path[:ro], volume-name:/container/path[:ro] or /container/path";

function show(spec: string): string {
  return JSON.stringify(spec.length > 120 ? `${spec.slice(0, 120)}...` : spec);
}

/**
 * A clean absolute path, normalized (`//a/./b/` -> `/a/b`); a problem for anything else: not absolute,
 * whitespace or control characters anywhere, `..` segments (their meaning depends on symlinks).
 */
export function cleanAbsolutePath(path: string, what: string): { path: string } | { problem: string } {
  if (UNCLEAN.test(path)) {
    return { problem: `the ${what} ${show(path)} contains whitespace or control characters; remove them` };
  }
  if (!path.startsWith("/")) return { problem: `the ${what} ${show(path)} must be an absolute path` };
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      return { problem: `the ${what} ${show(path)} contains '..'; write the path without it` };
    }
    parts.push(part);
  }
  return { path: `/${parts.join("/")}` };
}

/** Parses one `docker run -v` spec; never trims. */
export function parseVolumeSpec(spec: string): ParsedVolumeSpec {
  const fail = (why: string): ParsedVolumeSpec => ({
    ok: false,
    problem: `Volume ${show(spec)} is refused: ${why}. ${VOLUME_SPEC_USAGE}.`,
  });
  if (typeof spec !== "string" || spec === "") return fail("it is empty");
  if (UNCLEAN.test(spec)) return fail("it contains whitespace or control characters; remove them");
  const parts = spec.split(":");
  if (parts.length > 3 || parts.some((p) => p === "")) {
    return fail("expected one to three non-empty ':'-separated parts");
  }
  if (parts.length === 1) {
    const target = cleanAbsolutePath(parts[0]!, "container path");
    if ("problem" in target) return fail(target.problem);
    if (target.path === "/") return fail("cannot mount over the container's '/'");
    return { ok: true, mount: { type: "anonymous", target: target.path, readOnly: false, options: [] } };
  }
  const [source = "", rawTarget = "", rawOptions] = parts;
  const target = cleanAbsolutePath(rawTarget, "container path");
  if ("problem" in target) return fail(target.problem);
  if (target.path === "/") return fail("cannot mount over the container's '/'");
  const options = rawOptions === undefined ? [] : rawOptions.split(",");
  for (const option of options) {
    if (!OPTIONS.has(option)) return fail(`unknown option ${show(option)}`);
  }
  if (options.includes("ro") && options.includes("rw")) return fail("it has both 'ro' and 'rw'");
  const readOnly = options.includes("ro");
  if (source.startsWith("/")) {
    const host = cleanAbsolutePath(source, "host path");
    if ("problem" in host) return fail(host.problem);
    return { ok: true, mount: { type: "bind", source: host.path, target: target.path, readOnly, options } };
  }
  if (source.startsWith(".") || source.startsWith("~")) {
    return fail(`the host path ${show(source)} must be absolute`);
  }
  if (!VOLUME_NAME.test(source)) {
    return fail(`${show(source)} is neither an absolute host path nor a volume name`);
  }
  return { ok: true, mount: { type: "volume", source, target: target.path, readOnly, options } };
}

/**
 * Re-checks a mount handed over already parsed (by a caller that did not use `parseVolumeSpec`, such
 * as a compose file's long syntax): a problem when it is not what the parser would have produced.
 */
export function mountProblem(mount: MountFacts): string | undefined {
  const label = `Mount ${show(`${mount.source ?? ""}:${mount.target}`)} is refused: `;
  const target =
    typeof mount.target === "string" ? cleanAbsolutePath(mount.target, "container path") : undefined;
  if (target === undefined || "problem" in target) {
    return `${label}${target?.problem ?? "it has no container path"}. ${VOLUME_SPEC_USAGE}.`;
  }
  if (mount.type === "bind") {
    const host = typeof mount.source === "string" ? cleanAbsolutePath(mount.source, "host path") : undefined;
    if (host === undefined || "problem" in host) {
      return `${label}${host?.problem ?? "a bind needs a host path"}. ${VOLUME_SPEC_USAGE}.`;
    }
    return undefined;
  }
  if (mount.type === "volume") {
    if (typeof mount.source !== "string" || !VOLUME_NAME.test(mount.source)) {
      return `${label}the volume name must match ${VOLUME_NAME.source}. ${VOLUME_SPEC_USAGE}.`;
    }
    return undefined;
  }
  if (mount.type === "anonymous") return undefined;
  return `${label}unknown mount type ${show(String(mount.type))}; use bind, volume or anonymous.`;
}
