import { readFile } from "node:fs/promises";
import type { CpuReading } from "./cpu-history.js";

/**
 * Where a container's cumulative CPU time lives on this machine, by cgroup layout: v1 and v2, the
 * cgroupfs and systemd drivers with Docker's default parents. The daemon reports the same counters
 * (cpuacct.usage; cpu.stat usage_usec) as `cpu_usage.total_usage`.
 */
const LAYOUTS: { path: (id: string) => string; parse: (text: string) => number | undefined }[] = [
  { path: (id) => `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, parse: nanoseconds },
  { path: (id) => `/sys/fs/cgroup/cpu,cpuacct/docker/${id}/cpuacct.usage`, parse: nanoseconds },
  {
    path: (id) => `/sys/fs/cgroup/cpuacct/system.slice/docker-${id}.scope/cpuacct.usage`,
    parse: nanoseconds,
  },
  { path: (id) => `/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, parse: usageUsec },
  { path: (id) => `/sys/fs/cgroup/docker/${id}/cpu.stat`, parse: usageUsec },
];

function nanoseconds(text: string): number | undefined {
  const n = Number(text.trim());
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function usageUsec(text: string): number | undefined {
  const m = /^usage_usec (\d+)$/m.exec(text);
  return m ? Number(m[1]) * 1000 : undefined;
}

/**
 * The host's CPU time as the daemon counts it for `system_cpu_usage`: the first seven fields of the
 * `cpu` line of /proc/stat (user, nice, system, idle, iowait, irq, softirq), in nanoseconds.
 */
export function systemUsageNs(procStat: string, clockTicksPerSecond = 100): number | undefined {
  const line = procStat.split("\n", 1)[0] ?? "";
  const parts = line.trim().split(/\s+/);
  if (parts[0] !== "cpu" || parts.length < 8) return undefined;
  let ticks = 0;
  for (const field of parts.slice(1, 8)) {
    const n = Number(field);
    if (!Number.isFinite(n)) return undefined;
    ticks += n;
  }
  return (ticks * 1e9) / clockTicksPerSecond;
}

/**
 * Reads the CPU counters of containers of a daemon on this machine straight from their cgroups, as
 * the start of a CPU % window whose end is the daemon's next reading: a cold stats call then waits for
 * one collector tick instead of two. Only a start: every number shown still comes from the daemon, and
 * a container whose cgroup is not found here (a remote daemon behind a local socket, a custom cgroup
 * parent, a server in a container) simply takes the daemon's two readings. The layout that worked is
 * tried first next time.
 */
export class LocalCpu {
  private layout = 0;

  /** Readings by container ID (only those found), all against one read of /proc/stat. */
  async read(ids: readonly string[]): Promise<Map<string, CpuReading>> {
    const found = new Map<string, CpuReading>();
    let system: number | undefined;
    try {
      system = systemUsageNs(await readFile("/proc/stat", "utf8"));
    } catch {
      return found;
    }
    if (system === undefined) return found;
    const readAtMs = Date.now();
    await Promise.all(
      ids.map(async (id) => {
        if (!/^[0-9a-f]{64}$/.test(id)) return;
        const usage = await this.usage(id);
        if (usage !== undefined)
          found.set(id, { cpu: { cpu_usage: { total_usage: usage }, system_cpu_usage: system }, readAtMs });
      }),
    );
    return found;
  }

  private async usage(id: string): Promise<number | undefined> {
    for (let k = 0; k < LAYOUTS.length; k++) {
      const i = (this.layout + k) % LAYOUTS.length;
      const layout = LAYOUTS[i] as (typeof LAYOUTS)[number];
      try {
        const value = layout.parse(await readFile(layout.path(id), "utf8"));
        if (value !== undefined) {
          this.layout = i;
          return value;
        }
      } catch {
        // Not this layout.
      }
    }
    return undefined;
  }
}
