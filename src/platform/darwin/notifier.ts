// Notices on macOS with no tray: Notification Center through `osascript`. The text is
// passed as arguments to the script's run handler, never spliced into AppleScript source, so
// a quote in a notice cannot break out. The first argument is a fixed word so that no
// notice text is ever first (a leading "-" would be read as an option). A root agent
// (launchd daemon) runs it in the console user's GUI session: `launchctl asuser <uid>`.
import type { CommandRunner } from '../../core/ports/commands.js';
import type { Notice, Notifier } from '../../core/ports/notifier.js';

export function osascriptArgs(n: Notice): string[] {
  return [
    '-e',
    'on run argv',
    '-e',
    'display notification (item 3 of argv) with title (item 2 of argv)',
    '-e',
    'end run',
    'baomi',
    n.title,
    n.body,
  ];
}

export function createMacNotifier(o: {
  commands: CommandRunner;
  uid: number;
  say?: (line: string) => void;
}): Notifier {
  let said = false;
  return {
    name: 'osascript',
    async notify(notice, to) {
      let r: Awaited<ReturnType<CommandRunner['run']>>;
      if (o.uid === 0) {
        if (to?.uid === undefined) return false;
        r = await o.commands.run('launchctl', [
          'asuser',
          String(to.uid),
          'sudo',
          '-u',
          to.name,
          'osascript',
          ...osascriptArgs(notice),
        ]);
      } else {
        r = await o.commands.run('osascript', osascriptArgs(notice));
      }
      if (r.missing) {
        if (!said) o.say?.('notifier: osascript is missing; notices need the tray');
        said = true;
        return false;
      }
      if (r.code !== 0) {
        // The port's contract: a failure that is not "no way to show it" says why.
        const why = r.timedOut ? 'timed out' : r.stderr.trim().split('\n')[0] || `exit ${r.code}`;
        throw new Error(`osascript failed: ${why}`);
      }
      return true;
    },
  };
}
