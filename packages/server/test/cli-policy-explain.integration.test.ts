import {
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  RUN_ID,
  removeFixtures,
  runFixture,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-run.js";
import { writeConfig } from "./harness.js";

// `docker-mcp policy explain` run as a child process against the real daemon: the targets are
// resolved there, and the answer is the kernel's own decision.
let db: Fixture;
let web: Fixture;
let configFile: string;
const PATTERN = `explain-db-${RUN_ID}*`;

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  [db, web] = await Promise.all([runFixture({ name: "explain-db" }), runFixture({ name: "explain-web" })]);
  configFile = writeConfig({
    permissions: { read: true, lifecycle: true, blacklist_containers: ["vault", PATTERN] },
  });
}, 60_000);

afterAll(async () => {
  await removeFixtures();
});

interface Explained {
  tool: string;
  stage: string;
  allowed: boolean;
  revision: string;
  decision?: {
    allowed: boolean;
    reasons: { code: string; message: string; rule?: string; pattern?: string }[];
  };
  targets: { kind: string; ref: string; id?: string; names?: string[]; allowed?: boolean; code?: string }[];
  rejected: {
    ref: string;
    status: string;
    code: string;
    message: string;
    reasons?: { code: string; message: string; rule?: string; pattern?: string }[];
  }[];
}

const parse = (stdout: string) => JSON.parse(stdout) as Explained[];

describe("docker-mcp policy explain", () => {
  it("explains a denial with the rule and pattern that decided, and the policy revision (exit 1)", async () => {
    const run = await runCli([
      "policy",
      "explain",
      "docker_restart",
      db.name,
      "--config",
      configFile,
      "--json",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    const [e] = parse(run.stdout);
    expect(e?.tool).toBe("docker_restart");
    expect(e?.allowed).toBe(false);
    expect(e?.stage).toBe("targets");
    expect(e?.revision).toMatch(/\S/);
    expect(e?.rejected).toHaveLength(1);
    expect(e?.rejected[0]).toMatchObject({ ref: db.name, status: "denied", code: "blacklisted" });
    expect(e?.rejected[0]?.reasons).toContainEqual(
      expect.objectContaining({
        code: "blacklisted",
        rule: "permissions.blacklist_containers",
        pattern: PATTERN,
      }),
    );
    expect(e?.targets.some((t) => t.id === db.id && t.names?.includes(db.name))).toBe(true);

    // The same revision as `policy check` prints for this config.
    const check = await runCli(["policy", "check", configFile]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`revision ${e?.revision}`);

    // The human form names the verdict, the rule and the revision.
    const human = await runCli(["policy", "explain", "docker_restart", db.name, "--config", configFile]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain("DENIED");
    expect(human.stdout).toContain(PATTERN);
    expect(human.stdout).toContain(`policy revision ${e?.revision}`);
  });

  it("explains an allowed call (exit 0) without running it", async () => {
    const before = await runCli([
      "policy",
      "explain",
      "docker_restart",
      web.name,
      "--config",
      configFile,
      "--json",
    ]);
    expect(before.code).toBe(0);
    const [e] = parse(before.stdout);
    expect(e?.allowed).toBe(true);
    expect(e?.targets.map((t) => t.id)).toEqual([web.id]);
  });

  it("resolves a target given by ID prefix, and names the rule for a denied one named by ID", async () => {
    const allowed = await runCli([
      "policy",
      "explain",
      "docker_restart",
      web.id.slice(0, 12),
      "--config",
      configFile,
      "--json",
    ]);
    expect(allowed.code).toBe(0);
    expect(parse(allowed.stdout)[0]?.targets[0]?.names).toContain(web.name);

    const denied = await runCli([
      "policy",
      "explain",
      "docker_restart",
      db.id.slice(0, 12),
      "--config",
      configFile,
      "--json",
    ]);
    expect(denied.code).toBe(1);
    const [e] = parse(denied.stdout);
    expect(e?.allowed).toBe(false);
    // The model's wording hides the names and pattern of a target named by ID; the operator's does not.
    expect(e?.rejected[0]?.message).not.toContain(db.name);
    expect(e?.rejected[0]?.reasons).toContainEqual(
      expect.objectContaining({
        code: "blacklisted",
        rule: "permissions.blacklist_containers",
        pattern: PATTERN,
      }),
    );
  });

  it("refuses bad usage with exit 2 and a message that says what to do", async () => {
    const noTool = await runCli(["policy", "explain", "--config", configFile]);
    expect(noTool.code).toBe(2);
    expect(noTool.stderr).toContain("name the tool");
    expect(noTool.stderr).toContain("usage: docker-mcp policy explain TOOL");

    const badArgs = await runCli([
      "policy",
      "explain",
      "docker_exec",
      "--args",
      "{not json",
      "--config",
      configFile,
    ]);
    expect(badArgs.code).toBe(2);
    expect(badArgs.stderr).toContain("--args must be a JSON object");

    const unknownOption = await runCli(["policy", "explain", "docker_ps", "--frobnicate"]);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/frobnicate/);

    const unknownTool = await runCli(["policy", "explain", "docker_nope", "--config", configFile]);
    expect(unknownTool.code).toBe(2);
    expect(unknownTool.stdout).toContain('Unknown tool "docker_nope"');

    const noSub = await runCli(["policy", "frob"]);
    expect(noSub.code).toBe(2);
    expect(noSub.stderr).toContain("usage: docker-mcp policy explain");
  });

  it("--host explains with that host's policy: two hosts on the same daemon, one blacklisting", async () => {
    const hosts = writeConfig({
      permissions: { read: true, lifecycle: true },
      hosts: {
        open: { socket: "/var/run/docker.sock" },
        strict: {
          socket: "/var/run/docker.sock",
          policy: { permissions: { blacklist_containers: [PATTERN] } },
        },
      },
    });
    const open = await runCli([
      "policy",
      "explain",
      "docker_restart",
      db.name,
      "--host",
      "open",
      "--config",
      hosts,
      "--json",
    ]);
    expect(open.code).toBe(0);
    const [onOpen] = parse(open.stdout) as (Explained & { host: string })[];
    expect(onOpen).toMatchObject({ host: "open", allowed: true });

    const strict = await runCli([
      "policy",
      "explain",
      "docker_restart",
      db.name,
      "--host",
      "strict",
      "--config",
      hosts,
      "--json",
    ]);
    expect(strict.code).toBe(1);
    const [onStrict] = parse(strict.stdout) as (Explained & { host: string })[];
    expect(onStrict).toMatchObject({ host: "strict", allowed: false });
    expect(onStrict?.revision).not.toBe(onOpen?.revision);
    expect(onStrict?.rejected[0]?.reasons).toContainEqual(
      expect.objectContaining({
        code: "blacklisted",
        rule: "permissions.blacklist_containers",
        pattern: PATTERN,
      }),
    );
    const human = await runCli([
      "policy",
      "explain",
      "docker_restart",
      db.name,
      "--host",
      "strict",
      "--config",
      hosts,
    ]);
    expect(human.stdout).toContain(`host strict, policy revision ${onStrict?.revision}`);

    // Without --host: the first host, as a call without "host" goes.
    const byDefault = await runCli([
      "policy",
      "explain",
      "docker_restart",
      db.name,
      "--config",
      hosts,
      "--json",
    ]);
    expect(byDefault.code).toBe(0);
    expect((parse(byDefault.stdout) as (Explained & { host: string })[])[0]?.host).toBe("open");

    const unknown = await runCli([
      "policy",
      "explain",
      "docker_restart",
      db.name,
      "--host",
      "prod",
      "--config",
      hosts,
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--host prod: no such host; the config's hosts are open, strict.");

    const noHosts = await runCli([
      "policy",
      "explain",
      "docker_restart",
      db.name,
      "--host",
      "open",
      "--config",
      configFile,
    ]);
    expect(noHosts.code).toBe(2);
    expect(noHosts.stderr).toContain(
      'the config names no hosts (add a "hosts" section, or leave --host out)',
    );
  });
});
