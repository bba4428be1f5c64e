import { afterEach, describe, expect, it, vi } from "vitest";
import { CircuitBreaker } from "../src/circuit-breaker.js";
import { raceSignal, startDeadline } from "../src/deadline.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("startDeadline", () => {
  it("fires at the deadline, not before, with a TimeoutError and says so", () => {
    vi.useFakeTimers();
    const d = startDeadline(30, undefined, Date.now());
    expect(d.deadline).toBe(Date.now() + 30);
    vi.advanceTimersByTime(29);
    expect(d.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(d.signal.aborted).toBe(true);
    expect((d.signal.reason as DOMException).name).toBe("TimeoutError");
    expect(d.cause()).toBe("deadline");
    d.dispose();
  });

  it("fires when the client cancels", () => {
    const client = new AbortController();
    const d = startDeadline(10_000, client.signal);
    client.abort();
    expect(d.signal.aborted).toBe(true);
    expect(d.cause()).toBe("cancelled");
    d.dispose();
  });
});

describe("raceSignal", () => {
  it("rejects at the deadline even when the work ignores its signal", async () => {
    vi.useFakeTimers();
    const d = startDeadline(50);
    const never = new Promise<never>(() => {});
    let settled = false;
    const raced = raceSignal(never, d.signal).finally(() => {
      settled = true;
    });
    const rejected = expect(raced).rejects.toMatchObject({ name: "TimeoutError" });
    await vi.advanceTimersByTimeAsync(49);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await rejected;
    d.dispose();
  });

  it("passes the work's value through", async () => {
    const d = startDeadline(1000);
    await expect(raceSignal(Promise.resolve(42), d.signal)).resolves.toBe(42);
    d.dispose();
  });
});

describe("CircuitBreaker", () => {
  it("opens after the threshold, fails fast, lets one trial through after the cooldown", () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(b.tryAcquire()).toBe(true);
      b.recordFailure();
    }
    expect(b.state).toBe("open");
    expect(b.tryAcquire()).toBe(false);
    expect(b.retryInMs()).toBe(1000);
    now = 1000;
    expect(b.state).toBe("half-open");
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.recordFailure();
    expect(b.state).toBe("open");
    now = 2000;
    expect(b.tryAcquire()).toBe(true);
    b.recordSuccess();
    expect(b.state).toBe("closed");
    expect(b.tryAcquire()).toBe(true);
  });

  it("a success resets the failure count", () => {
    const b = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000 });
    b.recordFailure();
    b.recordSuccess();
    b.recordFailure();
    expect(b.state).toBe("closed");
  });

  it("counts only the failures within the window", () => {
    let now = 0;
    const b = new CircuitBreaker({
      failureThreshold: 3,
      windowMs: 60_000,
      cooldownMs: 300_000,
      now: () => now,
    });
    b.recordFailure();
    now = 30_000;
    b.recordFailure();
    now = 61_000; // the first one is out of the window
    b.recordFailure();
    expect(b.state).toBe("closed");
    now = 62_000;
    b.recordFailure();
    expect(b.state).toBe("open");
    expect(b.retryInMs()).toBe(300_000);
  });

  it("while open, the probe closes the circuit as soon as the daemon answers", async () => {
    vi.useFakeTimers();
    let up = false;
    let probes = 0;
    const b = new CircuitBreaker({
      failureThreshold: 1,
      cooldownMs: 300_000,
      probeIntervalMs: 20,
      probe: async () => {
        probes++;
        if (!up) throw new Error("ECONNREFUSED");
      },
    });
    expect(b.probing).toBe(false);
    b.recordFailure();
    expect(b.state).toBe("open");
    expect(b.probing).toBe(true);
    await vi.advanceTimersByTimeAsync(19);
    expect(probes).toBe(0);
    await vi.advanceTimersByTimeAsync(21);
    expect(probes).toBe(2);
    // Failed probes keep it open.
    expect(b.state).toBe("open");
    up = true;
    await vi.advanceTimersByTimeAsync(20);
    expect(probes).toBe(3);
    expect(b.state).toBe("closed");
    expect(b.probing).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(probes).toBe(3);
  });

  it("a probe that hangs is cut at its own deadline and proves nothing", async () => {
    vi.useFakeTimers();
    const signals: AbortSignal[] = [];
    const b = new CircuitBreaker({
      failureThreshold: 1,
      cooldownMs: 300_000,
      probeIntervalMs: 30,
      probeTimeoutMs: 10,
      probe: (signal) => {
        signals.push(signal);
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      },
    });
    b.recordFailure();
    await vi.advanceTimersByTimeAsync(39);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(signals[0]?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(20);
    expect(signals).toHaveLength(2);
    expect(b.state).toBe("open");
    b.dispose();
    expect(b.probing).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(signals).toHaveLength(2);
  });

  it("a deadline counts as a failure only when the daemon does not answer the probe either", async () => {
    vi.useFakeTimers();
    let up = true;
    const b = new CircuitBreaker({
      failureThreshold: 1,
      cooldownMs: 300_000,
      probeIntervalMs: 5_000,
      probeTimeoutMs: 100,
      probe: (signal) =>
        up
          ? Promise.resolve()
          : new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    });
    // A long pull ran past its deadline, but the daemon answers: nothing against it.
    b.recordTimeout();
    await vi.advanceTimersByTimeAsync(0);
    expect(b.state).toBe("closed");
    // The daemon hangs: the probe's own deadline decides, and the circuit opens.
    up = false;
    b.recordTimeout();
    await vi.advanceTimersByTimeAsync(99);
    expect(b.state).toBe("closed");
    await vi.advanceTimersByTimeAsync(1);
    expect(b.state).toBe("open");
    b.dispose();
  });

  it("without a probe a deadline is a failure", () => {
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1000 });
    b.recordTimeout();
    expect(b.state).toBe("open");
  });
});

describe("circuit breaker notifications", () => {
  it("tells once when the circuit opens and once when it closes", () => {
    const changes: boolean[] = [];
    let now = 0;
    const breaker = new CircuitBreaker({
      failureThreshold: 2,
      cooldownMs: 1_000,
      now: () => now,
      onChange: (open) => changes.push(open),
    });
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(changes).toEqual([]);
    breaker.recordFailure();
    expect(changes).toEqual([true]);
    now = 2_000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure(); // the trial failed: still open, nothing new to tell
    expect(changes).toEqual([true]);
    breaker.recordSuccess();
    breaker.recordSuccess();
    expect(changes).toEqual([true, false]);
    breaker.dispose();
  });

  it("a listener that throws does not break the breaker", () => {
    const breaker = new CircuitBreaker({
      failureThreshold: 1,
      cooldownMs: 1_000,
      onChange: () => {
        throw new Error("listener bug");
      },
    });
    expect(() => breaker.recordFailure()).not.toThrow();
    expect(breaker.state).toBe("open");
    breaker.dispose();
  });
});
