// Idle time, lock state and locking on Windows (command-tested here; no Windows machine).
//
// Where Windows keeps idle time: GetLastInputInfo answers for the session and desktop of the
// caller only. The agent's service runs as SYSTEM in session 0, which has no console input,
// so from there it cannot read the person's idle time, and Terminal Services' LastInputTime
// (what `quser` shows as IDLE TIME) does not move for the console session (it is kept for
// remote sessions). So:
//   - the real source is the tray, which runs in the person's session and forwards Electron's
//     powerMonitor idle time over agent.sock (`idle.report`);
//   - without a tray, a helper must run in the person's session: a scheduled task
//     (`schtasks /create /sc onlogon /ru <user> /it`, "run only when the user is logged on")
//     started at logon could run the same PowerShell as below and report over agent.sock
//     like the tray does. That helper is not built; the service says so in `lacks`.
//   - an agent that runs as the person (development, `npm start`) is in their session and
//     reads GetLastInputInfo itself, through PowerShell (one process per read, with its
//     Add-Type compile: costly, acceptable only there).
//
// Lock state: the sign-in and lock screens are drawn by LogonUI.exe, which runs in the
// person's session only while the session is locked (or at the Ctrl+Alt+Del screen, also
// a screen nobody can use). `tasklist` sees every session's processes from session 0, so the
// service reads lock state that way (the WTS lock flag, WTSINFOEX SessionFlags, needs native
// code, and is reversed on Windows 7 / 2008 R2). A heuristic, said in the source's name line.
//
// Locking: `rundll32.exe user32.dll,LockWorkStation` locks the desktop of the session it runs
// in, so it works for an agent running as the person. From session 0 it locks nothing, and
// rundll32 exits 0 anyway, so the service never uses it (a false "locked" is worse than a
// failure). The service disconnects the console session instead: `tsdiscon <session id>`
// (Pro and Enterprise; Home lacks it). Windows then shows the sign-in screen, the person's
// programs keep running, and signing in again reconnects them: for confidentiality the same
// as a lock, though Windows records a disconnect, not a lock.
import type { CommandRunner } from '../../core/ports/commands.js';
import type { IdlePort, IdleReading, LockResult } from '../../core/ports/idle.js';
import type { SeatUser } from '../../core/ports/session.js';
import { parseQuser } from './session.js';

export const WINDOWS_SERVICE_IDLE_LACKS =
  'idle: windows: a service in session 0 cannot see the console’s input (GetLastInputInfo is per session; quser’s idle time does not move for the console): idle time needs the tray (idle.report); lock state from LogonUI.exe in the session (tasklist)';

/**
 * PowerShell, run in the person's session: the ms since their last input (GetLastInputInfo;
 * both counters are 32-bit ms and wrap together after 49.7 days, hence the unsigned
 * subtraction), then whether LogonUI.exe runs in this session.
 */
export const IDLE_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "Add-Type -TypeDefinition @'",
  'using System;',
  'using System.Runtime.InteropServices;',
  'public static class BaomiIdle {',
  '  [StructLayout(LayoutKind.Sequential)] struct LASTINPUTINFO { public uint cbSize; public uint dwTime; }',
  '  [DllImport("user32.dll")] static extern bool GetLastInputInfo(ref LASTINPUTINFO p);',
  '  public static long Ms() {',
  '    var i = new LASTINPUTINFO(); i.cbSize = (uint)Marshal.SizeOf(i);',
  '    if (!GetLastInputInfo(ref i)) return -1;',
  '    return (long)unchecked((uint)Environment.TickCount - i.dwTime);',
  '  }',
  '}',
  "'@",
  '[BaomiIdle]::Ms()',
  '$sid = [System.Diagnostics.Process]::GetCurrentProcess().SessionId',
  "if (Get-Process -Name LogonUI -ErrorAction SilentlyContinue | Where-Object { $_.SessionId -eq $sid }) { 'locked' } else { 'unlocked' }",
].join('\n');

/** PowerShell's -EncodedCommand: base64 of UTF-16LE, so no quoting of the script can go wrong. */
export const encodePowerShell = (script: string): string =>
  Buffer.from(script, 'utf16le').toString('base64');

export const POWERSHELL_ARGS = [
  '-NoProfile',
  '-NonInteractive',
  '-EncodedCommand',
  encodePowerShell(IDLE_SCRIPT),
];

/** The IDLE_SCRIPT's two lines: ms (or -1) and locked/unlocked. */
export function parseIdleScript(stdout: string): IdleReading {
  const [ms, lock] = stdout.split(/\r?\n/).map((l) => l.trim());
  const idleMs = ms !== undefined && /^\d{1,12}$/.test(ms) ? Number(ms) : null;
  const locked = lock === 'locked' ? true : lock === 'unlocked' ? false : null;
  return { idleMs, locked };
}

/** `tasklist /FO CSV /NH` rows: image, pid, session name, session number, memory. */
export function parseTasklistCsv(
  stdout: string,
): { image: string; pid: string; sessionName: string; session: string }[] {
  const out = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^"([^"]*)","([^"]*)","([^"]*)","([^"]*)"/.exec(line.trim());
    if (m) out.push({ image: m[1]!, pid: m[2]!, sessionName: m[3]!, session: m[4]! });
  }
  return out;
}

/**
 * Whether LogonUI.exe runs in the seat user's session (by id, or else the console session by
 * name). tasklist prints a localised "INFO: No tasks…" line when nothing matches: no row,
 * not locked. Null when tasklist gave no answer.
 */
export function logonUiLocked(
  r: { code: number | null; stdout: string; missing?: boolean },
  sessionId: string | undefined,
): boolean | null {
  if (r.missing || r.code !== 0) return null;
  return parseTasklistCsv(r.stdout).some(
    (row) =>
      row.image.toLowerCase() === 'logonui.exe' &&
      (sessionId !== undefined ? row.session === sessionId : row.sessionName === 'Console'),
  );
}

export const TASKLIST_ARGS = ['/FI', 'IMAGENAME eq LogonUI.exe', '/FO', 'CSV', '/NH'];

const why = (r: { code: number | null; stderr: string; missing?: boolean; timedOut?: boolean }) =>
  r.missing
    ? 'not installed'
    : r.timedOut
      ? 'timed out'
      : r.stderr.trim().split(/\r?\n/)[0] || `exit ${r.code}`;

export function createWindowsIdle(o: {
  commands: CommandRunner;
  /** The agent runs as SYSTEM (a service in session 0), not as the person. */
  service: boolean;
  say?: (line: string) => void;
}): { idle: IdlePort; lacks: string[] } {
  const said = new Set<string>();
  const sayOnce = (key: string, line: string) => {
    if (!said.has(key)) {
      said.add(key);
      o.say?.(line);
    }
  };
  const sessionIdOf = (user: SeatUser) =>
    user.sessionId && /^\d+$/.test(user.sessionId) ? user.sessionId : undefined;

  const readService = async (user: SeatUser): Promise<IdleReading> => {
    const r = await o.commands.run('tasklist', TASKLIST_ARGS, { timeoutMs: 10_000 });
    const locked = logonUiLocked(r, sessionIdOf(user));
    if (locked === null)
      sayOnce('tasklist', `idle: windows: tasklist failed: ${why(r)}; lock state unknown`);
    return { idleMs: null, locked };
  };
  const readAsUser = async (): Promise<IdleReading> => {
    const r = await o.commands.run('powershell.exe', POWERSHELL_ARGS, { timeoutMs: 15_000 });
    if (r.code !== 0) {
      sayOnce(
        'powershell',
        `idle: windows: the idle PowerShell failed: ${why(r)}; idle time unknown`,
      );
      return { idleMs: null, locked: null };
    }
    const reading = parseIdleScript(r.stdout);
    if (reading.idleMs === null) {
      sayOnce(
        'garbage',
        `idle: windows: the idle PowerShell printed ${JSON.stringify(r.stdout.trim().slice(0, 80))}; idle time unknown`,
      );
    }
    return reading;
  };

  /** The console session's id, from the seat user or `query user`. */
  const consoleSession = async (user: SeatUser): Promise<string | undefined> => {
    const known = sessionIdOf(user);
    if (known) return known;
    for (const cmd of ['query', 'quser']) {
      const r = await o.commands.run(cmd, cmd === 'query' ? ['user'] : [], { timeoutMs: 10_000 });
      if (r.missing) continue;
      return parseQuser(r.stdout).find((l) => l.sessionName.toLowerCase() === 'console')?.id;
    }
    return undefined;
  };

  const lock = async (user: SeatUser): Promise<LockResult> => {
    const tried: { via: string; error: string }[] = [];
    if (!o.service) {
      const r = await o.commands.run('rundll32.exe', ['user32.dll,LockWorkStation'], {
        timeoutMs: 10_000,
      });
      if (!r.missing && r.code === 0) return { ok: true, via: 'LockWorkStation', tried };
      tried.push({ via: 'LockWorkStation', error: why(r) });
    }
    const id = o.service ? await consoleSession(user) : undefined;
    if (o.service && id === undefined) {
      tried.push({ via: 'tsdiscon', error: 'no console session found (query user)' });
    } else {
      // As the person: tsdiscon with no id disconnects their own session.
      const r = await o.commands.run('tsdiscon', id !== undefined ? [id] : [], {
        timeoutMs: 10_000,
      });
      if (!r.missing && r.code === 0) return { ok: true, via: 'tsdiscon', tried };
      tried.push({
        via: 'tsdiscon',
        error: r.missing ? 'not installed (Windows Home has no tsdiscon)' : why(r),
      });
    }
    return {
      ok: false,
      via: tried[tried.length - 1]!.via,
      error: tried.map((t) => `${t.via}: ${t.error}`).join('; '),
      tried,
    };
  };

  return {
    idle: {
      sources: [{ name: 'windows', read: o.service ? readService : readAsUser }],
      locker: { lock },
    },
    lacks: o.service ? [WINDOWS_SERVICE_IDLE_LACKS] : [],
  };
}
