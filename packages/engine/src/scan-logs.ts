import type { ApiClient } from "./api-client.js";
import { LogLineReader } from "./log-line-reader.js";
import type { LogLine } from "./types.js";

export interface ScanLogsOptions {
  /** Lines from the end; undefined = all. */
  tail?: number;
  /** Unix seconds. */
  since?: number;
  until?: number;
  timestamps?: boolean;
  /** Stop after reading this many bytes from the daemon. */
  maxBytes: number;
  /** Lines longer than this are cut (the rest of the line is skipped, not kept). */
  maxLineChars: number;
}

export interface ScanLogsResult {
  bytesRead: number;
  lines: number;
  /** "end": the whole window was read; "max_bytes": the byte bound stopped it; "stopped": onLine asked to stop. */
  stoppedBy: "end" | "max_bytes" | "stopped";
}

/**
 * Streams a container's log line by line to `onLine` (with whether the line was cut at
 * `maxLineChars`), keeping nothing: memory stays bounded whatever
 * the log's size. Returning false from `onLine` stops the read. When `signal` fires the read stops and
 * the call rejects (ABORTED/TIMEOUT); what `onLine` saw until then stays with the caller.
 */
export async function scanLogs(
  api: ApiClient,
  id: string,
  tty: boolean,
  options: ScanLogsOptions,
  onLine: (line: LogLine, cut: boolean) => boolean | undefined,
  signal: AbortSignal,
): Promise<ScanLogsResult> {
  const what = `read the logs of container ${id.slice(0, 12)}`;
  const res = await api.stream(
    {
      method: "GET",
      path: `/containers/${encodeURIComponent(id)}/logs`,
      query: {
        stdout: true,
        stderr: true,
        follow: false,
        tail: options.tail === undefined ? "all" : Math.max(0, Math.floor(options.tail)),
        since: options.since === undefined ? undefined : options.since.toFixed(3),
        until: options.until === undefined ? undefined : options.until.toFixed(3),
        timestamps: options.timestamps ?? false,
      },
      what,
    },
    signal,
  );
  const reader = new LogLineReader(tty, onLine, options.maxLineChars);
  let bytesRead = 0;
  let stoppedBy: ScanLogsResult["stoppedBy"] = "end";
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      reader.push(chunk);
      if (reader.stopped) {
        stoppedBy = "stopped";
        break;
      }
      if (bytesRead >= options.maxBytes) {
        stoppedBy = "max_bytes";
        break;
      }
    }
    if (stoppedBy === "end") {
      reader.end();
    }
  } catch (error) {
    throw api.toEngineError(error, { what }, signal);
  } finally {
    res.destroy();
  }
  return { bytesRead, lines: reader.lines, stoppedBy };
}
