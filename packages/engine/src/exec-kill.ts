import { readdirSync, readFileSync } from "node:fs";
import { delay } from "./abort.js";
import type { ApiClient } from "./api-client.js";

/** What `GET /exec/{id}/json` tells us. */
export interface ExecState {
  running: boolean;
  exitCode: number | null;
  /** Host PID of the exec'd process (0 when unknown). */
  pid: number;
}

export async function inspectExec(api: ApiClient, execId: string, signal: AbortSignal): Promise<ExecState> {
  const raw = await api.json<{ Running?: boolean; ExitCode?: number | null; Pid?: number }>(
    {
      method: "GET",
      path: `/exec/${encodeURIComponent(execId)}/json`,
      what: `inspect exec ${execId.slice(0, 12)}`,
    },
    signal,
  );
  return {
    running: raw.Running === true,
    exitCode: raw.Running === true || typeof raw.ExitCode !== "number" ? null : raw.ExitCode,
    pid: raw.Pid ?? 0,
  };
}

/** Polls until the exec is no longer running (or the time is up). */
export async function waitExecDone(
  api: ApiClient,
  execId: string,
  withinMs: number,
  signal: AbortSignal,
): Promise<ExecState> {
  const deadline = Date.now() + withinMs;
  let state = await inspectExec(api, execId, signal);
  while (state.running && Date.now() < deadline) {
    await delay(50, signal);
    state = await inspectExec(api, execId, signal);
  }
  return state;
}

// Stops the process first (so it cannot spawn more), kills its descendants, then the process itself.
const KILL_TREE_SCRIPT =
  'k() { kill -STOP "$1" 2>/dev/null; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do k "$c"; done; kill -KILL "$1" 2>/dev/null; }; k "$1"';

/** Runs a helper command in the container as root and waits for it to finish; returns its exit code. */
async function helperExec(
  api: ApiClient,
  containerId: string,
  cmd: string[],
  signal: AbortSignal,
): Promise<number | null> {
  const created = await api.json<{ Id: string }>(
    {
      method: "POST",
      path: `/containers/${encodeURIComponent(containerId)}/exec`,
      body: { AttachStdout: true, AttachStderr: true, Tty: false, User: "0", Cmd: cmd },
      ok: [201],
      what: "start a helper process to kill the timed-out command",
    },
    signal,
  );
  const res = await api.stream(
    {
      method: "POST",
      path: `/exec/${encodeURIComponent(created.Id)}/start`,
      body: { Detach: false, Tty: false },
      ok: [200],
      what: "run the kill helper",
    },
    signal,
  );
  try {
    for await (const _ of res as AsyncIterable<Buffer>) {
      // Output is irrelevant: draining lets the helper finish.
    }
  } finally {
    res.destroy();
  }
  return (await waitExecDone(api, created.Id, 1000, signal)).exitCode;
}

/** Children of a host process, from /proc (needs CONFIG_PROC_CHILDREN; empty when unavailable). */
function hostChildren(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8");
      for (const part of text.split(/\s+/)) if (part) out.push(Number(part));
    }
  } catch {
    // Process gone or file not available.
  }
  return out;
}

function hostKillTree(pid: number): void {
  try {
    process.kill(pid, "SIGSTOP");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EPERM") throw error;
  }
  for (const child of hostChildren(pid)) hostKillTree(child);
  try {
    process.kill(pid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/**
 * The exec's host PID means something to us only when the daemon runs on this machine and in our PID
 * namespace: check that /proc/<pid> exists and belongs to that container's cgroup before touching it.
 * Returns the PID inside the container (last NSpid field), or undefined when not verifiable.
 */
function verifyHostPid(pid: number, containerId: string): { containerPid: number } | undefined {
  if (pid <= 0) return undefined;
  try {
    const cgroup = readFileSync(`/proc/${pid}/cgroup`, "utf8");
    if (!cgroup.includes(containerId)) return undefined;
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const nspid = /^NSpid:\s*(.+)$/m.exec(status)?.[1]?.trim().split(/\s+/);
    const inner = Number(nspid?.[nspid.length - 1]);
    return { containerPid: Number.isFinite(inner) && inner > 0 ? inner : pid };
  } catch {
    return undefined;
  }
}

export interface KillOutcome {
  killed: boolean;
  exitCode: number | null;
  note?: string;
}

/**
 * Ends a running exec for real (closing the connection does not). In order:
 * 1. the PID the wrapper printed (sh present): a root helper exec kills that process tree;
 * 2. the daemon is local and the host PID verifiably belongs to the container: kill it from here;
 *    if we lack permission, translate it to the container's PID (NSpid) and `kill` from inside;
 * 3. otherwise say honestly that it could not be killed.
 * Then confirms with exec inspect that it is no longer running.
 */
export async function killExec(
  api: ApiClient,
  containerId: string,
  execId: string,
  wrapperPid: number | undefined,
  signal: AbortSignal,
): Promise<KillOutcome> {
  const state = await inspectExec(api, execId, signal);
  if (!state.running)
    return { killed: true, exitCode: state.exitCode, note: "The command had already ended." };

  const attempts: string[] = [];
  if (wrapperPid !== undefined) {
    try {
      await helperExec(api, containerId, ["sh", "-c", KILL_TREE_SCRIPT, "sh", String(wrapperPid)], signal);
      const done = await waitExecDone(api, execId, 1000, signal);
      if (!done.running) return { killed: true, exitCode: done.exitCode };
      attempts.push(`killing PID ${wrapperPid} inside the container did not end it`);
    } catch (error) {
      attempts.push(`in-container kill of PID ${wrapperPid} failed: ${(error as Error).message}`);
    }
  }
  const verified = api.local ? verifyHostPid(state.pid, containerId) : undefined;
  if (!verified) {
    attempts.push(
      api.local
        ? `its host PID ${state.pid || "(unknown)"} could not be verified as belonging to the container`
        : "the daemon is remote, so the host PID is out of reach" +
            (wrapperPid === undefined ? ", and the image has no shell to report the PID" : ""),
    );
  } else {
    try {
      hostKillTree(state.pid);
    } catch (error) {
      attempts.push(
        `host kill of PID ${state.pid} failed (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
      try {
        const code = await helperExec(
          api,
          containerId,
          ["kill", "-9", String(verified.containerPid)],
          signal,
        );
        if (code !== 0) attempts.push(`'kill -9 ${verified.containerPid}' in the container exited ${code}`);
      } catch (inner) {
        attempts.push(`in-container 'kill' failed: ${(inner as Error).message}`);
      }
    }
  }

  const after = await waitExecDone(api, execId, 2000, signal);
  if (!after.running) return { killed: true, exitCode: after.exitCode };
  return {
    killed: false,
    exitCode: null,
    note:
      `The command may still be running in the container (exec ${execId.slice(0, 12)}, host PID ${after.pid || "unknown"}): ` +
      `${attempts.join("; ") || "the kill did not take effect"}. Check with 'ps' in the container and stop it or restart the container.`,
  };
}
