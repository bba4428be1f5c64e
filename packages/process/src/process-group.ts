import { readdirSync, readFileSync } from "node:fs";

/**
 * Signals to a whole process group. A child spawned with `detached: true` leads a group of its own
 * (its pgid is its pid), so a signal to `-pid` reaches it and every helper it started that stayed in
 * the group; a plain `kill(pid)` would leave those helpers running.
 */

/**
 * Whether any live process of the group still exists. On Linux /proc is read, so zombies (dead,
 * waiting for a parent or init to reap them) do not count: they run nothing and hold nothing. Elsewhere
 * a signal 0 to the group answers, zombies included.
 */
export function groupAlive(pgid: number): boolean {
  const members = procGroupStates(pgid);
  if (members !== undefined) return members.some((state) => state !== "Z" && state !== "X");
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else (cannot happen for our own children, but it exists).
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The states of the group's processes from /proc/<pid>/stat; undefined without /proc. */
function procGroupStates(pgid: number): string[] | undefined {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const states: string[] = [];
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // it ended while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so cut at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid) states.push(fields[0] ?? "");
  }
  return states;
}

/** Sends a signal to the group; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the group is gone or `ms` have passed; true when it is gone. */
export async function waitGroupGone(pgid: number, ms: number, everyMs = 25): Promise<boolean> {
  const until = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() >= until) return false;
    await sleep(everyMs);
  }
  return true;
}

/**
 * TERM to the group, then KILL if anything is left after `graceMs`. Resolves true once the group is
 * confirmed gone (KILL cannot be ignored, so only an unkillable process in the kernel keeps it alive).
 */
export async function terminateGroup(pgid: number, graceMs: number): Promise<boolean> {
  if (!signalGroup(pgid, "SIGTERM")) return !groupAlive(pgid);
  if (await waitGroupGone(pgid, graceMs)) return true;
  signalGroup(pgid, "SIGKILL");
  return waitGroupGone(pgid, 2_000);
}
