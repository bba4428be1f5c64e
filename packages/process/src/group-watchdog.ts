import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { Socket } from "node:net";

const load = createRequire(import.meta.url);
const nodeChildProcess = (): typeof import("node:child_process") => load("node:child_process");

/** Its $0, so it can be told apart in a process list. */
export const WATCHDOG_NAME = "docker-mcp-watchdog";

// Reads "+PGID" and "-PGID" lines; when the pipe closes (the server ended, however it ended) it sends
// SIGKILL to every group still listed. Plain POSIX sh; `kill -s KILL -- -PGID` is the form dash takes.
const SCRIPT = `groups=" "
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups\${line#+} " ;;
    -*) next=" "; for g in $groups; do [ "$g" = "\${line#-}" ] || next="$next$g "; done; groups=$next ;;
  esac
done
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done
`;

/**
 * The server's exit hook kills its children's groups, but a server killed with SIGKILL runs no hook.
 * This small shell, started on the first child and in a process group of its own, holds the read end
 * of a pipe from the server and learns each group as it starts and ends; the kernel closes the pipe
 * when the server dies, and the shell then kills what is left. Node opens the pipe close-on-exec, so
 * the children themselves do not hold it open. Not on Windows (no process groups there).
 */
export class GroupWatchdog {
  #child: ChildProcess | undefined;
  #failed = process.platform === "win32";

  watch(pgid: number): void {
    this.#send(`+${pgid}`);
  }

  unwatch(pgid: number): void {
    this.#send(`-${pgid}`);
  }

  /** The watchdog's pid, once started (for tests). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  #send(line: string): void {
    if (this.#failed) return;
    if (!this.#child) {
      try {
        const child = nodeChildProcess().spawn("/bin/sh", ["-c", SCRIPT, WATCHDOG_NAME], {
          detached: true,
          stdio: ["pipe", "ignore", "ignore"],
        });
        child.once("error", () => {
          this.#failed = true;
        });
        child.stdin?.on("error", () => {
          this.#failed = true;
        });
        // It must not keep the server alive, nor its pipe.
        child.unref();
        (child.stdin as Socket | null)?.unref?.();
        this.#child = child;
      } catch {
        this.#failed = true;
        return;
      }
    }
    this.#child.stdin?.write(`${line}\n`);
  }
}
