import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  credentialSecrets,
  DOCKER_HUB_KEY,
  lookupCredential,
  registryOf,
  runCredentialHelper,
} from "../src/registry-auth.js";

const dirs: string[] = [];
const configDir = (config: unknown) => {
  const dir = mkdtempSync(join(tmpdir(), "docker-mcp-auth-"));
  dirs.push(dir);
  writeFileSync(join(dir, "config.json"), typeof config === "string" ? config : JSON.stringify(config));
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("registryOf", () => {
  it.each([
    ["nginx", "docker.io"],
    ["library/nginx:1", "docker.io"],
    ["myorg/app", "docker.io"],
    ["docker.io/library/nginx", "docker.io"],
    ["index.docker.io/x/y", "docker.io"],
    ["127.0.0.1:5000/app:v1", "127.0.0.1:5000"],
    ["localhost/app", "localhost"],
    ["ghcr.io/o/app@sha256:abc", "ghcr.io"],
  ])("%s -> %s", (ref, registry) => expect(registryOf(ref)).toBe(registry));
});

describe("lookupCredential", () => {
  it("reads auths entries (base64 user:password, identity tokens) under any usual key", async () => {
    const dir = configDir({
      auths: {
        "127.0.0.1:5000": { auth: Buffer.from("alice:pa:ss").toString("base64") },
        "https://ghcr.io": { identitytoken: "tok-123" },
        [DOCKER_HUB_KEY]: { auth: Buffer.from("bob:hub").toString("base64") },
      },
    });
    expect(await lookupCredential("127.0.0.1:5000", { configDir: dir })).toEqual({
      username: "alice",
      password: "pa:ss",
      serveraddress: "127.0.0.1:5000",
    });
    expect(await lookupCredential("ghcr.io", { configDir: dir })).toEqual({
      identitytoken: "tok-123",
      serveraddress: "ghcr.io",
    });
    expect(await lookupCredential("docker.io", { configDir: dir })).toMatchObject({ username: "bob" });
    expect(await lookupCredential("quay.io", { configDir: dir })).toBeUndefined();
  });

  it("has nothing without a config file, and says how to fix a broken one without quoting it", async () => {
    expect(
      await lookupCredential("docker.io", { configDir: join(tmpdir(), "no-such-docker-config") }),
    ).toBeUndefined();
    const dir = configDir('{"auths": {"x": {"auth": "c2VjcmV0OnZhbHVl"}');
    await expect(lookupCredential("x", { configDir: dir })).rejects.toThrow(/not valid JSON.*DOCKER_CONFIG/);
    await expect(lookupCredential("x", { configDir: dir })).rejects.not.toThrow(/c2VjcmV0/);
  });

  it("asks credHelpers, then credsStore, falling back to auths when the helper has nothing", async () => {
    const calls: string[] = [];
    const runHelper = async (helper: string, url: string) => {
      calls.push(`${helper} ${url}`);
      if (helper === "empty")
        throw Object.assign(
          new (await import("@arktechnwa/docker-mcp-core")).ToolError("credentials_not_found", "none"),
        );
      return JSON.stringify({
        ServerURL: url,
        Username: helper === "tok" ? "<token>" : "carol",
        Secret: "s3cret",
      });
    };
    const dir = configDir({
      credsStore: "empty",
      credHelpers: { "ghcr.io": "pass", "quay.io": "tok" },
      auths: { "127.0.0.1:5000": { auth: Buffer.from("dave:pw").toString("base64") } },
    });
    expect(await lookupCredential("ghcr.io", { configDir: dir, runHelper })).toEqual({
      username: "carol",
      password: "s3cret",
      serveraddress: "ghcr.io",
    });
    expect(await lookupCredential("quay.io", { configDir: dir, runHelper })).toEqual({
      identitytoken: "s3cret",
      serveraddress: "quay.io",
    });
    expect(await lookupCredential("127.0.0.1:5000", { configDir: dir, runHelper })).toMatchObject({
      username: "dave",
    });
    expect(calls).toEqual([
      "pass ghcr.io",
      "tok quay.io",
      "empty 127.0.0.1:5000",
      "empty https://127.0.0.1:5000",
    ]);
  });

  it("runs a real helper program with the server URL on stdin, and never quotes its output in errors", async () => {
    const bin = mkdtempSync(join(tmpdir(), "docker-mcp-helper-"));
    dirs.push(bin);
    writeFileSync(
      join(bin, "docker-credential-fake"),
      '#!/bin/sh\nread url\nif [ "$url" = "reg.example" ]; then echo "{\\"Username\\":\\"eve\\",\\"Secret\\":\\"helper-pw\\"}"; exit 0; fi\necho "credentials not found in native keychain"; exit 1\n',
    );
    writeFileSync(join(bin, "docker-credential-broken"), "#!/bin/sh\necho leaked-token-xyz; exit 3\n");
    chmodSync(join(bin, "docker-credential-fake"), 0o755);
    chmodSync(join(bin, "docker-credential-broken"), 0o755);
    const path = process.env["PATH"];
    process.env["PATH"] = `${bin}:${path}`;
    try {
      expect(JSON.parse(await runCredentialHelper("fake", "reg.example"))).toMatchObject({
        Secret: "helper-pw",
      });
      const dir = configDir({
        credHelpers: { "reg.example": "fake", "other.example": "fake", "bad.example": "broken" },
      });
      expect(await lookupCredential("reg.example", { configDir: dir })).toMatchObject({
        password: "helper-pw",
      });
      expect(await lookupCredential("other.example", { configDir: dir })).toBeUndefined();
      const failure = lookupCredential("bad.example", { configDir: dir });
      await expect(failure).rejects.toThrow(
        /docker-credential-broken could not be used: it failed \(exit code 3\)/,
      );
      await expect(lookupCredential("bad.example", { configDir: dir })).rejects.not.toThrow(/leaked-token/);
      await expect(runCredentialHelper("missing", "x")).rejects.toThrow(/not installed/);
    } finally {
      process.env["PATH"] = path;
    }
  });

  it("lists every string that would reveal a credential", () => {
    expect(credentialSecrets({ username: "u", password: "p", serveraddress: "r" })).toEqual([
      "p",
      Buffer.from("u:p").toString("base64"),
    ]);
    expect(credentialSecrets({ identitytoken: "t", serveraddress: "r" })).toEqual(["t"]);
    expect(credentialSecrets(undefined)).toEqual([]);
  });
});
