// Picks the Linux idle sources by what this machine has, best first: `x11` (xprintidle:
// real input, millisecond resolution; lock state from xscreensaver), then `logind` (the
// desktop's IdleHint and LockedHint), and the locker that tries loginctl, xscreensaver and
// xdg-screensaver in turn. What is missing is said once, in Platform.lacks; what can only be
// found at run time (no DISPLAY for the seat user, a failing command) is said once then.
import type { Clock } from '../../core/ports/clock.js';
import type { CommandRunner } from '../../core/ports/commands.js';
import type { IdlePort, IdleSource } from '../../core/ports/idle.js';
import type { SeatUser } from '../../core/ports/session.js';
import { createLinuxLocker } from './idle-lock.js';
import { createLogindIdleSource, LOGINCTL_MISSING, monotonicUs } from './idle-logind.js';
import { createX11IdleSource, XPRINTIDLE_MISSING, XSS_MISSING } from './idle-x11.js';
import { type SeatEnvOptions, seatRunOptions } from './seat-env.js';

export interface LinuxIdleOptions extends SeatEnvOptions {
  commands: CommandRunner;
  clock: Clock;
  /** Whether a program is installed (on PATH). */
  has: (program: string) => boolean;
  /** systemd-logind runs here (/run/systemd/seats/seat0 or a systemd boot). */
  logind: boolean;
  say?: (line: string) => void;
  /** Tests: logind's monotonic clock. */
  monotonicUs?: () => number;
}

export const NO_LOGIND =
  'idle: no systemd-logind; its idle and lock hints and `loginctl lock-session` are not available';
export const LOGIND_ONLY =
  "idle: idle time from logind's IdleHint, which the desktop sets, often only after its own screensaver timeout: reminders cannot come earlier than that";
export const NO_IDLE_SOURCE =
  'idle: no idle source here (no xprintidle, no logind); idle time and lock state are unknown unless the tray reports them';

export function createLinuxIdle(o: LinuxIdleOptions): { idle: IdlePort; lacks: string[] } {
  const lacks: string[] = [];
  const seat = (user: SeatUser) => seatRunOptions(user, o);
  const sources: IdleSource[] = [];
  if (o.has('xprintidle')) {
    sources.push(createX11IdleSource({ commands: o.commands, clock: o.clock, seat, say: o.say }));
    if (!o.has('xscreensaver-command')) lacks.push(XSS_MISSING);
  } else {
    lacks.push(XPRINTIDLE_MISSING);
  }
  const loginctl = o.has('loginctl');
  if (!o.logind) lacks.push(NO_LOGIND);
  else if (!loginctl) lacks.push(LOGINCTL_MISSING);
  else {
    sources.push(
      createLogindIdleSource({
        commands: o.commands,
        clock: o.clock,
        monotonicUs: o.monotonicUs ?? monotonicUs,
        say: o.say,
      }),
    );
    if (sources.length === 1) lacks.push(LOGIND_ONLY);
  }
  if (sources.length === 0) lacks.push(NO_IDLE_SOURCE);
  const locker = createLinuxLocker({ commands: o.commands, seat, logind: o.logind && loginctl });
  return { idle: { sources, locker }, lacks };
}
