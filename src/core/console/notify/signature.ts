// The signature of a webhook notification (issue 12 §4), as the console makes it and as a
// receiver checks it. The console sends
//   x-baomi-timestamp: <Unix time in seconds, decimal>
//   x-baomi-signature: sha256=<lowercase hex HMAC-SHA256(key, timestamp + "." + body)>
// over the exact body bytes. A receiver recomputes it over the raw body it read (before any
// JSON parsing), compares in constant time, and refuses a timestamp more than the window
// (5 minutes) away from its own clock, so a captured request cannot be replayed later; within
// the window, `delivery` in the body (also x-baomi-delivery) tells a resend from a new one.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_TIMESTAMP_HEADER = 'x-baomi-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'x-baomi-signature';
export const WEBHOOK_DELIVERY_HEADER = 'x-baomi-delivery';
/** How far a receiver should let the timestamp be from its clock. */
export const WEBHOOK_WINDOW_MS = 5 * 60_000;
/** A key shorter than this is refused (the console will not sign with it). */
export const MIN_WEBHOOK_KEY_BYTES = 16;

/** `sha256=<hex>` over `timestamp + "." + body`. */
export function webhookSignature(
  key: Uint8Array | string,
  timestamp: string,
  body: string | Uint8Array,
): string {
  // Strings are hashed as UTF-8 (Node's default).
  const mac = createHmac('sha256', key);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `sha256=${mac.digest('hex')}`;
}

/**
 * What a receiver does (and what the tests' receiver does): true when `signature` is the
 * console's over exactly `body` and `timestamp` (decimal digits only) is within `windowMs`
 * of `nowMs`.
 */
export function verifyWebhookSignature(
  key: Uint8Array | string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: string | Uint8Array,
  nowMs: number,
  windowMs = WEBHOOK_WINDOW_MS,
): boolean {
  // Digits only: Number() would also read " 17e8", "0x1", "1.0" (and NaN compares false).
  if (signature === undefined || !/^\d{1,15}$/.test(timestamp ?? '')) return false;
  if (Math.abs(nowMs - Number(timestamp) * 1000) > windowMs) return false;
  const want = Buffer.from(webhookSignature(key, timestamp!, body));
  const got = Buffer.from(signature);
  return got.length === want.length && timingSafeEqual(got, want);
}
