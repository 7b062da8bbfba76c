// What the Linux idle and lock tools print, parsed. Each parser takes the program's text and
// returns null for anything it does not recognise (an error message on stdout, a truncated
// line, another version's wording): unknown is never read as "not idle" or "unlocked".
import { parseEnvFile } from './logind.js';

/** `xprintidle`: one line, the ms since the last input (MIT-SCREEN-SAVER's idle counter). */
export function parseXprintidle(stdout: string): number | null {
  const t = stdout.trim();
  if (!/^\d{1,15}$/.test(t)) return null;
  return Number(t);
}

/**
 * `xscreensaver-command -time` (5.x and 6.x): "XScreenSaver 6.06: screen locked since Mon …",
 * "… screen blanked since …", "… screen non-blanked since …". Blanked is not locked (the
 * saver runs without a password). Anything else (no saver running, another wording): null.
 */
export function parseXssTime(stdout: string): boolean | null {
  const m = /:\s*screen (locked|blanked|non-blanked) since /.exec(stdout);
  if (!m) return null;
  return m[1] === 'locked';
}

/**
 * One line of `xscreensaver-command -watch`: `LOCK <date>` (locked), `UNBLANK <date>` (back
 * to the desktop: unlocked). `BLANK` (the saver started, no lock yet: a LOCK follows if the
 * lock timer runs out), `RUN <n>` (which hack), `CYCLE` change no lock state: undefined.
 */
export function parseXssWatchLine(line: string): boolean | undefined {
  const word = /^([A-Z]+)(?:\s|$)/.exec(line.trim())?.[1];
  if (word === 'LOCK') return true;
  if (word === 'UNBLANK') return false;
  return undefined;
}

export interface LogindIdle {
  idleHint: boolean | null;
  /** µs since the epoch (CLOCK_REALTIME), 0 when never idle. */
  idleSinceUs: number | null;
  /** µs since boot (CLOCK_MONOTONIC). */
  idleSinceMonotonicUs: number | null;
  lockedHint: boolean | null;
}

const yesNo = (v: string | undefined): boolean | null =>
  v === 'yes' ? true : v === 'no' ? false : null;
const micros = (v: string | undefined): number | null =>
  v !== undefined && /^\d{1,20}$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : null;

/**
 * `loginctl show-session <id> -p IdleHint -p IdleSinceHint -p IdleSinceHintMonotonic -p
 * LockedHint`: Key=Value lines. Null when none of the four is there (an error message, or
 * another program's output).
 */
export function parseLogindIdle(stdout: string): LogindIdle | null {
  const v = parseEnvFile(stdout);
  const r: LogindIdle = {
    idleHint: yesNo(v.get('IdleHint')),
    idleSinceUs: micros(v.get('IdleSinceHint')),
    idleSinceMonotonicUs: micros(v.get('IdleSinceHintMonotonic')),
    lockedHint: yesNo(v.get('LockedHint')),
  };
  const known = Object.values(r).some((x) => x !== null);
  return known ? r : null;
}

/**
 * Idle ms from logind's hints. IdleHint is "no" while the session is in use: 0. When "yes",
 * the time since IdleSinceHint; the monotonic stamp is preferred when we can read the same
 * clock (it does not jump when the wall clock is set), else the realtime one. Unknown: null.
 */
export function logindIdleMs(
  h: LogindIdle,
  now: { realtimeMs: number; monotonicUs?: number },
): number | null {
  if (h.idleHint === false) return 0;
  if (h.idleHint !== true) return null;
  if (h.idleSinceMonotonicUs && now.monotonicUs !== undefined) {
    return Math.max(0, Math.floor((now.monotonicUs - h.idleSinceMonotonicUs) / 1000));
  }
  if (h.idleSinceUs) return Math.max(0, now.realtimeMs - Math.floor(h.idleSinceUs / 1000));
  return null;
}

/** The first line of a program's complaint, or its exit, for a `lacks` line or an event. */
export function whyFailed(r: {
  code: number | null;
  stderr: string;
  stdout?: string;
  timedOut?: boolean;
  missing?: boolean;
}): string {
  if (r.missing) return 'not installed';
  if (r.timedOut) return 'timed out';
  const line = (r.stderr.trim() || r.stdout?.trim() || '').split('\n')[0]?.trim() ?? '';
  const exit = r.code === null ? 'killed' : `exit ${r.code}`;
  return line ? `${line} (${exit})` : exit;
}
