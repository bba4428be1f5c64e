import {
  docker,
  ensureBusyboxImage,
  ensureDaemon,
  type Fixture,
  removeFixtures,
  runFixture,
  waitFor,
} from "@arktechnwa/docker-mcp-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connected, call, connect, text, writeConfig } from "./harness.js";

// Secrets a container was started with, on the real daemon: passed as separate argv words, and in its
// environment. None may show in inspect, logs, exec output, grep results, cut output or the audit log.

const ARGV_SECRET = "DbPw-Xq7zK2vR9m";
const API_KEY = "Kq8-Wz3vJ5tN1p";
const ENV_SECRET = "Ev7Qz-M4xB9wLd";
const MAX_OUTPUT = 1000;

/** Every run of 4 characters of a secret (none may show, so no prefix or piece of it either). */
function fragments(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 4 <= secret.length; i++) out.push(secret.slice(i, i + 4));
  return out;
}

function leaks(shown: string): string[] {
  return [ARGV_SECRET, API_KEY, ENV_SECRET].flatMap(fragments).filter((f) => shown.includes(f));
}

let app: Fixture;
let server: Connected;

beforeAll(async () => {
  await ensureDaemon();
  await ensureBusyboxImage();
  // sh stays PID 1 (sleep is not its last command, so it is not exec'd): /proc/1/cmdline keeps the
  // secret-carrying argv.
  app = await runFixture({
    name: "app-secret-token",
    env: { DB_PASSWORD: ENV_SECRET, MODE: "test" },
    cmd: [
      "sh",
      "-c",
      'echo "starting: $*"; echo "db login ok with $2"; echo "key $4 loaded"; echo "plain line"; sleep 3600; true',
      "app",
      "--password",
      ARGV_SECRET,
      "--api-key",
      API_KEY,
    ],
  });
  await waitFor("the app fixture to log", async () =>
    (await docker(["logs", app.id])).includes("plain line"),
  );
  const config = writeConfig({
    permissions: { read: true, exec: true },
    exec_safety: { max_output: MAX_OUTPUT },
  });
  server = await connect(["--config", config]);
});

afterAll(async () => {
  await server?.close();
  await removeFixtures();
});

describe("secrets passed as separate argv words", () => {
  it("the raw fixture really carries them (the test would prove nothing otherwise)", async () => {
    const raw = await docker(["logs", app.id]);
    expect(raw).toContain(`db login ok with ${ARGV_SECRET}`);
    expect(await docker(["exec", app.id, "cat", "/proc/1/cmdline"])).toContain(ARGV_SECRET);
  });

  it.each(["all", "config"])("docker_inspect (section %s) shows none of them", async (section) => {
    const r = await call(server.client, "docker_inspect", { container: app.name, section });
    expect(r.isError).toBeFalsy();
    const shown = JSON.stringify(r);
    expect(shown).toContain("--password");
    expect(leaks(shown)).toEqual([]);
  });

  it("docker_logs shows none of them where the process echoes its args, and keeps the name", async () => {
    const r = await call(server.client, "docker_logs", { container: app.name });
    const shown = JSON.stringify(r);
    expect(leaks(shown)).toEqual([]);
    expect(text(r)).toMatch(new RegExp(`^${app.name}: 4 lines\\n`));
    expect(text(r)).toContain("db login ok with [REDACTED]");
    expect(text(r)).toContain("plain line");
  });

  it.each([
    ["cat", ["cat", "/proc/1/cmdline"]],
    ["tr NUL to newline", ["sh", "-c", "tr '\\0' '\\n' < /proc/1/cmdline"]],
    ["ps", ["ps", "-o", "args"]],
    ["xargs -0 echo", ["sh", "-c", "xargs -0 echo < /proc/1/cmdline"]],
    ["echo of the environment", ["sh", "-c", 'echo "$DB_PASSWORD"']],
  ])("docker_exec %s of the process's argv shows none of them", async (_what, command) => {
    const r = await call(server.client, "docker_exec", { container: app.name, command });
    expect(r.isError).toBeFalsy();
    expect(text(r)).toContain("[REDACTED]");
    expect(leaks(JSON.stringify(r))).toEqual([]);
  });
});

describe("secrets the caller passes", () => {
  it("an exec env value and a secret flag's value are masked where the command prints them", async () => {
    const token = "Tok-Pq4Zr8Vx2Nb";
    const flagged = "Flg-Hs6Ty1Wm9Lc";
    const r = await call(server.client, "docker_exec", {
      container: app.name,
      env: { SERVICE_TOKEN: token },
      command: ["sh", "-c", 'echo "token $SERVICE_TOKEN"; echo "flag $2"', "sh", "--api-key", flagged],
    });
    expect(r.isError).toBeFalsy();
    const shown = JSON.stringify(r);
    expect(shown).not.toContain(token.slice(4));
    expect(shown).not.toContain(flagged.slice(4));
    expect(text(r)).toContain("token [REDACTED]");
    expect(server.stderr()).not.toContain(flagged.slice(4));
  });
});

describe("grep matches the masked text, so it is no oracle", () => {
  const grepCount = async (grep: string) => {
    const r = await call(server.client, "docker_logs", { container: app.name, grep });
    expect(r.isError).toBeFalsy();
    expect(leaks(JSON.stringify(r))).toEqual([]);
    return (r.structuredContent as { line_count: number }).line_count;
  };

  it.each([
    "DbPw",
    "/with DbPw-Xq/",
    "/with DbPw-Xr/",
    `/with ${ARGV_SECRET}/`,
    "/with D/",
    "/^db login ok with [A-Z]/",
    `/${API_KEY.slice(0, 6)}/i`,
    "Kq8-W",
  ])("grep %s matches nothing", async (grep) => {
    expect(await grepCount(grep)).toBe(0);
  });

  it("the masked lines are still found by what is shown", async () => {
    expect(await grepCount("db login ok with [REDACTED]")).toBe(1);
    expect(await grepCount("/--password \\[REDACTED\\]/")).toBe(1);
  });
});

describe("a cut never shows part of a secret", () => {
  // `head -c N` zeros, then a secret: at max_output the cut falls inside the secret.
  const printAfter = (zeros: number, source: string) => [
    "sh",
    "-c",
    `head -c "$1" /dev/zero | tr '\\0' 0; ${source}`,
    "sh",
    String(zeros),
  ];
  const sources: [string, string, string][] = [
    ["an environment secret", 'echo "$DB_PASSWORD"', ENV_SECRET],
    ["an argv secret", "tr '\\0' '\\n' < /proc/1/cmdline | grep -A1 -e --password | tail -n 1", ARGV_SECRET],
  ];
  for (const [what, source, secret] of sources) {
    it.each([1, 4, 9, secret.length - 1])(`${what}, cut %i characters into it`, async (into) => {
      const r = await call(server.client, "docker_exec", {
        container: app.name,
        command: printAfter(MAX_OUTPUT - into, source),
      });
      expect(r.isError).toBeFalsy();
      const out = r.structuredContent as { stdout: string };
      // Raw, the secret crossed max_output; masked, it is whole or gone, never a piece.
      expect(Buffer.byteLength(out.stdout)).toBeLessThanOrEqual(MAX_OUTPUT);
      expect(out.stdout).toMatch(/^0+(\[REDACTED\]\n)?$/);
      expect(leaks(JSON.stringify(r))).toEqual([]);
    });
  }

  it("output far past max_output (cut before masking too) shows none of a secret", async () => {
    const r = await call(server.client, "docker_exec", {
      container: app.name,
      command: printAfter(MAX_OUTPUT + 64 * 1024 - 5, sources[0]?.[1] as string),
    });
    const out = r.structuredContent as { stdout: string; stdout_truncated_bytes: number };
    expect(out.stdout).toMatch(/^0+$/);
    expect(out.stdout_truncated_bytes).toBeGreaterThan(64 * 1024);
    expect(leaks(JSON.stringify(r))).toEqual([]);
  });
});

describe("the audit log", () => {
  it("holds none of the secrets and keeps the container's name", () => {
    const log = server.stderr();
    expect(log).toContain(`"names":["${app.name}"]`);
    expect(leaks(log)).toEqual([]);
  });
});
