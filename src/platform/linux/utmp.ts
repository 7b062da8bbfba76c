// The seat user from utmp, where there is no logind (a distribution without systemd, some
// containers). /run/utmp (also /var/run/utmp) is an array of glibc's `struct utmp`; on
// x86_64 and aarch64 each record is 384 bytes (bits/utmp.h, with __WORDSIZE_TIME64_COMPAT32
// making ut_tv two int32):
//
//   0 ut_type i16 (+2 pad)   4 ut_pid i32      8 ut_line[32]    40 ut_id[4]
//  44 ut_user[32]           76 ut_host[256]  332 ut_exit        336 ut_session i32
// 340 ut_tv {i32 sec, i32 usec}               348 ut_addr_v6[4]  364 unused[20]
//
// A USER_PROCESS (7) record is a login. The seat user is the one on the local display or
// console: a line or host ":0" (a display manager's record), else a virtual terminal
// (tty1…tty63), else "console". Records of a dead process (a crash left no DEAD_PROCESS
// record) are skipped; remote logins (pts with a host) never count.
import fs from 'node:fs';
import type { Clock } from '../../core/ports/clock.js';
import type { SeatUser, SessionSource } from '../../core/ports/session.js';
import type { UserDirectory } from '../../core/ports/users.js';
import { watchByPoking } from '../node/session-watch.js';

export const UTMP_RECORD_SIZE = 384;
export const USER_PROCESS = 7;

export interface UtmpRecord {
  type: number;
  pid: number;
  line: string;
  id: string;
  user: string;
  host: string;
  session: number;
  tvSec: number;
}

const cstr = (b: Buffer, start: number, len: number): string => {
  const end = b.indexOf(0, start);
  return b.toString('utf8', start, end < 0 || end > start + len ? start + len : end);
};

export function parseUtmp(b: Buffer): UtmpRecord[] {
  const out: UtmpRecord[] = [];
  // A partial record at the end (a write in progress) is left out.
  for (let o = 0; o + UTMP_RECORD_SIZE <= b.length; o += UTMP_RECORD_SIZE) {
    out.push({
      type: b.readInt16LE(o),
      pid: b.readInt32LE(o + 4),
      line: cstr(b, o + 8, 32),
      id: cstr(b, o + 40, 4),
      user: cstr(b, o + 44, 32),
      host: cstr(b, o + 76, 256),
      session: b.readInt32LE(o + 336),
      tvSec: b.readInt32LE(o + 340),
    });
  }
  return out;
}

/** How local a login is: 3 a display, 2 a virtual terminal, 1 the console, 0 not local. */
export function localRank(r: UtmpRecord): number {
  if (/^:\d+(\.\d+)?$/.test(r.line) || /^:\d+(\.\d+)?$/.test(r.host)) return 3;
  if (r.host !== '') return 0; // a remote login (ssh on a pts, telnet…)
  if (/^tty\d+$/.test(r.line)) return 2;
  if (r.line === 'console') return 1;
  return 0;
}

/** The seat user among the records: the most local live login, the newest on a tie. */
export function pickSeatRecord(
  records: UtmpRecord[],
  alive: (pid: number) => boolean,
): UtmpRecord | undefined {
  let best: UtmpRecord | undefined;
  let bestRank = 0;
  for (const r of records) {
    if (r.type !== USER_PROCESS || r.user === '') continue;
    const rank = localRank(r);
    if (rank === 0 || !alive(r.pid)) continue;
    if (rank > bestRank || (rank === bestRank && best && r.tvSec >= best.tvSec)) {
      best = r;
      bestRank = rank;
    }
  }
  return best;
}

export function pidAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

export interface UtmpOptions {
  file: string;
  users?: UserDirectory & { entry?(who: string): { uid: number } | undefined };
  clock: Clock;
  alive?: (pid: number) => boolean;
}

export function createUtmpSession(o: UtmpOptions): SessionSource {
  const alive = o.alive ?? pidAlive;
  const read = async (): Promise<SeatUser | null> => {
    let b: Buffer;
    try {
      b = fs.readFileSync(o.file);
    } catch {
      return null;
    }
    const r = pickSeatRecord(parseUtmp(b), alive);
    if (!r) return null;
    const u: SeatUser = { name: r.user, source: 'utmp' };
    const uid = o.users?.entry?.(r.user)?.uid;
    if (uid !== undefined) u.uid = uid;
    const display = [r.line, r.host].find((s) => /^:\d+(\.\d+)?$/.test(s));
    if (display) u.display = display;
    if (r.session > 0) u.sessionId = String(r.session);
    return u;
  };
  // utmp is rewritten in place (pututline), so a watch on the file sees every login and
  // logout; if it is replaced, the watch is set again on the new file.
  const arm = (poke: () => void) => {
    let w: fs.FSWatcher | undefined;
    let closed = false;
    const start = () => {
      try {
        w = fs.watch(o.file, { persistent: false }, (kind) => {
          poke();
          if (kind === 'rename' && !closed) {
            w?.close();
            start();
          }
        });
        w.on('error', () => w?.close());
      } catch {
        w = undefined;
      }
    };
    start();
    return {
      close: () => {
        closed = true;
        w?.close();
      },
    };
  };
  return {
    name: 'utmp',
    current: read,
    watch: (onChange) => watchByPoking(read, arm, onChange, { clock: o.clock }),
  };
}
