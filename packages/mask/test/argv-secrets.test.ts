import { describe, expect, it } from "vitest";
import { MASK, Redactor, secretValuesFromArgv } from "../src/index.js";

const VALUE = "DbPw-hunter2-Zq9";

/** Argv forms that carry VALUE as a secret, the way containers are really started. */
const CARRIERS: readonly [string, string[]][] = [
  ["--password VALUE", ["app", "--password", VALUE]],
  ["--password=VALUE", ["app", `--password=${VALUE}`]],
  ["-password VALUE", ["app", "-password", VALUE]],
  ["--api-key VALUE", ["app", "--api-key", VALUE, "--port", "8080"]],
  ["--apiKey VALUE", ["app", "--apiKey", VALUE]],
  ["--db-pass VALUE", ["app", "--db-pass", VALUE]],
  ["--token VALUE", ["/usr/bin/app", "serve", "--token", VALUE]],
  ["-token VALUE", ["app", "-token", VALUE]],
  ["--client-secret VALUE", ["oauth-proxy", "--client-secret", VALUE]],
  ["redis --requirepass VALUE", ["redis-server", "--requirepass", VALUE]],
  ["redis --masterauth VALUE", ["redis-server", "--masterauth", VALUE]],
  ["KEY=VALUE word", ["env", `DB_PASSWORD=${VALUE}`, "app"]],
  ["-e KEY=VALUE", ["run", "-e", `API_TOKEN=${VALUE}`]],
  ["quoted KEY='VALUE'", ["env", `SECRET='${VALUE}'`, "app"]],
  ["URL password", ["app", `--db=postgres://app:${VALUE}@db/app`]],
  ["mysql -pVALUE", ["mysqladmin", "ping", "-uroot", `-p${VALUE}`]],
  ["mariadb -pVALUE", ["/usr/bin/mariadb", `-p${VALUE}`, "-e", "select 1"]],
  ["sh -c script with --password VALUE", ["sh", "-c", `exec app --password ${VALUE} --verbose`]],
  ["sh -c script with quoted value", ["sh", "-c", `app --token "${VALUE}" && echo ok`]],
  ["sh -c script with KEY=VALUE", ["/bin/sh", "-c", `DB_PASSWORD=${VALUE} exec app`]],
  ["nested sh -c", ["sh", "-c", `sh -c 'app --secret ${VALUE}'`]],
  ["healthcheck CMD form", ["CMD", "mysqladmin", "ping", `--password=${VALUE}`]],
  ["healthcheck CMD form with -pVALUE", ["CMD", "mysqladmin", "ping", "-h", "localhost", `-p${VALUE}`]],
  ["script naming mysql after cd", ["sh", "-c", `cd /srv && mysql -uroot -p${VALUE} < init.sql`]],
];

/** Where the target's argv shows up again, and how. */
const ECHOES: readonly [string, (argv: string[]) => string][] = [
  ["a process echoing its args", (argv) => `starting with args: ${argv.join(" ")}`],
  ["the value alone on a log line", () => `connected using ${VALUE}`],
  ["/proc/1/cmdline (NUL separators)", (argv) => `${argv.join("\u0000")}\u0000`],
  ["/proc/1/cmdline after NUL became a line break", (argv) => `${argv.join("\n")}\n`],
  ["ps output", (argv) => `    1 root      0:00 ${argv.join(" ")}`],
  ["JSON of the argv", (argv) => JSON.stringify(argv)],
  ["an error quoting the value", () => `login failed for password '${VALUE}'`],
];

describe("argv secrets are learned from the target's argv and masked everywhere", () => {
  for (const [name, argv] of CARRIERS) {
    it(`${name}: learned`, () => {
      expect(secretValuesFromArgv(argv)).toContain(VALUE);
    });
    it.each(ECHOES.map(([where, echo]) => [where, echo] as const))(
      `${name}: masked in %s`,
      (_where, echo) => {
        const r = new Redactor();
        r.addArgv(argv);
        const out = r.text(echo(argv));
        expect(out).not.toContain(VALUE);
        expect(out).not.toContain(VALUE.slice(0, 8));
      },
    );
    it(`${name}: masked in an inspect-like document`, () => {
      const r = new Redactor();
      r.addArgv(argv);
      const doc = { Path: argv[0], Args: argv.slice(1), Config: { Cmd: argv, Entrypoint: null } };
      expect(JSON.stringify(r.value(doc))).not.toContain(VALUE);
    });
  }

  it("a flag without a value, or followed by another flag, teaches nothing", () => {
    expect(secretValuesFromArgv(["mongod", "--auth", "--bind_ip_all"])).toEqual([]);
    expect(secretValuesFromArgv(["app", "--token"])).toEqual([]);
    expect(
      secretValuesFromArgv(["app", "--auth-port", "8080", "--password-file", "/run/secrets/pw"]),
    ).toEqual([]);
  });

  it("-p glued to a value is a password for MySQL clients only (elsewhere it is a port)", () => {
    expect(secretValuesFromArgv(["nc", "-lp1234"])).toEqual([]);
    expect(secretValuesFromArgv(["app", "-p8080"])).toEqual([]);
    expect(secretValuesFromArgv(["mysql", "-pS3cretPw"])).toEqual(["S3cretPw"]);
  });

  it("the fixed rules mask argv secrets of processes nobody learned from (e.g. ps of other processes)", () => {
    const r = new Redactor();
    const ps = "  7 app --password hunter2 --api-key=k-123456\n  9 worker -token abcdef\n";
    expect(r.text(ps)).toBe(`  7 app --password ${MASK} --api-key=${MASK}\n  9 worker -token ${MASK}\n`);
  });
});
