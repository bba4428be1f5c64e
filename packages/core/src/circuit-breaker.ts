export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial call is let through. */
  cooldownMs: number;
  now?: () => number;
}

export type CircuitState = "closed" | "open" | "half-open";

/**
 * Stops hammering a daemon that does not answer: after `failureThreshold` consecutive failures
 * calls fail fast for `cooldownMs`, then a single trial call decides whether to close again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.openedAt === undefined) return "closed";
    return this.now() - this.openedAt >= this.options.cooldownMs ? "half-open" : "open";
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
    this.failures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
  }

  recordFailure(): void {
    this.trialInFlight = false;
    this.failures++;
    if (this.failures >= this.options.failureThreshold || this.openedAt !== undefined) {
      this.openedAt = this.now();
    }
  }

  /** A call that ended without telling us anything about the daemon's health. */
  recordNeutral(): void {
    this.trialInFlight = false;
  }
}
