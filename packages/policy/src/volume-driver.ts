import { cleanAbsolutePath, type MountSpec } from "./volume-spec.js";

/**
 * What a volume's driver options really mount. The `local` driver runs `mount(device, mountpoint, type,
 * o)` on the daemon's host: `type: none, o: bind, device: /etc` makes a "named volume" that is a bind
 * of /etc, and `type: ext4, device: /dev/sda1` mounts a host disk. Such a volume is judged as a bind of
 * its device by create_safety, wherever it is used (docker_volume_create, a compose file's volumes).
 * Other devices (`tmpfs`, `:/export` for nfs, `//host/share` for cifs) name no host path.
 * Unknown options fail closed: the local driver knows `type`, `o`, `device` and `size`, anything else is
 * a problem. Other drivers are plugins the daemon's owner installed; what their options mount is theirs
 * to say, so a plugin volume with options is `plugin` (judged by `create_safety.allowed_volume_drivers`).
 * The same rules judge a volume about to be created and the record of one that exists (`Driver`,
 * `Options` of `GET /volumes/{name}`), since an existing volume is mounted as its record says.
 */
export type VolumeDriverMount =
  | { kind: "none" }
  | { kind: "bind"; mount: MountSpec }
  | { kind: "plugin"; driver: string }
  | { kind: "problem"; problem: string };

const LOCAL_OPTIONS = new Set(["type", "o", "device", "size"]);

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
  const type = typeof options["type"] === "string" ? options["type"] : "";
  const o = typeof options["o"] === "string" ? options["o"] : "";
  const binds = /(^|,)r?bind(,|$)/.test(o) || type === "none" || type === "bind";
  if (typeof device !== "string") {
    return binds
      ? { kind: "problem", problem: "the volume's driver options bind a host path but give no device" }
      : { kind: "none" };
  }
  if (!binds && !device.startsWith("/") && !device.startsWith(".")) return { kind: "none" };
  // A cifs share is `//server/share`, a remote path; any other type reads `//dev/sda1` as /dev/sda1.
  if (!binds && /^(cifs|smb3?)$/.test(type) && device.startsWith("//")) return { kind: "none" };
  const clean = cleanAbsolutePath(device, "volume device");
  if ("problem" in clean) return { kind: "problem", problem: `the volume's driver option ${clean.problem}` };
  return {
    kind: "bind",
    mount: { type: "bind", source: clean.path, target, readOnly: false, options: [] },
  };
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
  if (real.kind === "bind") return { mounts: [real.mount] };
  if (real.kind === "plugin") return { volumeDrivers: [real.driver] };
  if (real.kind === "problem") return { unjudged: [`${what}: ${real.problem}`] };
  return {};
}
