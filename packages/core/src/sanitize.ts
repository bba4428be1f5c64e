// ANSI escape sequences (CSI, OSC, single-character escapes) and other C0/C1 controls but tab/newline.
const ANSI =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
// Zero-width and bidirectional controls: invisible to a person, readable to a model (prompt injection).
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]/g;

/** Makes text safe to show to a model: no terminal escapes, no invisible or direction-changing characters. */
export function sanitizeText(text: string): string {
  return text.replace(ANSI, "").replace(INVISIBLE, "").replace(CONTROLS, "");
}
