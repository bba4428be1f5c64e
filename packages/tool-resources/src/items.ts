import { itemResultSchema } from "@arktechnwa/docker-kit";

/** How each kind's per-target results are named, and what to check after an unknown outcome. */
export const NETWORK_ITEMS = {
  field: "network",
  noun: "network",
  checkHint: "Check with docker_networks or docker_network_inspect before retrying.",
} as const;

export const VOLUME_ITEMS = {
  field: "volume",
  noun: "volume",
  checkHint: "Check with docker_volumes before retrying.",
} as const;

export const networkItem = itemResultSchema("network");
export const volumeItem = itemResultSchema("volume");
