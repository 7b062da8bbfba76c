// --since / --until: ISO 8601, or an age ("30m", "2h", "7d") counted back from now.
import { BaomiError } from '../core/errors.js';

const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };

export function parseTime(value: string, now: number): number {
  const age = /^(\d+)\s*([smhdw])$/.exec(value.trim());
  if (age) {
    // An age reaching before 1970 (99999999d) is no moment anyone means: said here.
    const ms = now - Number(age[1]) * UNIT_MS[age[2]!]!;
    if (ms >= 0) return ms;
    throw new BaomiError('CLI_BAD_TIME', { value }, 2);
  }
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (day) {
    // Date.parse rolls an impossible day over (02-31 is 03-03): refused instead.
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const real = new Date(Date.UTC(y, m - 1, d));
    const ms = Date.parse(value);
    const valid = real.getUTCMonth() === m - 1 && real.getUTCDate() === d && Number.isFinite(ms);
    // A date alone is that day's midnight where the person is (Date.parse would take UTC's:
    // in China `--since 2026-12-03` would silently start at 08:00), as a date with a time and
    // no zone already is.
    if (valid && /^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return new Date(y, m - 1, d).getTime();
    if (valid) return ms;
  }
  throw new BaomiError('CLI_BAD_TIME', { value }, 2);
}

/** --limit N: the newest N; absent or 0, no limit (exports are complete unless asked). */
export function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new BaomiError('CLI_BAD_NUMBER', { option: '--limit', value }, 2);
  return Number(value) === 0 ? undefined : Number(value);
}

/**
 * A moment as people read it, with its zone always written: local time and its UTC offset
 * (`2026-11-30 16:13:46+08:00`, so a line means the same wherever it is read later), or UTC
 * (`2026-11-30 08:13:46Z`). RFC 3339 with a space for the T: spreadsheets and scripts read it.
 */
export function formatTime(ts: number, utc = false): string {
  const dt = new Date(ts);
  const p = (n: number) => String(n).padStart(2, '0');
  if (utc)
    return `${dt.getUTCFullYear()}-${p(dt.getUTCMonth() + 1)}-${p(dt.getUTCDate())} ${p(dt.getUTCHours())}:${p(dt.getUTCMinutes())}:${p(dt.getUTCSeconds())}Z`;
  const off = -dt.getTimezoneOffset();
  const zone = `${off < 0 ? '-' : '+'}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`;
  return `${dt.getFullYear()}-${p(dt.getMonth() + 1)}-${p(dt.getDate())} ${p(dt.getHours())}:${p(dt.getMinutes())}:${p(dt.getSeconds())}${zone}`;
}

/** The zone `formatTime` writes in: the IANA name of the local zone (TZ), or UTC. */
export function zoneName(utc = false): string {
  return utc ? 'UTC' : Intl.DateTimeFormat().resolvedOptions().timeZone || 'local';
}

/** A moment as the person reads it in a sentence: local time with its offset, and the zone. */
export function localMoment(ms: number): string {
  return `${formatTime(ms)} (${zoneName()})`;
}
