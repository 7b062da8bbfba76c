// --since / --until: ISO 8601, or an age ("30m", "2h", "7d") counted back from now.
import { BaomiError } from '../core/errors.js';

const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };

export function parseTime(value: string, now: number): number {
  const age = /^(\d+)\s*([smhdw])$/.exec(value.trim());
  if (age) return now - Number(age[1]) * UNIT_MS[age[2]!]!;
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
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
