import { type ContainerFacts, containerFacts } from "./container-facts.js";
import { DAEMON_EVENT_BUFFER, type DaemonEvent, type EventWindow, eventsCover } from "./daemon-events.js";
import type { Evidence, Finding, FindingClass } from "./findings.js";
import { type LogSignal, lastErrorBlock, logSignals } from "./log-signals.js";
import { classifyStartError } from "./start-error.js";

export interface StatsFacts {
  memoryUsageBytes: number;
  memoryLimitBytes: number;
  cpuPercent: number;
  pids: number;
}

export interface DiagnosisInput {
  inspect: Record<string, unknown>;
  /** The last lines of the log (already sanitized), oldest first. */
  logs: string[];
  /** Undefined when events were not read. */
  events?: EventWindow;
  /** A live sample, for a running container. */
  stats?: StatsFacts;
  now: number;
}

export interface FactsResult {
  container: ContainerFacts;
  /** Most telling first: the cause before its symptoms. */
  findings: Finding[];
  /** Everything looked at, including what was normal and what could not be seen. */
  evidence: Evidence[];
  /** What to look at next when nothing is conclusive. */
  next: string[];
}

/** Causes before symptoms, specific before generic. */
const PRIORITY: FindingClass[] = [
  "port_conflict",
  "command_not_found",
  "command_not_executable",
  "bad_mount",
  "start_failed",
  "oom_killed",
  "missing_env",
  "missing_module",
  "missing_file",
  "dns_failure",
  "connection_refused",
  "disk_full",
  "permission_denied",
  "memory_exhausted",
  "unhealthy",
  "killed",
  "terminated",
  "segfault",
  "aborted",
  "app_error",
  "restart_loop",
  "nonzero_exit",
  "exited_cleanly",
];

const SIGNAL_NAMES: Record<string, string> = {
  "9": "SIGKILL",
  "15": "SIGTERM",
  "2": "SIGINT",
  "1": "SIGHUP",
};

function mib(bytes: number): string {
  const m = bytes / (1024 * 1024);
  return m >= 1024 ? `${(m / 1024).toFixed(1)} GiB` : `${m >= 10 ? Math.round(m) : m.toFixed(1)} MiB`;
}

function iso(date: Date | undefined): string {
  return date ? date.toISOString() : "unknown time";
}

function quote(line: string, max = 300): string {
  const t = line.trim();
  return `"${t.length > max ? `${t.slice(0, max)}...` : t}"`;
}

/** The facts engine: inspect, health log, events, logs and stats in; findings with their evidence out. */
export function findFacts(input: DiagnosisInput): FactsResult {
  const c = containerFacts(input.inspect);
  const findings: Finding[] = [];
  const evidence: Evidence[] = [];
  const next: string[] = [];
  const add = (f: Finding) => {
    if (!findings.some((g) => g.class === f.class)) findings.push(f);
  };

  // State: what the daemon recorded.
  const stateLine =
    c.status === "exited" || c.status === "dead"
      ? `status ${c.status}, exit code ${c.exitCode ?? "none"}, finished ${iso(c.finishedAt)}${c.oomKilled ? ", OOMKilled true" : ""}`
      : `status ${c.status}${c.running ? `, running since ${iso(c.startedAt)}` : ""}${c.exitCode ? `, last exit code ${c.exitCode}` : ""}`;
  const stateEvidence: Evidence = { source: "state", found: stateLine };
  evidence.push(stateEvidence);

  const events = input.events;
  const own = events?.events ?? [];
  const crashAt = c.finishedAt?.getTime();
  const covered = events && crashAt !== undefined ? eventsCover(events, crashAt) : false;
  if (events?.error) {
    evidence.push({ source: "events", found: `events could not be read: ${events.error}` });
  } else if (
    events &&
    crashAt !== undefined &&
    !covered &&
    c.exitCode !== null &&
    // This container's own die at the crash means the events of that moment are still there.
    !own.some((e) => e.action === "die" && Math.abs(e.timeMs - crashAt) < 2000)
  ) {
    evidence.push({
      source: "events",
      found:
        events.oldestMs === undefined
          ? `the daemon holds no events at all (it keeps only its last ${DAEMON_EVENT_BUFFER}, and none across its own restart): what happened at ${iso(c.finishedAt)} cannot be read from events`
          : `the daemon's events (only its last ${DAEMON_EVENT_BUFFER} are kept) start at ${new Date(events.oldestMs).toISOString()}, after this container stopped at ${iso(c.finishedAt)}: the events of the crash are gone`,
    });
  } else if (events && own.length > 0) {
    const counts = new Map<string, number>();
    for (const e of own)
      counts.set(
        e.action.split(":")[0] ?? e.action,
        (counts.get(e.action.split(":")[0] ?? e.action) ?? 0) + 1,
      );
    evidence.push({
      source: "events",
      found: `${own.length} recent event${own.length === 1 ? "" : "s"}: ${[...counts].map(([a, n]) => `${a} x${n}`).join(", ")}`,
    });
  }

  // Start failures: State.Error is the daemon's own reason, the strongest fact there is.
  if (c.error) {
    const failure = classifyStartError(c.error, c.exitCode);
    add({
      class: failure.class,
      strength: "primary",
      summary: failure.summary,
      fix: failure.fix,
      evidence: [{ source: "state", found: `State.Error: ${c.error}` }],
    });
  }

  // OOM.
  if (c.oomKilled) {
    const limit = c.memoryLimitBytes > 0 ? ` of ${mib(c.memoryLimitBytes)}` : "";
    const ev: Evidence[] = [
      { source: "state", found: `State.OOMKilled is true, exit code ${c.exitCode ?? "none"}` },
    ];
    ev.push({
      source: "inspect",
      found:
        c.memoryLimitBytes > 0
          ? `HostConfig.Memory limit ${mib(c.memoryLimitBytes)}`
          : "no memory limit set on the container (the host ran out of memory)",
    });
    const oomEvents = own.filter((e) => e.action === "oom");
    if (oomEvents.length > 0)
      ev.push({
        source: "events",
        found: `${oomEvents.length} oom event(s), last at ${new Date(oomEvents.at(-1)!.timeMs).toISOString()}`,
      });
    if (input.stats && input.stats.memoryLimitBytes > 0) {
      ev.push({
        source: "stats",
        found: `now using ${mib(input.stats.memoryUsageBytes)} of ${mib(input.stats.memoryLimitBytes)}`,
      });
    }
    add({
      class: "oom_killed",
      strength: "primary",
      summary: `The kernel killed the container for using all its memory${limit} (OOMKilled, exit ${c.exitCode ?? 137}).`,
      fix:
        c.memoryLimitBytes > 0
          ? `Raise the memory limit above ${mib(c.memoryLimitBytes)} (e.g. --memory ${mib(
              c.memoryLimitBytes * 2,
            )
              .replace(" ", "")
              .replace("MiB", "m")
              .replace(
                "GiB",
                "g",
              )}), or find what grows (a leak, an unbounded cache, a runtime heap setting larger than the limit).`
          : "Give the host more memory or set limits on the other containers; find what grows in this one.",
      evidence: ev,
    });
  }

  // Signals and exit codes, when the container exited.
  // Exited, or between two runs of a restart loop (Running stays true then; ExitCode is the last run's).
  const exited = c.exitCode !== null && (!c.running || c.restarting) && !c.error;
  if (exited && c.exitCode === 137 && !c.oomKilled) {
    const kill = lastBefore(own, crashAt, (e) => e.action === "kill");
    const stop = lastBefore(own, crashAt, (e) => e.action === "stop");
    const ev: Evidence[] = [{ source: "state", found: `exit code 137 (SIGKILL) and OOMKilled false` }];
    let who: string;
    if (kill) {
      const sig = kill.attributes["signal"] ?? "";
      ev.push({
        source: "events",
        found: `kill event with signal ${SIGNAL_NAMES[sig] ?? sig} at ${new Date(kill.timeMs).toISOString()}`,
      });
      who = stop
        ? "It was stopped through the Docker API (docker stop) and did not exit within the stop timeout, so the daemon killed it."
        : `Someone killed it through the Docker API (docker kill, signal ${SIGNAL_NAMES[sig] ?? sig}).`;
    } else if (covered) {
      ev.push({
        source: "events",
        found: "no kill or stop event before it died although the daemon's events still cover that time",
      });
      who =
        "No Docker kill or stop preceded it: the SIGKILL came from outside Docker (the host's OOM killer, a kill -9 on the host, or a runtime failure).";
    } else {
      who = "Which process sent it cannot be said: the events from that time are gone.";
      next.push(
        "The daemon's events from the time of the kill are gone: an external log of docker events or the host's audit log would show who sent it.",
      );
    }
    add({
      class: "killed",
      strength: kill ? "primary" : "pattern",
      summary: `The container was killed with SIGKILL (exit 137) without running out of memory. ${who}`,
      fix:
        kill && stop
          ? "Let the process handle SIGTERM and exit quickly, or give docker stop a longer timeout (--time)."
          : "Find who sends SIGKILL: docker events, the host's kernel log (dmesg) and any orchestrator or script that kills containers.",
      evidence: ev,
    });
  }
  if (exited && c.exitCode === 143) {
    const kill = lastBefore(own, crashAt, (e) => e.action === "kill" || e.action === "stop");
    add({
      class: "terminated",
      strength: "primary",
      summary: `The process exited after SIGTERM (exit 143): it was asked to stop${kill ? " through the Docker API (docker stop / kill)" : ""}, not crashed.`,
      fix: "Nothing is broken if the stop was intended. If not, find who stopped it (docker events, an orchestrator, a deploy script).",
      evidence: [
        { source: "state", found: "exit code 143 = 128 + 15 (SIGTERM)" },
        ...(kill
          ? [
              {
                source: "events" as const,
                found: `${kill.action} event at ${new Date(kill.timeMs).toISOString()}`,
              },
            ]
          : []),
      ],
    });
  }
  if (exited && c.exitCode === 139) {
    add({
      class: "segfault",
      strength: "primary",
      summary:
        "The process crashed with a segmentation fault (exit 139 = 128 + SIGSEGV): it read or wrote memory it does not own.",
      fix: "Usually a native library or binary bug, or one built for another platform/libc: check native dependencies and the image's architecture; run it with core dumps enabled to see where.",
      evidence: [{ source: "state", found: "exit code 139 = 128 + 11 (SIGSEGV)" }],
    });
  }
  if (exited && c.exitCode === 134) {
    add({
      class: "aborted",
      strength: "primary",
      summary:
        "The process aborted itself (exit 134 = 128 + SIGABRT): a failed assertion or a fatal runtime error.",
      fix: "Read the lines just before the end of the log: the runtime prints why it aborted (assertion, double free, fatal error).",
      evidence: [{ source: "state", found: "exit code 134 = 128 + 6 (SIGABRT)" }],
    });
  }

  // Health log.
  const h = c.health;
  if (h) {
    const last = h.log.at(-1);
    const failing = h.log.filter((p) => p.exitCode !== 0);
    const healthFound = `health ${h.status}, failing streak ${h.failingStreak}, last ${h.log.length} probe(s): ${h.log.map((p) => (p.exitCode === -1 ? "timeout" : `exit ${p.exitCode}`)).join(", ") || "none yet"}`;
    evidence.push({ source: "health_log", found: healthFound });
    if (h.status === "unhealthy" || (h.failingStreak > 0 && last && last.exitCode !== 0)) {
      const timedOut = last?.exitCode === -1;
      const output = last?.output.trim();
      add({
        class: "unhealthy",
        strength: "primary",
        summary: `The health check fails: ${h.failingStreak} failure(s) in a row (${h.status}); the last probe ${timedOut ? "timed out" : `exited ${last?.exitCode}`}${output ? ` saying ${quote(output, 200)}` : " with no output"}.`,
        fix: timedOut
          ? "The probe timed out: the service is too slow to answer or hung; raise --health-timeout only if the service is merely slow."
          : `Run the probe (${h.test.slice(1).join(" ") || "the HEALTHCHECK command"}) by hand in the container to see why it fails; check that what it tests (port, path, binary) exists.`,
        evidence: [
          { source: "health_log", found: healthFound },
          ...failing.slice(-2).map((p) => ({
            source: "health_log" as const,
            found: `probe at ${iso(p.start)}: ${p.exitCode === -1 ? "timed out" : `exit ${p.exitCode}`}${p.output.trim() ? `, output ${quote(p.output, 200)}` : ""}`,
          })),
        ],
      });
    }
  }

  // Restart loops.
  const dies = own.filter((e) => e.action === "die");
  if (c.restartCount >= 2 || c.restarting || dies.length >= 3) {
    const ev: Evidence[] = [
      {
        source: "inspect",
        found: `RestartCount ${c.restartCount}, restart policy ${c.restartPolicy}${c.restartMaxRetries ? `:${c.restartMaxRetries}` : ""}`,
      },
    ];
    if (c.restarting)
      ev.push({ source: "state", found: "State.Restarting is true: waiting for the next attempt" });
    if (dies.length > 0) {
      const codes = [...new Set(dies.map((e) => e.attributes["exitCode"]).filter(Boolean))];
      ev.push({
        source: "events",
        found: `${dies.length} die event(s) in the daemon's recent events, exit code(s) ${codes.join(", ") || "unknown"}`,
      });
    }
    const gaveUp =
      c.restartPolicy === "on-failure" &&
      c.restartMaxRetries > 0 &&
      c.restartCount >= c.restartMaxRetries &&
      !c.running &&
      !c.restarting;
    add({
      class: "restart_loop",
      strength: "primary",
      summary: `The container is in a restart loop: restarted ${c.restartCount} time(s) under restart policy ${c.restartPolicy}${gaveUp ? `, and the daemon gave up after ${c.restartMaxRetries} retries` : ""}; each run ends with exit ${c.exitCode ?? "unknown"}.`,
      fix: "Restarting does not fix the cause: fix why each run exits (see the other findings and the last logs). The daemon backs off up to 1 minute between attempts.",
      evidence: ev,
    });
  }

  // Logs.
  const signals = logSignals(input.logs);
  const byClass = new Map<FindingClass, LogSignal[]>();
  for (const s of signals) byClass.set(s.class, [...(byClass.get(s.class) ?? []), s]);
  const block = lastErrorBlock(input.logs);
  for (const [cls, list] of byClass) {
    if (cls === "port_conflict" && findings.some((f) => f.class === "port_conflict")) continue;
    const chosen = pickSignal(list);
    const extra = patternFinding(cls, chosen, c);
    if (!extra) continue;
    add(extra);
  }
  if (
    exited &&
    c.exitCode !== 0 &&
    block &&
    !findings.some((f) => f.strength === "pattern" && f.class !== "killed")
  ) {
    add({
      class: "app_error",
      strength: "pattern",
      summary: `The application failed with an error before exiting ${c.exitCode}: ${quote(block.errorLine)}${block.frame ? ` at ${block.frame}` : ""}${block.frames > 0 ? ` (${block.language ?? ""} stack trace of ${block.frames} frame(s))` : ""}.`,
      fix: "Fix the error the application reports (the stack trace's first frame is where it was thrown); last_logs holds the lines around it.",
      evidence: [
        {
          source: "logs",
          found: `${block.frames > 0 ? "stack trace" : "error line"} at line ${block.errorIndex + 1} of the last ${input.logs.length}: ${quote(block.errorLine)}${block.frame ? `, first frame ${block.frame}` : ""}`,
        },
      ],
    });
  }

  if (exited && c.exitCode === 127 && !c.error && !findings.some((f) => f.class === "command_not_found")) {
    const notFound = input.logs.findLast((l) => /: not found$|command not found/.test(l));
    add({
      class: "command_not_found",
      strength: notFound ? "primary" : "pattern",
      summary: `A command the container runs was not found (exit 127 from its shell)${notFound ? `: ${quote(notFound)}` : ""}.`,
      fix: "Install the missing binary in the image or fix its name/path in the command or script.",
      evidence: [
        { source: "state", found: "exit code 127 (command not found)" },
        ...(notFound ? [{ source: "logs" as const, found: quote(notFound) }] : []),
      ],
    });
  }
  if (
    exited &&
    c.exitCode === 126 &&
    !c.error &&
    !findings.some((f) => f.class === "command_not_executable")
  ) {
    add({
      class: "command_not_executable",
      strength: "primary",
      summary:
        "A command the container runs could not be executed (exit 126 from its shell: not executable or permission denied).",
      fix: "Make the file executable (chmod +x) or run it through its interpreter.",
      evidence: [{ source: "state", found: "exit code 126 (found but not executable)" }],
    });
  }

  if (
    exited &&
    c.exitCode !== null &&
    c.exitCode !== 0 &&
    !findings.some((f) => f.strength === "primary" || f.class === "app_error")
  ) {
    add({
      class: "nonzero_exit",
      strength: "primary",
      summary: `The main process exited with code ${c.exitCode}${c.exitCode > 128 && c.exitCode < 160 ? ` (128 + signal ${c.exitCode - 128})` : ""} at ${iso(c.finishedAt)}.`,
      fix: "The exit code alone does not say why; the application's own output does. Read the whole log around the end.",
      evidence: [stateEvidence],
    });
  } else if (exited && c.exitCode !== null && c.exitCode !== 0) {
    // Still worth saying which code, even when another finding explains it.
    if (!findings.some((f) => f.evidence.some((e) => e.source === "state"))) {
      const top = findings[0];
      top?.evidence.unshift({ source: "state", found: `exit code ${c.exitCode}` });
    }
  }
  if (exited && c.exitCode === 0 && !findings.some((f) => f.strength === "primary")) {
    add({
      class: "exited_cleanly",
      strength: "primary",
      summary: `The main process finished successfully (exit 0) at ${iso(c.finishedAt)}: a container stops when its main process ends.`,
      fix: "If it should keep running, its command must stay in the foreground (no daemonizing, no command that returns at once).",
      evidence: [stateEvidence],
    });
  }

  if (input.logs.length === 0 && !c.error) {
    evidence.push({ source: "logs", found: "the log is empty" });
  } else if (input.logs.length > 0) {
    evidence.push({
      source: "logs",
      found: `read the last ${input.logs.length} line(s): ${signals.length} matched a known failure pattern${block ? `, last error at line ${block.errorIndex + 1}` : ", no error line"}`,
    });
  }
  if (input.stats && c.running) {
    const s = input.stats;
    evidence.push({
      source: "stats",
      found: `CPU ${s.cpuPercent.toFixed(1)}%, memory ${mib(s.memoryUsageBytes)}${s.memoryLimitBytes > 0 ? ` of ${mib(s.memoryLimitBytes)} (${((100 * s.memoryUsageBytes) / s.memoryLimitBytes).toFixed(0)}%)` : ""}, ${s.pids} process(es)`,
    });
  }

  findings.sort((a, b) => PRIORITY.indexOf(a.class) - PRIORITY.indexOf(b.class));
  const conclusive = findings.some((f) => f.class !== "nonzero_exit");
  if (!conclusive) {
    if (c.running)
      next.push(
        "It is running now: read docker_logs with since to see what it does, and docker_stats for its resource use.",
      );
    next.push(
      "Read more of the log (docker_logs with tail 'all' or a since window) for the first error, not only the last lines.",
    );
    next.push(
      "Check the application's own log files or error reporting inside the container (docker_exec), if it logs elsewhere than stdout/stderr.",
    );
    if (!covered && c.exitCode !== null)
      next.push(
        "Events from the time of the crash are gone from the daemon; an external log of docker events, if you keep one, would show who stopped it.",
      );
    next.push("Check the host: dmesg for kernel kills, free disk and memory.");
  }
  return { container: c, findings, evidence, next };
}

/** The most specific signal: one that names something, the latest such. */
function pickSignal(list: LogSignal[]): LogSignal {
  return list.findLast((s) => s.subject) ?? (list.at(-1) as LogSignal);
}

function lastBefore(
  events: DaemonEvent[],
  whenMs: number | undefined,
  match: (e: DaemonEvent) => boolean,
): DaemonEvent | undefined {
  const limit = (whenMs ?? Number.POSITIVE_INFINITY) + 1000;
  return events.findLast((e) => e.timeMs <= limit && match(e));
}

function patternFinding(cls: FindingClass, s: LogSignal, c: ContainerFacts): Finding | undefined {
  const line = quote(s.text);
  const logs: Evidence = { source: "logs", found: `line ${s.line + 1} of the last lines read: ${line}` };
  const subject = s.subject;
  switch (cls) {
    case "missing_env": {
      if (!subject) return undefined;
      const set = c.envNames.includes(subject);
      return {
        class: cls,
        strength: "pattern",
        summary: `The application needs the environment variable ${subject}, which ${set ? "is set but empty or invalid" : "is not set on the container"}: ${line}.`,
        fix: `Set ${subject} on the container (docker run -e ${subject}=..., or the compose file's environment), then recreate it.`,
        evidence: [
          logs,
          {
            source: "inspect",
            found: set
              ? `Config.Env sets ${subject}`
              : `Config.Env has no ${subject} (${c.envNames.length} variable(s) set)`,
          },
        ],
      };
    }
    case "missing_module":
      return {
        class: cls,
        strength: "pattern",
        summary: `A module or library the application loads is missing${subject ? `: ${subject}` : ""} (${line}).`,
        fix: `Install ${subject ?? "the dependency"} in the image (check the dependency manifest, that the install step ran, and that node_modules/site-packages are not hidden by a volume).`,
        evidence: [logs],
      };
    case "missing_file":
      return {
        class: cls,
        strength: "pattern",
        summary: `A file the application needs does not exist${subject ? `: ${subject}` : ""} (${line}).`,
        fix: `Provide ${subject ?? "the file"}: copy it into the image or mount it (check the volume paths and the working directory).`,
        evidence: [logs],
      };
    case "permission_denied":
      return {
        class: cls,
        strength: "pattern",
        summary: `The application was denied access${subject ? ` to ${subject}` : ""} (${line}).`,
        fix: "Check the user the container runs as against the owner and mode of that path (a mounted volume keeps the host's ownership); binding a port below 1024 needs root or CAP_NET_BIND_SERVICE.",
        evidence: [logs],
      };
    case "connection_refused":
      return {
        class: cls,
        strength: "pattern",
        summary: `A connection to a dependency was refused${subject ? `: ${subject}` : ""} (${line}). Nothing listens there (yet).`,
        fix: `Check that ${subject ?? "the dependency"} is running and listening on that port and address, on a network this container shares; add a retry or a healthcheck-based startup order if it starts slower.`,
        evidence: [logs],
      };
    case "dns_failure":
      return {
        class: cls,
        strength: "pattern",
        summary: `A dependency's name does not resolve${subject ? `: ${subject}` : ""} (${line}).`,
        fix: `Check the name ${subject ?? ""}: a container is reachable by name only on a user-defined network both containers are attached to; check spelling and that the dependency exists.`,
        evidence: [logs],
      };
    case "disk_full":
      return {
        class: cls,
        strength: "pattern",
        summary: `The disk is full (${line}).`,
        fix: "Free space where the application writes (the volume or the daemon's data root: docker system df), or move writes to a larger volume.",
        evidence: [logs],
      };
    case "port_conflict":
      return {
        class: cls,
        strength: "pattern",
        summary: `The application could not listen: its port${subject ? ` ${subject}` : ""} is already in use inside the container's network namespace (${line}).`,
        fix: "Two processes want the same port: check the command does not start the server twice, or that a shared network namespace (--network container:) has no other listener.",
        evidence: [logs],
      };
    case "memory_exhausted":
      return {
        class: cls,
        strength: "pattern",
        summary: `The application ran out of memory (${line}).`,
        fix: `Raise the runtime's heap limit (and the container's memory limit${c.memoryLimitBytes > 0 ? `, now ${mib(c.memoryLimitBytes)}` : ""}) or find what grows.`,
        evidence: [logs],
      };
    case "segfault":
    case "aborted":
      if (c.exitCode === 139 || c.exitCode === 134) return undefined;
      return {
        class: cls,
        strength: "pattern",
        summary: `A process ${cls === "segfault" ? "crashed with a segmentation fault" : "aborted"} (${line}).`,
        fix: "Check native dependencies and the image's architecture.",
        evidence: [logs],
      };
    default:
      return undefined;
  }
}
