// The seat user on macOS: the owner of /dev/console is whoever is logged in at the screen
// (root at the login window). First `scutil` (State:/Users/ConsoleUser gives the name and the
// uid; "loginwindow" means nobody), then `stat -f%Su /dev/console`. No change notification
// reaches a command, so watch() polls once a minute.
import type { Clock } from '../../core/ports/clock.js';
import type { CommandRunner } from '../../core/ports/commands.js';
import type { SeatUser, SessionSource } from '../../core/ports/session.js';
import { pollEvery, watchByPoking } from '../node/session-watch.js';

/** Nobody at the screen: the login window, or root owning the console. */
const NOBODY = new Set(['', 'root', 'loginwindow', '_mbsetupuser']);

/** The top-level `Name : x` and `UID : n` of scutil's dictionary (nested ones are skipped). */
export function parseScutilConsoleUser(text: string): { name: string; uid?: number } | undefined {
  if (/No such key/i.test(text)) return undefined;
  let depth = 0;
  let name: string | undefined;
  let uid: number | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (depth === 1) {
      const m = /^(\w+) : (.*)$/.exec(line);
      if (m?.[1] === 'Name' && !m[2]!.startsWith('<')) name = m[2]!.trim();
      if (m?.[1] === 'UID' && /^\d+$/.test(m[2]!.trim())) uid = Number(m[2]!.trim());
    }
    if (line.endsWith('{')) depth++;
    if (line === '}') depth--;
  }
  return name === undefined ? undefined : { name, ...(uid !== undefined ? { uid } : {}) };
}

export function createMacSession(o: {
  commands: CommandRunner;
  clock: Clock;
  pollMs?: number;
}): SessionSource {
  const read = async (): Promise<SeatUser | null> => {
    const s = await o.commands.run('scutil', [], { input: 'show State:/Users/ConsoleUser\n' });
    if (!s.missing && s.code === 0) {
      const u = parseScutilConsoleUser(s.stdout);
      if (u && !NOBODY.has(u.name)) {
        return { name: u.name, ...(u.uid !== undefined ? { uid: u.uid } : {}), source: 'macos' };
      }
      if (u) return null;
    }
    const r = await o.commands.run('stat', ['-f%Su', '/dev/console']);
    if (r.missing || r.code !== 0) return null;
    const name = r.stdout.trim();
    return NOBODY.has(name) ? null : { name, source: 'macos' };
  };
  return {
    name: 'macos',
    current: read,
    watch: (onChange) =>
      watchByPoking(read, pollEvery(o.clock, o.pollMs ?? 60_000), onChange, { clock: o.clock }),
  };
}
