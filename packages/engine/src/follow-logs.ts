import type { ApiClient } from "./api-client.js";
import { LogLineReader } from "./log-line-reader.js";
import type { LogLine } from "./types.js";

export interface FollowLogsOptions {
  /** Lines from the end shown before the new ones (default 0: only what comes after the call). */
  tail?: number | "all";
  /** Unix seconds: the log from here on, then new lines. */
  since?: number;
  timestamps?: boolean;
  /** Lines longer than this are cut (the rest of the line is skipped, not kept). */
  maxLineChars: number;
  /**
   * Ends the follow without an error (its duration is over, enough lines were seen): the read stops
   * and the call resolves with `stoppedBy: "stop"`.
   */
  stop?: AbortSignal;
}

export interface FollowLogsResult {
  bytesRead: number;
  lines: number;
  /**
   * "ended": the daemon closed the stream (the container stopped or was removed); "stop": the caller's
   * stop signal; "stopped": onLine asked to stop; "connection_lost": the connection to the daemon broke
   * mid-stream (the daemon died or restarted): what was seen until then still counts.
   */
  stoppedBy: "ended" | "stop" | "stopped" | "connection_lost";
  /** With connection_lost: what broke. */
  error?: string;
}

/**
 * Follows a container's log (`follow=true`) line by line to `onLine`, keeping nothing itself, until the
 * container stops, the caller's `stop` fires, onLine returns false, or the connection breaks. Opening
 * the stream can fail like any request (UNREACHABLE, NOT_FOUND, ...); once lines flow, a broken
 * connection ends the follow with what was seen instead of throwing it away. When `signal` (deadline,
 * cancel) fires the call rejects at once, like every engine call.
 */
export async function followLogs(
  api: ApiClient,
  id: string,
  tty: boolean,
  options: FollowLogsOptions,
  onLine: (line: LogLine, cut: boolean) => boolean | undefined,
  signal: AbortSignal,
): Promise<FollowLogsResult> {
  const what = `follow the logs of container ${id.slice(0, 12)}`;
  if (options.stop?.aborted) return { bytesRead: 0, lines: 0, stoppedBy: "stop" };
  const both = options.stop ? AbortSignal.any([signal, options.stop]) : signal;
  let res: Awaited<ReturnType<ApiClient["stream"]>>;
  try {
    res = await api.stream(
      {
        method: "GET",
        path: `/containers/${encodeURIComponent(id)}/logs`,
        query: {
          stdout: true,
          stderr: true,
          follow: true,
          tail: options.tail === "all" ? "all" : Math.max(0, Math.floor(options.tail ?? 0)),
          since: options.since === undefined ? undefined : options.since.toFixed(3),
          timestamps: options.timestamps ?? false,
        },
        what,
      },
      both,
    );
  } catch (error) {
    if (!signal.aborted && options.stop?.aborted) return { bytesRead: 0, lines: 0, stoppedBy: "stop" };
    throw error;
  }

  const reader = new LogLineReader(tty, onLine, options.maxLineChars);
  let bytesRead = 0;
  let stoppedBy: FollowLogsResult["stoppedBy"] = "ended";
  let broken: string | undefined;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      reader.push(chunk);
      if (reader.stopped) {
        stoppedBy = "stopped";
        break;
      }
    }
  } catch (error) {
    if (signal.aborted) throw api.toEngineError(error, { what }, signal);
    if (options.stop?.aborted) stoppedBy = "stop";
    else {
      stoppedBy = "connection_lost";
      broken = (error as Error).message || String(error);
    }
  } finally {
    res.destroy();
  }
  if (signal.aborted) throw api.toEngineError(signal.reason, { what }, signal);
  if (stoppedBy === "ended" && options.stop?.aborted) stoppedBy = "stop";
  if (stoppedBy !== "stopped") {
    // A last line without its newline is still a line.
    reader.end();
  }
  return { bytesRead, lines: reader.lines, stoppedBy, ...(broken ? { error: broken } : {}) };
}
