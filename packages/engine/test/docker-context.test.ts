import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chooseConnection, resolveConnection } from "../src/connection.js";
import { parseSshHost } from "../src/ssh-agent.js";

function configDir(contexts: Record<string, { host: string; tls?: boolean }>, current?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "docker-mcp-ctx-"));
  for (const [name, { host, tls }] of Object.entries(contexts)) {
    const id = createHash("sha256").update(name).digest("hex");
    mkdirSync(join(dir, "contexts", "meta", id), { recursive: true });
    writeFileSync(
      join(dir, "contexts", "meta", id, "meta.json"),
      JSON.stringify({ Name: name, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
    );
    if (tls) {
      mkdirSync(join(dir, "contexts", "tls", id, "docker"), { recursive: true });
      for (const file of ["ca.pem", "cert.pem", "key.pem"])
        writeFileSync(join(dir, "contexts", "tls", id, "docker", file), `${file}\n`);
    }
  }
  writeFileSync(join(dir, "config.json"), JSON.stringify(current ? { currentContext: current } : {}));
  return dir;
}

describe("Docker contexts, with the docker CLI's precedence", () => {
  const dir = configDir(
    { cur: { host: "unix:///run/cur.sock" }, named: { host: "tcp://10.1.2.3:2376", tls: true } },
    "cur",
  );

  it("uses config.json's currentContext when nothing else is set", () => {
    expect(resolveConnection({}, { DOCKER_CONFIG: dir }).endpoint).toBe("unix:///run/cur.sock");
  });

  it("prefers DOCKER_CONTEXT over currentContext, with the context's TLS files", () => {
    const c = resolveConnection({}, { DOCKER_CONFIG: dir, DOCKER_CONTEXT: "named" });
    expect(c.endpoint).toBe("tcp://10.1.2.3:2376");
    expect(c.protocol).toBe("https");
    expect(c.tls?.ca?.toString()).toBe("ca.pem\n");
    expect(c.tls?.verify).toBe(true);
  });

  it("prefers DOCKER_HOST over any context, and an explicit host over everything", () => {
    const env = { DOCKER_CONFIG: dir, DOCKER_CONTEXT: "named", DOCKER_HOST: "unix:///run/env.sock" };
    expect(resolveConnection({}, env).endpoint).toBe("unix:///run/env.sock");
    expect(resolveConnection({ host: "unix:///run/x.sock" }, env).endpoint).toBe("unix:///run/x.sock");
    // A context named in the config is asked for explicitly: it wins over DOCKER_HOST.
    expect(resolveConnection({ context: "cur" }, env).endpoint).toBe("unix:///run/cur.sock");
  });

  it("hands out the chosen context's TLS files as paths, for helper programs such as compose", () => {
    const tlsDir = join(dir, "contexts", "tls", createHash("sha256").update("named").digest("hex"), "docker");
    const expected = {
      host: "tcp://10.1.2.3:2376",
      tls: {
        ca: join(tlsDir, "ca.pem"),
        cert: join(tlsDir, "cert.pem"),
        key: join(tlsDir, "key.pem"),
        verify: true,
      },
    };
    expect(chooseConnection({ context: "named" }, { DOCKER_CONFIG: dir })).toEqual(expected);
    expect(chooseConnection({}, { DOCKER_CONFIG: dir, DOCKER_CONTEXT: "named" })).toEqual(expected);
    // DOCKER_HOST with DOCKER_TLS_VERIFY: the env's certificate directory, as the CLI reads it.
    expect(
      chooseConnection({}, { DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/c" }),
    ).toEqual({
      host: "tcp://h:2376",
      tls: { ca: "/c/ca.pem", cert: "/c/cert.pem", key: "/c/key.pem", verify: true },
    });
    expect(chooseConnection({ socketPath: "/s.sock" }, { DOCKER_CONFIG: dir })).toEqual({
      socketPath: "/s.sock",
    });
  });

  it("treats the context named default as the default socket", () => {
    expect(resolveConnection({}, { DOCKER_CONFIG: dir, DOCKER_CONTEXT: "default" }).endpoint).toBe(
      "unix:///var/run/docker.sock",
    );
  });

  it("says which context is missing and where it looked", () => {
    expect(() => resolveConnection({ context: "nope" }, { DOCKER_CONFIG: dir })).toThrow(
      /Docker context "nope" does not exist in .*docker context ls/,
    );
  });
});

describe("ssh:// hosts", () => {
  it("become an OpenSSH destination, user and port kept", () => {
    expect(parseSshHost("ssh://me@box:2222")).toEqual({ destination: "me@box", port: 2222 });
    expect(parseSshHost("ssh://alias")).toEqual({ destination: "alias" });
    expect(resolveConnection({ host: "ssh://me@box" }, {})).toMatchObject({
      endpoint: "ssh://me@box",
      ssh: { destination: "me@box" },
    });
  });

  it("refuse a path", () => {
    expect(() => resolveConnection({ host: "ssh://me@box/var/run/docker.sock" }, {})).toThrow(/has a path/);
  });
});
