/**
 * Decodes one byte stream as UTF-8 (invalid bytes become U+FFFD; a character split across chunks is
 * decoded whole) and splits it into lines. A line longer than `maxLineChars` is cut: the rest up to the
 * next newline is skipped, so one endless line cannot grow memory.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });
  private pending = "";
  private skipping = false;

  constructor(
    private readonly onLine: (line: string, cut: boolean) => void,
    private readonly maxLineChars: number,
  ) {}

  push(bytes: Uint8Array): void {
    this.feed(this.decoder.decode(bytes, { stream: true }));
  }

  /** Flushes the decoder and emits a partial last line (it is still a line). */
  end(): void {
    this.feed(this.decoder.decode());
    if (this.pending.length > 0) {
      const line = this.pending;
      this.pending = "";
      this.onLine(stripCr(line), false);
    }
    this.skipping = false;
  }

  private feed(text: string): void {
    let start = 0;
    for (;;) {
      const newline = text.indexOf("\n", start);
      if (newline === -1) break;
      const piece = text.slice(start, newline);
      start = newline + 1;
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      const line = this.pending + piece;
      this.pending = "";
      this.onLine(stripCr(line), false);
    }
    if (this.skipping) return;
    this.pending += text.slice(start);
    if (this.pending.length > this.maxLineChars) {
      const line = this.pending.slice(0, this.maxLineChars);
      this.pending = "";
      this.skipping = true;
      this.onLine(line, true);
    }
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
