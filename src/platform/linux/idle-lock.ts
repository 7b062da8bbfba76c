// Locking the seat user's session on Linux with the desktop's own locker, trying in turn:
//   1. `loginctl lock-session <id>`, where logind runs: logind sends the session its Lock
//      signal, and the desktop's locker (GNOME, KDE, xss-lock, xscreensaver-systemd) locks.
//      Run as the agent itself (root may lock any session; a user their own, by polkit).
//      loginctl succeeds even when nothing in the session listens, so `ok` means "asked":
//      the lock shows in the lock state (LockedHint, xscreensaver's LOCK).
//   2. `xscreensaver-command -lock`, as the seat user with their DISPLAY: fails when no
//      xscreensaver runs on that display.
//   3. `xdg-screensaver lock` (xdg-utils), as the seat user in their session: it finds the
//      desktop's screensaver (D-Bus org.freedesktop.ScreenSaver, xscreensaver, xset…).
// Each failure gives the next one a try; the result names the one used and why each before
// it failed or was skipped.
import type { CommandRunner } from '../../core/ports/commands.js';
import type { LockResult, SessionLocker } from '../../core/ports/idle.js';
import type { SeatUser } from '../../core/ports/session.js';
import { whyFailed } from './idle-parse.js';
import type { SeatRun } from './seat-env.js';

export interface LinuxLockerOptions {
  commands: CommandRunner;
  /** How to run a program in the seat user's session (seatRunOptions, bound). */
  seat: (user: SeatUser) => SeatRun;
  /** systemd-logind runs here (and loginctl is installed). */
  logind: boolean;
  timeoutMs?: number;
}

export const LOCK_VIA = {
  loginctl: 'loginctl lock-session',
  xscreensaver: 'xscreensaver-command -lock',
  xdg: 'xdg-screensaver lock',
} as const;

export function createLinuxLocker(o: LinuxLockerOptions): SessionLocker {
  const timeoutMs = o.timeoutMs ?? 5_000;
  return {
    async lock(user): Promise<LockResult> {
      const tried: { via: string; error: string }[] = [];
      const attempt = async (
        via: string,
        cmd: string,
        args: string[],
        opts: Parameters<CommandRunner['run']>[2],
      ): Promise<boolean> => {
        const r = await o.commands.run(cmd, args, { ...opts, timeoutMs });
        if (!r.missing && r.code === 0) return true;
        tried.push({ via, error: whyFailed(r) });
        return false;
      };
      const id = user.sessionId;
      if (!o.logind) tried.push({ via: LOCK_VIA.loginctl, error: 'no systemd-logind here' });
      else if (!id || !/^[A-Za-z0-9]+$/.test(id)) {
        tried.push({ via: LOCK_VIA.loginctl, error: 'the seat user has no logind session' });
      } else if (await attempt(LOCK_VIA.loginctl, 'loginctl', ['lock-session', id], {})) {
        return { ok: true, via: LOCK_VIA.loginctl, tried };
      }
      const seat = o.seat(user);
      if (!seat.ok) {
        tried.push({ via: LOCK_VIA.xscreensaver, error: seat.why });
        tried.push({ via: LOCK_VIA.xdg, error: seat.why });
      } else {
        if (!seat.opts.env.DISPLAY) {
          tried.push({ via: LOCK_VIA.xscreensaver, error: 'no DISPLAY for the seat user' });
        } else if (
          await attempt(LOCK_VIA.xscreensaver, 'xscreensaver-command', ['-lock'], seat.opts)
        ) {
          return { ok: true, via: LOCK_VIA.xscreensaver, tried };
        }
        if (await attempt(LOCK_VIA.xdg, 'xdg-screensaver', ['lock'], seat.opts)) {
          return { ok: true, via: LOCK_VIA.xdg, tried };
        }
      }
      const last = tried[tried.length - 1]!;
      return {
        ok: false,
        via: last.via,
        error: tried.map((t) => `${t.via}: ${t.error}`).join('; '),
        tried,
      };
    },
  };
}
