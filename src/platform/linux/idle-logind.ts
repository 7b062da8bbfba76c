// The systemd-logind idle source: `loginctl show-session <id> -p IdleHint -p IdleSinceHint
// -p IdleSinceHintMonotonic -p LockedHint` for the seat user's session. loginctl reads logind
// over the system bus, which any user may do, so the agent runs it as itself (root or not).
//
// What the hints are worth: logind does not watch input. IdleHint is set by the desktop
// (gnome-session, via its idle monitor; KDE; xss-lock and similar for bare window managers),
// usually when its own idle delay or screensaver timeout runs out (GNOME: "Blank screen", 5
// min by default), and many desktops never set it. So while IdleHint is "no" we report 0, and
// a reminder set earlier than the desktop's own delay cannot come from this source; once
// "yes", the idle time is exact from IdleSinceHint. LockedHint is set by the desktop's
// locker (GNOME, KDE, xscreensaver 6 through xscreensaver-systemd). No lock watch: logind
// announces changes on D-Bus only (PropertiesChanged); the module's polls read LockedHint.
import type { Clock } from '../../core/ports/clock.js';
import type { CommandRunner } from '../../core/ports/commands.js';
import type { IdleReading, IdleSource } from '../../core/ports/idle.js';
import { logindIdleMs, parseLogindIdle, whyFailed } from './idle-parse.js';

export const LOGINCTL_MISSING =
  'idle: loginctl is not installed (package systemd); logind idle and lock hints are not read';

export const LOGIND_IDLE_PROPS = [
  'IdleHint',
  'IdleSinceHint',
  'IdleSinceHintMonotonic',
  'LockedHint',
] as const;

/** CLOCK_MONOTONIC in µs: libuv's hrtime reads that clock on Linux, as logind stamps it. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

export interface LogindIdleOptions {
  commands: CommandRunner;
  clock: Clock;
  /** The monotonic clock logind's IdleSinceHintMonotonic counts on; absent: realtime only. */
  monotonicUs?: () => number;
  say?: (line: string) => void;
  timeoutMs?: number;
}

const UNKNOWN: IdleReading = { idleMs: null, locked: null };

export function createLogindIdleSource(o: LogindIdleOptions): IdleSource {
  const said = new Set<string>();
  const sayOnce = (key: string, line: string) => {
    if (said.has(key)) return;
    said.add(key);
    o.say?.(line);
  };
  let missing = false;
  return {
    name: 'logind',
    async read(user) {
      const id = user.sessionId;
      // A session id is letters and digits (systemd session_id_valid): never an option.
      if (!id || !/^[A-Za-z0-9]+$/.test(id)) {
        sayOnce(
          `no-session:${user.name}`,
          `idle: logind: seat user ${user.name} has no logind session (found by ${user.source}); IdleHint and LockedHint are not read`,
        );
        return UNKNOWN;
      }
      if (missing) return UNKNOWN;
      const args = ['show-session', id, ...LOGIND_IDLE_PROPS.flatMap((p) => ['-p', p])];
      const r = await o.commands.run('loginctl', args, { timeoutMs: o.timeoutMs ?? 3_000 });
      if (r.missing) {
        missing = true;
        sayOnce('missing', LOGINCTL_MISSING);
        return UNKNOWN;
      }
      if (r.code !== 0) {
        sayOnce('failed', `idle: logind: loginctl show-session ${id} failed: ${whyFailed(r)}`);
        return UNKNOWN;
      }
      const h = parseLogindIdle(r.stdout);
      if (!h) {
        sayOnce(
          'garbage',
          `idle: logind: loginctl show-session printed no idle hints: ${JSON.stringify(r.stdout.trim().slice(0, 80))}`,
        );
        return UNKNOWN;
      }
      const idleMs = logindIdleMs(h, {
        realtimeMs: o.clock.now(),
        ...(o.monotonicUs ? { monotonicUs: o.monotonicUs() } : {}),
      });
      return { idleMs, locked: h.lockedHint };
    },
  };
}
