import type { ContainersArea } from "./areas/containers.js";
import type { ImagesArea } from "./areas/images.js";
import type { NetworksArea } from "./areas/networks.js";
import type { SwarmArea } from "./areas/swarm.js";
import type { SystemArea } from "./areas/system.js";
import type { VolumesArea } from "./areas/volumes.js";
import type { VolumeMount } from "./volume-spec.js";

// The engine's public contract: the only road from docker-mcp to the Docker daemon.
// Every method takes an AbortSignal that carries the caller's total deadline and cancel; the engine
// passes it to every request and destroys streams/kills work when it fires.

/** One container after resolution: handlers act on `id` (the full 64-hex ID) only. */
export interface ContainerIdentity {
  id: string;
  /** Names without Docker's leading "/". */
  names: string[];
  /** The image reference the container was created from, as Docker reports it (Config.Image). */
  image: string;
  imageId: string;
  labels: Record<string, string>;
  /** created | running | paused | restarting | removing | exited | dead */
  state: string;
  /** Whether the container was created with a TTY (logs and exec are then not multiplexed). */
  tty: boolean;
  /** Config.Env as KEY=VALUE entries: the kernel masks secret values wherever they reappear. */
  env: string[];
  /**
   * Its command lines (the process's argv, Entrypoint, Cmd, the healthcheck's command): secrets passed
   * as arguments (`--password VALUE`) are masked wherever they reappear, as environment values are.
   */
  argvs: string[][];
}

export interface ContainerPort {
  ip?: string;
  privatePort: number;
  publicPort?: number;
  type: string;
}

/** A local image: its ID and every tag and digest it carries. */
/** How a lookup may be answered. */
export interface LookupOptions {
  /**
   * May come from what the daemon's event stream keeps current (only while that stream is open, on a
   * local daemon): for reads. A tool that acts asks the daemon every time.
   */
  cached?: boolean;
}

export interface ImageIdentity {
  id: string;
  /** "nginx:1.27", ... (untagged images have none). */
  tags: string[];
  /** "nginx@sha256:...". */
  digests: string[];
}

/** One row of GET /containers/json, normalized. */
export interface ContainerSummary {
  id: string;
  names: string[];
  image: string;
  imageId: string;
  command: string;
  /** Unix seconds. */
  created: number;
  state: string;
  /** Docker's human status, e.g. "Up 3 hours (healthy)". */
  status: string;
  ports: ContainerPort[];
  labels: Record<string, string>;
  /** Its mounts: `volume` mounts name the volume. */
  mounts?: { type: string; name?: string; source: string; destination: string }[];
  /** The networks it is attached to, running or not (the network's ID may be empty for host/none). */
  networks?: { name: string; id: string }[];
}

export interface ListContainersOptions {
  all?: boolean;
  /** Passed to Docker as-is (status, label, ...). Never use the `name` filter for lookup. */
  filters?: Record<string, string[]>;
}

/**
 * Decides whether a log line is kept. A RegExp fits, but the engine never resets `lastIndex`, so it
 * must be stateless (no g or y flag); docker-mcp passes a linear-time (RE2) matcher, because a
 * backtracking RegExp built from user input can block the process for seconds on one line.
 */
export interface LineMatcher {
  test(line: string): boolean;
}

export interface LogsOptions {
  /** Lines from the end; the daemon seeks. Undefined = all. */
  tail?: number;
  /** Unix seconds (already parsed by parseTime). */
  since?: number;
  until?: number;
  timestamps?: boolean;
  /** Keep only lines containing this (plain substring, tested on the whole line) unless grepRegex is set. */
  grep?: string;
  /** Keep only lines it accepts; it is given at most the first GREP_MAX_LINE_CHARS of each line. */
  grepRegex?: LineMatcher;
  /** Byte budget of text kept; reading stops once exceeded. */
  maxBytes: number;
  /**
   * Applied to every line before grep and before it is kept (e.g. sanitize, then mask secrets), so
   * escapes and invisible characters can neither hide a line from grep nor reach the caller, and grep
   * sees what the caller will see (matching raw text would reveal a masked value). `cut` says the line
   * was longer than the reader holds and its end was cut off (its last characters may be the start of
   * a secret).
   */
  normalizeLine?: (line: string, cut: boolean) => string;
}

export interface LogLine {
  stream: "stdout" | "stderr";
  text: string;
}

export interface LogsResult {
  lines: LogLine[];
  /**
   * True when the byte budget cut the answer: without `tail`, reading stopped before the end (oldest lines
   * kept); with `tail`, older lines were dropped (newest kept).
   */
  truncated: boolean;
  /** Bytes read from the daemon (before grep). */
  bytesRead: number;
}

export interface StatsSample {
  id: string;
  name: string;
  cpuPercent: number;
  memoryUsageBytes: number;
  memoryLimitBytes: number;
  memoryPercent: number;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
  /** false for a container that is not running (or whose stats failed): every figure is then 0. */
  running?: boolean;
  /**
   * Set when this container's stats could not be read (e.g. the daemon answered 409/500 because it is
   * being removed, or sent a malformed frame): what went wrong. The other containers' samples are
   * unaffected; only a cancel, a deadline or an unreachable daemon fails the whole call.
   */
  error?: string;
  /** The time CPU % is averaged over (one collector tick, or since this container's previous sample). */
  cpuWindowMs?: number;
  /**
   * CFS throttling counters since the container started (cumulative; present when the daemon reports
   * them): enforcement periods, periods in which the CPU limit throttled it, and total throttled time.
   */
  cpuPeriods?: number;
  cpuThrottledPeriods?: number;
  cpuThrottledTimeNs?: number;
}

export interface ExecOptions {
  cmd: string[];
  workdir?: string;
  user?: string;
  /** KEY=VALUE entries. */
  env?: string[];
  /** Bytes kept per stream; reading beyond is discarded (counted, not stored). */
  maxOutputBytes: number;
  /**
   * Time the command may run, counted from its start (after the exec is created), before it is killed.
   * Killing it then takes up to EXEC_KILL_BUDGET_MS more: give `exec` a signal whose deadline leaves
   * that room after timeoutMs.
   */
  timeoutMs: number;
}

export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  stdoutDroppedBytes: number;
  stderrDroppedBytes: number;
  timedOut: boolean;
  /** After a timeout: whether the process was confirmed gone. */
  killed?: boolean;
  /** Human explanation when the kill could not be confirmed, etc. */
  note?: string;
}

export interface CreateContainerSpec {
  image: string;
  name?: string;
  cmd?: string[];
  env?: string[];
  /** "8080:80/tcp", "127.0.0.1:8080:80", "80" (random host port), "8080-8081:80-81"; see parsePortSpec */
  ports?: string[];
  /** Parsed `-v` specs (the policy's parseVolumeSpec): sent as they are, never parsed again. */
  mounts?: readonly VolumeMount[];
  labels?: Record<string, string>;
  restart?: "no" | "always" | "unless-stopped" | "on-failure";
  memoryBytes?: number;
  nanoCpus?: number;
  network?: string;
  privileged?: boolean;
  pidMode?: string;
  capAdd?: string[];
}

export type EngineErrorCode =
  | "UNREACHABLE" // socket missing, connection refused, TLS failure
  | "NOT_FOUND"
  | "AMBIGUOUS"
  | "CONFLICT" // 304/409: already in that state, name in use
  | "TIMEOUT"
  | "ABORTED"
  | "INVALID" // the request itself is wrong (bad port/volume spec, invalid name): fix the input
  | "DAEMON"; // any other daemon error (message from the daemon)

export interface ConnectionOptions {
  /** unix socket path */
  socketPath?: string;
  /** unix:///path, tcp://host:port, npipe://... */
  host?: string;
  tls?: { ca?: string; cert?: string; key?: string; verify?: boolean };
  /** Pin an API version; default: negotiated via /_ping. */
  apiVersion?: string;
  /** A Docker context by name (its endpoint and TLS files from the Docker config directory). */
  context?: string;
  /** For an ssh:// host: the ssh program (default `ssh` on the PATH). */
  sshCommand?: string;
}

/**
 * What plugins see of Docker: one object made of the areas (containers, images, networks, volumes,
 * system), each declared and implemented in its own file under areas/. Implemented by `createEngine()`;
 * a new daemon call goes into its area's interface and factory, nowhere else. Every method rejects
 * with an EngineError (code + message that says what to check).
 */
export interface DockerEngine
  extends ContainersArea,
    ImagesArea,
    NetworksArea,
    VolumesArea,
    SystemArea,
    SwarmArea {
  /** Where the engine talks to, for messages: "unix:///var/run/docker.sock", "tcp://host:2376". */
  readonly endpoint: string;
  /** Releases sockets/agents. */
  close(): Promise<void>;
}
