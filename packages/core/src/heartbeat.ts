/** Sends "still running" progress every `everyMs` until the returned stop function is called. */
export function startHeartbeat(
  name: string,
  everyMs: number,
  onProgress: ((message: string) => void) | undefined,
  now: () => number,
): () => void {
  if (!onProgress || everyMs <= 0) return () => {};
  const started = now();
  const timer = setInterval(() => {
    try {
      onProgress(`${name} still running after ${Math.round((now() - started) / 1000)} s`);
    } catch {
      // Progress is best effort.
    }
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
