import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { abortError, delay } from "./abort.js";
import type { ApiClient } from "./api-client.js";
import { statusRules } from "./daemon-errors.js";
import { Demuxer } from "./demux.js";
import { EngineError } from "./errors.js";
import { type ExecState, inspectExec, type KillOutcome, killExec } from "./exec-kill.js";
import type { ExecOptions, ExecResult } from "./types.js";

/**
 * The most time the engine spends killing a timed-out or cancelled command and confirming it is gone,
 * on top of the command's own `timeoutMs` (counted from the command's start). A caller's deadline for
 * `exec` should leave this much room after `timeoutMs`, so that the kill fits inside it. Exported from
 * the package: the tool and the server use this number rather than copies of their own.
 */
export const EXEC_KILL_BUDGET_MS = 5000;
/**
 * Once the caller's signal has fired (cancel, or its deadline was shorter than timeoutMs +
 * EXEC_KILL_BUDGET_MS), the kill still gets this long, at most, to end the process before the call
 * rejects: quick for the caller, and still a real attempt rather than a process left running.
 */
export const KILL_GRACE_AFTER_ABORT_MS = 1500;
/** Containers known to have no `sh`: their commands run unwrapped (remembered, bounded). */
const noShell = new Set<string>();

/** Bytes of one stream, kept up to a cap; the rest is counted, not stored. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  kept = 0;
  dropped = 0;
  constructor(private readonly cap: number) {}

  push(data: Buffer): void {
    const room = this.cap - this.kept;
    if (room >= data.length) {
      this.chunks.push(Buffer.from(data));
      this.kept += data.length;
      return;
    }
    if (room > 0) {
      this.chunks.push(Buffer.from(data.subarray(0, room)));
      this.kept += room;
    }
    this.dropped += data.length - Math.max(room, 0);
  }

  /** UTF-8 text (invalid bytes replaced; a character cut by the cap is dropped), otherwise as written. */
  text(): string {
    let bytes = Buffer.concat(this.chunks);
    if (this.dropped > 0) bytes = bytes.subarray(0, utf8Boundary(bytes));
    return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  }
}

/** Length of `bytes` without a trailing incomplete UTF-8 sequence. */
function utf8Boundary(bytes: Buffer): number {
  let i = bytes.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && ((bytes[i] ?? 0) & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return bytes.length;
  const lead = bytes[i] ?? 0;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > continuation + 1 ? i : bytes.length;
}

/**
 * Strips the wrapper's first stdout line ("<marker><pid>\n") and reports the PID; everything else is
 * the command's own output.
 */
class MarkerReader {
  private head: Buffer | undefined = Buffer.alloc(0);
  pid: number | undefined;
  constructor(
    private readonly marker: string,
    private readonly forward: (data: Buffer) => void,
  ) {}

  push(data: Buffer): void {
    if (!this.head) {
      this.forward(data);
      return;
    }
    this.head = Buffer.concat([this.head, data]);
    const newline = this.head.indexOf(0x0a);
    if (newline === -1 && this.head.length < this.marker.length + 24) return;
    const line = this.head.subarray(0, newline === -1 ? this.head.length : newline).toString("latin1");
    const rest = this.head;
    this.head = undefined;
    if (newline !== -1 && line.startsWith(this.marker) && /^\d+$/.test(line.slice(this.marker.length))) {
      this.pid = Number(line.slice(this.marker.length));
      if (rest.length > newline + 1) this.forward(rest.subarray(newline + 1));
    } else {
      this.forward(rest);
    }
  }

  end(): void {
    if (this.head && this.head.length > 0) this.forward(this.head);
    this.head = undefined;
  }

  get seen(): boolean {
    return this.pid !== undefined;
  }
}

async function createExec(
  api: ApiClient,
  containerId: string,
  cmd: string[],
  options: ExecOptions,
  signal: AbortSignal,
): Promise<string> {
  const short = containerId.slice(0, 12);
  const created = await api.json<{ Id: string }>(
    {
      method: "POST",
      path: `/containers/${encodeURIComponent(containerId)}/exec`,
      body: {
        AttachStdin: false,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        Cmd: cmd,
        ...(options.env ? { Env: options.env } : {}),
        ...(options.workdir ? { WorkingDir: options.workdir } : {}),
        ...(options.user ? { User: options.user } : {}),
      },
      ok: [201],
      what: `exec in container ${short}`,
    },
    signal,
    statusRules(api.endpoint, [
      {
        status: 409,
        code: "CONFLICT",
        text: (m) => `Cannot exec in container ${short}: ${m}. Start (or unpause) it first.`,
      },
    ]),
  );
  return created.Id;
}

/** The runtime could not start `sh` itself (as opposed to a bad workdir or user, which fail alike). */
function shellMissing(attempt: Attempt): boolean {
  const said = `${attempt.stdout.text()}\n${attempt.stderr.text()}`;
  return /exec: "sh": (?:executable file not found|stat sh: no such file)|"sh": no such file/i.test(said);
}

interface Attempt {
  execId: string;
  stdout: CappedBuffer;
  stderr: CappedBuffer;
  marker: MarkerReader | undefined;
  /** Set when the timeout or the caller stopped the command before it ended. */
  interrupted: "timeout" | "abort" | undefined;
  /** The exec's final state, once it ended by itself. */
  state: ExecState | undefined;
}

/**
 * Polls `GET /exec/{id}/json` until the process has exited; only the signal ends the wait. The output
 * usually ends with the process, but a command can close stdout and stderr and keep running.
 */
async function waitExit(api: ApiClient, execId: string, signal: AbortSignal): Promise<ExecState> {
  let pause = 25;
  for (;;) {
    const state = await inspectExec(api, execId, signal);
    if (!state.running) return state;
    await delay(pause, signal);
    pause = Math.min(pause * 2, 500);
  }
}

/**
 * Creates and starts the exec, drains its multiplexed output and waits for it to exit, until the
 * command's timeout (counted from its start, after the create request) or the caller's signal.
 */
async function runAttempt(
  api: ApiClient,
  containerId: string,
  cmd: string[],
  wrapped: boolean,
  options: ExecOptions,
  signal: AbortSignal,
): Promise<Attempt> {
  const nonce = randomBytes(8).toString("hex");
  const markerText = `__docker_mcp_exec_${nonce}_pid=`;
  const fullCmd = wrapped ? ["sh", "-c", `echo "${markerText}$$"; exec "$@"`, "sh", ...cmd] : cmd;
  const execId = await createExec(api, containerId, fullCmd, options, signal);
  const stdout = new CappedBuffer(Math.max(0, options.maxOutputBytes));
  const stderr = new CappedBuffer(Math.max(0, options.maxOutputBytes));
  const marker = wrapped ? new MarkerReader(markerText, (d) => stdout.push(d)) : undefined;
  const attempt: Attempt = { execId, stdout, stderr, marker, interrupted: undefined, state: undefined };

  // The stream stops on the caller's abort or on our timeout; the process itself is killed later.
  const timer = new AbortController();
  const deadline = timer.signal;
  const timeout = setTimeout(
    () => timer.abort(new DOMException("exec timeout", "TimeoutError")),
    Math.max(0, options.timeoutMs),
  );
  const readSignal = AbortSignal.any([signal, deadline]);
  setMaxListeners(20, readSignal);
  try {
    const res = await api.stream(
      {
        method: "POST",
        path: `/exec/${encodeURIComponent(execId)}/start`,
        body: { Detach: false, Tty: false },
        ok: [200],
        what: `run the command in container ${containerId.slice(0, 12)}`,
      },
      readSignal,
    );
    const demuxer = new Demuxer((stream, payload) => {
      if (stream === 2) stderr.push(payload);
      else if (marker) marker.push(payload);
      else stdout.push(payload);
    });
    try {
      // Keep draining past the caps: a process blocked on a full pipe would never finish.
      for await (const chunk of res as AsyncIterable<Buffer>) demuxer.push(chunk);
    } finally {
      res.destroy();
    }
    marker?.end();
    // The output ended, the process may not have (it closed stdout and stderr): it still runs under
    // the timeout, which kills it like any other command that ran too long.
    attempt.state = await waitExit(api, execId, readSignal);
  } catch (error) {
    if (signal.aborted) attempt.interrupted = "abort";
    else if (deadline.aborted) attempt.interrupted = "timeout";
    else throw error;
  } finally {
    clearTimeout(timeout);
  }
  return attempt;
}

/**
 * `docker exec` with stdout and stderr kept apart, each capped at maxOutputBytes (the rest is drained
 * and counted), and a timeout that really ends the process: the command runs through
 * `sh -c 'echo <marker>$$; exec "$@"'` so its PID is known, and on timeout or cancel a helper exec kills
 * that process tree (falling back to the host PID when the daemon is local and the image has no shell).
 * Output is decoded as UTF-8 with replacement and otherwise returned as written: sanitizing it (ANSI,
 * invisible characters) is the caller's job (docker-mcp's kernel does it).
 */
export async function runExec(
  api: ApiClient,
  containerId: string,
  options: ExecOptions,
  signal: AbortSignal,
): Promise<ExecResult> {
  if (options.cmd.length === 0) {
    throw new EngineError("DAEMON", "Cannot exec an empty command: give at least the program to run.", {
      endpoint: api.endpoint,
    });
  }
  // `exec "$@"` would read a leading "-" as one of its own options (`exec -a NAME cmd` runs cmd, not
  // "-a"): such a command runs unwrapped, exactly as Docker would run it (and fails as not found).
  const wrapped = !noShell.has(containerId) && !options.cmd[0]?.startsWith("-");
  let attempt = await runAttempt(api, containerId, options.cmd, wrapped, options, signal);
  if (wrapped && attempt.state && !attempt.marker?.seen && shellMissing(attempt)) {
    // The wrapper never ran: the image has no `sh`. Run the command as given.
    if (noShell.size > 1000) noShell.clear();
    noShell.add(containerId);
    attempt = await runAttempt(api, containerId, options.cmd, false, options, signal);
  }

  const base = {
    stdout: attempt.stdout.text(),
    stderr: attempt.stderr.text(),
    stdoutDroppedBytes: attempt.stdout.dropped,
    stderrDroppedBytes: attempt.stderr.dropped,
  };
  if (!attempt.interrupted) {
    return { ...base, exitCode: attempt.state?.exitCode ?? null, timedOut: false };
  }

  // Timed out or cancelled: kill the process, not just the stream, under a budget of our own.
  const budget = killBudget(signal);
  let outcome: KillOutcome;
  try {
    outcome = await killExec(api, containerId, attempt.execId, attempt.marker?.pid, budget.signal);
  } catch (error) {
    outcome = {
      killed: false,
      exitCode: null,
      note:
        `Could not confirm the command was killed: ${(error as Error).message} ` +
        "It may still be running: check with 'ps' in the container and stop it or restart the container.",
    };
  } finally {
    budget.dispose();
  }
  // Cancelled, or the caller's deadline ran out while we were killing: the call rejects either way.
  if (signal.aborted) {
    const base = abortError(signal, `Exec in container ${containerId.slice(0, 12)}`, api.endpoint);
    throw new EngineError(
      base.code,
      `${base.message} ${outcome.killed ? "The command was killed." : (outcome.note ?? "The command may still be running.")}`,
      { cause: signal.reason, endpoint: api.endpoint },
    );
  }
  return {
    ...base,
    exitCode: outcome.exitCode,
    timedOut: true,
    killed: outcome.killed,
    ...(outcome.note ? { note: outcome.note } : {}),
  };
}

/**
 * The signal a kill runs under: EXEC_KILL_BUDGET_MS from now, cut to KILL_GRACE_AFTER_ABORT_MS after
 * the caller's signal fires (or from now, if it already has). Never tied to the caller's signal
 * directly: a kill that stopped the moment the caller gave up would leave the process running.
 */
function killBudget(caller: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const expire = () => controller.abort(new DOMException("kill budget spent", "TimeoutError"));
  const budget = setTimeout(expire, EXEC_KILL_BUDGET_MS);
  let grace: NodeJS.Timeout | undefined;
  const onAbort = () => {
    grace = setTimeout(expire, KILL_GRACE_AFTER_ABORT_MS);
  };
  if (caller.aborted) onAbort();
  else caller.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(budget);
      clearTimeout(grace);
      caller.removeEventListener("abort", onAbort);
    },
  };
}
