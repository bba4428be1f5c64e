/** The parts of a container's inspect document the diagnosis reads, typed and defaulted. */
export interface ContainerFacts {
  id: string;
  name: string;
  image: string;
  /** created | running | paused | restarting | removing | exited | dead */
  status: string;
  running: boolean;
  restarting: boolean;
  exitCode: number | null;
  oomKilled: boolean;
  /** State.Error: why the daemon could not start the process (empty when it started). */
  error: string;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  restartCount: number;
  restartPolicy: string;
  restartMaxRetries: number;
  health: HealthFacts | undefined;
  /** HostConfig.Memory in bytes; 0 = no limit. */
  memoryLimitBytes: number;
  /** Names of the environment variables set in Config.Env (never their values). */
  envNames: string[];
  /** "host:port->container/proto" bindings asked for in HostConfig.PortBindings. */
  portBindings: string[];
  command: string[];
  tty: boolean;
}

export interface HealthProbe {
  exitCode: number;
  output: string;
  start: Date | undefined;
}

export interface HealthFacts {
  status: string;
  failingStreak: number;
  log: HealthProbe[];
  /** Config.Healthcheck.Test, for the answer. */
  test: string[];
}

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : {};
}
function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}
function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Docker writes "0001-01-01T00:00:00Z" for a time that never happened. */
export function dockerTime(value: unknown): Date | undefined {
  const text = str(value);
  if (!text || text.startsWith("0001-")) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function containerFacts(inspect: Record<string, unknown>): ContainerFacts {
  const state = obj(inspect["State"]);
  const config = obj(inspect["Config"]);
  const host = obj(inspect["HostConfig"]);
  const policy = obj(host["RestartPolicy"]);
  const health = obj(state["Health"]);
  const status = str(state["Status"]) || "unknown";
  const bindings = obj(host["PortBindings"]);
  const portBindings: string[] = [];
  for (const [port, list] of Object.entries(bindings)) {
    for (const b of Array.isArray(list) ? list : []) {
      const hb = obj(b);
      portBindings.push(`${str(hb["HostIp"]) || "0.0.0.0"}:${str(hb["HostPort"]) || "(random)"}->${port}`);
    }
  }
  const healthStatus = str(health["Status"]);
  return {
    id: str(inspect["Id"]),
    name: str(inspect["Name"]).replace(/^\//, ""),
    image: str(config["Image"]),
    status,
    running: state["Running"] === true,
    restarting: state["Restarting"] === true,
    // A created container that never ran has ExitCode 0, which is no exit; one that failed to start
    // keeps status "created" with 125-127 and State.Error.
    exitCode:
      typeof state["ExitCode"] === "number" && (status !== "created" || state["ExitCode"] !== 0)
        ? state["ExitCode"]
        : null,
    oomKilled: state["OOMKilled"] === true,
    error: str(state["Error"]),
    startedAt: dockerTime(state["StartedAt"]),
    finishedAt: dockerTime(state["FinishedAt"]),
    restartCount: num(inspect["RestartCount"]),
    restartPolicy: str(policy["Name"]) || "no",
    restartMaxRetries: num(policy["MaximumRetryCount"]),
    health: healthStatus
      ? {
          status: healthStatus,
          failingStreak: num(health["FailingStreak"]),
          log: (Array.isArray(health["Log"]) ? health["Log"] : []).map((entry) => {
            const e = obj(entry);
            return { exitCode: num(e["ExitCode"]), output: str(e["Output"]), start: dockerTime(e["Start"]) };
          }),
          test: strings(obj(config["Healthcheck"])["Test"]),
        }
      : undefined,
    memoryLimitBytes: num(host["Memory"]),
    envNames: strings(config["Env"]).map((entry) => entry.split("=", 1)[0] ?? ""),
    portBindings,
    command: [...strings(config["Entrypoint"]), ...strings(config["Cmd"])],
    tty: config["Tty"] === true,
  };
}
