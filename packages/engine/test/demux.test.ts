import { describe, expect, it } from "vitest";
import { Demuxer, type StreamType } from "../src/index.js";

function frame(stream: number, payload: Buffer | string): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function collect(chunks: Buffer[]): { out: string; err: string; demuxer: Demuxer } {
  const parts: Record<number, Buffer[]> = { 0: [], 1: [], 2: [] };
  const demuxer = new Demuxer((stream: StreamType, payload) => parts[stream]?.push(Buffer.from(payload)));
  for (const chunk of chunks) demuxer.push(chunk);
  return {
    out: Buffer.concat(parts[1] ?? []).toString(),
    err: Buffer.concat(parts[2] ?? []).toString(),
    demuxer,
  };
}

describe("Demuxer", () => {
  const input = Buffer.concat([
    frame(1, "hello "),
    frame(2, "oops\n"),
    frame(1, "world\n"),
    frame(1, ""),
    frame(2, "again"),
  ]);

  it("separates stdout and stderr in one chunk", () => {
    const { out, err, demuxer } = collect([input]);
    expect(out).toBe("hello world\n");
    expect(err).toBe("oops\nagain");
    expect(demuxer.payloadBytes).toBe("hello oops\nworld\nagain".length);
  });

  it("handles a split at every byte boundary", () => {
    for (let cut = 0; cut <= input.length; cut++) {
      const { out, err } = collect([input.subarray(0, cut), input.subarray(cut)]);
      expect(out, `cut at ${cut}`).toBe("hello world\n");
      expect(err, `cut at ${cut}`).toBe("oops\nagain");
    }
  });

  it("handles one byte at a time and every pair of cuts", () => {
    const bytes = [...input].map((b) => Buffer.from([b]));
    expect(collect(bytes).out).toBe("hello world\n");
    for (let a = 0; a < input.length; a += 3) {
      for (let b = a; b <= input.length; b += 2) {
        const { out, err } = collect([input.subarray(0, a), input.subarray(a, b), input.subarray(b)]);
        expect(out).toBe("hello world\n");
        expect(err).toBe("oops\nagain");
      }
    }
  });

  it("streams a huge frame without waiting for its end", () => {
    const big = Buffer.alloc(20 * 1024 * 1024, 0x61);
    const data = frame(1, big);
    let seen = 0;
    let calls = 0;
    const demuxer = new Demuxer((_stream, payload) => {
      seen += payload.length;
      calls++;
    });
    for (let offset = 0; offset < data.length; offset += 65536)
      demuxer.push(data.subarray(offset, offset + 65536));
    expect(seen).toBe(big.length);
    expect(calls).toBeGreaterThan(100);
    expect(demuxer.payloadBytes).toBe(big.length);
  });

  it("hands over the start of a frame before the rest arrives", () => {
    const { out } = collect([frame(1, "abc").subarray(0, 9)]);
    expect(out).toBe("a");
  });

  it("passes a non-multiplexed stream through as stdout instead of losing it", () => {
    const { out, err } = collect([Buffer.from("plain text, not framed\n"), frame(2, "x")]);
    // Once unframed, everything after is stdout too (headers included): nothing is lost.
    expect(out).toBe(`plain text, not framed\n${frame(2, "x").toString()}`);
    expect(err).toBe("");
  });
});
