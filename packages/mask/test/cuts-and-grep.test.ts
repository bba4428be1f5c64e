import { describe, expect, it } from "vitest";
import { cutMasked, cutMaskedChars, EDGE_GUARD_CHARS, MASK, Redactor } from "../src/index.js";
import { SHAPED_SECRETS } from "./secrets.js";

const LEARNED = "DbPw-hunter2-Zq9xY";

/** Each case: a redactor that knows (or recognizes) the secret, and the secret as it appears in text. */
const CASES: readonly [string, () => Redactor, string][] = [
  ["learned from the environment", () => learned([`DB_PASSWORD=${LEARNED}`]), LEARNED],
  ["learned from the argv", () => argvLearned(["app", "--password", LEARNED]), LEARNED],
  ["secret-named assignment", () => new Redactor(), `DB_PASSWORD=${LEARNED}`],
  ...SHAPED_SECRETS.filter(([, s]) => !s.includes("\n")).map(
    ([name, s]) => [name, () => new Redactor(), s] as [string, () => Redactor, string],
  ),
];

function learned(env: string[]): Redactor {
  const r = new Redactor();
  r.addEnv(env);
  return r;
}
function argvLearned(argv: string[]): Redactor {
  const r = new Redactor();
  r.addArgv(argv);
  return r;
}

/** The characters of the secret itself that must never show (past a fixed, public prefix). */
function secretPart(s: string): string {
  const eq = s.indexOf("=");
  return eq > 0 ? s.slice(eq + 1) : s;
}

/** Every run of 4 characters of the secret's value: none may appear in what is shown. */
function fragments(s: string): string[] {
  const v = secretPart(s);
  const out: string[] = [];
  for (let i = 0; i + 4 <= v.length; i++) out.push(v.slice(i, i + 4));
  return out;
}

function leaks(shown: string, s: string): string[] {
  return fragments(s).filter((f) => shown.includes(f));
}

const FILLER = ". ".repeat(40);

describe("a cut never shows part of a secret", () => {
  for (const [name, make, secret] of CASES) {
    it(`${name}: mask then cut, at every position through the secret`, () => {
      const text = `${FILLER}${secret} ${FILLER}`;
      for (let cut = FILLER.length - 2; cut <= FILLER.length + secret.length + 2; cut++) {
        const shown = make().capped(text, cut).text;
        expect(Buffer.byteLength(shown)).toBeLessThanOrEqual(cut);
        expect(leaks(shown, secret), `cut at ${cut}: ${JSON.stringify(shown)}`).toEqual([]);
      }
    });

    it(`${name}: text cut upstream (before masking) through the secret`, () => {
      const text = `${FILLER.repeat(5)}${secret}${FILLER}`;
      const start = FILLER.length * 5;
      for (let cut = start; cut <= start + secret.length; cut++) {
        const shown = make().capped(text.slice(0, cut), Number.POSITIVE_INFINITY, true).text;
        expect(leaks(shown, secret), `cut at ${cut}: ${JSON.stringify(shown)}`).toEqual([]);
      }
    });
  }

  it("an upstream cut drops at least the longest learned secret", () => {
    const long = `L${"x".repeat(EDGE_GUARD_CHARS * 2)}`;
    const r = new Redactor([long]);
    const text = `${"a ".repeat(EDGE_GUARD_CHARS * 4)}${long.slice(0, EDGE_GUARD_CHARS + 10)}`;
    expect(r.capped(text, Number.POSITIVE_INFINITY, true).text).not.toContain("Lxxx");
  });

  it("never ends inside a mask, and counts what it left out", () => {
    const r = new Redactor(["hunter2hunter2"]);
    const masked = `ab ${MASK} cd`;
    for (let n = 0; n <= masked.length; n++) {
      const cut = cutMasked(masked, n);
      expect(cut === masked.slice(0, n) || cut === "ab ").toBe(true);
      expect(cutMaskedChars(masked, n)).toBe(cut);
    }
    const { text, droppedBytes } = r.capped("ab hunter2hunter2 cd", 6);
    expect(text).toBe("ab ");
    expect(droppedBytes).toBe(Buffer.byteLength(`ab ${MASK} cd`) - 3);
  });

  it("never splits a character", () => {
    expect(cutMasked("héllo", 2)).toBe("h");
    expect(cutMaskedChars("a😀b", 2)).toBe("a");
  });
});

describe("grep runs on masked text, so it is no oracle", () => {
  /** What a grep tool must do: match the masked line, never the raw one. */
  function grep(r: Redactor, lines: string[], pattern: RegExp): string[] {
    return lines.map((l) => r.text(l)).filter((l) => pattern.test(l));
  }

  for (const [name, make, secret] of CASES) {
    it(`${name}: no prefix of the secret matches a line that holds it`, () => {
      const lines = ["boot", `connecting with ${secret} to db`, "ready"];
      const value = secretPart(secret);
      for (let n = 3; n <= value.length; n++) {
        const prefix = value.slice(0, n).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        expect(grep(make(), lines, new RegExp(prefix)), `prefix ${value.slice(0, n)}`).toEqual([]);
        expect(grep(make(), lines, new RegExp(`with ${prefix}`))).toEqual([]);
      }
    });
  }
});

describe("masking costs linear time, whatever the text", () => {
  // Text a container can print to make a backtracking rule scan the rest of the text at every position.
  it.each([
    ["URL without @", "http://a:b".repeat(40_000)],
    ["assignments", "a=".repeat(200_000)],
    ["flags", "--a ".repeat(100_000)],
    ["secret keys", "token: ".repeat(50_000)],
    ["colons", "a:".repeat(200_000)],
    ["JWT starts", "eyJaaaaaaaaaa.".repeat(30_000)],
    ["key blocks", "-----BEGIN RSA PRIVATE KEY-----\n".repeat(10_000)],
    ["auth schemes", "Bearer ".repeat(50_000)],
    ["quotes", 'password="'.repeat(40_000)],
  ])("%s (400 kB) in well under a second", (_name, text) => {
    const r = new Redactor(["hunter2hunter2"]);
    const started = performance.now();
    r.text(text);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
