// Temporary USB exception tokens (DESIGN.md "Exception tokens"): compact signed text that IT
// hands a person by email, chat, a file or a QR code, and that the agent verifies offline.
//
//   BMX1.<base64url payload>.<base64url Ed25519 signature>
//
// payload: the UTF-8 bytes of the RFC 8785 (JCS) canonical JSON of
//   {id, device, user, host?, notBefore, notAfter, reason}
// (keys sorted, no whitespace; any other spelling of the same object is refused, so every
// reader, in any language, sees one meaning for one token). `notBefore` and `notAfter` are
// integer ms since the epoch, UTC, like an event's `ts`: no zone or calendar to parse, and the
// agent compares them with its clock as they are. `id` is a UUIDv7; `device` a device hash (64
// lowercase hex) or "vid:pid:serial" (4 lowercase hex digits each, then the serial as the
// device reports it); `host`, when present, names the one computer it is for.
//
// signature: Ed25519 over "baomi-exception-v1\n" followed by the payload bytes. The prefix
// separates the domains: a policy signature is over a file's bytes and never over this prefix,
// and the agent takes exception keys only from trust/exceptions/, never from trust/policy/.
//
// Tolerated when reading, because email and chat add them: whitespace and line breaks
// anywhere (also no-break and zero-width spaces and soft hyphens), base64 "=" padding, one
// pair of angle brackets around the whole. Nothing else: one character changed anywhere is a
// refusal (base64url must be canonical: unused bits zero).
//
// SECURITY: do not loosen the canonical-JSON or canonical-base64 checks, do not accept a
// token without checking the signature first, and do not verify against policy keys.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { BaomiError } from '../errors.js';
import { jcs } from '../events/jcs.js';
import { readPublicKey } from '../policy/signature.js';
import type { TrustedKey } from '../policy/types.js';
import type { ActiveException } from '../usb/types.js';

/** What the signature covers before the payload bytes. */
export const SIGNATURE_DOMAIN = 'baomi-exception-v1\n';

import {
  isDeviceId,
  isHostName,
  isUserName,
  MAX_SERIAL_CHARS,
  MAX_USER_CHARS,
  type Refusal,
  reasonProblem,
  refuse,
} from './fields.js';
import {
  MAX_REASON_CHARS,
  MAX_TOKEN_CHARS,
  MAX_TOKEN_INPUT,
  MAX_WINDOW_DAYS,
  MAX_WINDOW_MS,
  TOKEN_PREFIX,
} from './limits.js';
import { compactToken } from './token-shape.js';

export {
  compactToken,
  isDeviceId,
  isHostName,
  isUserName,
  MAX_REASON_CHARS,
  MAX_SERIAL_CHARS,
  MAX_TOKEN_CHARS,
  MAX_TOKEN_INPUT,
  MAX_USER_CHARS,
  MAX_WINDOW_DAYS,
  MAX_WINDOW_MS,
  type Refusal,
  reasonProblem,
  TOKEN_PREFIX,
};
/** How far ahead of this computer's clock the issuer's may be: notBefore is tolerated that early. */
export const NOT_BEFORE_SKEW_MS = 5 * 60_000;

export interface ExceptionPayload {
  id: string;
  device: string;
  user: string;
  host?: string;
  /** ms since the epoch, UTC. */
  notBefore: number;
  notAfter: number;
  reason: string;
}

export interface ParsedToken {
  payload: ExceptionPayload;
  /** The exact bytes that were base64url-encoded (and signed after the domain prefix). */
  payloadBytes: Uint8Array;
  signature: Uint8Array;
  /** The token as issued, without what email and chat added (and without padding): what is
   *  forwarded to the agent and what `tokenFingerprint` hashes. */
  compact: string;
}

export interface VerifyOptions {
  /** ms since the epoch. */
  now: number;
  /** This computer's name; compared with the payload's `host` without regard to case. */
  host: string;
  /** When set, the payload must name this user (the seat user on agent.sock). */
  user?: string;
  /** When set, the payload must name this device. */
  device?: string;
}

export type Verified = { ok: true; token: ParsedToken; keyName: string };

/** A moment for a refusal's params (RFC 3339, UTC): the display end may localise it. */
export const isoTime = (ms: number): string => new Date(ms).toISOString();

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Prefix, then each segment's base64url and its padding. */
const SHAPE = /^BMX1\.([A-Za-z0-9_-]+)(={0,2})\.([A-Za-z0-9_-]+)(={0,2})$/;

const FIELDS = ['device', 'host', 'id', 'notAfter', 'notBefore', 'reason', 'user'];

/**
 * The payload's own rules (what encodeToken refuses to sign and parseToken to read). A
 * missing field fails its own check; what passes holds only strings and safe integers.
 */
export function payloadProblem(p: Record<string, unknown>): Refusal | null {
  for (const key of Object.keys(p))
    if (!FIELDS.includes(key))
      return refuse('EXCEPTION_BAD_FIELD', { field: /^\w{1,40}$/.test(key) ? key : '?' });
  if (typeof p.id !== 'string' || !UUID_V7.test(p.id))
    return refuse('EXCEPTION_BAD_FIELD', { field: 'id' });
  if (!isDeviceId(p.device)) return refuse('EXCEPTION_BAD_FIELD', { field: 'device' });
  if (!isUserName(p.user)) return refuse('EXCEPTION_BAD_FIELD', { field: 'user' });
  if (p.host !== undefined && !isHostName(p.host))
    return refuse('EXCEPTION_BAD_FIELD', { field: 'host' });
  const { notBefore, notAfter } = p;
  if (!Number.isSafeInteger(notBefore) || (notBefore as number) < 0)
    return refuse('EXCEPTION_BAD_FIELD', { field: 'notBefore' });
  if (!Number.isSafeInteger(notAfter) || (notAfter as number) <= (notBefore as number))
    return refuse('EXCEPTION_BAD_FIELD', { field: 'notAfter' });
  const span = (notAfter as number) - (notBefore as number);
  if (span > MAX_WINDOW_MS)
    return refuse('EXCEPTION_WINDOW_TOO_LONG', {
      days: Math.ceil(span / 86_400_000),
      maxDays: MAX_WINDOW_DAYS,
    });
  return reasonProblem(p.reason);
}

/** Signs `payload`; throws BaomiError (exit 2) with the refusal a reader would give it. */
export function encodeToken(payload: ExceptionPayload, privateKey: KeyObject | string): string {
  const problem = payloadProblem({ ...payload });
  if (problem) throw new BaomiError(problem.code, problem.params, 2);
  let key: KeyObject;
  try {
    key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  } catch {
    throw new BaomiError('EXCEPTION_KEY_INVALID', {}, 2);
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519')
    throw new BaomiError('EXCEPTION_KEY_INVALID', {}, 2);
  // undefined is left out: an absent host is absent, never null (DESIGN.md "Contracts").
  const bytes = Buffer.from(jcs(JSON.parse(JSON.stringify(payload))));
  const sig = sign(null, signedBytes(bytes), key);
  const token = `${TOKEN_PREFIX}.${bytes.toString('base64url')}.${sig.toString('base64url')}`;
  if (token.length > MAX_TOKEN_CHARS)
    throw new BaomiError('EXCEPTION_TOO_LONG', { length: token.length, max: MAX_TOKEN_CHARS }, 2);
  return token;
}

function signedBytes(payloadBytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(SIGNATURE_DOMAIN), payloadBytes]);
}

/** base64url, with or without its "=" padding; null unless canonical (unused bits zero). */
function decodeSegment(body: string, padding: string): Buffer | null {
  if (padding !== '' && (body.length + padding.length) % 4 !== 0) return null;
  const bytes = Buffer.from(body, 'base64url');
  return bytes.toString('base64url') === body ? bytes : null;
}

/** Reads a token without checking its signature: its form and its payload's rules. */
export function parseToken(text: string): { ok: true; token: ParsedToken } | Refusal {
  if (text.length > MAX_TOKEN_INPUT)
    return refuse('EXCEPTION_TOO_LONG', { length: text.length, max: MAX_TOKEN_INPUT });
  const compact = compactToken(text);
  if (compact.length > MAX_TOKEN_CHARS)
    return refuse('EXCEPTION_TOO_LONG', { length: compact.length, max: MAX_TOKEN_CHARS });
  const m = SHAPE.exec(compact);
  if (!m) return refuse('EXCEPTION_MALFORMED', { part: 'shape' });
  const payloadBytes = decodeSegment(m[1]!, m[2]!);
  if (!payloadBytes) return refuse('EXCEPTION_MALFORMED', { part: 'payload' });
  const signature = decodeSegment(m[3]!, m[4]!);
  if (signature?.length !== 64) return refuse('EXCEPTION_MALFORMED', { part: 'signature' });
  let json: string | undefined;
  let value: unknown = null;
  try {
    json = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(payloadBytes);
    value = JSON.parse(json);
  } catch {
    // not UTF-8, or not JSON: value stays null
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return refuse('EXCEPTION_MALFORMED', { part: 'json' });
  const problem = payloadProblem(value as Record<string, unknown>);
  if (problem) return problem;
  // One spelling per object: duplicate keys, whitespace, escapes and key order all differ.
  // (After payloadProblem: the value holds strings and safe integers only, which jcs takes.)
  if (jcs(value) !== json) return refuse('EXCEPTION_MALFORMED', { part: 'canonical' });
  return {
    ok: true,
    token: {
      payload: value as ExceptionPayload,
      payloadBytes,
      signature,
      // As issued: without padding (the segments are canonical, so this is the input's text).
      compact: `${TOKEN_PREFIX}.${payloadBytes.toString('base64url')}.${signature.toString('base64url')}`,
    },
  };
}

/**
 * Parses, checks the signature against `trusted` (exception keys only), then the token's
 * host, user, device and window against `opts`. The book adds what needs the agent's store:
 * redeemed once, and the clock check.
 */
export function verifyToken(
  text: string,
  trusted: readonly TrustedKey[],
  opts: VerifyOptions,
): Verified | Refusal {
  const parsed = parseToken(text);
  if (!parsed.ok) return parsed;
  const { token } = parsed;
  const keyName = signer(token, trusted);
  if (keyName === null) return refuse('EXCEPTION_NO_TRUSTED_KEYS');
  if (keyName === false) return refuse('EXCEPTION_BAD_SIGNATURE');
  const p = token.payload;
  if (p.host !== undefined && p.host.toLowerCase() !== opts.host.toLowerCase())
    return refuse('EXCEPTION_WRONG_HOST', { host: p.host, thisHost: opts.host });
  if (opts.user !== undefined && p.user !== opts.user)
    return refuse('EXCEPTION_WRONG_USER', { user: p.user, seatUser: opts.user });
  if (opts.device !== undefined && p.device !== opts.device)
    return refuse('EXCEPTION_WRONG_DEVICE', { device: p.device });
  if (opts.now < p.notBefore - NOT_BEFORE_SKEW_MS)
    return refuse('EXCEPTION_NOT_YET_VALID', { notBefore: isoTime(p.notBefore) });
  if (opts.now >= p.notAfter) return refuse('EXCEPTION_EXPIRED', { notAfter: isoTime(p.notAfter) });
  return { ok: true, token, keyName };
}

/** The trusted key that signed the token; null when no key is usable, false when none signed it. */
function signer(token: ParsedToken, trusted: readonly TrustedKey[]): string | null | false {
  const message = signedBytes(token.payloadBytes);
  let usable = false;
  for (const t of trusted) {
    const key = readPublicKey(t.publicKeyPem);
    if (!key) continue;
    usable = true;
    if (verify(null, message, key, token.signature)) return t.name;
  }
  return usable ? false : null;
}

/** What the agent keeps in force for a verified payload. */
export function toActiveException(p: ExceptionPayload): ActiveException {
  return {
    id: p.id,
    device: p.device,
    user: p.user,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    reason: p.reason,
  };
}

/**
 * A short name for a token in records (16 hex digits of the SHA-256 of its compact text). A
 * token is a bearer credential: logs and events carry this and its id, never the token.
 */
export function tokenFingerprint(compact: string): string {
  return createHash('sha256').update(compact).digest('hex').slice(0, 16);
}

/**
 * The SHA-256 (lowercase hex) of a public key's SPKI DER, the same as
 * `openssl pkey -pubin -in KEY.pub -outform DER | sha256sum`; null when not an Ed25519 key.
 */
export function keyFingerprint(publicKeyPem: string): string | null {
  const key = readPublicKey(publicKeyPem);
  if (!key) return null;
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** The fingerprint of the public half of a private key (what `issue` records). */
export function privateKeyFingerprint(privateKey: KeyObject): string {
  return createHash('sha256')
    .update(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }))
    .digest('hex');
}
