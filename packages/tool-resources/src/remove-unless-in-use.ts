import type { ItemOutcome } from "@arktechnwa/docker-kit";
import { errorCode } from "@arktechnwa/docker-mcp-core";

/**
 * Removes one network or volume: one already gone is unchanged; one in use (the daemon's conflict)
 * fails with `inUse()`'s message, which names only the containers the caller may see (the daemon's
 * message lists container IDs, hidden ones too, so it is not shown).
 */
export async function removeUnlessInUse(
  remove: () => Promise<unknown>,
  inUse: () => Promise<string>,
): Promise<ItemOutcome> {
  try {
    await remove();
  } catch (error) {
    if (errorCode(error) === "NOT_FOUND") return { status: "unchanged", message: "already gone" };
    if (errorCode(error) !== "CONFLICT") throw error;
    return { status: "failed", message: await inUse() };
  }
  return { status: "done", message: "removed" };
}
