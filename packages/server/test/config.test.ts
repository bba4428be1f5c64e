import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decide } from "@arktechnwa/mcp-policy";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, resolveConfig } from "../src/index.js";

function expectIssues(doc: unknown, ...messages: RegExp[]) {
  try {
    resolveConfig(doc, "/etc/docker-mcp.json", false);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).message;
    expect(text).toContain("/etc/docker-mcp.json");
    for (const m of messages) expect(text).toMatch(m);
    return;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveConfig", () => {
  it("has safe defaults: read only, default deadlines, breaker on", () => {
    const c = resolveConfig({}, undefined, false);
    expect(c.policy.levels).toMatchObject({ read: true, lifecycle: false, exec: false, create: false });
    // exec: the command gets exec_safety.timeout (30 s), the call 5 s more to kill it and confirm.
    expect(c.timeouts).toEqual({
      read: 30_000,
      lifecycle: 60_000,
      exec: 35_000,
      compose: 120_000,
      follow: 300_000,
      pull: 300_000,
      build: 600_000,
    });
    // The design document's breaker: 3 failures in 60 s open it for 5 minutes (a /_ping probe closes it sooner).
    expect(c.breaker).toEqual({
      failureThreshold: 3,
      windowMs: 60_000,
      cooldownMs: 300_000,
      probeIntervalMs: 5_000,
    });
    expect(c.showAllTools).toBe(false);
    expect(c.audit).toEqual({ enabled: true });
  });

  it("reads every server section", () => {
    const c = resolveConfig(
      {
        $schema: "./node_modules/@arktechnwa/mcp-policy/policy.schema.json",
        docker: { host: "tcp://127.0.0.1:2376", tls: { verify: true }, api_version: "1.41" },
        neverhang: {
          timeouts: { read: "5s", exec: 45_000 },
          circuit_breaker: { failures: 2, cooldown: "1m", window: "10s", probe_interval: 2000 },
        },
        fallback: { enabled: true, model: "claude-x", base_url: "http://127.0.0.1:9999" },
        audit: { file: "/tmp/audit.jsonl" },
        tools: { show_all: true },
        permissions: { lifecycle: true },
      },
      "x.json",
      false,
    );
    expect(c.timeouts.read).toBe(5000);
    expect(c.timeouts.exec).toBe(45_000);
    expect(c.breaker).toEqual({
      failureThreshold: 2,
      windowMs: 10_000,
      cooldownMs: 60_000,
      probeIntervalMs: 2_000,
    });
    expect(c.docker.host).toBe("tcp://127.0.0.1:2376");
    expect(c.fallback).toMatchObject({ enabled: true, model: "claude-x", baseUrl: "http://127.0.0.1:9999" });
    expect(resolveConfig({}, undefined, false).fallback).toEqual({
      enabled: false,
      model: "claude-haiku-4-5",
      apiKeyEnv: "DOCKER_MCP_FALLBACK_KEY",
      maxLogLines: 200,
      maxTokens: 500,
      timeoutMs: 20_000,
    });
    expect(c.audit.file).toBe("/tmp/audit.jsonl");
    expect(c.showAllTools).toBe(true);
    expect(c.policy.levels.lifecycle).toBe(true);
  });

  it("names unknown keys with a suggestion, in policy and server sections alike", () => {
    expectIssues(
      { permissions: { lifecycel: true }, docker: { sokcet: "/x" }, neverhnag: {} },
      /permissions\.lifecycel is not a known key; did you mean lifecycle\?/,
      /docker\.sokcet is not a known key; did you mean socket\?/,
      /neverhnag is not a known key; did you mean neverhang\?/,
    );
  });

  it("reports wrong types with their path", () => {
    expectIssues(
      { permissions: { read: "yes" }, neverhang: { timeouts: { read: "soon" } } },
      /permissions\.read/,
      /neverhang\.timeouts\.read/,
    );
    expectIssues(
      { docker: { host: "ftp://x" } },
      /docker\.host: must start with unix:\/\/, tcp:\/\/, ssh:\/\/, npipe:\/\/, http:\/\/ or https:\/\//,
    );
    expectIssues([], /must be a JSON object/);
  });

  it("gives the exec deadline room to kill a command at exec_safety.timeout", () => {
    const c = resolveConfig({ exec_safety: { timeout: "50s" } }, undefined, false);
    expect(c.timeouts.exec).toBeGreaterThan(50_000);
  });

  it("blocks binds of the daemon's own socket when it lives somewhere unusual", () => {
    const socket = "/home/u/.docker/run/docker.sock";
    const c = resolveConfig({ docker: { socket }, permissions: { create: true } }, undefined, false);
    expect(c.policy.createSafety.blockedBindMounts).toContain(socket);
    const r = decide(c.policy, {
      tool: "docker_create",
      levels: ["create"],
      create: { binds: ["/home/u/.docker/run:/s"] },
    });
    expect(r.allowed).toBe(false);
    const viaEnv = resolveConfig({}, undefined, false, { DOCKER_HOST: `unix://${socket}` });
    expect(viaEnv.policy.createSafety.blockedBindMounts).toContain(socket);
    // A blocked list the user wrote is theirs.
    const own = resolveConfig(
      { docker: { socket }, create_safety: { blocked_bind_mounts: ["/etc"] } },
      undefined,
      false,
    );
    expect(own.policy.createSafety.blockedBindMounts).toEqual(["/etc"]);
  });

  it("reads relative paths against the config file's folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "dmcp-rel-"));
    mkdirSync(join(dir, "certs"));
    writeFileSync(join(dir, "certs", "ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    const c = resolveConfig(
      {
        audit: { file: "logs/audit.jsonl" },
        docker: { socket: "run/docker.sock", tls: { ca: "certs/ca.pem" } },
      },
      join(dir, "config.json"),
      false,
    );
    expect(c.audit.file).toBe(join(dir, "logs/audit.jsonl"));
    expect(c.docker.socket).toBe(join(dir, "run/docker.sock"));
    expect(c.docker.tls?.ca).toBe(join(dir, "certs/ca.pem"));
  });

  it("a TLS file that is missing or is a folder is named in the error", () => {
    const dir = mkdtempSync(join(tmpdir(), "dmcp-tls-"));
    expectIssues(
      { docker: { host: "tcp://127.0.0.1:2376", tls: { ca: join(dir, "nope.pem"), cert: dir } } },
      new RegExp(`docker\\.tls\\.ca: ${join(dir, "nope.pem").replace(/[.]/g, "\\.")} does not exist`),
      /docker\.tls\.cert: .* is not a file/,
    );
  });

  it("bypass is carried into the policy", () => {
    expect(resolveConfig({}, undefined, true).policy.bypass).toBe(true);
  });
});

describe("loadConfig", () => {
  it("loads --config, else ~/.config/docker-mcp/config.json, else the working directory's rc file", async () => {
    const home = mkdtempSync(join(tmpdir(), "dmcp-home-"));
    const cwd = mkdtempSync(join(tmpdir(), "dmcp-cwd-"));
    writeFileSync(join(cwd, ".docker-mcprc.json"), JSON.stringify({ permissions: { exec: true } }));
    expect((await loadConfig({ home, cwd })).policy.levels.exec).toBe(true);

    mkdirSync(join(home, ".config", "docker-mcp"), { recursive: true });
    writeFileSync(
      join(home, ".config", "docker-mcp", "config.json"),
      JSON.stringify({ permissions: { lifecycle: true } }),
    );
    const fromHome = await loadConfig({ home, cwd });
    expect(fromHome.policy.levels.lifecycle).toBe(true);
    expect(fromHome.source).toContain(".config");

    const explicit = join(cwd, "mine.yaml");
    writeFileSync(explicit, "permissions:\n  create: true\n");
    expect((await loadConfig({ home, cwd, configPath: "mine.yaml" })).policy.levels.create).toBe(true);
  });

  it("finds every place cosmiconfig searches: a package.json key, .config/, docker-mcp.config.*", async () => {
    const home = mkdtempSync(join(tmpdir(), "dmcp-home-"));
    const inPackage = mkdtempSync(join(tmpdir(), "dmcp-cwd-"));
    writeFileSync(
      join(inPackage, "package.json"),
      JSON.stringify({ name: "x", "docker-mcp": { permissions: { exec: true } } }),
    );
    expect((await loadConfig({ home, cwd: inPackage })).policy.levels.exec).toBe(true);
    const inDotConfig = mkdtempSync(join(tmpdir(), "dmcp-cwd-"));
    mkdirSync(join(inDotConfig, ".config"));
    writeFileSync(join(inDotConfig, ".config", "docker-mcprc.yaml"), "permissions:\n  create: true\n");
    expect((await loadConfig({ home, cwd: inDotConfig })).policy.levels.create).toBe(true);
    const inJs = mkdtempSync(join(tmpdir(), "dmcp-cwd-"));
    writeFileSync(
      join(inJs, "docker-mcp.config.mjs"),
      "export default { permissions: { lifecycle: true } };\n",
    );
    expect((await loadConfig({ home, cwd: inJs })).policy.levels.lifecycle).toBe(true);
    const empty = mkdtempSync(join(tmpdir(), "dmcp-cwd-"));
    const defaults = await loadConfig({ home, cwd: empty });
    expect(defaults.source).toBeUndefined();
    expect(defaults.policy.levels.lifecycle).toBe(false);
  });

  it("says which file is missing or broken", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "dmcp-cwd-"));
    await expect(loadConfig({ cwd, home: cwd, configPath: "nope.json" })).rejects.toThrow(
      /nope\.json[\s\S]*does not exist/,
    );
    writeFileSync(join(cwd, "bad.json"), "{ permissions: ");
    await expect(loadConfig({ cwd, home: cwd, configPath: "bad.json" })).rejects.toThrow(
      /bad\.json[\s\S]*could not be read or parsed/,
    );
  });
});
