const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/**
 * The uptime Docker's status text allows, as [min, max) milliseconds. dockerd writes it with
 * go-units' HumanDuration ("Up 3 days", "Up About an hour", "Up 12 hours"): one unit, rounded, so
 * it bounds the start time without giving it.
 */
export function uptimeRange(status: string): [number, number] | undefined {
  const m =
    /^Up (Less than a second|About a minute|About an hour|(\d+) (second|minute|hour|day|week|month|year)s?)\b/.exec(
      status,
    );
  if (!m) return undefined;
  if (m[1] === "Less than a second") return [0, S];
  if (m[1] === "About a minute") return [M, 2 * M];
  if (m[1] === "About an hour") return [H, 1.5 * H];
  const n = Number(m[2]);
  switch (m[3]) {
    case "second":
      return [n * S, (n + 1) * S];
    case "minute":
      return [n * M, (n + 1) * M];
    case "hour": // hours are rounded
      return [(n - 0.5) * H, (n + 0.5) * H];
    case "day":
      return [n * D - 0.5 * H, (n + 1) * D + 0.5 * H];
    case "week":
      return [n * 7 * D - 0.5 * H, (n + 1) * 7 * D + 0.5 * H];
    case "month":
      return [n * 30 * D - 0.5 * H, (n + 1) * 30 * D + 0.5 * H];
    default:
      return [n * 365 * D, (n + 1) * 365 * D + D];
  }
}

/** 302400000 -> "3d 12h", like the design document: the largest unit, and the next one unless it is 0. */
export function formatUptime(ms: number): string {
  let rest = Math.max(0, Math.floor(ms / S));
  const amounts: [string, number][] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    amounts.push([unit, Math.floor(rest / size)]);
    rest %= size;
  }
  const first = amounts.findIndex(([, n]) => n > 0);
  if (first === -1) return "0s";
  const [unit, n] = amounts[first] as [string, number];
  const next = amounts[first + 1];
  return next && next[1] > 0 ? `${n}${unit} ${next[1]}${next[0]}` : `${n}${unit}`;
}

/** Slack for the time between the daemon writing the status and this process reading the clock. */
const SKEW_MS = 2 * S;

/**
 * Container start times, learned from one inspect per container start. A cached start is used while it
 * agrees with the status text of the listing (which always bounds the uptime); a restart makes them
 * disagree, and the container is inspected again. A steady `docker_ps` thus costs no inspect at all.
 */
export class StartTimes {
  private readonly started = new Map<string, number>();

  /**
   * @param budgetMs inspects start only within this long of a call's start: a first listing of many
   *   containers on a busy daemon stays fast, and the rows left out keep the status text's uptime
   *   until a later call learns them.
   */
  constructor(
    private readonly budgetMs = 250,
    private readonly maxEntries = 10_000,
  ) {}

  /** The uptime of each running container, by ID; inspects (one at a time) only what it must. */
  async uptimes(
    rows: readonly { id: string; state: string; status: string }[],
    inspect: (id: string, signal: AbortSignal) => Promise<Record<string, unknown>>,
    callSignal: AbortSignal,
    now: () => number = Date.now,
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing: { id: string; range: [number, number] | undefined }[] = [];
    for (const row of rows) {
      if (row.state !== "running" && row.state !== "paused") continue;
      const range = uptimeRange(row.status);
      const cached = this.started.get(row.id);
      if (cached !== undefined && (!range || fits(now() - cached, range))) {
        out.set(row.id, formatUptime(now() - cached));
      } else missing.push({ id: row.id, range });
    }
    if (missing.length === 0) return out;
    // One listener on the call's signal, however many inspects run under it.
    const own = new AbortController();
    const forward = () => own.abort(callSignal.reason);
    callSignal.addEventListener("abort", forward, { once: true });
    const signal = own.signal;
    const until = now() + this.budgetMs;
    let next = 0;
    const inspectMissing = async () => {
      while (next < missing.length && !signal.aborted && now() < until) {
        const { id } = missing[next++] as (typeof missing)[number];
        try {
          const state = (await inspect(id, signal)).State as { StartedAt?: string } | undefined;
          const at = state?.StartedAt ? Date.parse(state.StartedAt) : Number.NaN;
          if (Number.isNaN(at) || at <= 0) continue;
          this.remember(id, at);
          out.set(id, formatUptime(now() - at));
        } catch {
          // Removed meanwhile, or the daemon is slow: the caller falls back to the status text.
        }
      }
    };
    try {
      // One at a time, so the time budget bounds how many start (see the test). Concurrent inspects were
      // once slower in all (docker-modem's per-request debug formatting, gone now); no longer a reason.
      await inspectMissing();
    } finally {
      callSignal.removeEventListener("abort", forward);
    }
    return out;
  }

  private remember(id: string, at: number): void {
    if (this.started.size >= this.maxEntries) this.started.clear();
    this.started.set(id, at);
  }
}

function fits(uptime: number, [min, max]: [number, number]): boolean {
  return uptime >= min - SKEW_MS && uptime < max + SKEW_MS;
}
