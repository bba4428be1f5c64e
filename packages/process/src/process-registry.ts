import { GroupWatchdog } from "./group-watchdog.js";
import { signalGroup, terminateGroup } from "./process-group.js";

/** A child process the server started and has not seen end yet. */
export interface LiveProcess {
  pid: number;
  /** The program and its arguments, for messages (never passed to a shell). */
  argv: readonly string[];
  startedAt: number;
  /** Epoch milliseconds at which it will be killed, when it has a deadline. */
  deadline?: number;
  /** Kills its whole group (TERM, then KILL); resolves true when the group is confirmed gone. */
  kill(reason: string): Promise<boolean>;
}

/**
 * Every child process the server spawns, so none outlives it: `killAll` on shutdown or client
 * disconnect, and a synchronous KILL of every group when the Node process exits whatever the reason.
 */
export class ProcessRegistry {
  readonly #live = new Map<number, LiveProcess>();
  #hooked = false;
  readonly #watchdog: GroupWatchdog | undefined;

  /**
   * `watchdog`: also hand each group to a watchdog process that kills what is left when this process
   * dies without running its exit hook (SIGKILL). The server's shared registry has one.
   */
  constructor(options: { watchdog?: boolean } = {}) {
    this.#watchdog = options.watchdog ? new GroupWatchdog() : undefined;
  }

  add(entry: LiveProcess): void {
    this.#live.set(entry.pid, entry);
    this.#watchdog?.watch(entry.pid);
    this.#hookExit();
  }

  delete(pid: number): void {
    if (this.#live.delete(pid)) this.#watchdog?.unwatch(pid);
  }

  /** What is running now (a copy). */
  list(): LiveProcess[] {
    return [...this.#live.values()];
  }

  get size(): number {
    return this.#live.size;
  }

  /** Kills every live group (TERM, then KILL after `graceMs`); resolves when all are gone or given up. */
  async killAll(reason = "docker-mcp is shutting down", graceMs = 2_000): Promise<void> {
    await Promise.all(
      this.list().map(async (entry) => {
        const gone = await entry.kill(reason).catch(() => false);
        if (!gone) await terminateGroup(entry.pid, graceMs).catch(() => false);
      }),
    );
  }

  /** SIGKILL to every live group, synchronously: the last word on `process.on("exit")`. */
  killAllSync(): void {
    for (const pid of this.#live.keys()) signalGroup(pid, "SIGKILL");
  }

  #hookExit(): void {
    if (this.#hooked) return;
    this.#hooked = true;
    process.once("exit", () => this.killAllSync());
  }
}

/** The registry the server's helpers share unless a caller brings its own. */
export const processRegistry = new ProcessRegistry({ watchdog: true });
