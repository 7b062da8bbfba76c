// Durations and sizes as written in a policy. Kept free of zod so code that only needs to
// read a duration does not pay for loading the schema.

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "3m" → 180000. Null for zero, negative, fractional, unknown unit or beyond 2^53-1 ms. */
export function parseDuration(text: string): number | null {
  const m = /^([0-9]+)([smhd])$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  const ms = n * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return n > 0 && Number.isSafeInteger(ms) ? ms : null;
}

// Binary multiples: storage people think of "2GB" of disk, and the difference from 10^9 does
// not matter for a retention cap. Documented in the schema description.

const UNIT_BYTES: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/** "2GB" → 2147483648. Null for zero, unknown unit or beyond 2^53-1 bytes. */
export function parseSize(text: string): number | null {
  const m = /^([0-9]+)(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  const bytes = n * (UNIT_BYTES[m[2]!] ?? 0);
  return n > 0 && Number.isSafeInteger(bytes) ? bytes : null;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** RFC 3339 date-time → ms since the epoch, or null (checks the calendar, not just the shape). */
export function parseRfc3339(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as number[];
  const daysInMonth = utc(y!, mo!, 0).getUTCDate();
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > daysInMonth || h! > 23 || mi! > 59 || s! > 60) {
    return null;
  }
  let offset = 0;
  if (m[9]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const frac = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  // A leap second (:60) is read as the next second, like most clocks do.
  return utc(y!, mo! - 1, d!, h!, mi!, s!).getTime() + frac - offset;
}

// Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date {
  const date = new Date(0);
  date.setUTCFullYear(y, mo, d);
  date.setUTCHours(h, mi, s, 0);
  return date;
}
