// How a Linux agent runs a program in the seat user's desktop session (notify-send,
// xprintidle, xscreensaver-command, xdg-screensaver): shared by the notifier and the idle
// adapters so they reach the session the same way.
//
// A root agent has no session of its own. It runs the program as the seat user (their uid and
// gid from passwd, never root on their bus or display), with that session's
// DBUS_SESSION_BUS_ADDRESS, DISPLAY and, where one is found, XAUTHORITY. An agent running as
// an ordinary user (development, `npm start`) runs it as itself with its own session
// variables.
//
// XAUTHORITY, kept simple: the X cookie lives where the display manager put it. GDM writes
// /run/user/<uid>/gdm/Xauthority; startx, LightDM and xdm write ~/.Xauthority. We take the
// first of these that exists. SDDM and some others use a random /tmp/xauth_* name known only
// from the environment of the session's processes (/proc/<pid>/environ); we do not scan /proc
// for it: GDM and most display managers also admit the local user by `xhost +si:localuser`,
// and where the cookie is needed and not found, the program fails ("unable to open display"),
// the adapter says so once, and the idle module falls back to logind.
import fs from 'node:fs';
import path from 'node:path';
import type { CommandOptions } from '../../core/ports/commands.js';
import type { SeatUser } from '../../core/ports/session.js';
import type { LinuxUsers } from './users.js';

export interface SeatEnvOptions {
  users: Pick<LinuxUsers, 'entry'>;
  /** The agent's own uid (0: root). */
  uid: number;
  /** The agent's own environment, for an agent that runs as the user. */
  env?: Record<string, string | undefined>;
  /** Where /run/user is (tests: a fabricated tree). */
  runUserDir?: string;
  /** Whether a file exists (tests: a fabricated answer). */
  exists?: (file: string) => boolean;
}

export type SeatRun =
  | { ok: true; opts: CommandOptions & { env: Record<string, string> } }
  | {
      ok: false;
      /** nobody at the seat; root at the seat (a root agent never runs things as root there); no passwd entry. */
      reason: 'nobody' | 'root' | 'no-account';
      why: string;
    };

/** What an agent running as the user passes on from its own environment. */
const OWN_SESSION_VARS = [
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'XAUTHORITY',
  'DBUS_SESSION_BUS_ADDRESS',
  'XDG_RUNTIME_DIR',
  'HOME',
] as const;

/** The X authority file of a user's session, where a display manager put it (see above). */
export function xauthorityOf(
  entry: { uid: number; home: string },
  runUserDir: string,
  exists: (file: string) => boolean,
): string | undefined {
  const candidates = [path.posix.join(runUserDir, String(entry.uid), 'gdm/Xauthority')];
  if (entry.home && entry.home !== '/') candidates.push(path.posix.join(entry.home, '.Xauthority'));
  return candidates.find(exists);
}

/** The command options that run a program in the seat user's session (see above). */
export function seatRunOptions(to: SeatUser | null, o: SeatEnvOptions): SeatRun {
  const runUser = o.runUserDir ?? '/run/user';
  if (o.uid !== 0) {
    const env: Record<string, string> = {};
    for (const k of OWN_SESSION_VARS) {
      const v = o.env?.[k];
      if (v) env[k] = v;
    }
    // The agent runs as the person at the seat but was started without DISPLAY (a terminal
    // outside the desktop): their session's display is theirs to use.
    if (!env.DISPLAY && to?.display && to.uid === o.uid) env.DISPLAY = to.display;
    return { ok: true, opts: { env } };
  }
  if (!to) return { ok: false, reason: 'nobody', why: 'nobody is at the seat' };
  const entry = o.users.entry(to.uid ?? to.name);
  if (!entry) {
    return {
      ok: false,
      reason: 'no-account',
      why: `no account for seat user ${JSON.stringify(to.name)}`,
    };
  }
  if (entry.uid === 0) {
    return { ok: false, reason: 'root', why: 'root is at the seat (nothing is run as root there)' };
  }
  const env: Record<string, string> = {
    HOME: entry.home || '/',
    USER: entry.name,
    LOGNAME: entry.name,
    XDG_RUNTIME_DIR: `${runUser}/${entry.uid}`,
    DBUS_SESSION_BUS_ADDRESS: to.dbusAddress ?? `unix:path=${runUser}/${entry.uid}/bus`,
  };
  if (to.display) {
    env.DISPLAY = to.display;
    const xauth = xauthorityOf(entry, runUser, o.exists ?? fs.existsSync);
    if (xauth) env.XAUTHORITY = xauth;
  }
  return { ok: true, opts: { uid: entry.uid, gid: entry.gid, env } };
}
