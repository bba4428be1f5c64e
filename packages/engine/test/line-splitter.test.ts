import { describe, expect, it } from "vitest";
import { LineSplitter } from "../src/index.js";

function split(chunks: Uint8Array[], maxLineChars = 1000): { lines: string[]; cuts: boolean[] } {
  const lines: string[] = [];
  const cuts: boolean[] = [];
  const splitter = new LineSplitter((line, cut) => {
    lines.push(line);
    cuts.push(cut);
  }, maxLineChars);
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return { lines, cuts };
}

describe("LineSplitter", () => {
  it("keeps a partial last line and strips CRLF", () => {
    expect(split([Buffer.from("a\r\nb\nc")]).lines).toEqual(["a", "b", "c"]);
  });

  it("decodes multibyte characters split at every byte", () => {
    const bytes = Buffer.from("héllo 日本 🎉\nzweite Zeile\n");
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { lines } = split([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(lines).toEqual(["héllo 日本 🎉", "zweite Zeile"]);
    }
  });

  it("replaces invalid UTF-8 instead of failing", () => {
    const { lines } = split([Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a, 0xc3])]);
    expect(lines).toEqual(["a\ufffd\ufffdb", "\ufffd"]);
  });

  it("cuts an endless line and skips the rest of it", () => {
    const long = Buffer.alloc(10_000, 0x78);
    const { lines, cuts } = split([long, long, Buffer.from("\nnext\n")], 100);
    expect(lines).toEqual(["x".repeat(100), "next"]);
    expect(cuts).toEqual([true, false]);
  });
});
