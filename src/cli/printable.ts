// Text that came from outside (a USB device's serial, a file name, a user name) shown on a
// terminal: it must not move the cursor, change colours, end a line or flip the order of what
// follows it. One place for every command that prints such text (usb list, events, status).
//
// Escaped: C0 controls, DEL, C1 controls (0x9b is a CSI on 8-bit terminals), the line and
// paragraph separators, and the characters that reorder text (bidi marks, embeddings,
// overrides, isolates, the Arabic letter mark). A backslash is not escaped: Windows paths stay
// readable, at the price that a device could spell "\u001b" literally (--json tells them apart).

const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escapeChar = (c: string) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `s` with every control character and text-direction override written as an escape. */
export function printable(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/**
 * JSON.stringify, with the characters it leaves raw (DEL, C1 controls, bidi overrides, line
 * separators) written as \u escapes too: the same value when parsed, safe on a terminal. Those
 * characters can only occur inside strings, so the replacement never touches the structure.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, escapeChar);
}

/**
 * A message's parameters with every string escaped for a terminal (the CLI's translator
 * passes every sentence's parameters through it): a host name, a device's label, a file or
 * user name in a sentence comes from outside as much as in a table, alone or in an array.
 * Numbers and the rest are left as they are; escaping twice changes nothing (an escape is printable).
 */
export function printableParams<P extends Record<string, unknown>>(params: P): P {
  const out: Record<string, unknown> = {};
  const text = (v: unknown) => (typeof v === 'string' ? printable(v) : v);
  // An array is joined by i18next ("a,b"): each of its strings escaped the same way.
  for (const [k, v] of Object.entries(params)) out[k] = Array.isArray(v) ? v.map(text) : text(v);
  return out as P;
}
