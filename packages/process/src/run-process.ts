import { createRequire } from "node:module";
import { groupAlive, terminateGroup } from "./process-group.js";
import { type ProcessRegistry, processRegistry } from "./process-registry.js";

// node:child_process costs a start several milliseconds to load; a server that runs no helper
// program yet (or never) does not pay for it until the first spawn.
const load = createRequire(import.meta.url);
const nodeChildProcess = (): typeof import("node:child_process") => load("node:child_process");

export interface RunProcessOptions {
  /** The program and its arguments. Never given to a shell. */
  argv: readonly string[];
  cwd?: string;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Fires at the caller's deadline or cancel: the child's group is then killed. */
  signal?: AbortSignal;
  /** The child's own deadline, counted from its start; the group is killed when it passes. */
  timeoutMs?: number;
  /** Between TERM and KILL (default 2 s). */
  killGraceMs?: number;
  /** Bytes kept per stream; the rest is counted, not kept (default 1 MiB). */
  maxOutputBytes?: number;
  /** Every complete line of stdout / stderr as it comes (a `\r` ends a line too: progress bars). */
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Written to the child's stdin, which is then closed (default: stdin is closed at once). */
  stdin?: string;
  /** Where the child is tracked while it runs (default: the shared registry). */
  registry?: ProcessRegistry;
}

export interface RunProcessResult {
  pid: number;
  /** null when a signal ended it. */
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Bytes beyond maxOutputBytes, not kept. */
  stdoutDroppedBytes: number;
  stderrDroppedBytes: number;
  /** Set when docker-mcp killed the group: at its deadline, or because the caller's signal fired. */
  killed?: "timeout" | "aborted";
  /**
   * After a kill, or when helpers outlived the program: whether the whole group was confirmed gone.
   * Always true for a program that ended on its own and left nothing behind.
   */
  groupGone: boolean;
  durationMs: number;
}

/** The program could not be started at all (not installed, not executable, bad cwd). */
export class SpawnError extends Error {
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SpawnError";
    this.code = code;
  }
}

/** Collects a stream's text up to a byte budget and hands out complete lines as they come. */
class Collector {
  text = "";
  kept = 0;
  dropped = 0;
  #partial = "";
  constructor(
    private readonly max: number,
    private readonly onLine?: (line: string) => void,
  ) {}

  push(chunk: Buffer): void {
    const room = this.max - this.kept;
    if (room >= chunk.length) {
      this.text += chunk.toString("utf8");
      this.kept += chunk.length;
    } else {
      if (room > 0) this.text += chunk.subarray(0, room).toString("utf8");
      this.kept += Math.max(room, 0);
      this.dropped += chunk.length - Math.max(room, 0);
    }
    if (!this.onLine) return;
    const parts = (this.#partial + chunk.toString("utf8")).split(/\r\n|\r|\n/);
    this.#partial = parts.pop() ?? "";
    // A line without end must not grow without bound.
    if (this.#partial.length > 64 * 1024) this.#partial = this.#partial.slice(-64 * 1024);
    for (const line of parts) if (line.length > 0) this.#emit(line);
  }

  end(): void {
    if (this.#partial.length > 0) this.#emit(this.#partial);
    this.#partial = "";
  }

  #emit(line: string): void {
    try {
      this.onLine?.(line);
    } catch {
      // A listener's failure must not break the run.
    }
  }
}

/**
 * Runs a program as the leader of its own process group, and makes sure nothing of it outlives the
 * call: at the deadline or on the caller's signal the group gets TERM, then KILL after a grace; when
 * the program ends on its own but left helpers in its group, they are killed too. While it runs it is
 * listed in the registry, which the server empties on shutdown.
 */
export function runProcess(options: RunProcessOptions): Promise<RunProcessResult> {
  const {
    argv,
    killGraceMs = 2_000,
    maxOutputBytes = 1024 * 1024,
    registry = processRegistry,
    signal,
  } = options;
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new SpawnError("No program to run: argv is empty.", "EINVAL"));
  if (signal?.aborted) {
    return Promise.reject(
      signal.reason instanceof Error ? signal.reason : new Error(`${program} was not started: aborted`),
    );
  }
  const started = Date.now();

  return new Promise<RunProcessResult>((resolve, reject) => {
    let child: ReturnType<typeof import("node:child_process").spawn>;
    try {
      child = nodeChildProcess().spawn(program, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        detached: true,
        stdio: ["pipe", "pipe", "pipe"],
        shell: false,
        windowsHide: true,
      });
    } catch (error) {
      reject(spawnFailure(program, options.cwd, error));
      return;
    }
    const out = new Collector(maxOutputBytes, options.onStdoutLine);
    const err = new Collector(maxOutputBytes, options.onStderrLine);
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
    child.stdin?.on("error", () => {});
    child.stdin?.end(options.stdin ?? "");

    let killed: RunProcessResult["killed"];
    let killing: Promise<boolean> | undefined;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const pid = child.pid;

    const kill = (why: "timeout" | "aborted"): Promise<boolean> => {
      killed ??= why;
      if (pid === undefined) return Promise.resolve(true);
      killing ??= terminateGroup(pid, killGraceMs);
      return killing;
    };

    const timer =
      options.timeoutMs !== undefined ? setTimeout(() => void kill("timeout"), options.timeoutMs) : undefined;
    const onAbort = () => void kill("aborted");
    signal?.addEventListener("abort", onAbort, { once: true });

    if (pid !== undefined) {
      registry.add({
        pid,
        argv,
        startedAt: started,
        ...(options.timeoutMs !== undefined ? { deadline: started + options.timeoutMs } : {}),
        kill: () => kill("aborted"),
      });
    }

    const cleanup = () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };

    child.once("error", (error) => {
      if (settled) return;
      // No pid: it never started (ENOENT, EACCES). With a pid, exit/close still follow.
      if (pid === undefined) {
        settled = true;
        cleanup();
        reject(spawnFailure(program, options.cwd, error));
      }
    });

    child.once("exit", (code, exitSignal) => {
      exited = { code, signal: exitSignal };
      // Helpers that kept the output pipes open would hold "close" back forever: end them.
      setTimeout(() => {
        if (!settled && pid !== undefined && !killing && groupAlive(pid)) {
          killing = terminateGroup(pid, killGraceMs).then((gone) => {
            child.stdout?.destroy();
            child.stderr?.destroy();
            return gone;
          });
        }
      }, 100).unref();
    });

    child.once("close", async (code, exitSignal) => {
      if (settled) return;
      settled = true;
      cleanup();
      out.end();
      err.end();
      const status = exited ?? { code, signal: exitSignal };
      let groupGone = true;
      if (pid !== undefined) {
        // Helpers the program left in its group (or a kill in progress) end here, not after us.
        if (killing) groupGone = await killing;
        else if (groupAlive(pid)) groupGone = await terminateGroup(pid, killGraceMs);
        registry.delete(pid);
      }
      resolve({
        pid: pid ?? -1,
        exitCode: status.code,
        exitSignal: status.signal,
        stdout: out.text,
        stderr: err.text,
        stdoutDroppedBytes: out.dropped,
        stderrDroppedBytes: err.dropped,
        ...(killed ? { killed } : {}),
        groupGone,
        durationMs: Date.now() - started,
      });
    });
  });
}

function spawnFailure(program: string, cwd: string | undefined, error: unknown): SpawnError {
  const code = (error as NodeJS.ErrnoException).code ?? "ESPAWN";
  const why =
    code === "ENOENT"
      ? cwd
        ? `'${program}' is not installed (not found on the PATH), or the directory '${cwd}' does not exist`
        : `'${program}' is not installed (not found on the PATH)`
      : code === "EACCES"
        ? `'${program}' is not executable`
        : (error as Error).message;
  return new SpawnError(`Cannot run ${program}: ${why}.`, code, { cause: error });
}
