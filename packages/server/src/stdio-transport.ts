import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** What the bin read from stdin before the SDK server was loaded (see bin.ts). */
export interface StdioHandover {
  /** Every byte read so far, the first line included: the SDK server reads it first. */
  replay: Buffer;
  /** The id of the `initialize` request the bin already answered: the SDK server's answer to it is dropped. */
  answeredId?: string | number;
  /** stdin ended while the bin read it. */
  ended?: boolean;
}

/** A line longer than this is dropped (and answered with an error), like the SDK's own limit. */
const MAX_LINE_BYTES = 10 * 1024 * 1024;

/**
 * MCP over stdin/stdout, one JSON message per line. Unlike the SDK's stdio transport, it does not
 * check messages against the MCP schema (which silently drops a request it cannot parse, leaving the
 * client waiting): it only parses JSON and hands the value on, for guardTransport to answer bad
 * requests. A line that is not JSON is answered with a parse error (-32700, id null).
 */
export class LineStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  private buffer: Buffer = Buffer.alloc(0);
  private skipping = false;
  private started = false;

  private replay: Buffer | undefined;
  private answeredId: string | number | undefined;

  constructor(
    private readonly stdin: NodeJS.ReadableStream = process.stdin,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    handover?: StdioHandover,
  ) {
    this.replay = handover?.replay;
    this.answeredId = handover?.answeredId;
  }

  private readonly onData = (chunk: Buffer | string) => {
    this.buffer = Buffer.concat([this.buffer, typeof chunk === "string" ? Buffer.from(chunk) : chunk]);
    for (;;) {
      const end = this.buffer.indexOf(0x0a);
      if (end === -1) break;
      const line = this.buffer.subarray(0, end).toString("utf8").replace(/\r$/, "");
      this.buffer = this.buffer.subarray(end + 1);
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      this.handleLine(line);
    }
    if (this.buffer.length > MAX_LINE_BYTES) {
      this.buffer = Buffer.alloc(0);
      this.skipping = true;
      this.reply(null, ErrorCode.InvalidRequest, "Invalid request: a message is larger than 10 MB.");
    }
  };

  private readonly onStreamError = (error: Error) => this.onerror?.(error);

  private handleLine(line: string): void {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.reply(null, ErrorCode.ParseError, "Parse error: the line is not valid JSON.");
      return;
    }
    try {
      this.onmessage?.(value as JSONRPCMessage);
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private reply(id: null, code: number, message: string): void {
    this.send({ jsonrpc: "2.0", id, error: { code, message } } as unknown as JSONRPCMessage).catch(() => {});
  }

  async start(): Promise<void> {
    if (this.started) throw new Error("LineStdioTransport already started");
    this.started = true;
    this.stdin.on("data", this.onData);
    this.stdin.on("error", this.onStreamError);
    const replay = this.replay;
    this.replay = undefined;
    if (replay && replay.length > 0) this.onData(replay);
    // The bin pauses stdin when it hands it over; adding a listener does not resume a paused stream.
    this.stdin.resume();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.answeredId !== undefined && (message as { id?: unknown }).id === this.answeredId) {
      // The bin answered this initialize already; the client must not get a second answer.
      this.answeredId = undefined;
      if ("error" in message) {
        process.stderr.write(
          `docker-mcp: the SDK server refused the initialize request the start had answered: ${JSON.stringify(message.error)}\n`,
        );
      }
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      if (this.stdout.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.stdout.once("drain", resolve);
    });
  }

  async close(): Promise<void> {
    this.stdin.off("data", this.onData);
    this.stdin.off("error", this.onStreamError);
    if (this.stdin.listenerCount("data") === 0) this.stdin.pause();
    this.buffer = Buffer.alloc(0);
    this.onclose?.();
  }
}
