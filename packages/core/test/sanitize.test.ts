import { describe, expect, it } from "vitest";
import { sanitizeText } from "../src/index.js";

describe("sanitizeText", () => {
  it("strips ANSI colours, OSC titles and cursor moves", () => {
    expect(sanitizeText("\u001b[31mred\u001b[0m \u001b]0;title\u0007ok \u001b[2K")).toBe("red ok ");
  });
  it("strips zero-width and bidi controls (prompt-injection vectors)", () => {
    expect(sanitizeText("a\u200bb\u202ec\u2066d\ufeffe")).toBe("abcde");
  });
  it("keeps newlines, tabs and ordinary Unicode", () => {
    expect(sanitizeText("line1\n\tline2 ü 日本 🐳")).toBe("line1\n\tline2 ü 日本 🐳");
  });
});
