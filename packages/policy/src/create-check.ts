import { maskText } from "@arktechnwa/mcp-mask";
import { DEFAULT_RUNTIMES } from "./defaults.js";
import { isAtOrBelow } from "./host-path.js";
import { matchPattern } from "./pattern.js";
import type { CreateRequest, CreateSafety, Reason } from "./types.js";
import { cleanAbsolutePath, type MountFacts, mountProblem, parseVolumeSpec } from "./volume-spec.js";

const unsafe = (message: string): Reason => ({ code: "create_unsafe", message });

function isHost(mode: unknown): boolean {
  return typeof mode === "string" && mode.trim().toLowerCase() === "host";
}

/** `net/ipv4/ip_forward=1` and `net.ipv4.ip_forward` name one kernel parameter (runc reads both). */
export function normalizeSysctl(entry: string): string {
  const eq = entry.indexOf("=");
  return (eq >= 0 ? entry.slice(0, eq) : entry).trim().replace(/\//g, ".");
}

/** `cap_sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` are one capability. */
export function normalizeCapability(cap: string): string {
  return cap.trim().toUpperCase().replace(/^CAP_/, "");
}

/** Deny reasons for a container-creation spec; empty when it is within `create_safety`. */
export function checkCreate(safety: CreateSafety, create: CreateRequest): Reason[] {
  const reasons: Reason[] = [];
  const mode = (value: unknown, what: string, allowed: boolean, key: string, why: string) => {
    if (isHost(value) && !allowed) {
      reasons.push(
        unsafe(`${what} 'host' is refused: ${why}. Set create_safety.${key} to true to allow it.`),
      );
    }
  };
  if (create.privileged === true && !safety.allowPrivileged) {
    reasons.push(
      unsafe(
        "A privileged container is refused: it has full access to the host's devices. Set create_safety.allow_privileged to true to allow it.",
      ),
    );
  }
  mode(
    create.networkMode,
    "Network mode",
    safety.allowHostNetwork,
    "allow_host_network",
    "it shares the host's network stack",
  );
  mode(
    create.pidMode,
    "PID mode",
    safety.allowHostPid,
    "allow_host_pid",
    "it sees and can signal every host process",
  );
  mode(create.ipcMode, "IPC mode", safety.allowHostIpc, "allow_host_ipc", "it shares memory with the host");
  mode(
    create.utsMode,
    "UTS mode",
    safety.allowHostUts,
    "allow_host_uts",
    "it can change the host's hostname",
  );
  mode(
    create.usernsMode,
    "User namespace mode",
    safety.allowHostUserns,
    "allow_host_userns",
    "it opts out of user remapping",
  );

  mode(
    create.cgroupnsMode,
    "Cgroup namespace mode",
    safety.allowHostCgroupns,
    "allow_host_cgroupns",
    "it sees the host's whole cgroup tree",
  );
  if (
    typeof create.cgroupParent === "string" &&
    create.cgroupParent.trim() !== "" &&
    !safety.allowCgroupParent
  ) {
    reasons.push(
      unsafe(
        `Cgroup parent '${maskText(create.cgroupParent).slice(0, 80)}' is refused: it places the container outside the cgroup Docker sets up for it (in another service's slice, or outside its limits). Set create_safety.allow_cgroup_parent to true to allow it.`,
      ),
    );
  }
  const sysctls = [...new Set((create.sysctls ?? []).map((s) => normalizeSysctl(String(s))))];
  if (safety.allowSysctls !== true && sysctls.length > 0) {
    const permitted = safety.allowSysctls === false ? [] : safety.allowSysctls;
    const refused = sysctls.filter((name) => !permitted.some((p) => matchPattern(normalizeSysctl(p), name)));
    if (refused.length > 0) {
      reasons.push(
        unsafe(
          `Setting kernel parameter${refused.length === 1 ? "" : "s"} ${refused.map((r) => maskText(r)).join(", ")} is refused. ` +
            `List ${refused.length === 1 ? "it" : "them"} in create_safety.allow_sysctls (or set it to true) to allow this.`,
        ),
      );
    }
  }
  const runtime = typeof create.runtime === "string" ? create.runtime.trim() : "";
  if (runtime !== "" && !DEFAULT_RUNTIMES.includes(runtime) && !safety.allowedRuntimes.includes(runtime)) {
    reasons.push(
      unsafe(
        `Runtime '${maskText(runtime).slice(0, 80)}' is refused: only Docker's default runtime (runc) is allowed unless create_safety.allowed_runtimes lists it. Add it there to allow it.`,
      ),
    );
  }
  if ((create.deviceRequests ?? []).length > 0 && !safety.allowDeviceRequests) {
    reasons.push(
      unsafe(
        `Device request${create.deviceRequests?.length === 1 ? "" : "s"} (${(create.deviceRequests ?? []).map((d) => maskText(String(d)).slice(0, 80)).join("; ")}) refused: the driver passes host devices (GPUs) and its host libraries in. Set create_safety.allow_device_requests to true to allow it.`,
      ),
    );
  }
  const drivers = [...new Set(create.volumeDrivers ?? [])].filter(
    (d) => !safety.allowedVolumeDrivers.includes(d),
  );
  if (drivers.length > 0) {
    reasons.push(
      unsafe(
        `A volume of driver ${drivers.map((d) => `'${maskText(d)}'`).join(", ")} with driver options is refused: what a volume plugin's options mount is the plugin's to say, and docker-mcp cannot judge it. List the driver in create_safety.allowed_volume_drivers if you trust it.`,
      ),
    );
  }

  for (const what of new Set(create.unjudged ?? [])) {
    reasons.push(
      unsafe(
        `${capitalize(maskText(String(what)))} is refused: docker-mcp cannot judge it, so it fails closed.`,
      ),
    );
  }

  const caps = (create.capAdd ?? []).map((c) => normalizeCapability(String(c)));
  if (safety.allowCapAdd !== true) {
    const permitted = new Set(safety.allowCapAdd === false ? [] : safety.allowCapAdd);
    const refused = [...new Set(caps.filter((c) => !permitted.has(c)))];
    if (refused.length > 0) {
      reasons.push(
        unsafe(
          `Adding capabilit${refused.length === 1 ? "y" : "ies"} ${refused.join(", ")} is refused. ` +
            `List ${refused.length === 1 ? "it" : "them"} in create_safety.allow_cap_add (or set it to true) to allow this.`,
        ),
      );
    }
  }
  if ((create.devices ?? []).length > 0 && !safety.allowDevices) {
    reasons.push(
      unsafe("Passing host devices is refused. Set create_safety.allow_devices to true to allow it."),
    );
  }
  const unconfined = (create.securityOpt ?? []).filter((o) =>
    /unconfined|label[:=]disable|spc_t/i.test(String(o)),
  );
  if (unconfined.length > 0 && !safety.allowUnconfined) {
    reasons.push(
      unsafe(
        `Security option ${unconfined.map((o) => `'${maskText(String(o))}'`).join(", ")} switches confinement off and is refused. ` +
          "Set create_safety.allow_unconfined to true to allow it.",
      ),
    );
  }
  // A seccomp profile of the caller's own (inline JSON, or a file compose reads) may allow every
  // syscall: it cannot be judged here, so it counts as switching confinement off.
  const customSeccomp = (create.securityOpt ?? []).filter(
    (o) =>
      /^\s*seccomp\s*[:=]/i.test(String(o)) &&
      !/unconfined/i.test(String(o)) &&
      !/^\s*seccomp\s*[:=]\s*(default|builtin)\s*$/i.test(String(o)),
  );
  if (customSeccomp.length > 0 && !safety.allowUnconfined) {
    reasons.push(
      unsafe(
        `Security option '${maskText(String(customSeccomp[0])).slice(0, 80)}' sets a custom seccomp profile, which may allow every system call, and is refused. ` +
          "Use the default profile, or set create_safety.allow_unconfined to true to allow it.",
      ),
    );
  }

  // Raw `-v` strings and parsed mounts go through the same parser and the same judgment.
  const mounts: MountFacts[] = [];
  for (const bind of create.binds ?? []) {
    const parsed = parseVolumeSpec(bind);
    // A lone path in `binds` is a host path (the field's older meaning), never an anonymous volume.
    if (parsed.ok && parsed.mount.type === "anonymous")
      mounts.push({ ...parsed.mount, type: "bind", source: parsed.mount.target });
    else if (parsed.ok) mounts.push(parsed.mount);
    else reasons.push(unsafe(maskText(parsed.problem)));
  }
  for (const mount of create.mounts ?? []) {
    const problem = mountProblem(mount);
    if (problem === undefined) mounts.push(mount);
    else reasons.push(unsafe(maskText(problem)));
  }
  for (const mount of mounts) {
    if (mount.type !== "bind") continue;
    const clean = cleanAbsolutePath(mount.source ?? "", "host path");
    if ("problem" in clean) continue; // reported above
    const reason = judgeBindSource(safety, clean.path, undefined);
    if (reason !== undefined) {
      reasons.push(reason);
      continue;
    }
    if (mount.realSourceProblem !== undefined && mount.realSourceProblem !== null) {
      reasons.push(
        unsafe(
          `Binding host path ${clean.path} is refused: its real path could not be checked (${maskText(String(mount.realSourceProblem))}). ` +
            "Bind a path that exists and can be read, without dangling symlinks.",
        ),
      );
      continue;
    }
    if (typeof mount.realSource === "string" && mount.realSource !== clean.path) {
      const real = cleanAbsolutePath(mount.realSource, "real host path");
      const viaLink =
        "problem" in real
          ? unsafe(`Binding host path ${clean.path} is refused: ${real.problem}.`)
          : judgeBindSource(safety, real.path, clean.path);
      if (viaLink !== undefined) reasons.push(viaLink);
    }
  }
  return reasons;
}

/**
 * The reason a host path may not be bound, if any. `via` is the path as given when `path` is what it
 * resolves to through symlinks.
 */
function judgeBindSource(safety: CreateSafety, path: string, via: string | undefined): Reason | undefined {
  const subject = via === undefined ? `host path ${path}` : `host path ${via} (a symlink to ${path})`;
  const blocked = safety.blockedBindMounts.find(
    (b) => path === b || (b !== "/" && path.startsWith(`${b}/`)) || isAtOrBelow(b, path),
  );
  if (blocked !== undefined) {
    const relation = path === blocked ? "is" : path.startsWith(`${blocked}/`) ? "lies under" : "contains";
    return unsafe(
      `Binding ${subject} is refused: it ${relation} ${blocked}, listed in create_safety.blocked_bind_mounts. ` +
        "Mount a narrower directory, or remove the entry from create_safety.blocked_bind_mounts if this is intended.",
    );
  }
  if (safety.allowedBindMounts.length > 0 && !safety.allowedBindMounts.some((a) => isAtOrBelow(path, a))) {
    return unsafe(
      `Binding ${subject} is refused: it is not under any entry of create_safety.allowed_bind_mounts ` +
        `(${safety.allowedBindMounts.join(", ")}). Add the directory there to allow it.`,
    );
  }
  return undefined;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
