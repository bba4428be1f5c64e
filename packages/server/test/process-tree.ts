import { readdirSync, readFileSync } from "node:fs";

/** One process as /proc/<pid>/stat shows it. */
export interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  /** Clock ticks after boot: with the pid it names one process, even when the pid is used again. */
  start: string;
  comm: string;
}

function readProc(pid: number): Proc | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // it ended while we looked
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so cut at the last ')'.
  const close = stat.lastIndexOf(")");
  const fields = stat.slice(close + 2).split(" ");
  return {
    pid,
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    state: fields[0] ?? "",
    start: fields[19] ?? "",
    comm: stat.slice(stat.indexOf("(") + 1, close),
  };
}

/** Every process of this machine (this PID namespace), from /proc. */
export function processTable(): Proc[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => readProc(Number(name)) ?? []);
}

const live = (p: Proc) => p.state !== "Z" && p.state !== "X";

/** The server's watchdog ($0 of its shell): a child for the server's lifetime, by design. */
const WATCHDOG_NAME = "docker-mcp-watchdog";

export function isWatchdog(p: Proc): boolean {
  try {
    return readFileSync(`/proc/${p.pid}/cmdline`, "utf8").split("\0").includes(WATCHDOG_NAME);
  } catch {
    return false;
  }
}

/** The live descendants of `root` that do its work: all but its watchdog. */
export function workers(root: number): Proc[] {
  return descendants(root).filter((p) => !isWatchdog(p));
}

/** The live (not zombie) descendants of `root`: children, their children, and so on. */
export function descendants(root: number, table = processTable()): Proc[] {
  const found: Proc[] = [];
  let parents = new Set([root]);
  while (parents.size > 0) {
    const next = table.filter((p) => parents.has(p.ppid));
    found.push(...next);
    parents = new Set(next.map((p) => p.pid));
  }
  return found.filter(live);
}

/**
 * What is left of `seen`: each process that still runs (same pid and start time, not a zombie), and
 * any live process in one of their process groups (a helper that moved to another parent stays in
 * its group). `exceptGroups` are groups that are not the server's to kill (the test runner's own).
 */
export function survivors(seen: Proc[], exceptGroups: number[] = []): Proc[] {
  const table = processTable();
  const groups = new Set(seen.map((p) => p.pgid).filter((g) => !exceptGroups.includes(g)));
  const same = new Set(seen.map((p) => `${p.pid}:${p.start}`));
  return table.filter((p) => live(p) && (same.has(`${p.pid}:${p.start}`) || groups.has(p.pgid)));
}

export function describeProcs(procs: Proc[]): string {
  return procs.map((p) => `${p.pid} ${p.comm} (group ${p.pgid}, state ${p.state})`).join(", ") || "none";
}
