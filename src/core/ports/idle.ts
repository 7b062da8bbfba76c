// Idle time and session lock state of the person at the console, and locking their session
// (issue 10; DESIGN.md "status": idleSource). Adapters: X11 (xprintidle, xscreensaver-command
// -watch), systemd-logind (loginctl show-session: IdleHint, IdleSinceHint, LockedHint), Windows
// (a helper in the interactive session), macOS (ioreg HIDIdleTime); the tray forwards Electron's
// powerMonitor over agent.sock (`idle.report`). A root agent reaches the seat user's session
// through what the session port knows of them (uid, display, D-Bus address), running commands
// as that user, never as root on their bus.
import type { IdleSource as IdleSourceName } from '../protocol/messages.js';
import type { SeatUser } from './session.js';

export type { IdleSourceName };

export interface IdleReading {
  /** Time since the last input in the seat user's session, ms; null when unknown now. */
  idleMs: number | null;
  /** The session is locked (true), unlocked (false), or unknown (null). */
  locked: boolean | null;
}

export interface IdleSource {
  readonly name: IdleSourceName;
  /** Reads the seat user's session now. Never throws: unknown is null. */
  read(user: SeatUser): Promise<IdleReading>;
  /**
   * Lock and unlock as they happen, where the source can tell without polling
   * (xscreensaver-command -watch, logind's PropertiesChanged); absent otherwise.
   */
  watchLock?(user: SeatUser, onChange: (locked: boolean) => void): { close(): void };
}

export interface LockResult {
  ok: boolean;
  /**
   * The command used ("loginctl lock-session", "xscreensaver-command -lock", …); on failure
   * the last one tried. `ok` means the command succeeded: some only ask the desktop to lock
   * (logind's Lock signal, LockWorkStation), so the lock itself shows in the lock state.
   */
  via: string;
  /** Why it failed (missing command, exit code, stderr), for the event: every attempt. */
  error?: string;
  /** The commands tried before `via` (or all, on failure) and why each failed or was skipped. */
  tried?: { via: string; error: string }[];
}

export interface SessionLocker {
  /** Locks the seat user's session with the OS's own command. Never throws. */
  lock(user: SeatUser): Promise<LockResult>;
}

export interface IdlePort {
  /**
   * The sources this machine has, best first (the module uses the first that answers and
   * falls back to the next, saying once what it lacks). The tray's reports take precedence
   * while a tray is connected.
   */
  sources: IdleSource[];
  locker: SessionLocker;
}
