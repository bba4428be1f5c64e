// ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC strings,
// two-character escapes, and the 8-bit CSI (U+009B).
const ANSI =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[ -/]*[0-~]|\u009b[0-?]*[ -/]*[@-~]/g;

// Invisible and direction-changing characters used to hide text from a human reviewer (prompt
// injection): zero-width, bidi embeddings/overrides/isolates, word joiners, BOM, soft hyphen, ALM.
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u061c]/g;

// C0 controls except NUL, TAB and LF, DEL, and C1 controls (after ANSI removal, what is left is noise).
const CONTROLS = /[\u0001-\u0008\u000b-\u001f\u007f-\u009f]/g;
// NUL separates entries in /proc/*/environ and `find -print0` output: a line break keeps entries
// apart, so `KEY=value` masking still sees each one.
const NUL = /\u0000/g;

const NEEDS_WORK = /[^\u0020-\u007e\t\n]/;

/**
 * Makes text safe to show a model: strips ANSI escapes, invisible/bidi Unicode controls and other
 * control characters (keeps newlines and tabs; a lone CR is dropped so "progress bar" overwrites
 * cannot hide earlier text; NUL becomes a newline).
 */
export function sanitizeText(text: string): string {
  // Fast path: plain printable ASCII (most log lines) needs no work and allocates nothing.
  if (!NEEDS_WORK.test(text)) return text;
  return text.replace(ANSI, "").replace(INVISIBLE, "").replace(CONTROLS, "").replace(NUL, "\n");
}
