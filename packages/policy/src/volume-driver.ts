import { cleanAbsolutePath, type MountSpec } from "./volume-spec.js";

/**
 * What a volume's driver options really mount. The `local` driver runs `mount(device, mountpoint, type,
 * o)` on the daemon's host: `type: none, o: bind, device: /etc` makes a "named volume" that is a bind
 * of /etc, and `type: ext4, device: /dev/sda1` mounts a host disk. Such a volume is judged as a bind of
 * its device by create_safety, wherever it is used (docker_volume_create, a compose file's volumes).
 * Other devices (`tmpfs`, `:/export` for nfs, `//host/share` for cifs) name no host path. A path in
 * the mount options (an overlay's `lowerdir=/etc`) is judged as a bind of that path too; `mounts` has
 * every path (`mount` is the first).
 * Unknown options fail closed: the local driver knows `type`, `o`, `device` and `size`, anything else is
 * a problem. Other drivers are plugins the daemon's owner installed; what their options mount is theirs
 * to say, so a plugin volume with options is `plugin` (judged by `create_safety.allowed_volume_drivers`).
 * The same rules judge a volume about to be created and the record of one that exists (`Driver`,
 * `Options` of `GET /volumes/{name}`), since an existing volume is mounted as its record says.
 */
export type VolumeDriverMount =
  | { kind: "none" }
  | { kind: "bind"; mount: MountSpec; mounts: MountSpec[] }
  | { kind: "plugin"; driver: string }
  | { kind: "problem"; problem: string };

const LOCAL_OPTIONS = new Set(["type", "o", "device", "size"]);
const PATH_OPTIONS = new Set(["lowerdir", "upperdir", "workdir", "datadir"]);

export function volumeDriverMount(
  driver: string | undefined,
  options: Readonly<Record<string, unknown>> | null | undefined,
  target = "/",
): VolumeDriverMount {
  if (!options || Object.keys(options).length === 0) return { kind: "none" };
  if (driver !== undefined && driver !== "" && driver !== "local") return { kind: "plugin", driver };
  const unknown = Object.keys(options).filter((k) => !LOCAL_OPTIONS.has(k));
  if (unknown.length > 0)
    return {
      kind: "problem",
      problem: `the volume's local driver option${unknown.length === 1 ? "" : "s"} ${unknown.map((k) => `'${k.slice(0, 40)}'`).join(", ")} cannot be judged (known: type, o, device, size)`,
    };
  const device = options["device"];
  const type = typeof options["type"] === "string" ? options["type"].trim().toLowerCase() : "";
  const o = typeof options["o"] === "string" ? options["o"] : "";
  const binds = /(^|,)\s*r?bind\s*(,|$)/i.test(o) || type === "none" || type === "bind";
  // Host paths in the mount options: an overlay's `lowerdir=/etc:/root,upperdir=...,workdir=...` shows
  // those directories, whatever its device is called; any option value that is a path is one.
  // Overlay's directory keys are paths even when relative (the kernel reads them from dockerd's cwd).
  const optionPaths = o.split(",").flatMap((item) => {
    const eq = item.indexOf("=");
    if (eq < 0) return [];
    const key = item.slice(0, eq).trim().toLowerCase();
    const values = item
      .slice(eq + 1)
      .split(":")
      .map((v) => v.trim());
    return PATH_OPTIONS.has(key)
      ? values.filter((v) => v !== "")
      : values.filter((v) => v.startsWith("/") || v.startsWith("."));
  });
  const paths: string[] = [];
  if (typeof device !== "string") {
    if (binds)
      return { kind: "problem", problem: "the volume's driver options bind a host path but give no device" };
  } else if (binds || device.startsWith("/") || device.startsWith(".")) {
    // A cifs share is `//server/share`, a remote path; any other type reads `//dev/sda1` as /dev/sda1.
    if (binds || !(/^(cifs|smb3?)$/.test(type) && device.startsWith("//"))) paths.push(device);
  }
  paths.push(...optionPaths);
  if (paths.length === 0) return { kind: "none" };
  const mounts: MountSpec[] = [];
  for (const path of paths) {
    const clean = cleanAbsolutePath(path, "volume device");
    if ("problem" in clean)
      return { kind: "problem", problem: `the volume's driver option ${clean.problem}` };
    mounts.push({ type: "bind", source: clean.path, target, readOnly: false, options: [] });
  }
  return { kind: "bind", mount: mounts[0] as MountSpec, mounts };
}

/**
 * What mounting (or creating) a volume with this driver and these options asks of `create_safety`, as
 * create facts: a bind of its device, a plugin driver to trust, or what cannot be judged. `what` names
 * the volume in messages ("volume data").
 */
export function volumeCreateFacts(
  what: string,
  driver: string | undefined,
  options: Readonly<Record<string, unknown>> | null | undefined,
  target = "/",
): { mounts?: MountSpec[]; volumeDrivers?: string[]; unjudged?: string[] } {
  const real = volumeDriverMount(driver, options, target);
  if (real.kind === "bind") return { mounts: real.mounts };
  if (real.kind === "plugin") return { volumeDrivers: [real.driver] };
  if (real.kind === "problem") return { unjudged: [`${what}: ${real.problem}`] };
  return {};
}
