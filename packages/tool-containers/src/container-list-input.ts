import { itemResultSchema, type ItemResult as KitItemResult, refsSchema } from "@arktechnwa/docker-kit";

/** One reference or several: `"web"` or `["web", "api"]`. */
export const containerRefs = refsSchema("Container name, ID prefix or full ID, or a list of them.");

/** Per-container outcome of an action on several containers. */
export const itemResult = itemResultSchema("container");

export type ItemResult = KitItemResult<"container">;

/** How actOnEach names containers in its answers. */
export const CONTAINER_ITEMS = {
  field: "container",
  noun: "container",
  checkHint: "Check with docker_ps or docker_inspect before retrying.",
} as const;
