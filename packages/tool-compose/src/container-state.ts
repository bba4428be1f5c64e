import { formatPorts, healthFromStatus } from "@arktechnwa/docker-kit";
import type { ContainerSummary } from "@arktechnwa/docker-mcp-engine";
import { NUMBER_LABEL, ONEOFF_LABEL, ownNames, SERVICE_LABEL } from "./compose-project.js";

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
