// The X11 idle source: idle time from the X server's MIT-SCREEN-SAVER counter through
// `xprintidle` (Debian's package; one short process per read), lock state from xscreensaver.
// Both run in the seat user's session (seat-env.ts: their uid, DISPLAY, XAUTHORITY).
//
// Lock state: `xscreensaver-command -watch` is a long-running child that prints LOCK / UNBLANK
// as they happen (the runner's spawnLines). We chose it over polling `-time`: it costs no
// process per read while nothing changes (the idle bench counts children's CPU), it reports
// a lock within milliseconds instead of a poll interval later, and xscreensaver itself
// documents it as the way for scripts to follow its state. Started before xscreensaver runs,
// it waits for it. `-watch` only reports changes, so the state it starts from comes from
// `xscreensaver-command -time` ("screen locked since …"), read once per watch; with no live
// watch (the module did not ask for one, or it ended) every read asks `-time`. When no
// xscreensaver runs (GNOME and KDE lock with their own lockers), lock state is null here and
// the module takes it from logind's LockedHint.
//
// Wayland: xprintidle under Xwayland sees only X clients' input, so a Wayland session is not
// read here (logind is).
import type { Clock, Timer } from '../../core/ports/clock.js';
import type { CommandOptions, CommandRunner, LineProcess } from '../../core/ports/commands.js';
import type { IdleReading, IdleSource } from '../../core/ports/idle.js';
import type { SeatUser } from '../../core/ports/session.js';
import { parseXprintidle, parseXssTime, parseXssWatchLine, whyFailed } from './idle-parse.js';
import type { SeatRun } from './seat-env.js';

export const XPRINTIDLE_MISSING =
  'idle: xprintidle is not installed (Debian package xprintidle); X11 idle time is not read';
export const XSS_MISSING =
  'idle: xscreensaver-command is not installed; X11 lock state comes from logind, or is unknown';

export interface X11IdleOptions {
  commands: CommandRunner;
  clock: Clock;
  /** How to run a program in the seat user's session (seatRunOptions, bound). */
  seat: (user: SeatUser) => SeatRun;
  say?: (line: string) => void;
  /** Per command (xprintidle, -time); default 3 s: an X server that hangs must not stall us. */
  timeoutMs?: number;
  /** First delay before a `-watch` that ended is started again; doubles up to 5 min. */
  watchRetryMs?: number;
}

const UNKNOWN: IdleReading = { idleMs: null, locked: null };
/** After "no xscreensaver runs", -time is not asked again for this long. */
const NO_SAVER_BACKOFF_MS = 60_000;
const MAX_RETRY_MS = 300_000;

interface Watch {
  key: string;
  live: boolean;
  /** The lock state last seen (a line, or -time seeded it); null: not known. */
  state: boolean | null;
  /** Lines seen, so a -time answer older than a line does not overwrite it. */
  lines: number;
}

export function createX11IdleSource(o: X11IdleOptions): IdleSource {
  const timeoutMs = o.timeoutMs ?? 3_000;
  const said = new Set<string>();
  const sayOnce = (key: string, line: string) => {
    if (said.has(key)) return;
    said.add(key);
    o.say?.(line);
  };
  let xprintidleMissing = false;
  let xssMissing = false;
  const noSaverUntil = new Map<string, number>();
  const watches = new Set<Watch>();

  /** The seat user's session options and display, or why it cannot be read (said once). */
  const session = (
    user: SeatUser,
  ): { opts: CommandOptions & { env: Record<string, string> }; display: string } | null => {
    if (user.sessionType === 'wayland') {
      sayOnce(
        `wayland:${user.name}`,
        `idle: x11: ${user.name}'s session is Wayland, which X11 does not see; idle time from logind`,
      );
      return null;
    }
    const seat = o.seat(user);
    if (!seat.ok) {
      sayOnce(`seat:${seat.reason}:${user.name}`, `idle: x11: ${seat.why}; idle time unknown`);
      return null;
    }
    const display = seat.opts.env.DISPLAY;
    if (!display) {
      sayOnce(
        `display:${user.name}`,
        `idle: x11: no DISPLAY for seat user ${user.name} (a text console, or a display manager that does not tell logind); X11 idle time is not read`,
      );
      return null;
    }
    return { opts: seat.opts, display };
  };
  const keyOf = (s: { opts: CommandOptions; display: string }) =>
    `${s.opts.uid ?? 'self'}@${s.display}`;

  const lockState = async (s: {
    opts: CommandOptions;
    display: string;
  }): Promise<boolean | null> => {
    const key = keyOf(s);
    const live = [...watches].filter((w) => w.key === key && w.live);
    const known = live.find((w) => w.state !== null);
    if (known) return known.state;
    if (xssMissing || (noSaverUntil.get(key) ?? 0) > o.clock.now()) return null;
    const seen = live.map((w) => w.lines);
    const r = await o.commands.run('xscreensaver-command', ['-time'], { ...s.opts, timeoutMs });
    if (r.missing) {
      xssMissing = true;
      sayOnce('xss-missing', XSS_MISSING);
      return null;
    }
    const v = r.code === 0 ? parseXssTime(r.stdout) : null;
    if (v === null) {
      noSaverUntil.set(key, o.clock.now() + NO_SAVER_BACKOFF_MS);
      sayOnce(
        `no-saver:${key}`,
        `idle: x11: no xscreensaver answers on ${s.display} (${whyFailed(r)}); lock state comes from logind, or is unknown`,
      );
      return null;
    }
    // Seed the watches that saw nothing meanwhile (a line is newer than this answer).
    live.forEach((w, i) => {
      if (w.live && w.lines === seen[i] && w.state === null) w.state = v;
    });
    return v;
  };

  return {
    name: 'x11',
    async read(user) {
      const s = session(user);
      if (!s || xprintidleMissing) return UNKNOWN;
      const r = await o.commands.run('xprintidle', [], { ...s.opts, timeoutMs });
      if (r.missing) {
        xprintidleMissing = true;
        sayOnce('xprintidle-missing', XPRINTIDLE_MISSING);
        return UNKNOWN;
      }
      if (r.code !== 0) {
        sayOnce(
          `xprintidle-failed:${keyOf(s)}`,
          `idle: x11: xprintidle failed on ${s.display} as ${user.name}: ${whyFailed(r)}; idle time from the next source`,
        );
        return UNKNOWN;
      }
      const idleMs = parseXprintidle(r.stdout);
      if (idleMs === null) {
        sayOnce(
          'xprintidle-garbage',
          `idle: x11: xprintidle printed ${JSON.stringify(r.stdout.trim().slice(0, 80))}, not a number of ms; idle time from the next source`,
        );
        return UNKNOWN;
      }
      return { idleMs, locked: await lockState(s) };
    },

    watchLock(user, onChange) {
      const s = session(user);
      if (!s || xssMissing) return { close() {} };
      const w: Watch = { key: keyOf(s), live: false, state: null, lines: 0 };
      watches.add(w);
      let proc: LineProcess | undefined;
      let retry: Timer | undefined;
      let closed = false;
      const firstDelay = o.watchRetryMs ?? 5_000;
      let delay = firstDelay;
      const start = () => {
        w.live = true;
        const p = o.commands.spawnLines('xscreensaver-command', ['-watch'], s.opts, (line) => {
          w.lines++;
          delay = firstDelay;
          const v = parseXssWatchLine(line);
          if (v === undefined) return;
          const before = w.state;
          w.state = v;
          // A lock is news unless we knew it; an unlock only after a lock we knew of.
          if (v ? before !== true : before === true) onChange(v);
        });
        proc = p;
        void p.exited.then((r) => {
          w.live = false;
          w.state = null;
          if (closed) return;
          if (r.missing) {
            xssMissing = true;
            sayOnce('xss-missing', XSS_MISSING);
            return;
          }
          sayOnce(
            `watch-ended:${w.key}`,
            `idle: x11: xscreensaver-command -watch ended on ${s.display}: ${whyFailed(r)}; lock state is read with -time until it runs again`,
          );
          retry = o.clock.after(delay, () => {
            retry = undefined;
            if (!closed) start();
          });
          delay = Math.min(delay * 2, MAX_RETRY_MS);
        });
      };
      start();
      return {
        close() {
          closed = true;
          retry?.cancel();
          proc?.close();
          w.live = false;
          watches.delete(w);
        },
      };
    },
  };
}
