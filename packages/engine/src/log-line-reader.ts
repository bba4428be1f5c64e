import { Demuxer, type StreamType } from "./demux.js";
import { LineSplitter } from "./line-splitter.js";
import type { LogLine } from "./types.js";

/**
 * Docker's log stream (multiplexed, or raw for a TTY container) cut into lines for `onLine`, with
 * whether a line was cut at `maxLineChars`. Once `onLine` returns false no further line is given.
 */
export class LogLineReader {
  lines = 0;
  stopped = false;
  private readonly stdout: LineSplitter;
  private readonly stderr: LineSplitter;
  private readonly demuxer: Demuxer;

  constructor(
    private readonly tty: boolean,
    onLine: (line: LogLine, cut: boolean) => boolean | undefined,
    maxLineChars: number,
  ) {
    const emit = (stream: LogLine["stream"]) => (text: string, cut: boolean) => {
      if (this.stopped) return;
      this.lines++;
      if (onLine({ stream, text }, cut) === false) this.stopped = true;
    };
    this.stdout = new LineSplitter(emit("stdout"), maxLineChars);
    this.stderr = new LineSplitter(emit("stderr"), maxLineChars);
    this.demuxer = new Demuxer((stream: StreamType, payload) => {
      (stream === 2 ? this.stderr : this.stdout).push(payload);
    });
  }

  push(chunk: Buffer): void {
    if (this.tty) this.stdout.push(chunk);
    else this.demuxer.push(chunk);
  }

  /** At the stream's end: a last line without its newline is still a line. */
  end(): void {
    this.stdout.end();
    this.stderr.end();
  }
}
