import type { ApiClient } from "./api-client.js";
import { Demuxer, type StreamType } from "./demux.js";
import { KeptLines } from "./kept-lines.js";
import { LineSplitter } from "./line-splitter.js";
import type { LogLine, LogsOptions, LogsResult } from "./types.js";

/** Unix seconds (possibly fractional) as Docker's since/until query value. */
function wireTime(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(9);
}

/**
 * Reads a container's log as a stream, never buffering it whole. Demultiplexes stdout/stderr (raw when
 * the container has a TTY), decodes, sanitises and greps line by line, and keeps at most
 * `options.maxBytes` of text. With `tail` the newest lines are kept (the daemon bounds the read);
 * without it reading stops at the budget and `truncated` says so.
 */
export async function readLogs(
  api: ApiClient,
  id: string,
  tty: boolean,
  options: LogsOptions,
  signal: AbortSignal,
): Promise<LogsResult> {
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
        since: options.since === undefined ? undefined : wireTime(options.since),
        until: options.until === undefined ? undefined : wireTime(options.until),
        timestamps: options.timestamps ?? false,
      },
      what,
    },
    signal,
  );

  const kept = new KeptLines(Math.max(0, options.maxBytes), options.tail === undefined ? "head" : "tail");
  const grep = options.grep;
  const regex = options.grepRegex;
  let full = false;

  const normalize = options.normalizeLine;
  const onLine = (stream: LogLine["stream"]) => (raw: string) => {
    if (full) return;
    const text = normalize ? normalize(raw) : raw;
    if (regex) {
      regex.lastIndex = 0;
      if (!regex.test(text)) return;
    } else if (grep !== undefined && grep !== "" && !text.includes(grep)) {
      return;
    }
    if (!kept.add({ stream, text })) full = true;
  };
  // A line can never be kept beyond the budget, so there is no point holding more of it.
  const maxLineChars = Math.max(options.maxBytes, 4096);
  const stdout = new LineSplitter(onLine("stdout"), maxLineChars);
  const stderr = new LineSplitter(onLine("stderr"), maxLineChars);
  const demuxer = new Demuxer((stream: StreamType, payload) => {
    (stream === 2 ? stderr : stdout).push(payload);
  });

  let bytesRead = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      if (tty) stdout.push(chunk);
      else demuxer.push(chunk);
      if (full) break; // leaving the loop destroys the response: the daemon stops sending
    }
    if (!full) {
      stdout.end();
      stderr.end();
    }
  } catch (error) {
    throw api.toEngineError(error, { what }, signal);
  } finally {
    res.destroy();
  }
  return { lines: kept.lines(), truncated: kept.truncated || full, bytesRead };
}
