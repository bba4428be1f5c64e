import { describe, expect, it } from "vitest";
import { isSecretFlag, isSecretKey, normalizeName } from "../src/index.js";

describe("isSecretKey judges keys", () => {
  it.each([
    ["DB_PASSWORD", true],
    ["postgres_password", true],
    ["PGPASSWORD", true],
    ["MYSQL_ROOT_PASSWD", true],
    ["GPG_PASSPHRASE", true],
    ["DB_PASS", true],
    ["PASS", true],
    ["requirepass", true],
    ["API_KEY", true],
    ["apiKey", true],
    ["x-api-key", true],
    ["X-Auth-Token", true],
    ["GITHUB_TOKEN", true],
    ["AWS_SESSION_TOKEN", true],
    ["AWS_REGION", true],
    ["MY_SECRET_THING", true],
    ["SECRET_KEY_BASE", true],
    ["SSH_PRIVATE_KEY", true],
    ["GOOGLE_APPLICATION_CREDENTIALS", true],
    ["Authorization", true],
    ["masterauth", true],
    ["Cookie", true],
    ["SENTRY_DSN", true],
    ["DATABASE_URL", true],
    ["PATH", false],
    ["HOME", false],
    ["PWD", false],
    ["NODE_ENV", false],
    ["AUTHOR", false],
    ["AUTHORITY", false],
    ["KEYBOARD", false],
    ["HOSTNAME", false],
    ["name", false],
    ["", false],
    // A last word that describes the secret: a path, a duration, a port, a user name.
    ["POSTGRES_PASSWORD_FILE", false],
    ["TOKEN_TTL", false],
    ["SESSION_TIMEOUT", false],
    ["auth-port", false],
    ["authenticationDatabase", false],
    ["AUTH_USER", false],
    ["TOKEN_TYPE", false],
  ])("%s -> %s", (name, expected) => {
    expect(isSecretKey(name)).toBe(expected);
  });

  it("normalizes camelCase, dashes and dots to one form", () => {
    expect(normalizeName("--db-password")).toBe("DB_PASSWORD");
    expect(normalizeName("apiKey")).toBe("API_KEY");
    expect(normalizeName("spring.datasource.password")).toBe("SPRING_DATASOURCE_PASSWORD");
  });
});

describe("isSecretFlag", () => {
  it.each([
    ["--password", true],
    ["-password", true],
    ["--api-key", true],
    ["--apiKey", true],
    ["--db-pass", true],
    ["--requirepass", true],
    ["--token", true],
    ["-token", true],
    ["--client-secret", true],
    ["--password=x", false],
    ["password", false],
    ["--port", false],
    ["-p", false],
    ["--password-file", false],
    ["--verbose", false],
  ])("%s -> %s", (word, expected) => {
    expect(isSecretFlag(word)).toBe(expected);
  });
});
