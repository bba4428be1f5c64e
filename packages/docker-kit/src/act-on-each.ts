import {
  errorMessage,
  type RejectedTarget,
  type ResolvedResource,
  type ToolContext,
} from "@arktechnwa/docker-mcp-core";
import type { ItemResult, ItemStatus } from "./item-result.js";
import { displayName, shortId } from "./names.js";

/** Targets acted on at once: a stop waits out each container's grace period, so one at a time is slow. */
const CONCURRENCY = 4;
/**
 * Stop starting (and give up waiting) this long before the call's deadline, to answer with what was
 * done; a quarter of the time left when that is shorter.
 */
const ANSWER_MARGIN_MS = 2_000;

/** What an action says about one target; actOnEach adds who it was. */
export interface ItemOutcome {
  status: ItemStatus;
  message: string;
}

export interface ActOnEachOptions<F extends string> {
  /** The answer field that holds the reference as given ("container", "image", ...). */
  field: F;
  /** What the targets are, for messages ("container"). */
  noun: string;
  /** How the caller can check the state after an unknown outcome ("Check with docker_ps ..."). */
  checkHint?: string;
}

/** The per-target results of targets the kernel did not let through (denied or not resolvable). */
export function rejectedResults<F extends string>(rejected: RejectedTarget[], field: F): ItemResult<F>[] {
  return rejected.map(
    (r) =>
      ({
        [field]: r.ref,
        status:
          r.status === "denied"
            ? "denied"
            : r.code === "NOT_FOUND" || r.code === "AMBIGUOUS"
              ? "not_found"
              : "failed",
        message: r.message,
      }) as ItemResult<F>,
  );
}

/**
 * Runs an action on every allowed target, a few at a time, and answers in the caller's order with the
 * rejected targets in their places; two references to one resource are acted on once. Shortly before
 * the call's deadline it stops: targets not yet started are "skipped", those in flight "unknown" (the
 * change may or may not have happened), so the caller learns what was done instead of a bare timeout.
 * `act` gets the resolved resource (its engine identity is `resource.data`).
 */
export async function actOnEach<F extends string>(
  refs: string[],
  ctx: ToolContext,
  options: ActOnEachOptions<F>,
  act: (target: ResolvedResource, signal: AbortSignal) => Promise<ItemOutcome>,
): Promise<ItemResult<F>[]> {
  const { field, noun } = options;
  const checkHint = options.checkHint ?? `Check the ${noun}'s state before retrying.`;
  const rejected = new Map<string, ItemResult<F>>(
    rejectedResults(ctx.rejected, field).map((r) => [r[field] as string, r]),
  );
  const allowed = new Map(ctx.targets.map((t) => [t.ref, t]));
  const firstRefOf = new Map<string, string>();
  const results: (ItemResult<F> | undefined)[] = [];
  const work: { index: number; ref: string; target: ResolvedResource }[] = [];
  const item = (ref: string, target: ResolvedResource, outcome: ItemOutcome) =>
    ({
      [field]: ref,
      ...(target.id ? { id: shortId(target.id) } : {}),
      name: displayName(target),
      ...outcome,
    }) as ItemResult<F>;

  refs.forEach((ref, index) => {
    const target = allowed.get(ref);
    if (!target) {
      results[index] = rejected.get(ref);
      return;
    }
    const key = target.id ?? `${target.kind}:${target.names[0] ?? ref}`;
    const twin = firstRefOf.get(key);
    if (twin !== undefined) {
      results[index] = item(ref, target, {
        status: "unchanged",
        message: `same ${noun} as "${twin}" (handled once)`,
      });
      return;
    }
    firstRefOf.set(key, ref);
    work.push({ index, ref, target });
  });

  const outOfTime = new AbortController();
  const timer = setTimeout(
    () => outOfTime.abort(),
    Math.max(0, ctx.deadline - Date.now() - ANSWER_MARGIN_MS),
  );
  const signal = AbortSignal.any([ctx.signal, outOfTime.signal]);
  const runOne = async ({ index, ref, target }: (typeof work)[number]) => {
    if (signal.aborted) {
      results[index] = item(ref, target, {
        status: "skipped",
        message: "not attempted: the call ran out of time; call again for this one",
      });
      return;
    }
    try {
      results[index] = item(ref, target, await act(target, signal));
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      results[index] = outOfTime.signal.aborted
        ? item(ref, target, {
            status: "unknown",
            message: `outcome unknown: the call ran out of time while this was in progress. ${checkHint}`,
          })
        : item(ref, target, { status: "failed", message: errorMessage(error) });
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
  return results.filter((r): r is ItemResult<F> => r !== undefined);
}
