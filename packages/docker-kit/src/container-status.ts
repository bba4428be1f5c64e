import type { ContainerPort } from "@arktechnwa/docker-mcp-engine";

/** One character per state, as the design document shows ("status_icon": "✓" for a running container). */
const ICONS: Record<string, string> = {
  running: "✓",
  paused: "⏸",
  restarting: "↻",
  created: "○",
  exited: "✗",
  dead: "✗",
  removing: "…",
};

export function statusIcon(state: string, health?: string | null): string {
  if (state === "running" && health === "unhealthy") return "⚠";
  return ICONS[state] ?? "?";
}

/** Health as Docker prints it in the status column: "(healthy)", "(unhealthy)", "(health: starting)". */
export function healthFromStatus(status: string): string | undefined {
  const m = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  if (!m) return undefined;
  return m[1] === "health: starting" ? "starting" : m[1];
}

/** "Exited (137) 5 minutes ago" -> 137. */
export function exitCodeFromStatus(status: string): number | undefined {
  const m = /^Exited \((-?\d+)\)/.exec(status);
  return m ? Number(m[1]) : undefined;
}

const UNIT: Record<string, string> = {
  second: "s",
  minute: "m",
  hour: "h",
  day: "d",
  week: "w",
  month: "mo",
  year: "y",
};

/**
 * Uptime from Docker's status text ("Up 3 days", "Up About an hour"): the list endpoint has no start
 * time, and inspecting every container would cost a round trip each.
 */
export function uptimeFromStatus(status: string): string | undefined {
  const m = /^Up (Less than a second|About an? (\w+)|(\d+) (\w+?)s?)(?: \(|$)/.exec(status);
  if (!m) return undefined;
  if (m[1] === "Less than a second") return "0s";
  if (m[2]) return `1${UNIT[m[2]] ?? m[2]}`;
  return `${m[3]}${UNIT[m[4] as string] ?? ` ${m[4]}`}`;
}

/** "0.0.0.0:8080->80/tcp" like the docker CLI; unpublished ports as "80/tcp". */
export function formatPorts(ports: ContainerPort[]): string[] {
  const seen = new Set<string>();
  for (const p of ports) {
    const host = p.ip?.includes(":") ? `[${p.ip}]` : p.ip;
    seen.add(
      p.publicPort
        ? `${host ?? "0.0.0.0"}:${p.publicPort}->${p.privatePort}/${p.type}`
        : `${p.privatePort}/${p.type}`,
    );
  }
  return [...seen].sort();
}
