import type { Policy } from "@arktechnwa/mcp-policy";

/** The effective policy on one screen: levels, lists, and the exec, create, compose and build safety. */
export function policyLines(policy: Policy): string[] {
  const lines: string[] = [];
  const on = Object.entries(policy.levels).filter(([, v]) => v);
  const off = Object.entries(policy.levels).filter(([, v]) => !v);
  lines.push(
    `revision ${policy.revision}${policy.bypass ? "  (--bypass-permissions: everything is allowed)" : ""}`,
  );
  lines.push(`levels on:  ${on.map(([k]) => k).join(", ") || "(none)"}`);
  lines.push(`levels off: ${off.map(([k]) => k).join(", ") || "(none)"}`);
  const lists = Object.entries(policy.lists).flatMap(([kind, l]) => [
    ...(l.whitelist.length ? [`  whitelist ${kind}: ${l.whitelist.join(", ")}`] : []),
    ...(l.blacklist.length ? [`  blacklist ${kind}: ${l.blacklist.join(", ")}`] : []),
  ]);
  lines.push(lists.length ? "lists:" : "lists: none (every name is admitted)", ...lists);
  const exec = policy.execSafety;
  lines.push(
    `exec: ${policy.levels["exec"] ? "on" : "off"}; blocked ${exec.blockedCommands.map((c) => JSON.stringify(c)).join(", ") || "(none)"}; ` +
      `allowed ${exec.allowedCommands.length ? exec.allowedCommands.join(", ") : "any program not blocked"}; ` +
      `output ${exec.maxOutput} bytes per stream; timeout ${exec.timeout}`,
  );
  const create = policy.createSafety;
  const switches = Object.entries(create)
    .filter(
      ([key, value]) =>
        key.startsWith("allow") &&
        key !== "allowedBindMounts" &&
        value !== false &&
        !(Array.isArray(value) && value.length === 0),
    )
    // Named as the config file writes them (allow_host_cgroupns), so the key to change is the one shown.
    .map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value] as const)
    .map(([key, value]) => (Array.isArray(value) ? `${key} (${value.join(", ")})` : key));
  lines.push(
    `create: ${policy.levels["create"] ? "on" : "off"}; allowed: ${switches.join(", ") || "nothing risky (no privileged, host namespaces, devices or device requests, cap_add, sysctls, cgroup parent, other runtimes, untrusted volume plugins)"}; ` +
      `bind mounts ${create.allowedBindMounts.length ? `only under ${create.allowedBindMounts.join(", ")}` : "anywhere not blocked"}; ` +
      `blocked ${create.blockedBindMounts.join(", ")}`,
  );
  lines.push(
    `compose files: ${policy.composeSafety.allowedDirectories.length ? `under ${policy.composeSafety.allowedDirectories.join(", ")}` : "none allowed (compose_safety.allowed_directories is empty)"}`,
  );
  lines.push(
    `build contexts: ${policy.buildSafety.allowedContexts.length ? `under ${policy.buildSafety.allowedContexts.join(", ")}` : "none allowed (build_safety.allowed_contexts is empty)"}`,
  );
  return lines;
}
