// Picks the Linux seat-user source: logind's state files, else utmp, else none. Each source
// that is missing is said once, in Platform.lacks.
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../core/ports/clock.js';
import type { SessionSource } from '../../core/ports/session.js';
import { noSession } from '../node/no-session.js';
import { createLogindFilesSession } from './logind.js';
import type { LinuxUsers } from './users.js';
import { createUtmpSession } from './utmp.js';

export interface LinuxSessionOptions {
  /** The file system root: "/" in production, a fabricated tree in tests. */
  root?: string;
  users?: LinuxUsers;
  clock: Clock;
  alive?: (pid: number) => boolean;
}

export function pickLinuxSession(o: LinuxSessionOptions): {
  session: SessionSource;
  lacks: string[];
} {
  const root = o.root ?? '/';
  const runDir = path.join(root, 'run');
  const lacks: string[] = [];
  // logind always creates seat0 when it starts (even on a headless machine), so its state
  // file says logind runs (an empty /run/systemd/seats is a container without it). A
  // machine booted with systemd (sd_booted: /run/systemd/system) has logind even if the
  // agent starts before logind has written seat0: the source then watches for it.
  const seat0 = fs.existsSync(path.join(runDir, 'systemd/seats/seat0'));
  if (seat0 || fs.existsSync(path.join(runDir, 'systemd/system'))) {
    return { session: createLogindFilesSession({ runDir, users: o.users, clock: o.clock }), lacks };
  }
  lacks.push('session: no systemd-logind (no /run/systemd/seats/seat0); trying utmp');
  for (const file of [path.join(runDir, 'utmp'), path.join(root, 'var/run/utmp')]) {
    if (fs.existsSync(file)) {
      const session = createUtmpSession({ file, users: o.users, clock: o.clock, alive: o.alive });
      return { session, lacks };
    }
  }
  lacks.push('session: no utmp (/run/utmp); the seat user is unknown, events carry no user');
  return { session: noSession, lacks };
}
