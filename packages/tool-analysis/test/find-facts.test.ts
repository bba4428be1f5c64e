import { describe, expect, it } from "vitest";
import type { EventWindow } from "../src/daemon-events.js";
import { findFacts } from "../src/find-facts.js";
import { confidenceOf, type FindingClass } from "../src/findings.js";
import { type InspectOptions, inspectDoc } from "./inspect-fixture.js";

const NOW = Date.parse("2026-11-25T12:10:00Z");
const CRASH = Date.parse("2026-11-25T12:00:05Z");

function diagnose(o: InspectOptions, logs: string[] = [], events?: EventWindow) {
  const result = findFacts({ inspect: inspectDoc(o), logs, now: NOW, ...(events ? { events } : {}) });
  return { ...result, top: result.findings[0]?.class, confidence: confidenceOf(result.findings) };
}

function window(events: EventWindow["events"], oldestMs = CRASH - 60_000, bufferFull = false): EventWindow {
  return { events, oldestMs, bufferFull };
}

describe("findFacts: primary facts", () => {
  it("OOM kill: high, with the memory limit", () => {
    const d = diagnose({ exitCode: 137, oomKilled: true, memory: 16 * 1024 * 1024 });
    expect(d.top).toBe("oom_killed");
    expect(d.confidence).toBe("high");
    expect(d.findings[0]?.summary).toContain("16 MiB");
    expect(d.findings[0]?.evidence.map((e) => e.source)).toEqual(["state", "inspect"]);
  });

  it("137 without OOM and a kill event: killed through the API, high", () => {
    const d = diagnose(
      { exitCode: 137 },
      [],
      window([{ timeMs: CRASH - 10, action: "kill", attributes: { signal: "9" } }]),
    );
    expect(d.top).toBe("killed");
    expect(d.confidence).toBe("high");
    expect(d.findings[0]?.summary).toContain("docker kill");
  });

  it("137 after docker stop: stop timeout exceeded", () => {
    const d = diagnose(
      { exitCode: 137 },
      [],
      window([
        { timeMs: CRASH - 10_000, action: "kill", attributes: { signal: "15" } },
        { timeMs: CRASH - 5, action: "kill", attributes: { signal: "9" } },
        { timeMs: CRASH, action: "stop", attributes: {} },
      ]),
    );
    expect(d.findings[0]?.summary).toContain("stop timeout");
  });

  it("137 with events covering the time and no kill: from outside Docker", () => {
    const d = diagnose(
      { exitCode: 137 },
      [],
      window([{ timeMs: CRASH, action: "die", attributes: { exitCode: "137" } }]),
    );
    expect(d.findings[0]?.summary).toContain("outside Docker");
    expect(d.confidence).toBe("medium");
  });

  it("137 when the events are gone says so instead of guessing", () => {
    const d = diagnose({ exitCode: 137 }, [], window([], CRASH + 60_000, true));
    expect(d.findings[0]?.summary).toContain("events from that time are gone");
    expect(d.evidence.some((e) => e.source === "events" && e.found.includes("gone"))).toBe(true);
    expect(d.next.join(" ")).toContain("gone");
  });

  it("after a daemon restart (few events, all newer than the crash) the events are gone too", () => {
    const d = diagnose({ exitCode: 137 }, [], window([], CRASH + 3_600_000, false));
    expect(d.findings[0]?.summary).toContain("events from that time are gone");
    expect(d.findings[0]?.summary).not.toContain("outside Docker");
  });

  it("a kill event found still counts when older events were pushed out", () => {
    const d = diagnose(
      { exitCode: 137 },
      [],
      window(
        [
          { timeMs: CRASH - 5, action: "kill", attributes: { signal: "9" } },
          { timeMs: CRASH, action: "die", attributes: { exitCode: "137" } },
        ],
        CRASH - 100,
        true,
      ),
    );
    expect(d.confidence).toBe("high");
    expect(d.evidence.some((e) => e.found.includes("gone"))).toBe(false);
  });

  it("143, 139, 134 by their signals", () => {
    expect(diagnose({ exitCode: 143 }).top).toBe("terminated");
    expect(diagnose({ exitCode: 139 }).top).toBe("segfault");
    expect(diagnose({ exitCode: 134 }).top).toBe("aborted");
    expect(diagnose({ exitCode: 139 }).confidence).toBe("high");
  });

  it.each<[string, number, FindingClass]>([
    ['exec: "/no/such": stat /no/such: no such file or directory: unknown', 127, "command_not_found"],
    ['exec: "/bin": permission denied: unknown', 126, "command_not_executable"],
    [
      "error mounting: not a directory: Are you trying to mount a directory onto a file (or vice-versa)?",
      127,
      "bad_mount",
    ],
    [
      "driver failed programming external connectivity on endpoint web: Bind for 0.0.0.0:8000 failed: port is already allocated",
      128,
      "port_conflict",
    ],
    ["error gathering device information while adding custom device", 125, "start_failed"],
  ])("State.Error %s -> %s, high", (error, exitCode, cls) => {
    const d = diagnose({ status: "created", exitCode, error });
    expect(d.top).toBe(cls);
    expect(d.confidence).toBe("high");
    expect(d.findings[0]?.evidence[0]?.found).toContain("State.Error");
  });

  it("port conflict names the address", () => {
    const d = diagnose({
      status: "created",
      exitCode: 128,
      error: "Bind for 0.0.0.0:8000 failed: port is already allocated",
    });
    expect(d.findings[0]?.summary).toContain("0.0.0.0:8000");
  });

  it("failing health check from the health log: high, with the probe output", () => {
    const d = diagnose({
      status: "running",
      running: true,
      exitCode: 0,
      health: {
        status: "unhealthy",
        failingStreak: 4,
        log: [
          { ExitCode: 1, Output: "wget: can't connect to remote host: Connection refused" },
          { ExitCode: -1, Output: "Health check exceeded timeout (1s)" },
        ],
      },
    });
    expect(d.top).toBe("unhealthy");
    expect(d.confidence).toBe("high");
    expect(d.findings[0]?.summary).toContain("timed out");
    expect(d.findings[0]?.evidence.some((e) => e.source === "health_log")).toBe(true);
  });

  it("restart loop from RestartCount and die events", () => {
    const d = diagnose(
      {
        status: "restarting",
        restarting: true,
        exitCode: 1,
        restartCount: 5,
        restartPolicy: "on-failure",
        maxRetries: 10,
      },
      ["starting"],
      window(
        [1, 2, 3].map((i) => ({ timeMs: CRASH - i * 1000, action: "die", attributes: { exitCode: "1" } })),
      ),
    );
    expect(d.findings.map((f) => f.class)).toContain("restart_loop");
    expect(d.confidence).toBe("high");
    const loop = d.findings.find((f) => f.class === "restart_loop");
    expect(loop?.evidence.map((e) => e.source)).toEqual(["inspect", "state", "events"]);
  });

  it("a restart loop between runs still reads the last run's stack trace", () => {
    const d = diagnose(
      {
        status: "restarting",
        running: true,
        restarting: true,
        exitCode: 1,
        restartCount: 4,
        restartPolicy: "always",
      },
      ["Error: boom", "    at main (/app/index.js:3:9)"],
    );
    expect(d.findings.map((f) => f.class)).toEqual(["app_error", "restart_loop"]);
  });

  it("on-failure that gave up says so", () => {
    const d = diagnose({ exitCode: 1, restartCount: 3, restartPolicy: "on-failure", maxRetries: 3 });
    expect(d.findings.find((f) => f.class === "restart_loop")?.summary).toContain("gave up after 3");
  });

  it("exit 0 is a clean exit", () => {
    const d = diagnose({ exitCode: 0 });
    expect(d.top).toBe("exited_cleanly");
  });
});

describe("findFacts: log patterns (medium)", () => {
  const cases: [string, string[], FindingClass, string][] = [
    [
      "node missing module",
      [
        "Error: Cannot find module 'express'",
        "    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)",
      ],
      "missing_module",
      "express",
    ],
    [
      "python missing module",
      [
        "Traceback (most recent call last):",
        '  File "/app/main.py", line 1, in <module>',
        "ModuleNotFoundError: No module named 'flask'",
      ],
      "missing_module",
      "flask",
    ],
    [
      "missing file",
      ["Error: ENOENT: no such file or directory, open '/app/config.json'"],
      "missing_file",
      "/app/config.json",
    ],
    [
      "permission",
      ["Error: EACCES: permission denied, open '/data/db.sqlite'"],
      "permission_denied",
      "/data/db.sqlite",
    ],
    [
      "connection refused",
      ["Error: connect ECONNREFUSED 172.18.0.3:5432"],
      "connection_refused",
      "172.18.0.3:5432",
    ],
    [
      "go connection refused",
      ["dial tcp 10.0.0.5:6379: connect: connection refused"],
      "connection_refused",
      "10.0.0.5:6379",
    ],
    ["dns", ["Error: getaddrinfo ENOTFOUND postgres"], "dns_failure", "postgres"],
    ["busybox dns", ["wget: bad address 'orders-db:5432'"], "dns_failure", "orders-db"],
    [
      "busybox refused",
      ["wget: can't connect to remote host (10.0.0.9): Connection refused"],
      "connection_refused",
      "10.0.0.9",
    ],
    ["go dns", ["dial tcp: lookup redis on 127.0.0.11:53: no such host"], "dns_failure", "redis"],
    [
      "disk",
      ["write /data/x: no space left on device", "Error: ENOSPC: No space left on device"],
      "disk_full",
      "No space left",
    ],
    ["missing env (busybox)", ["sh: DATABASE_URL: parameter not set or null"], "missing_env", "DATABASE_URL"],
    ["missing env (app)", ["Fatal: environment variable API_TOKEN is required"], "missing_env", "API_TOKEN"],
    ["missing env (python)", ["KeyError: 'SECRET_KEY'"], "missing_env", "SECRET_KEY"],
    ["addr in use", ["Error: listen EADDRINUSE: address already in use :::3000"], "port_conflict", "3000"],
    [
      "heap",
      ["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"],
      "memory_exhausted",
      "heap",
    ],
  ];
  it.each(cases)("%s", (_name, logs, cls, subject) => {
    const d = diagnose({ exitCode: 1 }, ["booting", ...logs]);
    expect(d.top).toBe(cls);
    expect(d.confidence).toBe("medium");
    expect(d.findings[0]?.summary).toContain(subject);
    expect(d.findings[0]?.evidence[0]?.source).toBe("logs");
  });

  it("missing env checks Config.Env", () => {
    const unset = diagnose({ exitCode: 2 }, ["sh: DATABASE_URL: parameter not set or null"]);
    expect(unset.findings[0]?.evidence[1]).toEqual({
      source: "inspect",
      found: "Config.Env has no DATABASE_URL (1 variable(s) set)",
    });
    const set = diagnose({ exitCode: 2, env: ["DATABASE_URL="] }, [
      "sh: DATABASE_URL: parameter not set or null",
    ]);
    expect(set.findings[0]?.summary).toContain("set but empty");
  });

  it("exit 1 with a Node stack trace: the error line and first frame", () => {
    const d = diagnose({ exitCode: 1 }, [
      "listening on 3000",
      "/app/server.js:12",
      "TypeError: Cannot read properties of undefined (reading 'port')",
      "    at loadConfig (/app/config.js:7:19)",
      "    at Object.<anonymous> (/app/server.js:12:1)",
      "    at node:internal/main/run_main_module:28:49",
      "Node.js v20.11.0",
    ]);
    expect(d.top).toBe("app_error");
    expect(d.confidence).toBe("medium");
    expect(d.findings[0]?.summary).toContain("TypeError: Cannot read properties of undefined");
    expect(d.findings[0]?.summary).toContain("at loadConfig (/app/config.js:7:19)");
  });

  it("exit 1 with a Python traceback: the error after the frames", () => {
    const d = diagnose({ exitCode: 1 }, [
      "Traceback (most recent call last):",
      '  File "/app/main.py", line 10, in <module>',
      "    main()",
      '  File "/app/main.py", line 7, in main',
      "ValueError: invalid literal for int() with base 10: 'abc'",
    ]);
    expect(d.top).toBe("app_error");
    expect(d.findings[0]?.summary).toContain("ValueError");
  });

  it("exit 1 with a Java stack trace and a Go panic", () => {
    const java = diagnose({ exitCode: 1 }, [
      'Exception in thread "main" java.lang.IllegalStateException: boom',
      "\tat com.example.App.main(App.java:5)",
    ]);
    expect(java.findings[0]?.summary).toContain("IllegalStateException");
    const go = diagnose({ exitCode: 2 }, [
      "panic: runtime error: index out of range [3] with length 3",
      "",
      "goroutine 1 [running]:",
      "main.main()",
      "\t/app/main.go:8 +0x1d",
    ]);
    expect(go.top).toBe("app_error");
    expect(go.findings[0]?.summary).toContain("panic: runtime error");
  });

  it("exit 127 from a shell that did not find a command", () => {
    const d = diagnose({ exitCode: 127 }, ["sh: migrate: not found"]);
    expect(d.top).toBe("command_not_found");
    expect(d.confidence).toBe("high");
  });
});

describe("findFacts: inconclusive", () => {
  it("a non-zero exit with nothing in the logs is low and says what to look at next", () => {
    const d = diagnose({ exitCode: 3 }, ["doing work", "done work"]);
    expect(d.top).toBe("nonzero_exit");
    expect(d.confidence).toBe("low");
    expect(d.next.length).toBeGreaterThan(1);
  });

  it("a running container with nothing wrong is low", () => {
    const d = diagnose({ status: "running", running: true, exitCode: 0 }, ["ok"]);
    expect(d.findings).toEqual([]);
    expect(d.confidence).toBe("low");
    expect(d.next[0]).toContain("running");
  });

  it("events that could not be read are evidence, not a failure", () => {
    const d = diagnose({ exitCode: 1 }, [], {
      events: [],
      oldestMs: undefined,
      bufferFull: false,
      error: "TIMEOUT",
    });
    expect(d.evidence.some((e) => e.found.includes("could not be read"))).toBe(true);
  });
});
