import { EngineError } from "./errors.js";

/** True when the signal fired because of a deadline (AbortSignal.timeout or an EngineError TIMEOUT). */
export function isTimeoutReason(reason: unknown): boolean {
  if (reason instanceof EngineError) return reason.code === "TIMEOUT";
  return (
    typeof reason === "object" &&
    reason !== null &&
    "name" in reason &&
    (reason as { name: unknown }).name === "TimeoutError"
  );
}

/** The EngineError an aborted call rejects with: TIMEOUT for deadlines, ABORTED for cancels. */
export function abortError(signal: AbortSignal, what: string, endpoint?: string): EngineError {
  const reason: unknown = signal.reason;
  const where = endpoint ? ` (Docker at ${endpoint})` : "";
  if (isTimeoutReason(reason)) {
    return new EngineError(
      "TIMEOUT",
      `${what} did not finish before its deadline${where}. The daemon may be slow or stuck; ` +
        "if this was a change, check the current state before retrying.",
      { cause: reason, endpoint },
    );
  }
  return new EngineError("ABORTED", `${what} was cancelled by the caller${where}.`, {
    cause: reason,
    endpoint,
  });
}

/**
 * Settles with `work` or rejects as soon as `signal` fires, whichever is first. The underlying request
 * is cancelled separately (the signal is passed to it too); this guarantees a prompt answer even when
 * a library forgets to listen.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(onAbort());
  }
  return new Promise<T>((resolve, reject) => {
    const listener = () => {
      work.catch(() => {});
      reject(onAbort());
    };
    signal.addEventListener("abort", listener, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", listener);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", listener);
        reject(error);
      },
    );
  });
}

/** Resolves after `ms` or rejects when the signal fires. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
