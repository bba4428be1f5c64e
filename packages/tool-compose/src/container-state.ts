import type { ContainerPort, ContainerSummary } from "@arktechnwa/docker-mcp-engine";
import { NUMBER_LABEL, ONEOFF_LABEL, ownNames, SERVICE_LABEL } from "./compose-project.js";

/** Health as Docker prints it in the status column: "(healthy)", "(unhealthy)", "(health: starting)". */
export function healthFromStatus(status: string): string | undefined {
  const m = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  if (!m) return undefined;
  return m[1] === "health: starting" ? "starting" : m[1];
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

/** One project container as the compose tools report it. */
export interface ServiceContainer {
  name: string;
  id: string;
  service: string;
  state: string;
  status: string;
  health?: string;
  ports: string[];
  oneoff?: boolean;
}

export function describeContainer(c: ContainerSummary): ServiceContainer {
  const health = healthFromStatus(c.status);
  return {
    name: ownNames(c.names)[0] ?? c.id.slice(0, 12),
    id: c.id,
    service: c.labels[SERVICE_LABEL] ?? "",
    state: c.state,
    status: c.status,
    ...(health ? { health } : {}),
    ports: formatPorts(c.ports),
    ...(c.labels[ONEOFF_LABEL] === "True" ? { oneoff: true } : {}),
  };
}

/** Containers in service order, then by their number. */
export function byServiceThenNumber(a: ContainerSummary, b: ContainerSummary): number {
  const sa = a.labels[SERVICE_LABEL] ?? "";
  const sb = b.labels[SERVICE_LABEL] ?? "";
  if (sa !== sb) return sa < sb ? -1 : 1;
  return Number(a.labels[NUMBER_LABEL] ?? 0) - Number(b.labels[NUMBER_LABEL] ?? 0);
}
