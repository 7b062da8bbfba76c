// Notices on a Linux desktop with no tray: `notify-send` (libnotify) talks to the
// notification daemon on the user's session bus. A root agent has no session bus of its
// own, so it runs notify-send as the seat user (uid/gid), with that session's
// DBUS_SESSION_BUS_ADDRESS and DISPLAY; an agent running as the user (development) runs it
// as itself with its own environment (both in seat-env.ts, shared with the idle adapters). Text goes as arguments after `--`, never through a
// shell, so a notice cannot be read as an option or a command.
//
// SECURITY: a notification's body is markup (Desktop Notifications Specification, "Markup":
// <b>, <i>, <u>, <a href>, <img>, entities), and the body carries what a USB device says
// about itself: a product string `<a href="https://…">` would be a link inside a notice that
// looks like Baomi's. So the body is escaped (& < > " ') and shows exactly its text. The
// title (the spec's summary) is plain text that servers escape themselves (GNOME Shell,
// Plasma, dunst, mako, xfce4-notifyd), so escaping it here would show "&amp;"; it is built
// from the messages catalogue and a count only, never from device text. (The tray renders
// notices as text itself: this is notify-send's concern, not core's.)
import type { CommandRunner } from '../../core/ports/commands.js';
import type { Notice, Notifier } from '../../core/ports/notifier.js';
import type { SeatUser } from '../../core/ports/session.js';
import { seatRunOptions } from './seat-env.js';
import type { LinuxUsers } from './users.js';

export interface LinuxNotifierOptions {
  commands: CommandRunner;
  users: Pick<LinuxUsers, 'entry'>;
  /** The agent's own uid (0: root). */
  uid: number;
  /** The agent's environment, for an agent that runs as the user. */
  env?: Record<string, string | undefined>;
  /** Where /run/user is (tests: a fabricated tree). */
  runUserDir?: string;
  /** Said once per reason (a missing tool, no session bus). */
  say?: (line: string) => void;
}

const MARKUP: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text as notification-body markup that shows exactly that text. */
export function escapeMarkup(s: string): string {
  return s.replace(/[&<>"']/g, (c) => MARKUP[c]!);
}

export function notifySendArgs(n: Notice): string[] {
  return ['--app-name=Baomi', `--urgency=${n.urgency}`, '--', n.title, escapeMarkup(n.body)];
}

export function createLinuxNotifier(o: LinuxNotifierOptions): Notifier {
  const said = new Set<string>();
  const sayOnce = (line: string) => {
    if (said.has(line)) return;
    said.add(line);
    o.say?.(line);
  };
  let missing = false;
  return {
    name: 'notify-send',
    async notify(notice, to: SeatUser | null) {
      if (missing) return false;
      const args = notifySendArgs(notice);
      // Root: only into a seat user's session, as that user (seat-env.ts).
      const seat = seatRunOptions(to, {
        users: o.users,
        uid: o.uid,
        env: o.env,
        runUserDir: o.runUserDir,
      });
      if (!seat.ok) {
        if (seat.reason === 'no-account') sayOnce(`notifier: ${seat.why}`);
        return false;
      }
      const opts = { ...seat.opts, timeoutMs: 5_000 };
      const r = await o.commands.run('notify-send', args, opts);
      if (r.missing) {
        missing = true;
        sayOnce('notifier: notify-send is not installed (libnotify-bin); notices are not shown');
        return false;
      }
      if (r.code !== 0) {
        const why = r.timedOut ? 'timed out' : r.stderr.trim().split('\n')[0] || `exit ${r.code}`;
        sayOnce(`notifier: notify-send failed: ${why}`);
        // The port's contract: a failure that is not "no way to show it" says why.
        throw new Error(`notify-send failed: ${why}`);
      }
      return true;
    },
  };
}
