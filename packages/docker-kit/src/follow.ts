import type { ToolContext } from "@arktechnwa/docker-mcp-core";

/** Following ends this long before the call's deadline, so the final answer still arrives. */
export const FOLLOW_MARGIN_MS = 3_000;
/** Lines are sent as progress in chunks this often. */
export const FOLLOW_FLUSH_MS = 250;
/** The most text one progress message carries; lines beyond it are counted and wait for the answer. */
export const FOLLOW_PROGRESS_CHARS = 4_000;

/** One line seen while following, already masked (and matched by grep when there is one). */
export interface FollowedLine {
  stream: "stdout" | "stderr";
  text: string;
  /** Where it came from, when several logs are followed at once (a compose service's container). */
  source?: string;
  /** When Docker stamped it (RFC 3339), when the follow asked for timestamps. */
  time?: string;
}

/** Why a follow ended. */
export type FollowStop =
  | "duration"
  | "max_lines"
  | "container_stopped"
  | "connection_lost"
  | "deadline_margin";

export interface FollowWindow {
  durationMs: number;
  /** The caller asked for more than the call's deadline allows: the follow was shortened. */
  capped: boolean;
  /** The longest follow this call allows, in seconds (its timeout class minus a margin). */
  maxSeconds: number;
}

/**
 * How long a follow may run: what the caller asked (or `defaultSeconds`), at most the time left before
 * the call's deadline minus FOLLOW_MARGIN_MS. The deadline comes from the tool's streaming timeout
 * class, so that class (e.g. `neverhang.follow_timeout`) is the policy's maximum follow.
 */
export function followWindow(
  ctx: Pick<ToolContext, "deadline">,
  requestedSeconds: number | undefined,
  defaultSeconds: number,
  now: number = Date.now(),
): FollowWindow {
  const maxMs = Math.max(0, ctx.deadline - now - FOLLOW_MARGIN_MS);
  const wanted = (requestedSeconds ?? defaultSeconds) * 1000;
  return {
    durationMs: Math.min(wanted, maxMs),
    capped: wanted > maxMs,
    maxSeconds: Math.floor(maxMs / 1000),
  };
}

export interface LineFollowerOptions {
  durationMs: number;
  /** Stop after this many lines (after grep). */
  maxLines?: number;
  /** Text kept for the final answer (UTF-8 bytes); the newest lines win, older ones are counted. */
  maxBytes: number;
  /** Sends one chunk of lines to the client (a progress notification). */
  progress: (message: string) => void;
  flushMs?: number;
  maxProgressChars?: number;
  now?: () => number;
}

export interface FollowSummary {
  lines: FollowedLine[];
  /** Lines seen while following (after grep), kept or not. */
  seen: number;
  /** Older lines dropped to stay within the size cap (they went out as progress). */
  dropped: number;
  /** Lines not sent as progress because a chunk was full (they are in `lines` unless dropped). */
  notSent: number;
  followedMs: number;
}

const lineText = (line: FollowedLine) => (line.source ? `${line.source} | ${line.text}` : line.text);

/**
 * The part of following every log tool shares: it ends the follow after its duration or a line
 * count (the `stop` signal, for the engine's followLogs), relays new lines to the client in chunks as
 * progress, and keeps the newest lines within a size cap for the final answer. Memory is bounded
 * whatever the log writes: the kept lines by `maxBytes`, a pending chunk by `maxProgressChars`.
 */
export class LineFollower {
  readonly #options: Required<Omit<LineFollowerOptions, "maxLines">> & { maxLines?: number };
  readonly #stop = new AbortController();
  #reason: FollowStop | undefined;
  readonly #kept = new KeptLines();
  #keptBytes = 0;
  #seen = 0;
  #dropped = 0;
  #notSent = 0;
  #pending: string[] = [];
  #pendingChars = 0;
  #pendingSkipped = 0;
  readonly #started: number;
  readonly #timer: NodeJS.Timeout;
  readonly #flusher: NodeJS.Timeout;
  #finished = false;

  constructor(options: LineFollowerOptions) {
    this.#options = {
      flushMs: FOLLOW_FLUSH_MS,
      maxProgressChars: FOLLOW_PROGRESS_CHARS,
      now: Date.now,
      ...options,
    };
    this.#started = this.#options.now();
    this.#timer = setTimeout(() => this.end("duration"), Math.max(0, options.durationMs));
    this.#flusher = setInterval(() => this.flush(), this.#options.flushMs);
    this.#timer.unref?.();
    this.#flusher.unref?.();
  }

  /** Fires when the follow has run its course (duration, line count, or `end`). */
  get stop(): AbortSignal {
    return this.#stop.signal;
  }

  /** Why it ended, once it has. */
  get reason(): FollowStop | undefined {
    return this.#reason;
  }

  get seen(): number {
    return this.#seen;
  }

  /**
   * Ends the follow (the first reason given wins) and stops its timers: a follow cut short by a cancel
   * or a deadline never reaches finish(), and a flush timer left running would keep the follower, its
   * lines and the call's context alive (and waking every 250 ms) for good.
   */
  end(reason: FollowStop): void {
    if (this.#reason) return;
    this.#reason = reason;
    clearTimeout(this.#timer);
    clearInterval(this.#flusher);
    this.#stop.abort(new DOMException(`follow ended: ${reason}`, "AbortError"));
  }

  /** Takes one line; returns false once the follow has had enough (the reader should stop). */
  add(line: FollowedLine): boolean {
    if (this.#reason) return false;
    this.#seen++;
    this.#keep(line);
    const text = lineText(line);
    if (this.#pendingChars + text.length + 1 <= this.#options.maxProgressChars) {
      this.#pending.push(text);
      this.#pendingChars += text.length + 1;
    } else {
      this.#pendingSkipped++;
      this.#notSent++;
    }
    const max = this.#options.maxLines;
    if (max !== undefined && this.#seen >= max) {
      this.end("max_lines");
      return false;
    }
    return true;
  }

  /** Sends what is pending as one progress message (called on a timer; call it at the end too). */
  flush(): void {
    if (this.#pending.length === 0 && this.#pendingSkipped === 0) return;
    let message = this.#pending.join("\n");
    if (this.#pendingSkipped > 0) {
      message += `${message ? "\n" : ""}(+${this.#pendingSkipped} more line${this.#pendingSkipped === 1 ? "" : "s"} in the final answer)`;
    }
    this.#pending = [];
    this.#pendingChars = 0;
    this.#pendingSkipped = 0;
    try {
      this.#options.progress(message);
    } catch {
      // Progress is best effort.
    }
  }

  /** Stops the timers, sends the last chunk and hands over what was kept. */
  finish(): FollowSummary {
    if (!this.#finished) {
      this.#finished = true;
      clearTimeout(this.#timer);
      clearInterval(this.#flusher);
      this.flush();
    }
    return {
      lines: this.#kept.lines(),
      seen: this.#seen,
      dropped: this.#dropped,
      notSent: this.#notSent,
      followedMs: this.#options.now() - this.#started,
    };
  }

  #keep(line: FollowedLine): void {
    const size = Buffer.byteLength(lineText(line), "utf8") + 1;
    this.#kept.push(line, size);
    this.#keptBytes += size;
    while (this.#keptBytes > this.#options.maxBytes && this.#kept.count > 0) {
      this.#keptBytes -= this.#kept.shift();
      this.#dropped++;
    }
  }
}

const HEADER = 12;
const STREAMS = ["stdout", "stderr"] as const;

/**
 * The lines kept for the answer, as bytes in one buffer rather than one object per line: a kept line
 * lives until ~256 KiB of newer lines have come, long enough for V8 to move a line object to the old
 * generation, so a flood of lines made the old generation (and the RSS) grow with the garbage and with
 * how late a loaded machine got to collect it. Bytes in a buffer leave nothing behind per line.
 * A record: [u32 size (for the cap)][u32 text bytes][u8 stream][u8 time bytes + 1][u16 source bytes + 1]
 * [source][time][text] (0 in a +1 field: absent). Records are appended and dropped from the head; the live part is moved to
 * the front when the end is reached (each byte moves at most once per buffer length written).
 */
class KeptLines {
  #buf = Buffer.allocUnsafe(64 * 1024);
  #head = 0;
  #tail = 0;
  count = 0;

  push(line: FollowedLine, size: number): void {
    const source = line.source ?? "";
    const time = line.time ?? "";
    // Source and time are short (a container name, an RFC 3339 stamp); the fields cap what they hold.
    const sourceMax = Math.min(Buffer.byteLength(source, "utf8"), 0xfffe);
    const timeMax = Math.min(Buffer.byteLength(time, "utf8"), 0xfe);
    const textBytes = Buffer.byteLength(line.text, "utf8");
    const need = HEADER + sourceMax + timeMax + textBytes;
    if (this.#tail + need > this.#buf.length) this.#makeRoom(need);
    const b = this.#buf;
    const start = this.#tail;
    let at = start + HEADER;
    const sourceBytes = source ? b.write(source, at, sourceMax, "utf8") : 0;
    at += sourceBytes;
    const timeBytes = time ? b.write(time, at, timeMax, "utf8") : 0;
    at += timeBytes;
    at += b.write(line.text, at, textBytes, "utf8");
    b.writeUInt32LE(size, start);
    b.writeUInt32LE(textBytes, start + 4);
    b[start + 8] = line.stream === "stderr" ? 1 : 0;
    b[start + 9] = time ? timeBytes + 1 : 0;
    b.writeUInt16LE(source ? sourceBytes + 1 : 0, start + 10);
    this.#tail = at;
    this.count++;
  }

  /** Drops the oldest line; returns its size for the cap. */
  shift(): number {
    const b = this.#buf;
    const at = this.#head;
    const size = b.readUInt32LE(at);
    const sourceField = b.readUInt16LE(at + 10);
    const timeField = b[at + 9] ?? 0;
    this.#head =
      at + HEADER + Math.max(0, sourceField - 1) + Math.max(0, timeField - 1) + b.readUInt32LE(at + 4);
    this.count--;
    if (this.count === 0) this.#head = this.#tail = 0;
    return size;
  }

  lines(): FollowedLine[] {
    const out: FollowedLine[] = [];
    const b = this.#buf;
    let at = this.#head;
    while (at < this.#tail) {
      const textBytes = b.readUInt32LE(at + 4);
      const stream = STREAMS[b[at + 8] ?? 0] ?? "stdout";
      const timeField = b[at + 9] ?? 0;
      const sourceField = b.readUInt16LE(at + 10);
      at += HEADER;
      const line: FollowedLine = { stream, text: "" };
      if (sourceField > 0) {
        line.source = b.toString("utf8", at, at + sourceField - 1);
        at += sourceField - 1;
      }
      if (timeField > 0) {
        line.time = b.toString("utf8", at, at + timeField - 1);
        at += timeField - 1;
      }
      line.text = b.toString("utf8", at, at + textBytes);
      at += textBytes;
      out.push(line);
    }
    return out;
  }

  /** Moves the live records to the front, or into a larger buffer when they and the new one do not fit. */
  #makeRoom(need: number): void {
    const live = this.#tail - this.#head;
    // Moving only when that frees at least half the buffer keeps the copying linear in what is written.
    if (live + need <= this.#buf.length / 2) {
      this.#buf.copy(this.#buf, 0, this.#head, this.#tail);
    } else {
      const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, (live + need) * 2));
      this.#buf.copy(next, 0, this.#head, this.#tail);
      this.#buf = next;
    }
    this.#head = 0;
    this.#tail = live;
  }
}

/**
 * One sentence on why a follow ended, for the answer. `containers` is how many logs were followed at
 * once (a compose project's): container_stopped then means every one of them stopped.
 */
export function followStopText(
  reason: FollowStop,
  window: FollowWindow,
  maxLines?: number,
  containers = 1,
): string {
  switch (reason) {
    case "duration":
      return window.capped
        ? `followed for ${Math.round(window.durationMs / 1000)} s, the most this call allows (raise neverhang.follow_timeout for longer)`
        : `followed for the ${Math.round(window.durationMs / 1000)} s asked`;
    case "max_lines":
      return `stopped after ${maxLines} line${maxLines === 1 ? "" : "s"} (max_lines)`;
    case "container_stopped":
      if (containers === 0) return "no container to follow";
      return containers === 1
        ? "the container stopped, so its log ended"
        : `all ${containers} containers stopped, so their logs ended`;
    case "connection_lost":
      return "the connection to the Docker daemon broke (it stopped or restarted): these are the lines seen until then";
    case "deadline_margin":
      return "stopped before the call's deadline";
  }
}
