// Who sits at the console now (the seat user), and when that changes. An event's `user` is
// this person at that moment: who was at the console, never the actor of a file change
// (DESIGN.md "Contracts"). Never guessed: unknown is `null`.
export type SessionSourceName = 'logind' | 'utmp' | 'wts' | 'macos' | 'fake' | 'none';

export interface SeatUser {
  /** Account name. */
  name: string;
  uid?: number;
  /** The OS's id of the session (logind session id, WTS session id…). */
  sessionId?: string;
  /** X11 display (":0") or Wayland display of the session, where known. */
  display?: string;
  /** The session's D-Bus address (to reach the user's notification daemon), where known. */
  dbusAddress?: string;
  /** The kind of session where the OS says (logind TYPE: x11, wayland, tty…). */
  sessionType?: string;
  /** Where the answer came from. */
  source: SessionSourceName;
}

export interface SessionSource {
  readonly name: SessionSourceName;
  /** The seat user now, or null when nobody is at the console (or it cannot be known). */
  current(): Promise<SeatUser | null>;
  /**
   * Calls onChange when the seat user changes (login, logout, fast user switching), with the
   * new seat user or null. Only real changes are reported (same person, same session: no
   * call). Sources without change notifications poll, slowly (a minute: an idle agent's CPU
   * time counts), and say so in Platform.lacks.
   */
  watch(onChange: (user: SeatUser | null) => void): { close(): void };
}
