import { cleanAbsolutePath, type MountSpec } from "./volume-spec.js";

/**
 * What a volume's driver options really mount. The `local` driver runs `mount(device, mountpoint, type,
 * o)` on the daemon's host: `type: none, o: bind, device: /etc` makes a "named volume" that is a bind
 * of /etc, and `type: ext4, device: /dev/sda1` mounts a host disk. Such a volume is judged as a bind of
 * its device by create_safety, wherever it is used (docker_volume_create, a compose file's volumes).
 * Other devices (`tmpfs`, `:/export` for nfs, `//host/share` for cifs) name no host path.
 * Other drivers are plugins the daemon's owner installed; their options are theirs to interpret.
 */
export type VolumeDriverMount =
  | { kind: "none" }
  | { kind: "bind"; mount: MountSpec }
  | { kind: "problem"; problem: string };

export function volumeDriverMount(
  driver: string | undefined,
  options: Readonly<Record<string, unknown>> | undefined,
  target = "/",
): VolumeDriverMount {
  if (!options || (driver !== undefined && driver !== "" && driver !== "local")) return { kind: "none" };
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
