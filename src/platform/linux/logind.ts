// The seat user from systemd-logind, read the way libsystemd's sd-login reads it: the state
// files logind writes under /run/systemd (seat_save and session_save in systemd's
// src/login/logind-seat.c and logind-session.c). seats/seat0 has `ACTIVE=<session id>` and
// `ACTIVE_UID=<uid>` while a session is in the foreground; sessions/<id> has `UID=`, `USER=`,
// `STATE=`, `CLASS=`, `TYPE=`, `DISPLAY=`, `REMOTE=`… Both are replaced atomically (written to
// a temporary file, then renamed), so we watch the two directories with inotify: zero cost
// while nothing changes, no process started, no polling.
//
// logind marks these files "private data, do not parse"; sd-login parses them anyway and
// they have kept this shape for a decade. loginctl (below) is the documented interface and
// the alternative when the files are unreadable.
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../core/ports/clock.js';
import type { CommandRunner } from '../../core/ports/commands.js';
import type { SeatUser, SessionSource } from '../../core/ports/session.js';
import type { UserDirectory } from '../../core/ports/users.js';
import { type Poked, pollEvery, watchByPoking } from '../node/session-watch.js';

/** KEY=VALUE lines (env-file style: comments, optional quotes) into a map. */
export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let v = line.slice(eq + 1);
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0]!)) v = v.slice(1, -1);
    out.set(line.slice(0, eq), v);
  }
  return out;
}

/** The fields of a logind session the seat user is made of (files or loginctl alike). */
export interface LogindSession {
  id: string;
  user?: string;
  uid?: number;
  state?: string;
  class?: string;
  type?: string;
  display?: string;
  remote?: boolean;
}

const uidOf = (s: string | undefined): number | undefined =>
  s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined;

/**
 * The seat user of seat0's active session, or null: nobody logged in, the greeter (login
 * screen) in front, or a session on its way out (`closing`: its user has logged out).
 */
export function seatUserOf(
  s: LogindSession,
  o: { users?: UserDirectory; runUserDir: string; exists: (p: string) => boolean },
): SeatUser | null {
  if (s.class === 'greeter' || s.class === 'lock-screen' || s.state === 'closing') return null;
  const name = s.user || (s.uid !== undefined ? o.users?.nameOf(s.uid) : undefined);
  if (!name) return null;
  const u: SeatUser = { name, sessionId: s.id, source: 'logind' };
  if (s.uid !== undefined) {
    u.uid = s.uid;
    // The user's session bus (systemd --user); only where it really exists.
    const bus = path.posix.join(o.runUserDir, String(s.uid), 'bus');
    if (o.exists(bus)) u.dbusAddress = `unix:path=${bus}`;
  }
  if (s.display) u.display = s.display;
  if (s.type) u.sessionType = s.type;
  return u;
}

export interface LogindOptions {
  /** Where /run is: "/run" in production, a fabricated directory in tests. */
  runDir?: string;
  seat?: string;
  users?: UserDirectory;
  clock: Clock;
}

const readText = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

const exists = (p: string): boolean => fs.existsSync(p);

/** logind through its state files, watched with inotify. */
export function createLogindFilesSession(o: LogindOptions): SessionSource {
  const run = o.runDir ?? '/run';
  const seatsDir = path.join(run, 'systemd/seats');
  const sessionsDir = path.join(run, 'systemd/sessions');
  const seat = o.seat ?? 'seat0';
  let activeId: string | undefined;

  const read = async (): Promise<SeatUser | null> => {
    const seatText = readText(path.join(seatsDir, seat));
    if (seatText === undefined) return null;
    const seatVars = parseEnvFile(seatText);
    const id = seatVars.get('ACTIVE');
    activeId = id;
    // A session id is letters and digits (systemd session_id_valid): never a path or an option.
    if (!id || !/^[A-Za-z0-9]+$/.test(id)) return null;
    const text = readText(path.join(sessionsDir, id));
    const v = text === undefined ? new Map<string, string>() : parseEnvFile(text);
    const s: LogindSession = {
      id,
      user: v.get('USER'),
      uid: uidOf(v.get('UID')) ?? uidOf(seatVars.get('ACTIVE_UID')),
      state: v.get('STATE'),
      class: v.get('CLASS'),
      type: v.get('TYPE'),
      display: v.get('DISPLAY'),
      remote: v.get('REMOTE') === '1',
    };
    return seatUserOf(s, { users: o.users, runUserDir: path.join(run, 'user'), exists });
  };

  const arm = (poke: () => void): Poked => {
    const watches = new Map<string, fs.FSWatcher>();
    let closed = false;
    const watch = (dir: string, relevant: (name: string) => boolean): boolean => {
      if (watches.has(dir)) return true;
      try {
        const w = fs.watch(dir, { persistent: false }, (_kind, name) => {
          if (name === null || relevant(name.toString())) poke();
        });
        // The directory went away (logind stopped): nothing more will come from it.
        w.on('error', () => {
          w.close();
          watches.delete(dir);
        });
        watches.set(dir, w);
        return true;
      } catch {
        return false; // not there (yet): current() still answers on every call
      }
    };
    const armAll = () => {
      if (closed) return;
      const seats = watch(seatsDir, (name) => name === seat);
      // A session's own file changes when it becomes active, closes or learns its display.
      const sessions = watch(sessionsDir, (n) => activeId === undefined || n.startsWith(activeId));
      // Early in boot logind may not have made its directories yet: watch /run/systemd
      // until it does (one more inotify watch, no polling).
      if (!seats || !sessions) {
        watch(path.dirname(seatsDir), (name) => {
          if (name === 'seats' || name === 'sessions') {
            armAll();
            return true;
          }
          return false;
        });
      } else {
        const parent = watches.get(path.dirname(seatsDir));
        parent?.close();
        watches.delete(path.dirname(seatsDir));
      }
    };
    armAll();
    return {
      close: () => {
        closed = true;
        for (const w of watches.values()) w.close();
        watches.clear();
      },
    };
  };

  return {
    name: 'logind',
    current: read,
    watch: (onChange) => watchByPoking(read, arm, onChange, { clock: o.clock }),
  };
}

/** loginctl's `show-*` output (Key=Value lines) into a session. */
export function parseShowSession(id: string, text: string): LogindSession {
  const v = parseEnvFile(text);
  return {
    id,
    user: v.get('Name'),
    uid: uidOf(v.get('User')),
    state: v.get('State'),
    class: v.get('Class'),
    type: v.get('Type'),
    display: v.get('Display'),
    remote: v.get('Remote') === 'yes',
  };
}

/**
 * logind through `loginctl` (the documented interface), for where the state files cannot be
 * read. It has no change notification without D-Bus, so watch() polls once a minute.
 */
export function createLoginctlSession(
  o: LogindOptions & { commands: CommandRunner; pollMs?: number },
): SessionSource {
  const seat = o.seat ?? 'seat0';
  const read = async (): Promise<SeatUser | null> => {
    const a = await o.commands.run('loginctl', [
      'show-seat',
      seat,
      '--property=ActiveSession',
      '--value',
    ]);
    const id = a.code === 0 ? a.stdout.trim() : '';
    if (!id || !/^[A-Za-z0-9]+$/.test(id)) return null;
    const props = ['Name', 'User', 'State', 'Class', 'Type', 'Display', 'Remote'];
    const s = await o.commands.run('loginctl', [
      'show-session',
      id,
      ...props.map((p) => `--property=${p}`),
    ]);
    if (s.code !== 0) return null;
    return seatUserOf(parseShowSession(id, s.stdout), {
      users: o.users,
      runUserDir: path.join(o.runDir ?? '/run', 'user'),
      exists,
    });
  };
  return {
    name: 'logind',
    current: read,
    watch: (onChange) =>
      watchByPoking(read, pollEvery(o.clock, o.pollMs ?? 60_000), onChange, { clock: o.clock }),
  };
}
