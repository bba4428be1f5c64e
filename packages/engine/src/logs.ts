import type { ApiClient } from "./api-client.js";
import { Demuxer, type StreamType } from "./demux.js";
import type { EngineError } from "./errors.js";
import { KeptLines } from "./kept-lines.js";
import { LineSplitter } from "./line-splitter.js";
import type { LogLine, LogsOptions, LogsResult } from "./types.js";

/** The most of a line a grep matcher is given (UTF-16 code units): its first 64 KiB. */
export const GREP_MAX_LINE_CHARS = 64 * 1024;

/** The part of a line a matcher is given: at most GREP_MAX_LINE_CHARS, never half a surrogate pair. */
export function matchText(line: string): string {
  if (line.length <= GREP_MAX_LINE_CHARS) return line;
  const last = line.charCodeAt(GREP_MAX_LINE_CHARS - 1);
  return line.slice(0, last >= 0xd800 && last <= 0xdbff ? GREP_MAX_LINE_CHARS - 1 : GREP_MAX_LINE_CHARS);
}

/** How much more of an overlong line is read than the budget can keep (see maxLineChars). */
export const LINE_LOOKAHEAD_CHARS = 64 * 1024;

/** Unix seconds (possibly fractional) as Docker's since/until query value. */
function wireTime(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(9);
}

/**
 * Reads a container's log as a stream, never buffering it whole. Demultiplexes stdout/stderr (raw when
 * the container has a TTY), decodes, applies the caller's `normalizeLine`, greps line by line (a
 * matcher sees at most the first GREP_MAX_LINE_CHARS of a line), and keeps at most
 * `options.maxBytes` of text. With `tail` the newest lines are kept (the daemon bounds the read);
 * without it reading stops at the budget and `truncated` says so.
 */
export async function readLogs(
  api: ApiClient,
  id: string,
  tty: boolean,
  options: LogsOptions,
  signal: AbortSignal,
  /** A Swarm service's log (its tasks' logs merged by the manager) instead of a container's. */
  of: "container" | "service" = "container",
  mapError?: (error: unknown) => EngineError | undefined,
): Promise<LogsResult> {
  const what = `read the logs of ${of} ${id.slice(0, 12)}`;
  const res = await api.stream(
    {
      method: "GET",
      path: `/${of}s/${encodeURIComponent(id)}/logs`,
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
    mapError,
  );

  const kept = new KeptLines(Math.max(0, options.maxBytes), options.tail === undefined ? "head" : "tail");
  const grep = options.grep;
  const matcher = options.grepRegex;
  let full = false;

  const normalize = options.normalizeLine;
  const onLine = (stream: LogLine["stream"]) => (raw: string, cut: boolean) => {
    if (full) return;
    const text = normalize ? normalize(raw, cut) : raw;
    if (matcher) {
      // Bounded input: even a slow matcher cannot spend long on one 256 KiB line.
      if (!matcher.test(matchText(text))) return;
    } else if (grep !== undefined && grep !== "" && !text.includes(grep)) {
      return;
    }
    if (!kept.add({ stream, text })) full = true;
  };
  // A line can never be kept beyond the budget, so there is no point holding much more of it.
  // Plus LINE_LOOKAHEAD_CHARS: the caller masks the line before the budget cuts it, so a secret
  // across the budget's edge is still whole when it is masked.
  const maxLineChars = Math.max(options.maxBytes, 4096) + LINE_LOOKAHEAD_CHARS;
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
