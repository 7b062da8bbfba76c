// Bytes → text, before any parser sees them. A policy is hostile input: the size cap comes
// first so a huge file is never decoded, and only UTF-8 is read (a BOM is tolerated because
// Windows Notepad writes one). Anything else is refused rather than guessed: a GBK or UTF-16
// file decoded as UTF-8 would silently turn Chinese folder names into mojibake.
import type { PolicyIssue } from './types.js';

export const MAX_POLICY_BYTES = 1024 * 1024;

export type Decoded = { ok: true; text: string } | { ok: false; issue: PolicyIssue };

export function decodePolicyBytes(bytes: Uint8Array): Decoded {
  if (bytes.length > MAX_POLICY_BYTES) {
    return fail('POLICY_TOO_LARGE', 1, 1, { size: bytes.length, max: MAX_POLICY_BYTES });
  }
  const bom = detectForeignBom(bytes);
  if (bom) return fail('POLICY_ENCODING', 1, 1, { encoding: bom });
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const bad = firstInvalidUtf8(bytes, start);
  if (bad >= 0) {
    const { line, col } = positionOfByte(bytes, start, bad);
    return fail('POLICY_ENCODING', line, col, { encoding: 'not UTF-8', offset: bad });
  }
  // NUL never appears in a text policy; it is the mark of UTF-16 saved without a BOM.
  const nul = bytes.indexOf(0, start);
  if (nul >= 0) {
    const { line, col } = positionOfByte(bytes, start, nul);
    return fail('POLICY_ENCODING', line, col, { encoding: 'UTF-16 or binary', offset: nul });
  }
  return { ok: true, text: new TextDecoder('utf-8').decode(bytes.subarray(start)) };
}

function detectForeignBom(b: Uint8Array): string | null {
  if (b[0] === 0x00 && b[1] === 0x00 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32BE';
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0x00 && b[3] === 0x00) return 'UTF-32LE';
  if (b[0] === 0xff && b[1] === 0xfe) return 'UTF-16LE';
  if (b[0] === 0xfe && b[1] === 0xff) return 'UTF-16BE';
  return null;
}

/** Offset of the first byte that is not well-formed UTF-8 (RFC 3629), or -1. */
export function firstInvalidUtf8(b: Uint8Array, from = 0): number {
  let i = from;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (c >= 0xc2 && c <= 0xdf) [need, min, cp] = [1, 0x80, c & 0x1f];
    else if (c >= 0xe0 && c <= 0xef) [need, min, cp] = [2, 0x800, c & 0x0f];
    else if (c >= 0xf0 && c <= 0xf4) [need, min, cp] = [3, 0x10000, c & 0x07];
    else return i;
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function positionOfByte(
  b: Uint8Array,
  start: number,
  offset: number,
): { line: number; col: number } {
  let line = 1;
  let lineStart = start;
  for (let i = start; i < offset; i++) {
    if (b[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // Column in characters, counting each UTF-8 lead byte once.
  let col = 1;
  for (let i = lineStart; i < offset; i++) if ((b[i]! & 0xc0) !== 0x80) col++;
  return { line, col };
}

function fail(
  code: PolicyIssue['code'],
  line: number,
  col: number,
  params: PolicyIssue['params'],
): Decoded {
  return { ok: false, issue: { code, line, col, path: '', params } };
}
