import { describe, expect, it } from "vitest";
import { cutUtf8 } from "../src/index.js";

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
