import { describe, expect, it } from "vitest";
import { isSecretKey, MASK, Redactor, secretValuesFromEnv } from "../src/redact.js";
import { sanitizeText } from "../src/sanitize.js";

describe("isSecretKey", () => {
  it.each([
    ["DB_PASSWORD", true],
    ["postgres_password", true],
    ["API_KEY", true],
    ["GITHUB_TOKEN", true],
    ["AWS_REGION", true],
    ["MY_SECRET_THING", true],
    ["SSH_PRIVATE_KEY", true],
    ["GOOGLE_APPLICATION_CREDENTIALS", true],
    ["PATH", false],
    ["HOME", false],
    ["NODE_ENV", false],
    ["AUTHOR", false],
    ["KEYBOARD", false],
  ])("%s -> %s", (name, expected) => {
    expect(isSecretKey(name)).toBe(expected);
  });
});

describe("Redactor", () => {
  it("masks env values by key and keeps the key", () => {
    const r = new Redactor();
    const out = r.value({ Config: { Env: ["PATH=/bin", "DB_PASSWORD=hunter2hunter2", "MODE=prod"] } });
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

  it("masks values given up front (e.g. a container's env) in free text", () => {
    const r = new Redactor(
      secretValuesFromEnv(["POSTGRES_PASSWORD=pa55word!", "URL=postgres://app:dbpass99@db/x"]),
    );
    expect(r.text("pw is pa55word! and dbpass99")).toBe(`pw is ${MASK} and ${MASK}`);
  });

  it("masks secret-keyed assignments in free text such as `env` output", () => {
    const r = new Redactor();
    expect(r.text("HOME=/root\nSECRET_KEY=abcdef123\nPATH=/bin")).toBe(
      `HOME=/root\nSECRET_KEY=${MASK}\nPATH=/bin`,
    );
    expect(r.text('password: "longpass"')).toBe(`password: ${MASK}`);
  });

  it("masks well-known secret shapes", () => {
    const r = new Redactor();
    const samples = [
      "AKIAIOSFODNN7EXAMPLE",
      "ghp_0123456789abcdefghijABCDEFGHIJ012345",
      "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
      "glpat-abcdefghij0123456789",
      "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
    ];
    for (const s of samples) expect(r.text(`value: ${s} end`)).not.toContain(s.slice(4, 20));
    expect(r.text("Authorization: Bearer abcdefghijklmnop")).toBe(`Authorization: Bearer ${MASK}`);
    expect(r.text("postgres://user:pa55@db:5432/app")).toBe(`postgres://user:${MASK}@db:5432/app`);
  });

  it("masks secret-keyed entries of /proc/*/environ once NULs become line breaks", () => {
    const r = new Redactor();
    const environ = sanitizeText("HOME=/\u0000RUNTIME_TOKEN=abcdef123456\u0000PATH=/bin\u0000");
    expect(r.text(environ)).toBe(`HOME=/\nRUNTIME_TOKEN=${MASK}\nPATH=/bin\n`);
  });

  it("does not mask short or ordinary values", () => {
    const r = new Redactor(["ab"]);
    expect(r.text("ab cd")).toBe("ab cd");
    expect(r.text("hello world")).toBe("hello world");
  });
});
