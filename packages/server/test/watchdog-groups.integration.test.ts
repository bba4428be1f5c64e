import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { waitFor } from "@arktechnwa/docker-mcp-testkit";
import { describe, expect, it } from "vitest";
import { descendants, describeProcs, isWatchdog, processTable, survivors } from "./process-tree.js";

// The watchdog kills, after a SIGKILL of the server, the groups still registered, and only those: a
// group the registry dropped because its child ended may hold a helper that is not the server's to
// kill any more (or, later, a stranger that was given the same number). Real processes, read in /proc.

const FIXTURE = fileURLToPath(new URL("./fixtures/watchdog-groups.mjs", import.meta.url));

const groupMembers = (pgid: number) =>
  processTable().filter((p) => p.pgid === pgid && p.state !== "Z" && p.state !== "X");

describe("the process watchdog after a SIGKILL", () => {
  it("kills the group still registered and leaves the group that ended and was dropped", async () => {
    // The fixture imports the process package the server bundles (its registry and watchdog).
    const holder = spawn(process.execPath, [FIXTURE], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    holder.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    const exited = once(holder, "exit");
    let ended = 0;
    try {
      const [line] = await Promise.race([
        once(holder.stdout, "data") as Promise<[Buffer]>,
        exited.then(() => {
          throw new Error(`the fixture exited early: ${err}`);
        }),
      ]);
      const groups = JSON.parse(String(line)) as { ended: number; endedHelper: number; live: number };
      ended = groups.ended;
      const watchdog = await waitFor(
        "the watchdog to start",
        () => descendants(holder.pid as number).find(isWatchdog),
        {
          timeoutMs: 5_000,
          intervalMs: 20,
        },
      );
      // Both groups run (the ended one through its background helper), each in a group of its own.
      const liveSeen = await waitFor(
        "the live group's sleep to start",
        () =>
          groupMembers(groups.live).some((p) => p.comm === "sleep") ? groupMembers(groups.live) : undefined,
        { timeoutMs: 5_000, intervalMs: 20 },
      );
      const endedSeen = groupMembers(groups.ended);
      expect(endedSeen.map((p) => p.pid)).toEqual([groups.endedHelper]);
      expect(watchdog.pgid).not.toBe(groups.live);
      expect(watchdog.pgid).not.toBe(groups.ended);

      holder.kill("SIGKILL");
      const [, signal] = await exited;
      expect(signal).toBe("SIGKILL");
      // The kernel closes the watchdog's pipe; it kills what is still listed and ends.
      await waitFor("the live group to be killed", () => survivors(liveSeen).length === 0, {
        timeoutMs: 2_000,
        intervalMs: 20,
      });
      await waitFor("the watchdog to end", () => survivors([watchdog]).length === 0, {
        timeoutMs: 2_000,
        intervalMs: 20,
      });
      const left = survivors(endedSeen);
      expect(
        left.map((p) => p.pid),
        `the dropped group: ${describeProcs(left)}`,
      ).toEqual([groups.endedHelper]);
    } finally {
      if (holder.exitCode === null && holder.signalCode === null) holder.kill("SIGKILL");
      if (ended > 0) {
        try {
          process.kill(-ended, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  });
});
