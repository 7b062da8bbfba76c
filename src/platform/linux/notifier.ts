// Notices on a Linux desktop with no tray: `notify-send` (libnotify) talks to the
// notification daemon on the user's session bus. A root agent has no session bus of its
// own, so it runs notify-send as the seat user (uid/gid), with that session's
// DBUS_SESSION_BUS_ADDRESS and DISPLAY; an agent running as the user (development) runs it
// as itself with its own environment. Text goes as arguments after `--`, never through a
// shell, so a notice cannot be read as an option or a command.
import type { CommandRunner } from '../../core/ports/commands.js';
import type { Notice, Notifier } from '../../core/ports/notifier.js';
import type { SeatUser } from '../../core/ports/session.js';
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

export function notifySendArgs(n: Notice): string[] {
  return ['--app-name=Baomi', `--urgency=${n.urgency}`, '--', n.title, n.body];
}

export function createLinuxNotifier(o: LinuxNotifierOptions): Notifier {
  const said = new Set<string>();
  const sayOnce = (line: string) => {
    if (said.has(line)) return;
    said.add(line);
    o.say?.(line);
  };
  let missing = false;
  const runUser = o.runUserDir ?? '/run/user';
  return {
    name: 'notify-send',
    async notify(notice, to: SeatUser | null) {
      if (missing) return false;
      const args = notifySendArgs(notice);
      let opts: Parameters<CommandRunner['run']>[2];
      if (o.uid === 0) {
        // Root: only into a seat user's session, as that user.
        if (!to) return false;
        const entry = o.users.entry(to.uid ?? to.name);
        if (!entry || entry.uid === 0) {
          if (!entry) sayOnce(`notifier: no account for seat user ${JSON.stringify(to.name)}`);
          return false;
        }
        const env: Record<string, string> = {
          HOME: entry.home || '/',
          USER: entry.name,
          LOGNAME: entry.name,
          XDG_RUNTIME_DIR: `${runUser}/${entry.uid}`,
          DBUS_SESSION_BUS_ADDRESS: to.dbusAddress ?? `unix:path=${runUser}/${entry.uid}/bus`,
        };
        if (to.display) env.DISPLAY = to.display;
        opts = { uid: entry.uid, gid: entry.gid, env, timeoutMs: 5_000 };
      } else {
        const env: Record<string, string> = {};
        for (const k of [
          'DISPLAY',
          'WAYLAND_DISPLAY',
          'DBUS_SESSION_BUS_ADDRESS',
          'XDG_RUNTIME_DIR',
          'HOME',
        ]) {
          const v = o.env?.[k];
          if (v) env[k] = v;
        }
        opts = { env, timeoutMs: 5_000 };
      }
      const r = await o.commands.run('notify-send', args, opts);
      if (r.missing) {
        missing = true;
        sayOnce('notifier: notify-send is not installed (libnotify-bin); notices are not shown');
        return false;
      }
      if (r.code !== 0) {
        const why = r.timedOut ? 'timed out' : r.stderr.trim().split('\n')[0] || `exit ${r.code}`;
        sayOnce(`notifier: notify-send failed: ${why}`);
        return false;
      }
      return true;
    },
  };
}
