// The seat user on Windows: the user of the console session (the one at the keyboard, not
// a Remote Desktop session). First `Win32_ComputerSystem.UserName` through PowerShell (the
// console user, locale-independent, "DOMAIN\name"); where PowerShell is missing or fails,
// `query user` (quser), whose line for the console session we pick by the column positions
// of its header (header words and states are localised, positions are not). Windows gives
// no change notification to a command, so watch() polls once a minute.
import type { Clock } from '../../core/ports/clock.js';
import type { CommandRunner } from '../../core/ports/commands.js';
import type { SeatUser, SessionSource } from '../../core/ports/session.js';
import { pollEvery, watchByPoking } from '../node/session-watch.js';

export const CIM_SCRIPT = '(Get-CimInstance -ClassName Win32_ComputerSystem).UserName';

/** "DOMAIN\name" (or "name") into the account name; empty → undefined. */
export function accountName(s: string): string | undefined {
  const t = s.trim();
  if (!t) return undefined;
  const i = t.lastIndexOf('\\');
  return i >= 0 ? t.slice(i + 1) || undefined : t;
}

export interface QuserLine {
  name: string;
  sessionName: string;
  id: string;
  state: string;
}

/**
 * Parses `query user` output. Columns are found from the header's word positions; the first
 * character of a line is '>' for the session of the caller. A disconnected session has an
 * empty SESSIONNAME, so its ID shifts into that column: we read by position, not by word.
 */
export function parseQuser(text: string): QuserLine[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift();
  if (!header) return [];
  const starts: number[] = [];
  for (const m of header.matchAll(/\S+(?: \S+)*/g)) starts.push(m.index ?? 0);
  if (starts.length < 4) return [];
  const [, sessionAt, idAt, stateAt] = starts as [number, number, number, number];
  const out: QuserLine[] = [];
  for (const l of lines) {
    const line = l.padEnd(stateAt + 1);
    const name = line.slice(1, sessionAt).trim();
    // The ID is right-aligned under its header (a long one reaches left into SESSIONNAME):
    // take the last number before STATE; the session name is what precedes it.
    const mid = line.slice(sessionAt, Math.max(stateAt, idAt + 1));
    const idMatch = /(\d+)\s*$/.exec(mid);
    const state = line.slice(stateAt).trim().split(/\s+/)[0] ?? '';
    if (!name || !idMatch) continue;
    out.push({
      name,
      sessionName: mid.slice(0, idMatch.index).trim(),
      id: idMatch[1]!,
      state,
    });
  }
  return out;
}

export function createWindowsSession(o: {
  commands: CommandRunner;
  clock: Clock;
  pollMs?: number;
}): SessionSource {
  const viaCim = async (): Promise<SeatUser | null | undefined> => {
    const r = await o.commands.run(
      'powershell.exe',
      ['-NoProfile', '-NonInteractive', '-Command', CIM_SCRIPT],
      { timeoutMs: 15_000 },
    );
    if (r.missing || r.code !== 0) return undefined; // ask quser
    const name = accountName(r.stdout);
    return name ? { name, source: 'wts' } : null;
  };
  const viaQuser = async (): Promise<SeatUser | null> => {
    for (const cmd of ['query', 'quser']) {
      const r = await o.commands.run(cmd, cmd === 'query' ? ['user'] : []);
      if (r.missing) continue;
      // quser exits 1 with "No User exists for *" when nobody is logged in.
      const line = parseQuser(r.stdout).find((l) => l.sessionName.toLowerCase() === 'console');
      return line ? { name: line.name, sessionId: line.id, source: 'wts' } : null;
    }
    return null;
  };
  const read = async () => {
    const cim = await viaCim();
    return cim === undefined ? viaQuser() : cim;
  };
  return {
    name: 'wts',
    current: read,
    watch: (onChange) =>
      watchByPoking(read, pollEvery(o.clock, o.pollMs ?? 60_000), onChange, { clock: o.clock }),
  };
}
