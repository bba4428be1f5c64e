import { errorMessage, type RejectedTarget, type ToolContext } from "@arktechnwa/docker-mcp-core";
import type { ContainerIdentity } from "@arktechnwa/docker-mcp-engine";
import type { ItemResult } from "./container-list-input.js";
import { displayName, identityOf } from "./resolve-container.js";

/** Containers acted on at once: a stop waits out each container's grace period, so one at a time is slow. */
const CONCURRENCY = 4;
/**
 * Stop starting (and give up waiting) this long before the call's deadline, to answer with what was
 * done; a quarter of the time left when that is shorter.
 */
const ANSWER_MARGIN_MS = 2_000;

/** What an action says about one container; actOnEach adds who it was. */
export type ItemOutcome = Pick<ItemResult, "status" | "message">;

/** The per-container results of targets the kernel did not let through (denied or not resolvable). */
export function rejectedResults(rejected: RejectedTarget[]): ItemResult[] {
  return rejected.map((r) => ({
    container: r.ref,
    status:
      r.status === "denied"
        ? "denied"
        : r.code === "NOT_FOUND" || r.code === "AMBIGUOUS"
          ? "not_found"
          : "failed",
    message: r.message,
  }));
}

/**
 * Runs an action on every allowed target, a few at a time, and answers in the caller's order with the
 * rejected targets in their places. Shortly before the call's deadline it stops: containers not yet
 * started are "skipped", those in flight "unknown" (the change may or may not have happened), so the
 * caller learns what was done instead of a bare timeout.
 */
export async function actOnEach(
  refs: string[],
  ctx: ToolContext,
  act: (identity: ContainerIdentity, signal: AbortSignal) => Promise<ItemOutcome>,
): Promise<ItemResult[]> {
  const rejected = new Map(rejectedResults(ctx.rejected).map((r) => [r.container, r]));
  const allowed = new Map(ctx.targets.map((t) => [t.ref, t]));
  const firstRefOf = new Map<string, string>();
  const results: (ItemResult | undefined)[] = [];
  const work: { index: number; ref: string; identity: ContainerIdentity }[] = [];

  refs.forEach((ref, index) => {
    const target = allowed.get(ref);
    if (!target) {
      results[index] = rejected.get(ref);
      return;
    }
    const identity = identityOf(target);
    const twin = firstRefOf.get(identity.id);
    if (twin !== undefined) {
      results[index] = {
        ...who(ref, identity),
        status: "unchanged",
        message: `same container as "${twin}" (handled once)`,
      };
      return;
    }
    firstRefOf.set(identity.id, ref);
    work.push({ index, ref, identity });
  });

  const outOfTime = new AbortController();
  const timer = setTimeout(
    () => outOfTime.abort(),
    Math.max(0, ctx.deadline - Date.now() - ANSWER_MARGIN_MS),
  );
  const signal = AbortSignal.any([ctx.signal, outOfTime.signal]);
  const runOne = async ({ index, ref, identity }: (typeof work)[number]) => {
    if (signal.aborted) {
      results[index] = {
        ...who(ref, identity),
        status: "skipped",
        message: "not attempted: the call ran out of time; call again for this one",
      };
      return;
    }
    try {
      results[index] = { ...who(ref, identity), ...(await act(identity, signal)) };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      results[index] = outOfTime.signal.aborted
        ? {
            ...who(ref, identity),
            status: "unknown",
            message:
              "outcome unknown: the call ran out of time while this was in progress. Check with docker_ps or docker_inspect before retrying.",
          }
        : { ...who(ref, identity), status: "failed", message: errorMessage(error) };
    }
  };
  try {
    let next = 0;
    const lanes = Array.from({ length: Math.min(CONCURRENCY, work.length) }, async () => {
      while (next < work.length) await runOne(work[next++] as (typeof work)[number]);
    });
    await Promise.all(lanes);
  } finally {
    clearTimeout(timer);
  }
  return results.filter((r): r is ItemResult => r !== undefined);
}

function who(ref: string, identity: ContainerIdentity): Pick<ItemResult, "container" | "id" | "name"> {
  return { container: ref, id: identity.id.slice(0, 12), name: displayName(identity) };
}
