import { describe, expect, it } from "vitest";
import { mapDaemonError, statusRules } from "../src/daemon-errors.js";
import { createEngine, type DockerEngine, EngineError } from "../src/index.js";

/** The shape docker-modem rejects with. */
function daemonError(statusCode: number, message: string) {
  return Object.assign(new Error(`(HTTP code ${statusCode}) x - ${message} `), {
    statusCode,
    json: { message },
  });
}

describe("statusRules: the one map from daemon answers to engine errors", () => {
  const map = statusRules("unix:///x.sock", [
    { status: 404, message: /no such image/i, code: "NOT_FOUND", text: () => "pull it first" },
    { status: [304, 409], code: "CONFLICT", text: (m) => `busy: ${m}` },
    { message: /is paused/, code: "CONFLICT", text: () => "paused" },
  ]);
  const cases: [number, string, string | undefined, string | undefined][] = [
    [404, "No such image: x", "NOT_FOUND", "pull it first"],
    [404, "No such container: x", undefined, undefined],
    [409, "name in use", "CONFLICT", "busy: name in use"],
    [304, "", "CONFLICT", "busy: "],
    [500, "container abc is paused", "CONFLICT", "paused"],
    [500, "disk full", undefined, undefined],
  ];
  for (const [status, message, code, text] of cases) {
    it(`${status} "${message}" -> ${code ?? "no rule"}`, () => {
      const error = map(daemonError(status, message));
      if (code === undefined) {
        expect(error).toBeUndefined();
        return;
      }
      expect(error).toBeInstanceOf(EngineError);
      expect(error).toMatchObject({ code, message: text, statusCode: status, endpoint: "unix:///x.sock" });
    });
  }

  it("the generic map falls back to NOT_FOUND, CONFLICT and DAEMON by status", () => {
    expect(mapDaemonError(daemonError(404, "gone"), "e", "inspect x")).toMatchObject({
      code: "NOT_FOUND",
      message: "Could not inspect x: gone.",
    });
    expect(mapDaemonError(daemonError(409, "busy"), "e", "stop x").code).toBe("CONFLICT");
    expect(mapDaemonError(daemonError(500, "boom"), "e", "stop x")).toMatchObject({
      code: "DAEMON",
      message: "Docker refused to stop x (HTTP 500): boom",
    });
  });
});

describe("an engine that cannot be set up", () => {
  const engine: DockerEngine = createEngine({ host: "ftp://h", env: {} });

  it("rejects every call of every area with the configuration error", async () => {
    const calls: [string, () => Promise<unknown>][] = [
      ["ping", () => engine.ping(AbortSignal.timeout(1000))],
      ["listContainers", () => engine.listContainers({}, AbortSignal.timeout(1000))],
      ["inspectImage", () => engine.inspectImage("x", AbortSignal.timeout(1000))],
      ["listImages", () => engine.listImages(AbortSignal.timeout(1000))],
      ["inspectNetwork", () => engine.inspectNetwork("x", AbortSignal.timeout(1000))],
      ["listVolumes", () => engine.listVolumes(AbortSignal.timeout(1000))],
    ];
    for (const [name, call] of calls) {
      await expect(call(), name).rejects.toMatchObject({ code: "UNREACHABLE" });
    }
    expect(engine.endpoint).toBe("ftp://h");
  });

  it("can be awaited and closed (it is not a thenable)", async () => {
    expect(await Promise.resolve(engine)).toBe(engine);
    await expect(engine.close()).resolves.toBeUndefined();
  });
});
