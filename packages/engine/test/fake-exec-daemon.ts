import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Host PID the fake's wrapper "prints" for the command. */
export const FAKE_PID = 4242;

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/**
 * A scripted Docker daemon for one exec, on a unix socket: it answers exec create/start/inspect for the
 * command (exec "cmd") and for the engine's kill helpers, so the engine's timing and kill logic can be
 * tested in cases a real daemon does not produce on demand (output that ends before the process, a
 * slow exec create, a kill helper that never answers).
 */
export class FakeExecDaemon {
  readonly dir = mkdtempSync(join(tmpdir(), "fake-exec-dockerd-"));
  readonly socketPath = join(this.dir, "docker.sock");
  private readonly server: Server;
  private readonly open = new Set<ServerResponse>();

  /** How long the daemon takes to answer the command's exec create. */
  createDelayMs = 0;
  /** "after-marker": the output ends right after the wrapper's PID line, while the process runs on. */
  output: "after-marker" | "until-exit" = "until-exit";
  /** The command exits by itself this long after its start (undefined: runs until killed). */
  exitAfterMs: number | undefined;
  /** The kill helper's exec create never answers. */
  helperHangs = false;

  /** When the command was started (performance.now()), and its state. */
  startedAt: number | undefined;
  running = false;
  exitCode: number | null = null;
  /** The Cmd of every kill helper the engine ran. */
  readonly helperCmds: string[][] = [];
  private marker = "";
  private commandStream: ServerResponse | undefined;

  constructor() {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      req.on("end", () => this.route(req, body, res));
    });
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.socketPath, resolve));
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private exit(code: number): void {
    if (!this.running) return;
    this.running = false;
    this.exitCode = code;
    this.commandStream?.end();
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(value));
  }

  private route(req: IncomingMessage, body: string, res: ServerResponse): void {
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (path === "/_ping") {
      res.writeHead(200, { "Api-Version": "1.41", Server: "Docker/20.10.0 (linux)" });
      res.end("OK");
      return;
    }
    const route = path.replace(/^\/v[\d.]+/, "");
    if (req.method === "POST" && /^\/containers\/[^/]+\/exec$/.test(route)) {
      const spec = JSON.parse(body) as { Cmd: string[]; User?: string };
      if (spec.User === "0") {
        if (this.helperHangs) {
          this.open.add(res);
          return;
        }
        this.helperCmds.push(spec.Cmd);
        this.json(res, 201, { Id: `helper${this.helperCmds.length}` });
        return;
      }
      this.marker = /echo "([^"$]*)\$\$"/.exec(spec.Cmd[2] ?? "")?.[1] ?? "";
      setTimeout(() => this.json(res, 201, { Id: "cmd" }), this.createDelayMs);
      return;
    }
    if (req.method === "POST" && route === "/exec/cmd/start") {
      this.startedAt = performance.now();
      this.running = true;
      res.writeHead(200, { "Content-Type": "application/vnd.docker.multiplexed-stream" });
      if (this.marker) res.write(frame(1, `${this.marker}${FAKE_PID}\n`));
      res.write(frame(1, "started\n"));
      if (this.exitAfterMs !== undefined) setTimeout(() => this.exit(0), this.exitAfterMs);
      if (this.output === "after-marker") {
        res.end();
        return;
      }
      this.commandStream = res;
      this.open.add(res);
      return;
    }
    if (req.method === "POST" && /^\/exec\/helper\d+\/start$/.test(route)) {
      // The helper kills the command.
      this.exit(137);
      res.writeHead(200, { "Content-Type": "application/vnd.docker.multiplexed-stream" });
      res.end();
      return;
    }
    if (req.method === "GET" && route === "/exec/cmd/json") {
      this.json(res, 200, { Running: this.running, ExitCode: this.exitCode ?? 0, Pid: 0 });
      return;
    }
    if (req.method === "GET" && /^\/exec\/helper\d+\/json$/.test(route)) {
      this.json(res, 200, { Running: false, ExitCode: 0, Pid: 0 });
      return;
    }
    this.json(res, 404, { message: `fake daemon: no route for ${req.method} ${route}` });
  }
}
