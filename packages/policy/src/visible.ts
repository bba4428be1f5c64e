import { compiledFor } from "./compiled.js";
import { checkResource, type ResourceLike } from "./resource-check.js";
import type { Policy, Reason } from "./types.js";

/**
 * Filters a listing down to what the policy lets the caller see: blacklisted resources, resources outside
 * a non-empty whitelist, and (for containers) those running a blacklisted image are left out. Levels are
 * not checked here (the listing tool's own decide() call does that). With bypass, everything is visible.
 * An unknown kind shows nothing. Pure and total, like decide().
 */
export function visible<T extends ResourceLike>(policy: Policy, kind: string, resources: readonly T[]): T[] {
  try {
    if (policy.bypass) return [...resources];
    const compiled = compiledFor(policy);
    if (!compiled.kinds.has(kind)) return [];
    const scratch: Reason[] = [];
    return resources.filter((r) => {
      if (r === null || typeof r !== "object" || !Array.isArray(r.names)) return false;
      scratch.length = 0;
      checkResource(compiled, kind, r, scratch);
      return scratch.length === 0;
    });
  } catch {
    return [];
  }
}
