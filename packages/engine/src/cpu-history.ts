/** The cumulative CPU counters of one stats frame, and when the daemon read them. */
export interface CpuReading {
  cpu: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  readAtMs: number;
}

/**
 * The last CPU reading of each container, so a later sample can compute CPU % against it after a
 * single stats frame (about one collector tick) instead of waiting for a second frame (two ticks).
 * CPU % is then the average since that reading, which is why readings older than `maxAgeMs` are not
 * used: they would describe the past rather than now. Each sample reports the window it covers.
 */
export class CpuHistory {
  private readonly readings = new Map<string, CpuReading>();

  constructor(
    private readonly maxAgeMs = 10_000,
    /** Shorter windows are too noisy to report (the collector's tick is 1 s). */
    private readonly minWindowMs = 500,
  ) {}

  /** A reading usable as the start of the window ending at `readAtMs`, if there is one. */
  before(id: string, readAtMs: number): CpuReading | undefined {
    const reading = this.readings.get(id);
    if (!reading) return undefined;
    const window = readAtMs - reading.readAtMs;
    return window >= this.minWindowMs && window <= this.maxAgeMs ? reading : undefined;
  }

  remember(id: string, reading: CpuReading): void {
    this.readings.set(id, reading);
  }

  forget(id: string): void {
    this.readings.delete(id);
  }

  /** Drops readings too old to ever be used again (containers gone or no longer asked about). */
  prune(nowMs: number): void {
    for (const [id, reading] of this.readings) {
      if (nowMs - reading.readAtMs > this.maxAgeMs) this.readings.delete(id);
    }
  }

  get size(): number {
    return this.readings.size;
  }
}

/** The daemon's RFC 3339 `read` timestamp in epoch milliseconds (NaN when absent). */
export function readAtMs(read: string | undefined): number {
  return read ? Date.parse(read) : Number.NaN;
}
