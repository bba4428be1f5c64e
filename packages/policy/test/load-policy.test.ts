import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_BLOCKED_COMMANDS,
  decide,
  dockerVocabulary,
  loadPolicy,
  PolicyError,
  parseDuration,
} from "../src/index.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/load-errors.json", import.meta.url), "utf8")) as {
  cases: { name: string; document: unknown; issues: { path: string; message: string }[] }[];
};

function issuesOf(document: unknown): { path: string; message: string }[] {
  try {
    loadPolicy(document);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return [...(error as PolicyError).issues];
  }
  throw new Error("loadPolicy accepted the document");
}

describe("loadPolicy refuses bad documents", () => {
  it.each(fixture.cases)("$name", ({ document, issues }) => {
    const got = issuesOf(document);
    expect(got).toHaveLength(issues.length);
    for (const want of issues) {
      const hit = got.find((g) => g.path === want.path);
      expect(hit, `an issue at "${want.path}" in ${JSON.stringify(got)}`).toBeDefined();
      expect(hit?.message).toContain(want.message);
    }
  });

  it("puts every issue in the error message, with what to do", () => {
    // Fails when nothing is thrown, not only when the message is wrong.
    const load = () => loadPolicy({ permissions: { lifecycel: true, read: "no" } });
    expect(load).toThrow(PolicyError);
    expect(load).toThrow("2 problems");
    expect(load).toThrow("did you mean lifecycle?");
    expect(load).toThrow("Fix the policy file");
  });
});

describe("defaults", () => {
  const policy = loadPolicy({});

  it("turns on read only", () => {
    expect(policy.levels).toEqual({
      read: true,
      lifecycle: false,
      exec: false,
      create: false,
      images: false,
      volumes: false,
      networks: false,
      system: false,
    });
  });

  it("has the issue's exec_safety defaults", () => {
    expect([...policy.execSafety.blockedCommands].sort()).toEqual([...DEFAULT_BLOCKED_COMMANDS].sort());
    expect(policy.execSafety.allowedCommands).toEqual([]);
    expect(policy.execSafety.maxOutput).toBe(10_000);
    expect(policy.execSafety.timeout).toBe("30s");
    expect(policy.execSafety.timeoutMs).toBe(30_000);
  });

  it("has safe create_safety defaults", () => {
    const c = policy.createSafety;
    expect([c.allowPrivileged, c.allowHostNetwork, c.allowHostPid, c.allowHostIpc, c.allowCapAdd]).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(c.blockedBindMounts).toContain("/var/run/docker.sock");
    expect(c.blockedBindMounts).toContain("/etc");
  });

  it("treats undefined as an empty document and uses the Docker vocabulary", () => {
    expect(loadPolicy(undefined).revision).toBe(policy.revision);
    expect(policy.vocabulary).toBe(dockerVocabulary);
    expect(policy.bypass).toBe(false);
  });

  it("accepts the issue's example document, with $schema", () => {
    const p = loadPolicy({
      $schema: "./node_modules/@arktechnwa/mcp-policy/policy.schema.json",
      permissions: {
        read: true,
        lifecycle: false,
        exec: false,
        create: false,
        images: false,
        volumes: false,
        networks: false,
        system: false,
        whitelist_containers: ["myapp-*", "nginx", "redis"],
        blacklist_containers: ["*-db", "vault", "secrets-*"],
        whitelist_images: ["myorg/*", "nginx:*"],
        blacklist_images: [],
      },
      exec_safety: {
        blocked_commands: ["rm -rf", "dd if=", "mkfs", "> /dev/"],
        allowed_commands: [],
        max_output: 10000,
        timeout: "30s",
      },
    });
    expect(p.lists["container"]?.blacklist).toEqual(["*-db", "secrets-*", "vault"]);
  });

  it("returns a frozen policy", () => {
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.execSafety)).toBe(true);
    expect(Object.isFrozen(policy.lists["container"]?.whitelist)).toBe(true);
    expect(Object.isFrozen(policy.document)).toBe(true);
  });
});

describe("confirm", () => {
  it("lists the tools that ask the user first, as a set, and changes the revision", () => {
    const plain = loadPolicy({});
    const p = loadPolicy({ confirm: ["docker_system_prune", "docker_remove", "docker_remove"] });
    expect(plain.confirm).toEqual([]);
    expect(p.confirm).toEqual(["docker_remove", "docker_system_prune"]);
    expect(p.document["confirm"]).toEqual(["docker_remove", "docker_system_prune"]);
    expect(p.revision).not.toBe(plain.revision);
  });

  it("refuses what is not a list of tool names", () => {
    expect(() => loadPolicy({ confirm: "docker_remove" })).toThrow(/confirm/);
    expect(() => loadPolicy({ confirm: ["docker remove"] })).toThrow(/confirm\[0\]/);
  });
});

describe("durations", () => {
  it.each([
    ["30s", 30_000],
    ["2m", 120_000],
    ["500ms", 500],
    ["1m30s", 90_000],
    ["1h", 3_600_000],
    ["1.5s", 1_500],
    ["45", 45_000],
    [" 10s ", 10_000],
    [30, 30_000],
    [0.25, 250],
  ] as [string | number, number][])("%j is %i ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
    expect(loadPolicy({ exec_safety: { timeout: input } }).execSafety.timeoutMs).toBe(ms);
  });

  it.each(["", "soon", "10 seconds", "-1s", "1d", "s", null, true, Number.NaN, -1])(
    "%j is not a duration",
    (v) => {
      expect(parseDuration(v)).toBeUndefined();
    },
  );

  it("reports a numeric timeout as seconds", () => {
    expect(loadPolicy({ exec_safety: { timeout: 5 } }).execSafety.timeout).toBe("5s");
  });
});

describe("revision", () => {
  it("is a short hex hash, stable across loads", () => {
    const a = loadPolicy({ permissions: { exec: true } });
    expect(a.revision).toMatch(/^[0-9a-f]{12}$/);
    expect(loadPolicy({ permissions: { exec: true } }).revision).toBe(a.revision);
  });

  it("ignores spelling that does not change meaning", () => {
    const a = loadPolicy({
      permissions: { blacklist_containers: ["a", "b"] },
      exec_safety: { timeout: "30s" },
    });
    const b = loadPolicy({
      $schema: "x",
      permissions: { read: true, blacklist_containers: ["b", "a", "a"] },
      exec_safety: { timeout: 30 },
    });
    expect(b.revision).toBe(a.revision);
  });

  it("changes when meaning changes", () => {
    const revisions = new Set(
      [
        {},
        { permissions: { exec: true } },
        { permissions: { blacklist_containers: ["a"] } },
        { permissions: { whitelist_containers: ["a"] } },
        { exec_safety: { timeout: "31s" } },
        { exec_safety: { blocked_commands: [] } },
        { create_safety: { allow_privileged: true } },
      ].map((d) => loadPolicy(d).revision),
    );
    expect(revisions.size).toBe(7);
  });

  it("is carried by every decision", () => {
    const p = loadPolicy({});
    expect(decide(p, { tool: "t", levels: ["exec"] }).revision).toBe(p.revision);
  });
});
