// Shows a notice to the person at the console when no tray does: notify-send in the seat
// user's session on Linux, a toast on Windows, osascript on macOS. Notices travel as
// {code, params} (DESIGN.md "Notices") and are translated before they reach this port.
import type { SeatUser } from './session.js';

export interface Notice {
  /** The message code the texts came from (for logs and tests). */
  code: string;
  title: string;
  body: string;
  urgency: 'low' | 'normal' | 'critical';
}

export interface Notifier {
  readonly name: string;
  /**
   * Resolves true when shown, false when there is no way to show it (no program to show it
   * with, nobody to show it to; logged once by the adapter). Rejects, with the reason, when
   * the way is there and showing failed (a session bus with no notification daemon, a
   * timeout), so that an undelivered notice is recorded with why.
   */
  notify(notice: Notice, to: SeatUser | null): Promise<boolean>;
}
