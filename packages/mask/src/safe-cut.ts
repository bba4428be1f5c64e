import { MASK } from "./mask-string.js";

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
export function cutUtf8(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return "";
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  const bytes = Buffer.from(text, "utf8").subarray(0, maxBytes);
  let end = bytes.length;
  // Back off over continuation bytes to the start of the last (possibly incomplete) character.
  let i = end - 1;
  while (i > 0 && ((bytes[i] ?? 0) & 0xc0) === 0x80) i--;
  const lead = bytes[i] ?? 0;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (end - i < need) end = i;
  return bytes.subarray(0, end).toString("utf8");
}

/**
 * The longest prefix of already-masked text that fits in `maxBytes` UTF-8 bytes, never splitting a
 * character and never ending inside a mask (`[RED` would only puzzle the reader).
 */
export function cutMasked(text: string, maxBytes: number): string {
  const cut = cutUtf8(text, maxBytes);
  return cut === text ? text : outsideMask(text, cut);
}

/** The same cut counted in UTF-16 code units (a JavaScript string's length). */
export function cutMaskedChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = Math.max(0, maxChars);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return outsideMask(text, text.slice(0, end));
}

/** `cut` is a prefix of `text`: if a mask straddles its end, end before that mask instead. */
function outsideMask(text: string, cut: string): string {
  const from = Math.max(0, cut.length - MASK.length + 1);
  for (let i = from; i < cut.length; i++) {
    if (text.startsWith(MASK, i)) return cut.slice(0, i);
  }
  return cut;
}
