import { cutUtf8 } from "@arktechnwa/mcp-mask";
import type { LogLine } from "./types.js";

/**
 * Lines kept under a byte budget (UTF-8 bytes of text + 1 per newline). In "head" mode the first lines
 * win and `add` reports when the budget is full (the reader then stops). In "tail" mode the newest
 * lines win: older ones are dropped to make room, which is what `tail=N` callers expect.
 */
export class KeptLines {
  private items: LogLine[] = [];
  private sizes: number[] = [];
  private start = 0;
  private bytes = 0;
  truncated = false;

  constructor(
    private readonly maxBytes: number,
    private readonly mode: "head" | "tail",
  ) {}

  /** Returns false once nothing more can be kept (head mode only). */
  add(line: LogLine): boolean {
    const size = Buffer.byteLength(line.text, "utf8") + 1;
    if (this.mode === "head") {
      if (this.bytes + size > this.maxBytes) {
        const room = this.maxBytes - this.bytes - 1;
        if (room > 0) this.push({ stream: line.stream, text: cutUtf8(line.text, room) }, room + 1);
        this.truncated = true;
        return false;
      }
      this.push(line, size);
      return true;
    }
    if (size > this.maxBytes) {
      // A single line bigger than the whole budget: keep its beginning only.
      this.clear();
      const room = Math.max(0, this.maxBytes - 1);
      this.push({ stream: line.stream, text: cutUtf8(line.text, room) }, room + 1);
      this.truncated = true;
      return true;
    }
    this.push(line, size);
    while (this.bytes > this.maxBytes) {
      this.bytes -= this.sizes[this.start] ?? 0;
      this.start++;
      this.truncated = true;
    }
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.sizes = this.sizes.slice(this.start);
      this.start = 0;
    }
    return true;
  }

  lines(): LogLine[] {
    return this.items.slice(this.start);
  }

  private push(line: LogLine, size: number): void {
    this.items.push(line);
    this.sizes.push(size);
    this.bytes += size;
  }

  private clear(): void {
    this.items = [];
    this.sizes = [];
    this.start = 0;
    this.bytes = 0;
  }
}
