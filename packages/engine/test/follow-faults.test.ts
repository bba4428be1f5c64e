import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createEngine, type DockerEngine, EngineError, type LogLine } from "../src/index.js";
import { FakeDaemon, type Script } from "./fake-daemon.js";

// followLogs against a fake daemon: the faults a real one rarely shows on demand.

const ID = "f".repeat(64);
const HEAD =
  "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

/** One multiplexed frame as one HTTP chunk. */
function chunk(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  const body = Buffer.concat([header, payload]);
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from("\r\n")]);
}

const rawChunk = (bytes: Buffer) =>
  Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")]);

let fake: FakeDaemon | undefined;
let engine: DockerEngine | undefined;

async function start(
  script: Script | "stall-after-headers",
): Promise<{ fake: FakeDaemon; engine: DockerEngine }> {
  fake = new FakeDaemon(script);
  await fake.start();
  engine = createEngine({ socketPath: fake.socketPath, env: {} });
  return { fake, engine };
}

afterEach(async () => {
  await engine?.close();
  await fake?.stop();
  engine = undefined;
  fake = undefined;
});

function collect(): { lines: LogLine[]; onLine: (line: LogLine) => undefined } {
  const lines: LogLine[] = [];
  return {
    lines,
    onLine: (line) => {
      lines.push(line);
      return undefined;
    },
  };
}

const forever = () => new AbortController().signal;

describe("followLogs against a misbehaving daemon", () => {
  it("asks for follow=1 and ends with the lines seen when the connection breaks mid-stream", async () => {
    const { fake, engine } = await start((socket: Socket) => {
      socket.write(HEAD);
      socket.write(chunk(1, "one\n"));
      socket.write(chunk(2, "two\n"));
      // A crash: the connection goes away inside a chunked body, no terminating chunk.
      setTimeout(() => socket.destroy(), 100);
    });
    const { lines, onLine } = collect();
    const t0 = performance.now();
    const result = await engine.followLogs(ID, false, { maxLineChars: 1000 }, onLine, forever());
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(fake.lastRequestLine).toMatch(/\/containers\/f+\/logs\?.*follow=true/);
    expect(result.stoppedBy).toBe("connection_lost");
    expect(result.error).toBeTruthy();
    expect(lines).toEqual([
      { stream: "stdout", text: "one" },
      { stream: "stderr", text: "two" },
    ]);
  });

  it("ends as 'ended' when the daemon closes the stream properly (the container stopped)", async () => {
    const { engine } = await start((socket) => {
      socket.write(HEAD);
      socket.write(chunk(1, "last words"));
      socket.end("0\r\n\r\n");
    });
    const { lines, onLine } = collect();
    const result = await engine.followLogs(ID, false, { maxLineChars: 1000 }, onLine, forever());
    expect(result.stoppedBy).toBe("ended");
    // A last line without its newline is still a line.
    expect(lines.map((l) => l.text)).toEqual(["last words"]);
  });

  it("survives broken multiplexed frames: what follows an impossible header is kept as text, not lost or crashed on", async () => {
    const { engine } = await start((socket) => {
      socket.write(HEAD);
      socket.write(chunk(1, "good\n"));
      // A header with stream type 7: not a multiplexed frame.
      socket.write(rawChunk(Buffer.from([7, 0, 0, 0, 0, 0, 0, 5, ...Buffer.from("junk\nmore\n")])));
      socket.end("0\r\n\r\n");
    });
    const { lines, onLine } = collect();
    const result = await engine.followLogs(ID, false, { maxLineChars: 1000 }, onLine, forever());
    expect(result.stoppedBy).toBe("ended");
    expect(lines[0]).toEqual({ stream: "stdout", text: "good" });
    expect(lines.map((l) => l.text).join("\n")).toMatch(/junk\nmore/);
  });

  it("a frame that claims 4 GB and never comes: memory stays bounded, the stop signal ends it", async () => {
    const { engine } = await start((socket) => {
      socket.write(HEAD);
      const header = Buffer.alloc(8);
      header[0] = 1;
      header.writeUInt32BE(0xffffffff, 4);
      socket.write(rawChunk(Buffer.concat([header, Buffer.alloc(64 * 1024, 0x61)])));
    });
    const stop = new AbortController();
    const { lines, onLine } = collect();
    setTimeout(() => stop.abort(), 300);
    const t0 = performance.now();
    const result = await engine.followLogs(
      ID,
      false,
      { maxLineChars: 1000, stop: stop.signal },
      onLine,
      forever(),
    );
    expect(performance.now() - t0).toBeLessThan(1_500);
    expect(result.stoppedBy).toBe("stop");
    // The endless line was cut at maxLineChars, never kept whole.
    for (const line of lines) expect(line.text.length).toBeLessThanOrEqual(1000);
  });

  it("stalls after the headers: the stop signal ends it with 'stop', promptly", async () => {
    const { engine } = await start("stall-after-headers");
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 200);
    const t0 = performance.now();
    const result = await engine.followLogs(
      ID,
      false,
      { maxLineChars: 1000, stop: stop.signal },
      () => undefined,
      forever(),
    );
    expect(result.stoppedBy).toBe("stop");
    expect(performance.now() - t0).toBeLessThan(1_200);
  });

  it("drips one byte a second: a cancel rejects with ABORTED within 200 ms and lines seen so far were delivered", async () => {
    const { fake, engine } = await start((socket) => {
      socket.write(HEAD);
      socket.write(chunk(1, "early\n"));
      fake?.drip(socket, chunk(1, "x"), 1_000);
    });
    const controller = new AbortController();
    const { lines, onLine } = collect();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, 1_500);
    const error = await engine
      .followLogs(ID, false, { maxLineChars: 1000 }, onLine, controller.signal)
      .catch((e: unknown) => e);
    expect(performance.now() - abortedAt).toBeLessThan(200);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe("ABORTED");
    expect(lines[0]).toEqual({ stream: "stdout", text: "early" });
    // The connection is really closed (the daemon sees it go), not left dripping.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.stuckConnections).toBe(0);
  });

  it("onLine returning false stops the read and closes the connection", async () => {
    const { fake, engine } = await start((socket) => {
      socket.write(HEAD);
      for (let i = 0; i < 100; i++) socket.write(chunk(1, `line ${i}\n`));
    });
    let n = 0;
    const result = await engine.followLogs(ID, false, { maxLineChars: 1000 }, () => ++n < 5, forever());
    expect(result.stoppedBy).toBe("stopped");
    expect(n).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.stuckConnections).toBe(0);
  });
});
