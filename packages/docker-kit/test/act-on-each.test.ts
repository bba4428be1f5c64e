import type { RejectedTarget, ResolvedResource, ToolContext } from "@arktechnwa/docker-mcp-core";
import { describe, expect, it } from "vitest";
import { actOnEach, summarizeItems } from "../src/index.js";

function context(targets: ResolvedResource[], rejected: RejectedTarget[], deadlineMs = 60_000): ToolContext {
  return {
    signal: new AbortController().signal,
    deadline: Date.now() + deadlineMs,
    targets,
    rejected,
    visible: <T>(items: T[]) => ({ visible: items, hidden: 0 }),
    exec: { maxOutputBytes: 1, timeoutMs: 1 },
    progress: () => {},
    addSecrets: () => {},
  } as unknown as ToolContext;
}

const volume = (ref: string, name = ref): ResolvedResource => ({ kind: "volume", ref, names: [name] });
const options = { field: "volume", noun: "volume" } as const;

describe("actOnEach is kind-neutral", () => {
  it("answers in the caller's order, rejected targets in their places, each resource once", async () => {
    const ctx = context(
      [volume("data"), volume("logs"), volume("again", "data")],
      [
        { ref: "prod", kind: "volume", status: "denied", code: "blacklisted", message: "no" },
        { ref: "gone", kind: "volume", status: "unresolved", code: "NOT_FOUND", message: "absent" },
        { ref: "err", kind: "volume", status: "unresolved", code: "DAEMON", message: "boom" },
      ],
    );
    const acted: string[] = [];
    const results = await actOnEach(
      ["prod", "data", "gone", "logs", "again", "err"],
      ctx,
      options,
      async (target) => {
        acted.push(target.names[0] as string);
        if (target.names[0] === "logs") throw new Error("in use");
        return { status: "done", message: "removed" };
      },
    );
    expect(acted.sort()).toEqual(["data", "logs"]);
    expect(results).toEqual([
      { volume: "prod", status: "denied", message: "no" },
      { volume: "data", name: "data", status: "done", message: "removed" },
      { volume: "gone", status: "not_found", message: "absent" },
      { volume: "logs", name: "logs", status: "failed", message: "in use" },
      { volume: "again", name: "data", status: "unchanged", message: 'same volume as "data" (handled once)' },
      { volume: "err", status: "failed", message: "boom" },
    ]);
    expect(summarizeItems("removed", results)).toBe(
      "1 removed, 1 unchanged, 1 denied by policy, 1 not found, 2 failed (of 6)",
    );
  });

  it("near the deadline, in-flight work is unknown and the rest skipped", async () => {
    const targets = ["a", "b", "c", "d", "e", "f"].map((r) => ({ ...volume(r), id: `${r}`.repeat(64) }));
    // Four run at once; those still running at the answer margin are unknown, the rest never start.
    const slow = await actOnEach(
      ["a", "b", "c", "d", "e", "f"],
      context(targets, [], 2_300),
      { ...options, checkHint: "List the volumes." },
      (_t, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(new Error("cut")))),
    );
    expect(slow.map((r) => r.status)).toEqual([
      "unknown",
      "unknown",
      "unknown",
      "unknown",
      "skipped",
      "skipped",
    ]);
    expect(slow[0]?.message).toMatch(/outcome unknown.*List the volumes\.$/);
    expect(slow[0]?.id).toBe("a".repeat(12));
  });
});
