// Text from a workstation on its way into a SIEM: every string an agent sent (its host name,
// the user, the event type, anything in `data`) is hostile. It may hold line breaks that
// would forge a second syslog line, NUL, terminal escapes, bidirectional overrides that make
// a SOC console show `exe.txt` for `txt.exe`, lone UTF-16 surrogates that are not UTF-8 at
// all, or megabytes. These helpers make such text safe for each place of a message; the
// formatters (syslog.ts, cef.ts) say which they use where.
import { Buffer } from 'node:buffer';

/**
 * Characters never written raw: C0 controls and DEL, C1 controls, the bidirectional and
 * zero-width format characters (U+061C, U+200B–U+200F, U+202A–U+202E, U+2060–U+206F), the
 * line and paragraph separators (U+2028, U+2029, which JavaScript-based tools read as line
 * breaks), U+FEFF, the interlinear annotation controls (U+FFF9–U+FFFB), the noncharacters
 * U+FFFE/U+FFFF, and lone surrogates.
 */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Whether `s` holds a character `scrub` would replace. */
export function hasUnsafe(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return found;
}

/** Every unsafe character (UNSAFE) replaced by U+FFFD: for places with no escape of their own. */
export function scrub(s: string): string {
  return s.replace(UNSAFE, '\ufffd');
}

/**
 * JSON text with every unsafe character written as a \uXXXX escape. JSON.stringify escapes
 * C0 controls and lone surrogates already; the others (DEL, C1, bidi, U+2028 …) it leaves raw.
 * They can occur only inside JSON strings, where the escape denotes the same character: the
 * value a SIEM parses is unchanged, the bytes on the wire are plain.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** UTF-8 length in bytes (a lone surrogate counts as U+FFFD, as TextEncoder writes it). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The longest prefix of `s` of at most `max` UTF-8 bytes that ends on a whole character. */
export function clipUtf8(s: string, max: number): string {
  if (utf8Length(s) <= max) return s;
  let bytes = 0;
  let end = 0;
  for (const ch of s) {
    const n = utf8Length(ch);
    if (bytes + n > max) break;
    bytes += n;
    end += ch.length;
  }
  return s.slice(0, end);
}

/** At most `max` characters (code points), so a surrogate pair is never cut in two. */
export function clipChars(s: string, max: number): string {
  if (s.length <= max) return s;
  return [...s].slice(0, max).join('');
}

/**
 * RFC 5424 header fields (HOSTNAME, APP-NAME, PROCID, MSGID) are PRINTUSASCII, %d33-126:
 * anything else becomes `_`, then the field is cut to `max`; an empty result is the NILVALUE.
 */
export function printUsAscii(s: string, max: number): string {
  const out = [...s]
    .map((c) => {
      const code = c.codePointAt(0)!;
      return code >= 33 && code <= 126 ? c : '_';
    })
    .join('')
    .slice(0, max);
  return out === '' ? '-' : out;
}
