import { describe, expect, it } from "vitest";
import { cutUtf8, sanitizeText } from "../src/index.js";

describe("sanitizeText", () => {
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
    ["bell\u0007 and nul\u0000 and cr\r", "bell and nul and cr"],
    ["naïve café 日本語 🎉", "naïve café 日本語 🎉"],
  ])("%j", (input, expected) => {
    expect(sanitizeText(input)).toBe(expected);
  });
});

describe("cutUtf8", () => {
  it("never splits a character", () => {
    const text = "aé日🎉b";
    for (let n = 0; n <= Buffer.byteLength(text); n++) {
      const cut = cutUtf8(text, n);
      expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(n);
      expect(cut).not.toContain("\ufffd");
      expect(text.startsWith(cut)).toBe(true);
    }
    expect(cutUtf8(text, 100)).toBe(text);
  });
});
