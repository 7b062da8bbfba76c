// The pure decisions of a SIEM forwarder (src/console/siem/forwarder.ts): how large a batch
// may be, how long to wait after a failure, and which failure it was.

/**
 * A batch is at most this many octets (or one message, when that alone is larger). It is
 * written with one write and, by a collector reading with a buffer of 64 KiB or more
 * (rsyslog's imtcp reads 128 KiB), read with one recv as a rule: a collector that dies has
 * either not read it (its connection is reset, and the batch is sent again) or read all of
 * it, and what it had not yet written out of it is lost (README "SIEM export"); a smaller
 * batch makes that window shorter, a larger one makes fewer connections.
 */
export const MAX_BATCH_BYTES = 16 * 1024;

export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;

/**
 * The wait before attempt `failures + 1` after `failures` failed ones in a row: 1 s, 2 s,
 * 4 s … up to 60 s, each ±20 % (`random` in [0, 1)) so consoles that lost one collector do
 * not all come back at the same instant.
 */
export function backoffMs(failures: number, random: number): number {
  if (failures <= 0) return 0;
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(failures - 1, 30));
  return Math.round(base * (0.8 + 0.4 * Math.min(Math.max(random, 0), 1)));
}

/** Why a batch was not delivered (codes/siem.ts has their text). */
export type SiemFailureCode =
  | 'SIEM_UNREACHABLE'
  | 'SIEM_TLS_FAILED'
  | 'SIEM_TIMEOUT'
  | 'SIEM_RESET'
  | 'SIEM_CLOSED_EARLY';

const TLS_CODES =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

/** The failure a socket error (its `code`) means; a reset for anything unknown. */
export function failureOf(errCode: string | undefined): SiemFailureCode {
  if (errCode === undefined) return 'SIEM_RESET';
  if (UNREACHABLE.has(errCode)) return 'SIEM_UNREACHABLE';
  if (TLS_CODES.test(errCode)) return 'SIEM_TLS_FAILED';
  return 'SIEM_RESET';
}
