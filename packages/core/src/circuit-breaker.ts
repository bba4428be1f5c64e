import { formatSeconds } from "./format.js";
import type { BreakerStatus } from "./plugin.js";

export interface CircuitBreakerOptions {
  /** Daemon failures within `windowMs` that open the circuit. */
  failureThreshold: number;
  /** Failures older than this are forgotten (default: never, i.e. consecutive failures). */
  windowMs?: number;
  /** How long the circuit stays open before one trial call is let through. */
  cooldownMs: number;
  /**
   * A light health check (e.g. GET /_ping). While the circuit is open it runs every `probeIntervalMs`
   * under its own short deadline, and the first answer closes the circuit: a restarted daemon does
   * not cost the user the whole cooldown.
   */
  probe?: (signal: AbortSignal) => Promise<unknown>;
  /** Default 5000. */
  probeIntervalMs?: number;
  /** The probe's own deadline (default: 2000, at most the interval). */
  probeTimeoutMs?: number;
  now?: () => number;
  /** Told when the circuit opens (calls paused) and when it closes again (the system answered). */
  onChange?: (open: boolean) => void;
}

export type CircuitState = "closed" | "open" | "half-open";

/**
 * Stops hammering a daemon that does not answer: `failureThreshold` failures within `windowMs` open
 * the circuit, and calls fail fast for `cooldownMs`; then a single trial call decides whether to close
 * again. While open, the probe (when given) closes it as soon as the daemon answers. A success clears
 * the failures counted so far: only a daemon that keeps failing opens the circuit.
 */
export class CircuitBreaker {
  private failures: number[] = [];
  private openedAt: number | undefined;
  private trialInFlight = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private probeInFlight: AbortController | undefined;
  private disposed = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.openedAt === undefined) return "closed";
    return this.now() - this.openedAt >= this.options.cooldownMs ? "half-open" : "open";
  }

  /** Whether a health probe is checking the daemon while the circuit is open. */
  get probing(): boolean {
    return this.probeTimer !== undefined;
  }

  get probeIntervalMs(): number {
    return this.options.probeIntervalMs ?? 5_000;
  }

  /** What a health tool reports: state, failures in the window, when calls resume. */
  status(): BreakerStatus {
    const now = this.now();
    const window = this.options.windowMs ?? Number.POSITIVE_INFINITY;
    return {
      state: this.state,
      recentFailures: this.failures.filter((at) => now - at < window).length,
      failureThreshold: this.options.failureThreshold,
      ...(Number.isFinite(window) ? { windowMs: window } : {}),
      cooldownMs: this.options.cooldownMs,
      retryInMs: this.retryInMs(),
      probing: this.probing,
    };
  }

  /** Milliseconds until a trial call is allowed (0 when calls may go through). */
  retryInMs(): number {
    if (this.openedAt === undefined) return 0;
    return Math.max(0, this.openedAt + this.options.cooldownMs - this.now());
  }

  /** Whether a call may go through now; in half-open state only one at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open" || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.failures = [];
    const wasOpen = this.openedAt !== undefined;
    this.openedAt = undefined;
    this.trialInFlight = false;
    this.stopProbe();
    if (wasOpen) this.notify(false);
  }

  recordFailure(): void {
    this.trialInFlight = false;
    const now = this.now();
    const window = this.options.windowMs ?? Number.POSITIVE_INFINITY;
    this.failures = this.failures.filter((at) => now - at < window);
    this.failures.push(now);
    if (this.failures.length >= this.options.failureThreshold || this.openedAt !== undefined) {
      const wasOpen = this.openedAt !== undefined;
      this.openedAt = now;
      this.startProbe();
      if (!wasOpen) this.notify(true);
    }
  }

  /** A call that ended without telling us anything about the daemon's health. */
  recordNeutral(): void {
    this.trialInFlight = false;
  }

  /**
   * A call ran past its deadline. That is a failure only if the daemon itself does not answer: a long
   * pull, build or compose run past its deadline says nothing against a daemon that still answers
   * the probe. With a probe, one ping decides (asynchronously); without one, it counts as a failure.
   */
  recordTimeout(): void {
    if (!this.options.probe || this.disposed) {
      this.recordFailure();
      return;
    }
    this.trialInFlight = false;
    void this.probeOnce().then((answered) => {
      if (this.disposed) return;
      if (answered) this.recordNeutral();
      else this.recordFailure();
    });
  }

  /**
   * What a call refused by the open circuit is told: why, when it will retry, and what to check. The
   * words for the system and the server come from the server (the kernel knows no particular system).
   */
  openMessage(words: { system: string; product: string; checkReachable: string }): string {
    const retry = Math.ceil(this.retryInMs() / 1000);
    const window = this.options.windowMs;
    const why = `failed to answer ${this.options.failureThreshold} time${this.options.failureThreshold === 1 ? "" : "s"}${window !== undefined && Number.isFinite(window) ? ` within ${formatSeconds(window)}` : " in a row"}`;
    const resume = this.options.probe
      ? `${words.product} pings it every ${formatSeconds(this.probeIntervalMs)} and resumes as soon as it answers, at the latest it retries in ${retry} s`
      : `${words.product} retries in ${retry} s`;
    return `${words.system} ${why}, so calls are paused (circuit breaker): ${resume}. ${words.checkReachable}`;
  }

  /** Stops the probe for good (the server is closing). */
  dispose(): void {
    this.disposed = true;
    this.stopProbe();
  }

  private notify(open: boolean): void {
    try {
      this.options.onChange?.(open);
    } catch {
      // A listener's failure is not the breaker's business.
    }
  }

  private startProbe(): void {
    if (!this.options.probe || this.probeTimer || this.disposed) return;
    this.probeTimer = setInterval(() => {
      if (this.probeInFlight) return;
      void this.probeOnce(true).then((answered) => {
        if (answered && this.probeTimer) this.recordSuccess();
      });
    }, this.probeIntervalMs);
    // The probe never keeps the process alive on its own.
    this.probeTimer.unref?.();
  }

  /**
   * One probe under its own deadline: true when the daemon answered in time. An answer that arrives
   * after the deadline proves nothing about the next call.
   */
  private async probeOnce(tracked = false): Promise<boolean> {
    const probe = this.options.probe;
    if (!probe) return false;
    const controller = new AbortController();
    if (tracked) this.probeInFlight = controller;
    const timeout = Math.min(this.options.probeTimeoutMs ?? 2_000, this.probeIntervalMs);
    const timer = setTimeout(
      () => controller.abort(new DOMException("health probe timed out", "TimeoutError")),
      timeout,
    );
    timer.unref?.();
    try {
      await probe(controller.signal);
      return !controller.signal.aborted;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
      if (this.probeInFlight === controller) this.probeInFlight = undefined;
    }
  }

  private stopProbe(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
    this.probeInFlight?.abort(new DOMException("circuit closed", "AbortError"));
    this.probeInFlight = undefined;
  }
}
