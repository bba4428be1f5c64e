import { describe, expect, it } from "vitest";
import { execEnvInput } from "../src/command-input.js";
import { splitShellWords } from "../src/index.js";

describe("splitShellWords", () => {
  it.each([
    ["ls -la /tmp", ["ls", "-la", "/tmp"]],
    ["echo 'two words'  \"and more\"", ["echo", "two words", "and more"]],
    ['echo "a \\"quoted\\" word"', ["echo", 'a "quoted" word']],
    ["echo a\\ b", ["echo", "a b"]],
    ["echo ''", ["echo", ""]],
    ["grep -r 'x*y' .", ["grep", "-r", "x*y", "."]],
    ["echo a=b", ["echo", "a=b"]],
    ["echo x#y", ["echo", "x#y"]],
    ["   ", []],
  ])("%j -> %j", (line, words) => {
    expect(splitShellWords(line)).toEqual(words);
  });

  it.each([
    ["ls | wc -l", "|"],
    ["echo hi; rm x", ";"],
    ["echo $HOME", "$"],
    ["echo `id`", "`"],
    ["cat < /etc/passwd", "<"],
    ["ls *.log", "*"],
    ["ls file?.txt", "?"],
    ["ls [ab].txt", "["],
    ["echo hi # note", "#"],
    ["ls ~/x", "~"],
    ["FOO=1 env", "="],
    ['echo "$(id)"', "$"],
  ])("refuses %j, which needs a shell (%s)", (line, ch) => {
    expect(() => splitShellWords(line)).toThrow(new RegExp(`\\(\\${ch}\\)[\\s\\S]*\\["sh", "-c"`));
  });

  it("says what is wrong with unclosed quotes", () => {
    expect(() => splitShellWords("echo 'oops")).toThrow(/unclosed single quote/);
    expect(() => splitShellWords('echo "oops')).toThrow(/unclosed double quote/);
  });
});

describe("exec env", () => {
  it("refuses variables that change which program runs", () => {
    for (const env of [{ PATH: "/tmp" }, { LD_PRELOAD: "/x.so" }, ["BASH_ENV=/x"], { IFS: "/" }]) {
      const r = execEnvInput.safeParse(env);
      expect(r.success, JSON.stringify(env)).toBe(false);
    }
    expect(execEnvInput.safeParse({ FOO: "bar", LANG: "C" }).success).toBe(true);
  });
});
