import { docker, newRunId, removeFixtures, runFixture, waitFor } from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type LogLine } from "../src/index.js";
import { deadline, requireDocker } from "./docker-setup.js";

const runId = newRunId();
const engine = createEngine();

beforeAll(async () => {
  await requireDocker();
});

afterAll(async () => {
  await engine.close();
  await removeFixtures(runId);
});

describe("readEvents on a real daemon", () => {
  it("returns the container's past events between since and until, oldest first, and ends", async () => {
    const since = Date.now() / 1000 - 1;
    const f = await runFixture({ name: "events", runId, script: "exec sleep 3600" });
    await docker(["kill", "--signal", "KILL", f.id]);
    await waitFor(
      "the container to die",
      async () => (await docker(["inspect", "-f", "{{.State.Status}}", f.id])) === "exited",
    );
    const started = Date.now();
    const events = await engine.readEvents(
      { since, until: Date.now() / 1000, filters: { container: [f.id] } },
      deadline(),
    );
    expect(Date.now() - started).toBeLessThan(5000);
    const actions = events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["create", "start", "kill", "die"]));
    expect(actions.indexOf("kill")).toBeLessThan(actions.indexOf("die"));
    const kill = events.find((e) => e.action === "kill");
    expect(kill).toMatchObject({
      type: "container",
      id: f.id,
      attributes: expect.objectContaining({ signal: "9" }),
    });
    const die = events.find((e) => e.action === "die");
    expect(die?.attributes["exitCode"]).toBe("137");
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.timeMs).toBeGreaterThanOrEqual(events[i - 1]!.timeMs);
  });

  it("refuses an open-ended window", async () => {
    await expect(engine.readEvents({ since: 10, until: 5 }, deadline())).rejects.toThrow(/until >= since/);
  });
});

describe("scanLogs on a real daemon", () => {
  it("hands every line to the callback without keeping them, and stops when asked", async () => {
    const f = await runFixture({
      name: "scan",
      runId,
      script: "i=0; while [ $i -lt 1000 ]; do echo line $i; echo err $i >&2; i=$((i+1)); done",
    });
    await waitFor(
      "the writer to finish",
      async () => (await docker(["inspect", "-f", "{{.State.Status}}", f.id])) === "exited",
    );
    const seen: LogLine[] = [];
    const all = await engine.scanLogs(
      f.id,
      false,
      { maxBytes: 1 << 30, maxLineChars: 4096 },
      (line) => {
        seen.push(line);
        return undefined;
      },
      deadline(),
    );
    expect(all).toMatchObject({ lines: 2000, stoppedBy: "end" });
    expect(seen.filter((l) => l.stream === "stderr")).toHaveLength(1000);
    expect(seen.find((l) => l.stream === "stdout")?.text).toBe("line 0");

    let count = 0;
    const stopped = await engine.scanLogs(
      f.id,
      false,
      { maxBytes: 1 << 30, maxLineChars: 4096 },
      () => ++count < 10,
      deadline(),
    );
    expect(stopped.stoppedBy).toBe("stopped");
    expect(count).toBe(10);

    const tail = await engine.scanLogs(
      f.id,
      false,
      { tail: 5, timestamps: true, maxBytes: 1 << 30, maxLineChars: 4096 },
      () => undefined,
      deadline(),
    );
    expect(tail.lines).toBe(5);
  });
});
