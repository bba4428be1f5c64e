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
 * A total deadline (not an idle timeout) combined with the client's cancel signal.
 * The combined signal's reason says which one fired.
 */
export function startDeadline(ms: number, clientSignal?: AbortSignal, now = Date.now()): Deadline {
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
  if (clientSignal?.aborted) onCancel();
  else clientSignal?.addEventListener("abort", onCancel, { once: true });
  return {
    signal: controller.signal,
    deadline: now + ms,
    cause: () => cause,
    dispose() {
      clearTimeout(timer);
      clientSignal?.removeEventListener("abort", onCancel);
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
