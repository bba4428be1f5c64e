/** Why a call's signal fired. */
export type AbortCause = "deadline" | "cancelled";

export interface Deadline {
  signal: AbortSignal;
  deadline: number;
  /** Which fired first, once one has. */
  cause(): AbortCause | undefined;
  /** Releases the timer (call when the work is done). */
  dispose(): void;
}

/**
 * A total deadline (not an idle timeout) combined with the client's cancel signal (or several:
 * listened to directly, which costs a call far less than combining them with AbortSignal.any first).
 * The combined signal's reason says which one fired.
 */
export function startDeadline(
  ms: number,
  clientSignal?: AbortSignal | readonly (AbortSignal | undefined)[],
  now = Date.now(),
): Deadline {
  const controller = new AbortController();
  let cause: AbortCause | undefined;
  const timer = setTimeout(() => {
    cause ??= "deadline";
    controller.abort(new DOMException(`deadline of ${ms} ms exceeded`, "TimeoutError"));
  }, ms);
  timer.unref?.();
  const onCancel = () => {
    cause ??= "cancelled";
    controller.abort(new DOMException("cancelled by the client", "AbortError"));
  };
  const cancels: readonly (AbortSignal | undefined)[] = Array.isArray(clientSignal)
    ? clientSignal
    : [clientSignal as AbortSignal | undefined];
  for (const signal of cancels) {
    if (signal?.aborted) {
      onCancel();
      break;
    }
    signal?.addEventListener("abort", onCancel, { once: true });
  }
  return {
    signal: controller.signal,
    deadline: now + ms,
    cause: () => cause,
    dispose() {
      clearTimeout(timer);
      for (const signal of cancels) signal?.removeEventListener("abort", onCancel);
    },
  };
}

/** Settles with the work, or rejects as soon as the signal fires even if the work ignores it. */
export function raceSignal<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
