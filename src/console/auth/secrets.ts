// Random secrets the console hands out (session cookies, CSRF tokens, API tokens, enrollment
// tokens) and the one way it stores them: SHA-256, hex. A 256-bit random value needs no salt
// or slow hash; a copy of the database lets no one log in or enroll with what it holds.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_TOKEN_PREFIX = 'bmt_';
export const ENROLL_TOKEN_PREFIX = 'bme_';

/** 32 random bytes, base64url (43 characters). */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Constant-time string equality (lengths may differ: then false, without comparing). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
