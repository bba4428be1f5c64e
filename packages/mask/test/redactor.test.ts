import { describe, expect, it } from "vitest";
import { MASK, maskArgv, maskText, maskValue, Redactor, secretValuesFromEnv } from "../src/index.js";
import { SECRET_SHAPE_HINT, SECRET_SHAPES } from "../src/secret-shapes.js";
import { SHAPED_SECRETS } from "./secrets.js";

/** The part of a secret that must never show: its body past any fixed prefix. */
function body(secret: string): string {
  return secret.includes("\n") ? (secret.split("\n")[1] as string) : secret.slice(-12);
}

describe("the table masks well-known shapes wherever they appear", () => {
  const contexts = [
    (s: string) => s,
    (s: string) => `value: ${s} end`,
    (s: string) => `key=${s}`,
    (s: string) => `"${s}"`,
    (s: string) => `(${s})`,
    (s: string) => `line one\n${s}\nline three`,
  ];
  for (const [name, secret] of SHAPED_SECRETS) {
    it.each(contexts.map((c, i) => [i, c] as const))(`${name} in context %i`, (_i, context) => {
      const out = new Redactor().text(context(secret));
      expect(out).not.toContain(body(secret));
      expect(out).toContain(MASK);
    });
  }

  it("masks a private key block whose END line was cut off, to the end of the text", () => {
    const out = maskText("key:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04");
    expect(out).not.toContain("MHcCAQEE");
  });

  it("keeps the scheme of an auth header and the user of a URL", () => {
    expect(maskText("Authorization: Bearer abcdefghijklmnop")).toBe(`Authorization: Bearer ${MASK}`);
    expect(maskText("Authorization: Basic dXNlcjpwYXNzd29yZA==")).toBe(`Authorization: Basic ${MASK}`);
    expect(maskText("postgres://user:pa55@db:5432/app")).toBe(`postgres://user:${MASK}@db:5432/app`);
    expect(maskText("redis://:s3cret@cache:6379")).toBe(`redis://:${MASK}@cache:6379`);
    expect(maskText("Token expired, log in again")).toBe("Token expired, log in again");
  });
});

describe("secret-named keys in free text", () => {
  it.each([
    ["DB_PASSWORD=hunter2", `DB_PASSWORD=${MASK}`],
    ["export API_TOKEN='a b c'", `export API_TOKEN=${MASK}`],
    ["--password=hunter2", `--password=${MASK}`],
    ["--api-key=k123456", `--api-key=${MASK}`],
    ["password: hunter2", `password: ${MASK}`],
    ['password: "longpass"', `password: ${MASK}`],
    ['{"password": "hunter2", "user": "bob"}', `{"password": ${MASK}, "user": "bob"}`],
    ["password = hunter2", `password = ${MASK}`],
    ["X-Api-Key: abcdef123", `X-Api-Key: ${MASK}`],
    ["Authorization: abcdef123", `Authorization: ${MASK}`],
    ["app --password hunter2 --port 80", `app --password ${MASK} --port 80`],
    ["app -token hunter2", `app -token ${MASK}`],
    ["app\n--password\nhunter2\n", `app\n--password\n${MASK}\n`],
    ["app\u0000--password\u0000hunter2\u0000", `app\u0000--password\u0000${MASK}\u0000`],
    ["HOME=/root\nSECRET_KEY=abcdef123\nPATH=/bin", `HOME=/root\nSECRET_KEY=${MASK}\nPATH=/bin`],
    // Settings and prose stay.
    ["PATH=/usr/bin", "PATH=/usr/bin"],
    ["POSTGRES_PASSWORD_FILE=/run/secrets/db", "POSTGRES_PASSWORD_FILE=/run/secrets/db"],
    ["app --auth --port 80", "app --auth --port 80"],
    ["app --verbose hunter2", "app --verbose hunter2"],
    ["grep -A1 -e --password | tail -n 1", "grep -A1 -e --password | tail -n 1"],
    ["12:30:45 server started", "12:30:45 server started"],
    ["see https://example.com/a", "see https://example.com/a"],
  ])("%j", (input, expected) => {
    expect(maskText(input)).toBe(expected);
  });

  it("is idempotent: masking masked text changes nothing", () => {
    const r = new Redactor(["hunter2hunter2"]);
    const inputs = [
      "DB_PASSWORD=hunter2hunter2 --token abc123456 password: x1234 postgres://u:p4ss@h",
      ...SHAPED_SECRETS.map(([, s]) => `k=${s}`),
    ];
    for (const input of inputs) {
      const once = r.text(input);
      expect(r.text(once)).toBe(once);
    }
  });
});

describe("resource names are not keys", () => {
  it("keeps what follows a container name that contains secret/token/auth", () => {
    const r = new Redactor();
    r.addNames(["app-secret-token", "my-secret-app", "auth"]);
    expect(r.text("app-secret-token: 3 lines")).toBe("app-secret-token: 3 lines");
    expect(r.text("my-secret-app: connected line")).toBe("my-secret-app: connected line");
    expect(r.text("auth: done")).toBe("auth: done");
    expect(r.value({ "app-secret-token": "running" })).toEqual({ "app-secret-token": "running" });
    // The names themselves are never masked; a real secret after a name still is.
    expect(r.text("app-secret-token: token ghp_0123456789abcdefghijABCDEFGHIJ012345")).toBe(
      `app-secret-token: token ${MASK}`,
    );
    // `=` assignments are environment syntax, never a container speaking.
    expect(r.text("app-secret-token=hunter2")).toBe(`app-secret-token=${MASK}`);
  });

  it("without registered names, a secret-looking key before a colon is masked (hence addNames)", () => {
    expect(maskText("app-secret-token: s3cr3t")).toBe(`app-secret-token: ${MASK}`);
    expect(maskText("my-secret-app: s3cr3t")).toBe(`my-secret-app: ${MASK}`);
    expect(maskText("my-app: s3cr3t")).toBe("my-app: s3cr3t");
  });
});

describe("learned values", () => {
  it("masks environment values by key and keeps the key", () => {
    const out = new Redactor().value({
      Config: { Env: ["PATH=/bin", "DB_PASSWORD=hunter2hunter2", "MODE=prod"] },
    });
    expect(out.Config.Env).toEqual(["PATH=/bin", `DB_PASSWORD=${MASK}`, "MODE=prod"]);
  });

  it("masks a learned secret wherever it appears again", () => {
    const r = new Redactor();
    const doc = {
      env: ["API_TOKEN=s3cr3t-value"],
      log: "connecting with s3cr3t-value now",
      nested: [{ x: "s3cr3t-value" }],
    };
    r.learn(doc);
    const out = r.value(doc);
    expect(JSON.stringify(out)).not.toContain("s3cr3t-value");
    expect(out.log).toBe(`connecting with ${MASK} now`);
  });

  it("learns from environment entries: secret keys and URL passwords", () => {
    const r = new Redactor(
      secretValuesFromEnv(["POSTGRES_PASSWORD=pa55word!", "URL=postgres://app:dbpass99@db/x", "MODE=prod"]),
    );
    expect(r.text("pw is pa55word! and dbpass99, mode prod")).toBe(`pw is ${MASK} and ${MASK}, mode prod`);
  });

  it("does not hunt short or trivial values", () => {
    const r = new Redactor(["ab", "true", "none"]);
    r.addEnv(["AUTH_ENABLED=true", "DB_PASSWORD=xyz"]);
    expect(r.text("ab true none xyz")).toBe("ab true none xyz");
  });

  it("masks the value after a secret flag in an array of words", () => {
    const out = new Redactor().value({ Args: ["--password", "hunter2", "--port", "80"], Path: "app" });
    expect(out).toEqual({ Args: ["--password", MASK, "--port", "80"], Path: "app" });
  });

  it("hides what sits under a secret-named key, searching structure", () => {
    const out = maskValue({
      password: "x",
      pin_token: 1234,
      tokens: ["a", "b"],
      auth: { username: "bob", password: "pw" },
      enabled: true,
    });
    expect(out).toEqual({
      password: MASK,
      pin_token: MASK,
      tokens: [MASK, MASK],
      auth: { username: "bob", password: MASK },
      enabled: true,
    });
  });
});

describe("records", () => {
  it("maskArgv hides every environment value and the value after a secret flag", () => {
    expect(
      maskArgv([
        "env",
        "MODE=dev",
        "-e",
        "FOO=bar",
        "psql",
        "--password",
        "hunter2",
        "--token=s3",
        "dd",
        "if=/x",
      ]),
    ).toEqual([
      "env",
      `MODE=${MASK}`,
      "-e",
      `FOO=${MASK}`,
      "psql",
      "--password",
      MASK,
      `--token=${MASK}`,
      "dd",
      "if=/x",
    ]);
  });

  it("maskValue with everyEnvValue hides every environment value of a spec", () => {
    expect(maskValue({ env: ["A=1", "B"], labels: { api_key: "k" } }, { everyEnvValue: true })).toEqual({
      env: [`A=${MASK}`, MASK],
      labels: { api_key: MASK },
    });
  });
});

describe("the quick hints in front of the rules", () => {
  it("every shape's example carries the hint that lets its rule run", () => {
    for (const { name, pattern } of SECRET_SHAPES) {
      const examples = SHAPED_SECRETS.filter(([, secret]) => new RegExp(pattern.source).test(secret));
      expect(examples.length, `an example of ${name} in test/secrets.ts`).toBeGreaterThan(0);
      for (const [, secret] of examples) expect(SECRET_SHAPE_HINT.test(secret), name).toBe(true);
    }
  });
});

// A learned secret is masked where it reads inside a JSON string too (a prompt sent to a model, an
// audit line): JSON escapes quotes, backslashes and control characters, so the raw value never matches.
describe("learned secrets inside JSON text", () => {
  const secrets = [
    'pa"ss-w0rd-42',
    "back\\slash-Secret9",
    "tab\there-Secret9",
    "new\nline-Secret9",
    "nul\u0000byte-Secret9",
    '"\\"\\\\mixed-Secret9',
    "plain-Secret-Value9",
  ];
  it.each(secrets)("%j", (secret) => {
    const r = new Redactor([secret]);
    const json = JSON.stringify({ found: `probe said ${secret} and left`, list: [secret] }, null, 1);
    const masked = r.text(json);
    expect(masked).not.toContain(secret);
    expect(masked).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(JSON.parse(masked).found).toBe("probe said [REDACTED] and left");
    // And the raw form still.
    expect(r.text(`x ${secret} y`)).toBe("x [REDACTED] y");
  });
});

describe("Redactor: repeated strings and the clean hook", () => {
  it("masks a string it saw before once a secret or name learned since makes it differ", () => {
    const r = new Redactor();
    const line = "connected with hunter2hunter2 as the key";
    expect(r.text(line)).toBe(line);
    r.add(["hunter2hunter2"]);
    expect(r.text(line)).toBe(`connected with ${MASK} as the key`);
    // "token: ..." is a secret assignment until a resource called "token" is known to be speaking.
    expect(r.text("token: abc123456")).toBe(`token: ${MASK}`);
    r.addNames(["token"]);
    expect(r.text("token: abc123456")).toBe("token: abc123456");
  });

  it("cleans every string before masking it, argv flags included, in one walk", () => {
    const r = new Redactor();
    const strip = (s: string) => s.replace(/\u200b/g, "");
    const out = r.value(
      { argv: ["app", "--pass\u200bword", "s3cr3t-value"], note: "a\u200bb" },
      { clean: strip },
    );
    expect(out).toEqual({ argv: ["app", "--password", MASK], note: "ab" });
  });
});
