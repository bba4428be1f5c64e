import { isAtOrBelow, normalizeHostPath } from "./host-path.js";
import { maskText } from "./mask.js";
import type { CreateRequest, CreateSafety, Reason } from "./types.js";

const unsafe = (message: string): Reason => ({ code: "create_unsafe", message });

function isHost(mode: unknown): boolean {
  return typeof mode === "string" && mode.trim().toLowerCase() === "host";
}

/** `cap_sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` are one capability. */
export function normalizeCapability(cap: string): string {
  return cap.trim().toUpperCase().replace(/^CAP_/, "");
}

/** The host path of a bind (`/src:/dst:ro` -> `/src`); `undefined` for a named volume. */
function bindSource(bind: string): string | undefined {
  const source = bind.startsWith("/") ? bind.split(":")[0]! : undefined;
  return source === undefined ? undefined : normalizeHostPath(source);
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
  const unconfined = (create.securityOpt ?? []).filter((o) => /unconfined|label[:=]disable/i.test(String(o)));
  if (unconfined.length > 0 && !safety.allowUnconfined) {
    reasons.push(
      unsafe(
        `Security option ${unconfined.map((o) => `'${maskText(String(o))}'`).join(", ")} switches confinement off and is refused. ` +
          "Set create_safety.allow_unconfined to true to allow it.",
      ),
    );
  }

  for (const bind of create.binds ?? []) {
    const path = bindSource(String(bind));
    if (path === undefined) continue;
    const blocked = safety.blockedBindMounts.find(
      (b) => path === b || (b !== "/" && path.startsWith(`${b}/`)) || isAtOrBelow(b, path),
    );
    if (blocked !== undefined) {
      const relation = path === blocked ? "is" : path.startsWith(`${blocked}/`) ? "lies under" : "contains";
      reasons.push(
        unsafe(
          `Binding host path ${path} is refused: it ${relation} ${blocked}, listed in create_safety.blocked_bind_mounts. ` +
            "Mount a narrower directory, or remove the entry from create_safety.blocked_bind_mounts if this is intended.",
        ),
      );
      continue;
    }
    if (safety.allowedBindMounts.length > 0 && !safety.allowedBindMounts.some((a) => isAtOrBelow(path, a))) {
      reasons.push(
        unsafe(
          `Binding host path ${path} is refused: it is not under any entry of create_safety.allowed_bind_mounts ` +
            `(${safety.allowedBindMounts.join(", ")}). Add the directory there to allow it.`,
        ),
      );
    }
  }
  return reasons;
}
