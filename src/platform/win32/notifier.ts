// Notices on Windows with no tray. An agent running as the user shows a toast through
// PowerShell (Windows.UI.Notifications); the text travels in environment variables, never
// inside the script, so a notice cannot inject PowerShell. A service running as SYSTEM has
// no desktop and cannot raise a toast in the user's session without a helper there (the
// tray), so it falls back to `msg.exe <session> <text>`, which Windows delivers to a session
// from SYSTEM (Pro and Enterprise editions have it; Home does not: then false, said once).
import type { CommandRunner } from '../../core/ports/commands.js';
import type { Notifier } from '../../core/ports/notifier.js';

export const TOAST_SCRIPT = [
  '$ErrorActionPreference = "Stop"',
  '[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null',
  '$t = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)',
  '$x = $t.GetElementsByTagName("text")',
  '$x.Item(0).AppendChild($t.CreateTextNode($env:BAOMI_TITLE)) > $null',
  '$x.Item(1).AppendChild($t.CreateTextNode($env:BAOMI_BODY)) > $null',
  '[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier("Baomi").Show([Windows.UI.Notifications.ToastNotification]::new($t))',
].join('; ');

export function createWindowsNotifier(o: {
  commands: CommandRunner;
  /** The agent runs as SYSTEM (a service), not as the person at the console. */
  service: boolean;
  say?: (line: string) => void;
}): Notifier {
  const said = new Set<string>();
  const sayOnce = (line: string) => {
    if (!said.has(line)) {
      said.add(line);
      o.say?.(line);
    }
  };
  return {
    name: o.service ? 'msg' : 'toast',
    async notify(notice, to) {
      if (o.service) {
        if (!to) return false;
        // A session id (from quser) reaches that session only; a name reaches its sessions.
        const target = to.sessionId ?? to.name;
        const r = await o.commands.run(
          'msg.exe',
          [target, '/TIME:60', `${notice.title}\n\n${notice.body}`],
          { timeoutMs: 10_000 },
        );
        if (r.missing) {
          sayOnce('notifier: msg.exe is missing (Windows Home?); notices need the tray');
          return false;
        }
        if (r.code !== 0) {
          const why = r.timedOut ? 'timed out' : r.stderr.trim() || `exit ${r.code}`;
          sayOnce(`notifier: msg.exe failed: ${why}`);
          throw new Error(`msg.exe failed: ${why}`); // the port's contract: a failure says why
        }
        return true;
      }
      const r = await o.commands.run(
        'powershell.exe',
        ['-NoProfile', '-NonInteractive', '-Command', TOAST_SCRIPT],
        { env: { BAOMI_TITLE: notice.title, BAOMI_BODY: notice.body }, timeoutMs: 15_000 },
      );
      if (r.missing) {
        sayOnce('notifier: powershell.exe is missing; notices need the tray');
        return false;
      }
      if (r.code !== 0) {
        const why = r.timedOut
          ? 'timed out'
          : r.stderr.trim().split(/\r?\n/)[0] || `exit ${r.code}`;
        sayOnce(`notifier: the toast failed: ${why}`);
        throw new Error(`the toast failed: ${why}`);
      }
      return true;
    },
  };
}
