// Staff passwords: scrypt (RFC 7914), stored as `scrypt$N$r$p$saltB64$hashB64`. N = 2^15,
// r = 8, p = 1 (OWASP's scrypt minimum is N = 2^17 with r = 8, p = 1, or an equivalent cost;
// 2^15 costs ~30 ms and 32 MiB here, and a login is also throttled per name: throttle.ts).
// The parameters are stored with each hash, so they can be raised later without a migration.
//
// SECURITY: the comparison is constant-time; a stored hash is never logged or sent; a name
// that does not exist costs the same scrypt (verifyDummy) so timing does not say which exist.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const MIN_PASSWORD_CHARS = 12;
export const MAX_PASSWORD_CHARS = 1024;

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Bounds on parameters read back from the database, so a tampered row cannot exhaust memory. */
const MAX_N = 2 ** 20;
const MAX_R = 16;
const MAX_P = 4;

function derive(password: string, salt: Buffer, n: number, r: number, p: number, len: number) {
  return new Promise<Buffer>((resolve, reject) => {
    // maxmem: scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly N = 2^15.
    scrypt(
      password.normalize('NFC'),
      salt,
      len,
      { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, N, R, P, KEY_BYTES);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

const FORM =
  /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,2})\$([A-Za-z0-9+/=]{4,88})\$([A-Za-z0-9+/=]{4,256})$/;

/** Whether `password` matches `stored`; false for a malformed or out-of-bounds hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = FORM.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (n < 2 || n > MAX_N || (n & (n - 1)) !== 0 || r < 1 || r > MAX_R || p < 1 || p > MAX_P)
    return false;
  const salt = Buffer.from(m[4]!, 'base64');
  const expected = Buffer.from(m[5]!, 'base64');
  if (expected.length < 16 || expected.length > 64) return false;
  const key = await derive(password, salt, n, r, p, expected.length);
  return timingSafeEqual(key, expected);
}

/** The same work as verifying a real hash, for a name that does not exist. Always false. */
export async function verifyDummy(password: string): Promise<false> {
  await derive(password, Buffer.alloc(SALT_BYTES), N, R, P, KEY_BYTES);
  return false;
}

/** Counted in code points, as a person counts characters. */
export function passwordProblem(password: string): 'short' | 'long' | null {
  const chars = [...password].length;
  if (chars < MIN_PASSWORD_CHARS) return 'short';
  if (chars > MAX_PASSWORD_CHARS) return 'long';
  return null;
}
