/** A container inspect document shaped like the daemon's, with the fields the diagnosis reads. */
export interface InspectOptions {
  status?: string;
  running?: boolean;
  restarting?: boolean;
  exitCode?: number;
  oomKilled?: boolean;
  error?: string;
  finishedAt?: string;
  startedAt?: string;
  restartCount?: number;
  restartPolicy?: string;
  maxRetries?: number;
  memory?: number;
  env?: string[];
  health?: { status: string; failingStreak: number; log: { ExitCode: number; Output: string }[] };
}

export function inspectDoc(o: InspectOptions = {}): Record<string, unknown> {
  return {
    Id: "a".repeat(64),
    Name: "/web",
    RestartCount: o.restartCount ?? 0,
    State: {
      Status: o.status ?? "exited",
      Running: o.running ?? false,
      Restarting: o.restarting ?? false,
      OOMKilled: o.oomKilled ?? false,
      ExitCode: o.exitCode ?? 0,
      Error: o.error ?? "",
      StartedAt: o.startedAt ?? "2026-11-25T12:00:00.000000000Z",
      FinishedAt: o.finishedAt ?? "2026-11-25T12:00:05.000000000Z",
      ...(o.health
        ? {
            Health: {
              Status: o.health.status,
              FailingStreak: o.health.failingStreak,
              Log: o.health.log.map((l) => ({
                ...l,
                Start: "2026-11-25T12:00:01Z",
                End: "2026-11-25T12:00:02Z",
              })),
            },
          }
        : {}),
    },
    Config: {
      Image: "myorg/web:1",
      Env: o.env ?? ["PATH=/bin"],
      Cmd: ["node", "server.js"],
      ...(o.health ? { Healthcheck: { Test: ["CMD-SHELL", "wget -q -O- localhost:8080/health"] } } : {}),
    },
    HostConfig: {
      Memory: o.memory ?? 0,
      RestartPolicy: { Name: o.restartPolicy ?? "no", MaximumRetryCount: o.maxRetries ?? 0 },
      PortBindings: {},
    },
  };
}
