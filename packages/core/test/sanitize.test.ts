import { describe, expect, it } from "vitest";
import { sanitizeText } from "../src/sanitize.js";

describe("sanitizeText", () => {
  it("strips ANSI colors, OSC titles and cursor moves", () => {
    expect(sanitizeText("\u001b[31mred\u001b[0m \u001b]0;title\u0007ok \u001b[2K")).toBe("red ok ");
  });
  it("strips zero-width and bidi controls (prompt-injection vectors)", () => {
    expect(sanitizeText("a\u200bb\u202ec\u2066d\ufeffe")).toBe("abcde");
  });
  it("keeps newlines, tabs and ordinary Unicode", () => {
    expect(sanitizeText("line1\n\tline2 ü 日本 🐳")).toBe("line1\n\tline2 ü 日本 🐳");
  });
});

describe("sanitizeText, table", () => {
  it.each([
    ["\u001b[31mred\u001b[0m text", "red text"],
    ["\u001b[1;32;40mbold\u001b[m", "bold"],
    ["\u001b]0;window title\u0007after", "after"],
    ["\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\", "link"],
    ["\u001b[2K\u001b[1Gprogress", "progress"],
    ["\u009b31mc1 csi", "c1 csi"],
    ["a\u200bb\u200cc\u200dd\u200ee\u200ff", "abcdef"],
    ["\u202aemb\u202b\u202c\u202d\u202eover", "embover"],
    ["\u2066iso\u2067\u2068\u2069late", "isolate"],
    ["\ufeffbom", "bom"],
    ["keep\ttab", "keep\ttab"],
    ["keep\nnewline", "keep\nnewline"],
    ["bell\u0007 and cr\r", "bell and cr"],
    ["HOME=/\u0000RUNTIME_TOKEN=abc", "HOME=/\nRUNTIME_TOKEN=abc"],
    ["naïve café 日本語 🎉", "naïve café 日本語 🎉"],
  ])("%j", (input, expected) => {
    expect(sanitizeText(input)).toBe(expected);
  });
});
