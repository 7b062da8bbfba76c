// Idle time, lock state and locking on macOS (command-tested here; no Mac).
//
// Idle time: IOHIDSystem's HIDIdleTime, ns since the last keyboard or pointer input at the
// console, from `ioreg -c IOHIDSystem -d 4` (readable by any user, root included: no GUI
// session needed). Lock state: `ioreg -n Root -d1 -a` lists the console sessions
// (IOConsoleUsers); the one on the console carries CGSSessionScreenIsLocked = true while its
// screen is locked and no such key otherwise. Undocumented but stable since 10.x and what
// admin scripts use; parsed as XML with our plist reader, no python.
//
// Locking: `pmset displaysleepnow` first. It runs as root from the daemon with no GUI
// session, and the display going to sleep locks the screen when "Require password after
// screen saver begins or display is turned off" is "immediately" (the default since macOS
// 10.13's security settings, and what an MDM profile should enforce:
// com.apple.screensaver askForPassword=1, askForPasswordDelay=0). Otherwise, the lock
// shortcut Ctrl+Cmd+Q sent by osascript through System Events in the person's GUI session
// (`launchctl asuser <uid> sudo -u <name>`, as the notifier does): it needs the Accessibility
// permission (TCC) that only the person or an MDM PPPC profile can grant, so it often fails
// on a managed Mac; that is why it comes second. Both exit 0 when they only asked: the lock
// shows in the lock state.
import type { CommandRunner } from '../../core/ports/commands.js';
import type { IdlePort, IdleReading, LockResult } from '../../core/ports/idle.js';
import type { SeatUser } from '../../core/ports/session.js';
import { isDict, type PlistValue, parsePlist } from './usb-plist.js';

export const HID_ARGS = ['-c', 'IOHIDSystem', '-d', '4'];
export const ROOT_ARGS = ['-n', 'Root', '-d1', '-a'];
export const LOCK_KEYSTROKE =
  'tell application "System Events" to keystroke "q" using {control down, command down}';

/** The first `"HIDIdleTime" = <ns>` of ioreg's text output, in ms; null when absent. */
export function parseHidIdle(stdout: string): number | null {
  const m = /"HIDIdleTime"\s*=\s*(\d{1,20})\b/.exec(stdout);
  if (!m) return null;
  return Math.floor(Number(m[1]) / 1e6);
}

/** Finds the IOConsoleUsers array anywhere in ioreg's plist (Root's dict, or an array of it). */
function consoleUsers(v: PlistValue, depth = 0): PlistValue[] | undefined {
  if (depth > 4) return undefined;
  if (Array.isArray(v)) {
    for (const x of v) {
      const found = consoleUsers(x, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!isDict(v)) return undefined;
  const users = v.IOConsoleUsers;
  if (Array.isArray(users)) return users;
  const children = v.IORegistryEntryChildren;
  return children === undefined ? undefined : consoleUsers(children, depth + 1);
}

/**
 * Whether the seat user's console session is locked, from `ioreg -n Root -d1 -a`. Null when
 * the plist cannot be read or has no on-console session of that user.
 */
export function parseConsoleLocked(
  xml: string,
  user: { name: string; uid?: number },
): boolean | null {
  let root: PlistValue;
  try {
    root = parsePlist(xml);
  } catch {
    return null;
  }
  const session = consoleUsers(root)?.find(
    (s) =>
      isDict(s) &&
      s.kCGSSessionOnConsoleKey === true &&
      (user.uid !== undefined
        ? s.kCGSSessionUserIDKey === user.uid
        : s.kCGSSessionUserNameKey === user.name),
  );
  if (!isDict(session)) return null;
  return session.CGSSessionScreenIsLocked === true;
}

const why = (r: { code: number | null; stderr: string; missing?: boolean; timedOut?: boolean }) =>
  r.missing
    ? 'not installed'
    : r.timedOut
      ? 'timed out'
      : r.stderr.trim().split('\n')[0] || `exit ${r.code}`;

export function createMacIdle(o: {
  commands: CommandRunner;
  /** The agent's own uid (0: a launchd daemon). */
  uid: number;
  say?: (line: string) => void;
}): { idle: IdlePort; lacks: string[] } {
  const said = new Set<string>();
  const sayOnce = (key: string, line: string) => {
    if (!said.has(key)) {
      said.add(key);
      o.say?.(line);
    }
  };
  const read = async (user: SeatUser): Promise<IdleReading> => {
    const hid = await o.commands.run('ioreg', HID_ARGS, { timeoutMs: 5_000 });
    const idleMs = hid.code === 0 ? parseHidIdle(hid.stdout) : null;
    if (idleMs === null) {
      sayOnce('hid', `idle: macos: ioreg gave no HIDIdleTime (${why(hid)}); idle time unknown`);
      return { idleMs: null, locked: null };
    }
    const root = await o.commands.run('ioreg', ROOT_ARGS, { timeoutMs: 5_000 });
    const locked = root.code === 0 ? parseConsoleLocked(root.stdout, user) : null;
    if (locked === null) {
      sayOnce(
        'lock',
        `idle: macos: ioreg shows no console session of ${user.name} (${root.code === 0 ? 'not in IOConsoleUsers' : why(root)}); lock state unknown`,
      );
    }
    return { idleMs, locked };
  };

  const lock = async (user: SeatUser): Promise<LockResult> => {
    const tried: { via: string; error: string }[] = [];
    const pm = await o.commands.run('pmset', ['displaysleepnow'], { timeoutMs: 10_000 });
    if (!pm.missing && pm.code === 0) return { ok: true, via: 'pmset displaysleepnow', tried };
    tried.push({ via: 'pmset displaysleepnow', error: why(pm) });
    const script = ['-e', LOCK_KEYSTROKE];
    let r: Awaited<ReturnType<CommandRunner['run']>> | undefined;
    if (o.uid !== 0) r = await o.commands.run('osascript', script, { timeoutMs: 10_000 });
    else if (user.uid !== undefined) {
      r = await o.commands.run(
        'launchctl',
        ['asuser', String(user.uid), 'sudo', '-u', user.name, 'osascript', ...script],
        { timeoutMs: 10_000 },
      );
    }
    if (r && !r.missing && r.code === 0) return { ok: true, via: 'osascript Ctrl+Cmd+Q', tried };
    tried.push({
      via: 'osascript Ctrl+Cmd+Q',
      error: r ? why(r) : 'the seat user’s uid is unknown (needed for launchctl asuser)',
    });
    return {
      ok: false,
      via: 'osascript Ctrl+Cmd+Q',
      error: tried.map((t) => `${t.via}: ${t.error}`).join('; '),
      tried,
    };
  };

  return { idle: { sources: [{ name: 'macos', read }], locker: { lock } }, lacks: [] };
}
