import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type FakeBehavior = "silent" | "drip-headers" | "drip-body" | "stall-after-headers" | Script;

/** A custom answer: writes to the raw socket (status line, headers, body) as the test wishes. */
export type Script = (socket: Socket, requestLine: string) => void;

/**
 * A fake Docker daemon on a unix socket in a temp dir, for fault tests. It answers /_ping properly
 * (so negotiation passes) unless `pingToo` is set, and misbehaves on every other request:
 * - silent: accepts the connection and never answers;
 * - drip-headers: sends a status line, then one header byte every 20 ms, forever;
 * - drip-body: sends headers of a chunked 200 response, then one body byte every 20 ms, forever;
 * - stall-after-headers: sends the headers of a chunked 200 response, then nothing, forever;
 * - a function: writes whatever the test wants (broken frames, a reset mid-stream).
 */
export class FakeDaemon {
  readonly dir = mkdtempSync(join(tmpdir(), "fake-dockerd-"));
  readonly socketPath = join(this.dir, "docker.sock");
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Connections on which a request is being misbehaved on (not idle keep-alive ones). */
  private readonly stuck = new Set<Socket>();
  requests = 0;
  /** The request line of the latest request (e.g. "GET /v1.41/containers/x/logs?follow=1 HTTP/1.1"). */
  lastRequestLine = "";

  constructor(
    private readonly behavior: FakeBehavior,
    private readonly pingToo = false,
  ) {
    this.server = createServer((socket) => this.onConnection(socket));
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.socketPath, resolve));
  }

  /** Connections the client still holds open. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Connections with a hanging/dripping request the client has not closed. */
  get stuckConnections(): number {
    return this.stuck.size;
  }

  private onConnection(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => {
      this.sockets.delete(socket);
      this.stuck.delete(socket);
    });
    socket.on("error", () => {});
    let buffered = "";
    socket.on("data", (data) => {
      buffered += data.toString("latin1");
      const end = buffered.indexOf("\r\n\r\n");
      if (end === -1) return;
      const requestLine = buffered.slice(0, buffered.indexOf("\r\n"));
      buffered = "";
      this.requests++;
      this.lastRequestLine = requestLine;
      if (!this.pingToo && / \/_ping[? ]/.test(requestLine)) {
        socket.write(
          "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nServer: Docker/20.10.0 (linux)\r\nContent-Length: 2\r\n\r\nOK",
        );
        return;
      }
      this.misbehave(socket);
    });
  }

  private misbehave(socket: Socket): void {
    this.stuck.add(socket);
    if (this.behavior === "silent") return;
    if (typeof this.behavior === "function") {
      this.behavior(socket, this.lastRequestLine);
      return;
    }
    if (this.behavior === "stall-after-headers") {
      socket.write(
        "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
      );
      return;
    }
    if (this.behavior === "drip-headers") {
      socket.write("HTTP/1.1 200 OK\r\nX-Drip: ");
      this.dripText(socket, "a");
      return;
    }
    socket.write(
      "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    // One-byte chunks: a valid, endless, slow body (also a valid slow stream of a multiplexed frame).
    this.dripText(socket, "1\r\n\u0001\r\n");
  }

  /** Writes one chunk of a chunked body now, or every `everyMs` while the socket lives. */
  drip(socket: Socket, piece: string | Buffer, everyMs = 20): void {
    if (everyMs <= 0) {
      socket.write(piece);
      return;
    }
    const timer = setInterval(() => {
      if (socket.destroyed) {
        clearInterval(timer);
        this.timers.delete(timer);
        return;
      }
      socket.write(piece);
    }, everyMs);
    this.timers.add(timer);
  }

  private dripText(socket: Socket, piece: string): void {
    const timer = setInterval(() => {
      if (socket.destroyed) {
        clearInterval(timer);
        this.timers.delete(timer);
        return;
      }
      socket.write(piece, "latin1");
    }, 20);
    this.timers.add(timer);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
