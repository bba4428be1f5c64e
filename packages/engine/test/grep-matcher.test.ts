import { describe, expect, it } from "vitest";
import { GREP_MAX_LINE_CHARS } from "../src/index.js";
import { matchText } from "../src/logs.js";

describe("matchText (what a grep matcher is given)", () => {
  it("is the line itself up to 64 KiB", () => {
    expect(GREP_MAX_LINE_CHARS).toBe(65_536);
    const line = "a".repeat(GREP_MAX_LINE_CHARS);
    expect(matchText(line)).toBe(line);
  });

  it("cuts a longer line at 64 KiB, never between the halves of a surrogate pair", () => {
    expect(matchText("b".repeat(256 * 1024))).toHaveLength(GREP_MAX_LINE_CHARS);
    const emoji = `${"c".repeat(GREP_MAX_LINE_CHARS - 1)}🎉tail`;
    expect(matchText(emoji)).toBe("c".repeat(GREP_MAX_LINE_CHARS - 1));
  });
});
