// The fields a person types or a token carries for a USB exception (a device, a user, a host, a
// reason), checked apart from token.ts (which needs node:crypto) so that the tray's request form
// checks them as the agent will.
import type { ExceptionRefusalCode } from '../codes/exceptions.js';
import type { Json } from '../events/types.js';
import { MAX_REASON_CHARS } from './limits.js';

export const MAX_USER_CHARS = 256;
export const MAX_SERIAL_CHARS = 126;

export interface Refusal {
  ok: false;
  code: ExceptionRefusalCode;
  params: Record<string, Json>;
}

export const refuse = (code: ExceptionRefusalCode, params: Record<string, Json> = {}): Refusal => ({
  ok: false,
  code,
  params,
});

const DEVICE_HASH = /^[0-9a-f]{64}$/;
const DEVICE_IDS = /^[0-9a-f]{4}:[0-9a-f]{4}:/;
/** A computer name: letters and digits of any script (Chinese Windows names are common), then
 *  also marks, `.`, `_` and `-`; at most 253 code points; no space, control or bidi character. */
const HOST = /^[\p{L}\p{N}][\p{L}\p{M}\p{N}._-]{0,252}$/u;
/**
 * Characters no field may hold: C0/C1 controls (a terminal obeys them), line and paragraph
 * separators, bidirectional overrides and isolates (they reorder what a person reads), and
 * lone surrogates (not text).
 */
export const HOSTILE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\p{Cs}]/u;

export const codePoints = (s: string): number => [...s].length;

/** Text a person typed: no hostile characters, no surrounding whitespace, 1…max code points. */
export function plainText(s: unknown, max: number): s is string {
  return (
    typeof s === 'string' && s.trim() === s && s !== '' && codePoints(s) <= max && !HOSTILE.test(s)
  );
}

/** A device hash (64 lowercase hex) or "vid:pid:serial" (4 lowercase hex digits each). */
export function isDeviceId(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  if (DEVICE_HASH.test(s)) return true;
  return DEVICE_IDS.test(s) && plainText(s.slice(10), MAX_SERIAL_CHARS);
}

export function isUserName(s: unknown): s is string {
  return plainText(s, MAX_USER_CHARS);
}

export function isHostName(s: unknown): s is string {
  return typeof s === 'string' && HOST.test(s);
}

/** A reason fit to show: 1…500 code points, no controls, no bidi overrides. */
export function reasonProblem(s: unknown): Refusal | null {
  if (typeof s !== 'string' || s.trim() === '' || HOSTILE.test(s))
    return refuse('EXCEPTION_BAD_FIELD', { field: 'reason' });
  const length = codePoints(s);
  if (length > MAX_REASON_CHARS)
    return refuse('EXCEPTION_REASON_TOO_LONG', { length, max: MAX_REASON_CHARS });
  return null;
}

/** Hex digits are case-blind: `baomi usb list` and a policy may show either. The serial is not. */
export function normaliseDevice(d: string): string {
  if (/^[0-9A-Fa-f]{64}$/.test(d)) return d.toLowerCase();
  const m = /^([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4}):(.*)$/s.exec(d);
  return m ? `${m[1]!.toLowerCase()}:${m[2]!.toLowerCase()}:${m[3]}` : d;
}
