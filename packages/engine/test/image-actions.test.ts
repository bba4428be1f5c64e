import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type DockerEngine, type PullProgressEvent } from "../src/index.js";

// A scripted daemon on a unix socket: what the engine sends (headers, query, body) is recorded, and
// each path answers as the test says. The real daemon is used by the server's integration tests.
interface Seen {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: Buffer;
}
const seen: Seen[] = [];
let answer: (req: Seen, res: ServerResponse) => void = (_req, res) => res.end();
let server: Server;
let engine: DockerEngine;
const dir = mkdtempSync(join(tmpdir(), "engine-images-"));
const socketPath = join(dir, "docker.sock");

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const record = {
        method: req.method ?? "",
        url: new URL(req.url ?? "/", "http://docker"),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      if (record.url.pathname === "/_ping") {
        res.setHeader("Api-Version", "1.41");
        res.end("OK");
        return;
      }
      seen.push(record);
      answer(record, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  engine = createEngine({ socketPath, env: {} });
});

afterAll(async () => {
  await engine.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const lines = (...messages: unknown[]) => messages.map((m) => `${JSON.stringify(m)}\r\n`).join("");

describe("pullImage", () => {
  it("asks for one tag, sends the registry auth header, and relays layer progress", async () => {
    answer = (_req, res) =>
      res.end(
        lines(
          { status: "Pulling from app", id: "v1" },
          { status: "Downloading", id: "aaaaaaaaaaaa", progressDetail: { current: 10, total: 100 } },
          { status: "Pull complete", id: "aaaaaaaaaaaa" },
          { status: "Digest: sha256:abc" },
          { status: "Status: Downloaded newer image for app:v1" },
        ),
      );
    const events: PullProgressEvent[] = [];
    const result = await engine.pullImage(
      { repository: "127.0.0.1:5000/app", tagOrDigest: "v1", registryAuth: "c2VjcmV0LWF1dGg" },
      (e) => events.push(e),
      AbortSignal.timeout(5_000),
    );
    const req = seen.at(-1) as Seen;
    expect(req.url.pathname).toBe("/v1.41/images/create");
    expect(req.url.searchParams.get("fromImage")).toBe("127.0.0.1:5000/app");
    expect(req.url.searchParams.get("tag")).toBe("v1");
    expect(req.headers["x-registry-auth"]).toBe("c2VjcmV0LWF1dGg");
    // The credential is never in the URL.
    expect(req.url.toString()).not.toContain("c2VjcmV0");
    expect(events.map((e) => e.layer.status)).toEqual(["Downloading", "Pull complete"]);
    expect(result).toMatchObject({ digest: "sha256:abc", outcome: "Downloaded newer image for app:v1" });
  });

  it("refuses an empty tag (the daemon would pull every tag)", async () => {
    await expect(
      engine.pullImage({ repository: "app", tagOrDigest: "" }, () => {}, AbortSignal.timeout(5_000)),
    ).rejects.toMatchObject({ code: "INVALID" });
  });

  it("fails on an error the daemon streams inside its 200 answer, saying what to do", async () => {
    answer = (_req, res) =>
      res.end(
        lines(
          { status: "Pulling from app", id: "v1" },
          { errorDetail: { message: "manifest for app:v9 not found: manifest unknown" }, error: "x" },
        ),
      );
    await expect(
      engine.pullImage({ repository: "app", tagOrDigest: "v9" }, () => {}, AbortSignal.timeout(5_000)),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("Check the name and tag"),
    });
    answer = (_req, res) => res.end(lines({ error: "unauthorized: authentication required" }));
    await expect(
      engine.pullImage({ repository: "app", tagOrDigest: "v1" }, () => {}, AbortSignal.timeout(5_000)),
    ).rejects.toMatchObject({ code: "DAEMON", message: expect.stringContaining("docker login") });
  });

  it("stops reading and closes the request when its signal fires", async () => {
    let closed = false;
    answer = (req, res) => {
      res.write(lines({ status: "Pulling fs layer", id: "bbbbbbbbbbbb" }));
      res.on("close", () => {
        closed = true;
      });
      void req;
    };
    const controller = new AbortController();
    const pull = engine.pullImage(
      { repository: "app", tagOrDigest: "v1" },
      () => controller.abort(),
      controller.signal,
    );
    await expect(pull).rejects.toMatchObject({ code: "ABORTED" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(true);
  });
});

describe("buildImage", () => {
  it("streams the context as the body, sends build args, labels and registry config, returns the image ID", async () => {
    answer = (_req, res) =>
      res.end(
        lines(
          { stream: "Step 1/2 : FROM scratch\n" },
          { stream: " ---> Running in abc\nhello " },
          { stream: "world\n" },
          { aux: { ID: "sha256:1234" } },
          { stream: "Successfully built 1234\n" },
        ),
      );
    let destroyed = false;
    const context = Readable.from([Buffer.from("tar-bytes-1"), Buffer.from("tar-bytes-2")]);
    context.on("close", () => {
      destroyed = true;
    });
    const events: { line?: string; step?: unknown }[] = [];
    const result = await engine.buildImage(
      {
        context,
        dockerfile: "sub/Dockerfile",
        buildArgs: { A: "1" },
        labels: { l: "v" },
        registryConfig: "eyJyIjp7fX0",
      },
      (e) => events.push(e),
      AbortSignal.timeout(5_000),
    );
    const req = seen.at(-1) as Seen;
    expect(req.url.pathname).toBe("/v1.41/build");
    expect(req.body.toString()).toBe("tar-bytes-1tar-bytes-2");
    expect(req.headers["content-type"]).toBe("application/tar");
    expect(req.headers["x-registry-config"]).toBe("eyJyIjp7fX0");
    expect(req.url.searchParams.get("dockerfile")).toBe("sub/Dockerfile");
    expect(JSON.parse(req.url.searchParams.get("buildargs") ?? "")).toEqual({ A: "1" });
    expect(JSON.parse(req.url.searchParams.get("labels") ?? "")).toEqual({ l: "v" });
    expect(req.url.searchParams.has("t")).toBe(false);
    expect(result.imageId).toBe("sha256:1234");
    expect(result.output).toEqual([
      "Step 1/2 : FROM scratch",
      " ---> Running in abc",
      "hello world",
      "Successfully built 1234",
    ]);
    expect(events[0]).toMatchObject({ step: { index: 1, count: 2 } });
    expect(destroyed).toBe(true);
  });

  it("fails with the builder's error, and still destroys the context", async () => {
    answer = (_req, res) =>
      res.end(
        lines(
          { stream: "Step 1/1 : RUN false\n" },
          { errorDetail: { code: 1, message: "The command '/bin/sh -c false' returned a non-zero code: 1" } },
        ),
      );
    const context = Readable.from([Buffer.from("x")]);
    await expect(
      engine.buildImage({ context, dockerfile: "Dockerfile" }, () => {}, AbortSignal.timeout(5_000)),
    ).rejects.toMatchObject({
      code: "DAEMON",
      message: expect.stringContaining("returned a non-zero code: 1"),
    });
    expect(context.destroyed).toBe(true);
  });
});
