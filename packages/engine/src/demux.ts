/** Stream numbers of Docker's multiplexed format. */
export type StreamType = 0 | 1 | 2;

export type FrameHandler = (stream: StreamType, payload: Buffer) => void;

/**
 * Incremental demultiplexer for Docker's stdout/stderr framing: each frame is an 8-byte header
 * [stream, 0, 0, 0, size (uint32 big-endian)] followed by `size` bytes. Payload bytes are handed over
 * as they arrive (subarrays, no copies), so a huge frame is never buffered and a frame split across
 * any chunk boundary is fine. Counts the payload bytes it hands over (`payloadBytes`).
 */
export class Demuxer {
  private readonly header = Buffer.alloc(8);
  private headerFill = 0;
  private remaining = 0;
  private current: StreamType = 1;
  /** Set when a header had an impossible stream type: the rest is passed through as stdout. */
  private raw = false;
  /** Payload bytes handed to the handler. */
  payloadBytes = 0;

  constructor(private readonly onFrame: FrameHandler) {}

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.raw) {
        this.emit(1, offset === 0 ? chunk : chunk.subarray(offset));
        return;
      }
      if (this.remaining === 0) {
        const take = Math.min(8 - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill < 8) return;
        this.headerFill = 0;
        const type = this.header[0];
        if (type !== 0 && type !== 1 && type !== 2) {
          // Not a multiplexed stream after all (or misaligned): keep the bytes rather than lose them.
          this.raw = true;
          this.emit(1, Buffer.from(this.header));
          continue;
        }
        this.current = type;
        this.remaining = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      this.remaining -= take;
      this.emit(this.current, chunk.subarray(offset, offset + take));
      offset += take;
    }
  }

  private emit(stream: StreamType, payload: Buffer): void {
    if (payload.length === 0) return;
    this.payloadBytes += payload.length;
    this.onFrame(stream, payload);
  }
}
