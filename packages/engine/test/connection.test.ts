import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connectionFromEnv, createEngine, EngineError, resolveConnection } from "../src/index.js";

describe("connectionFromEnv", () => {
  it("is empty without DOCKER_HOST", () => {
    expect(connectionFromEnv({})).toEqual({});
  });
  it("reads DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION", () => {
    expect(
      connectionFromEnv({
        DOCKER_HOST: "tcp://docker.example:2376",
        DOCKER_TLS_VERIFY: "1",
        DOCKER_CERT_PATH: "/certs",
        DOCKER_API_VERSION: "1.41",
      }),
    ).toEqual({
      host: "tcp://docker.example:2376",
      tls: { ca: "/certs/ca.pem", cert: "/certs/cert.pem", key: "/certs/key.pem", verify: true },
      apiVersion: "1.41",
    });
  });
  it("defaults the cert path to ~/.docker", () => {
    expect(
      connectionFromEnv({ DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1", HOME: "/home/u" }).tls?.ca,
    ).toBe("/home/u/.docker/ca.pem");
  });
});

describe("resolveConnection", () => {
  it("defaults to the local socket", () => {
    expect(resolveConnection({}, {})).toMatchObject({
      endpoint: "unix:///var/run/docker.sock",
      socketPath: "/var/run/docker.sock",
    });
  });
  it("lets explicit options win over the environment", () => {
    const env = { DOCKER_HOST: "tcp://remote:2375" };
    expect(resolveConnection({ socketPath: "/tmp/d.sock" }, env).endpoint).toBe("unix:///tmp/d.sock");
    expect(resolveConnection({ host: "unix:///run/x.sock" }, env).socketPath).toBe("/run/x.sock");
    expect(resolveConnection({}, env)).toMatchObject({ host: "remote", port: 2375, protocol: "http" });
  });
  it("parses tcp hosts with and without ports", () => {
    expect(resolveConnection({ host: "tcp://10.0.0.1" }, {})).toMatchObject({
      port: 2375,
      endpoint: "tcp://10.0.0.1:2375",
    });
    expect(resolveConnection({ host: "10.0.0.1:4243" }, {})).toMatchObject({ port: 4243, host: "10.0.0.1" });
  });
  it("reads TLS files and uses https", () => {
    const dir = mkdtempSync(join(tmpdir(), "engine-tls-"));
    for (const f of ["ca.pem", "cert.pem", "key.pem"]) writeFileSync(join(dir, f), `pem ${f}`);
    const c = resolveConnection(
      {
        host: "tcp://h:2376",
        tls: { ca: join(dir, "ca.pem"), cert: join(dir, "cert.pem"), key: join(dir, "key.pem") },
      },
      {},
    );
    expect(c.protocol).toBe("https");
    expect(c.tls?.ca?.toString()).toBe("pem ca.pem");
    expect(c.tls?.verify).toBe(true);
  });
  it("names a missing TLS file", () => {
    expect(() => resolveConnection({ host: "tcp://h:2376", tls: { ca: "/nonexistent/ca.pem" } }, {})).toThrow(
      /TLS CA file '\/nonexistent\/ca.pem'.*DOCKER_CERT_PATH/,
    );
  });
  it("rejects unsupported schemes clearly", () => {
    expect(() => resolveConnection({ host: "ssh://user@h/path" }, {})).toThrow(EngineError);
    expect(() => resolveConnection({ host: "ftp://h" }, {})).toThrow(/unsupported scheme/);
  });
  it("a bad configuration surfaces on the first call, not at construction", async () => {
    const engine = createEngine({ host: "ftp://h", env: {} });
    await expect(engine.ping(AbortSignal.timeout(1000))).rejects.toMatchObject({ code: "UNREACHABLE" });
  });
});

describe("unreachable daemon", () => {
  it("a missing socket is UNREACHABLE with the endpoint and what to check", async () => {
    const engine = createEngine({ socketPath: join(tmpdir(), "no-such-docker.sock"), env: {} });
    const error = await engine.listContainers({}, AbortSignal.timeout(5000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: "UNREACHABLE" });
    expect((error as Error).message).toMatch(/no-such-docker\.sock.*dockerd running.*DOCKER_HOST.*ENOENT/);
    await engine.close();
  });
  it("a refused tcp connection is UNREACHABLE", async () => {
    const engine = createEngine({ host: "tcp://127.0.0.1:1", env: {} });
    await expect(engine.ping(AbortSignal.timeout(5000))).rejects.toMatchObject({
      code: "UNREACHABLE",
      message: expect.stringMatching(/tcp:\/\/127\.0\.0\.1:1.*ECONNREFUSED/),
    });
    await engine.close();
  });
});
