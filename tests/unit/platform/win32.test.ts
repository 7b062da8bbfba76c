// The Windows adapters, run against scripted commands with the output real machines give
// (English and German `query user`, a disconnected session, nobody logged in, PowerShell
// missing or failing, names with spaces and non-ASCII letters).
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/platform/fake/clock.js';
import { FakeCommandRunner } from '../../../src/platform/fake/commands.js';
import { createWindowsNotifier, TOAST_SCRIPT } from '../../../src/platform/win32/notifier.js';
import {
  CIM_SCRIPT,
  createWindowsSession,
  parseQuser,
} from '../../../src/platform/win32/session.js';

const QUSER_EN = [
  ' USERNAME              SESSIONNAME        ID  STATE   IDLE TIME  LOGON TIME',
  ' administrator                             2  Disc         1+02:03  11/29/2026 8:14 AM',
  '>zhang wei             console             1  Active      none   11/30/2026 9:00 AM',
  ' carol                 rdp-tcp#12          3  Active          .  11/30/2026 9:06 AM',
  '',
].join('\r\n');

const QUSER_DE = [
  ' BENUTZERNAME          SITZUNGSNAME       ID  STATUS  LEERLAUF   ANMELDEZEIT',
  '>müller                console             1  Aktiv        Kein  30.11.2026 09:00',
  ' schmidt               rdp-tcp#0       65536  Aktiv           .  30.11.2026 09:05',
].join('\r\n');

const psArgs = ['-NoProfile', '-NonInteractive', '-Command', CIM_SCRIPT];

function session(r: FakeCommandRunner) {
  return createWindowsSession({ commands: r, clock: new FakeClock() });
}

describe('query user parsing', () => {
  it('reads columns by the header positions, in any language', () => {
    expect(parseQuser(QUSER_EN)).toEqual([
      { name: 'administrator', sessionName: '', id: '2', state: 'Disc' },
      { name: 'zhang wei', sessionName: 'console', id: '1', state: 'Active' },
      { name: 'carol', sessionName: 'rdp-tcp#12', id: '3', state: 'Active' },
    ]);
    expect(parseQuser(QUSER_DE).map((l) => [l.name, l.sessionName, l.id])).toEqual([
      ['müller', 'console', '1'],
      ['schmidt', 'rdp-tcp#0', '65536'], // a long id reaching left into SESSIONNAME
    ]);
    expect(parseQuser('')).toEqual([]);
    expect(parseQuser('No User exists for *\r\n')).toEqual([]);
  });
});

describe('Windows session (the console user)', () => {
  it('asks Win32_ComputerSystem first and strips the domain', async () => {
    const r = new FakeCommandRunner().on('powershell.exe', psArgs, {
      stdout: 'CORP\\zhang.wei\r\n',
    });
    expect(await session(r).current()).toEqual({ name: 'zhang.wei', source: 'wts' });
    expect(r.callsOf('query')).toEqual([]);
  });

  it('says nobody when the console is at the sign-in screen (empty UserName)', async () => {
    const r = new FakeCommandRunner().on('powershell.exe', psArgs, { stdout: '\r\n' });
    expect(await session(r).current()).toBeNull();
  });

  it('falls back to query user when PowerShell is missing or fails, and picks the console line', async () => {
    const missing = new FakeCommandRunner().on('query', ['user'], { stdout: QUSER_EN });
    expect(await session(missing).current()).toEqual({
      name: 'zhang wei',
      sessionId: '1',
      source: 'wts',
    });
    const failing = new FakeCommandRunner()
      .on('powershell.exe', psArgs, { code: 1, stderr: 'Get-CimInstance : Access denied' })
      .missing('query')
      .on('quser', [], { stdout: QUSER_DE });
    expect(await session(failing).current()).toMatchObject({ name: 'müller', sessionId: '1' });
  });

  it('says nobody when only remote or disconnected sessions exist, or no tool answers', async () => {
    const remoteOnly = new FakeCommandRunner().on('query', ['user'], {
      stdout: QUSER_EN.split('\r\n')
        .filter((l) => !l.includes('console'))
        .join('\r\n'),
    });
    expect(await session(remoteOnly).current()).toBeNull();
    const nobody = new FakeCommandRunner().on('query', ['user'], {
      code: 1,
      stderr: 'No User exists for *\r\n',
    });
    expect(await session(nobody).current()).toBeNull();
    expect(await session(new FakeCommandRunner()).current()).toBeNull(); // nothing installed
  });
});

describe('Windows notifier', () => {
  const notice = {
    code: 'usb.blocked',
    title: 'U盘已阻止 "$(evil)"',
    body: "It's `blocked`; call IT",
    urgency: 'normal' as const,
  };

  it('as the user: a toast whose text travels in the environment, never in the script', async () => {
    const r = new FakeCommandRunner().on('powershell.exe', undefined, { code: 0 });
    const n = createWindowsNotifier({ commands: r, service: false });
    expect(await n.notify(notice, null)).toBe(true);
    const call = r.callsOf('powershell.exe')[0]!;
    expect(call.opts.env).toEqual({ BAOMI_TITLE: notice.title, BAOMI_BODY: notice.body });
    expect(call.args.join(' ')).not.toContain('evil');
  });

  it('toast text is a text node, not XML: markup in a device string stays text, unescaped', async () => {
    const r = new FakeCommandRunner().on('powershell.exe', undefined, { code: 0 });
    const n = createWindowsNotifier({ commands: r, service: false });
    const body =
      '<text>x</text></binding><action activationType="protocol" arguments="https://e"/> &amp;';
    expect(await n.notify({ ...notice, body }, null)).toBe(true);
    // The DOM escapes a text node when the toast is serialised; nothing is parsed as XML.
    expect(r.callsOf('powershell.exe')[0]!.opts.env?.BAOMI_BODY).toBe(body);
    expect(TOAST_SCRIPT).toContain('CreateTextNode($env:BAOMI_BODY)');
    expect(TOAST_SCRIPT).not.toMatch(/LoadXml|\$env:BAOMI_BODY[^)]/);
  });

  it('as SYSTEM: msg.exe to the console session; missing (Windows Home) is false, said once', async () => {
    const r = new FakeCommandRunner().on('msg.exe', undefined, { code: 0 });
    const said: string[] = [];
    const n = createWindowsNotifier({ commands: r, service: true, say: (l) => said.push(l) });
    expect(await n.notify(notice, null)).toBe(false); // nobody to tell
    expect(await n.notify(notice, { name: 'zhang wei', sessionId: '1', source: 'wts' })).toBe(true);
    expect(r.callsOf('msg.exe')[0]!.args).toEqual([
      '1',
      '/TIME:60',
      `${notice.title}\n\n${notice.body}`,
    ]);
    const home = createWindowsNotifier({
      commands: new FakeCommandRunner(),
      service: true,
      say: (l) => said.push(l),
    });
    const who = { name: 'a', source: 'wts' as const };
    expect(await home.notify(notice, who)).toBe(false);
    expect(await home.notify(notice, who)).toBe(false);
    expect(said).toEqual(['notifier: msg.exe is missing (Windows Home?); notices need the tray']);
  });

  it('a toast or msg.exe that runs and fails rejects with the reason, said once', async () => {
    const said: string[] = [];
    const r = new FakeCommandRunner()
      .on('powershell.exe', undefined, { code: 1, stderr: 'Access is denied.\r\nmore' })
      .on('msg.exe', undefined, { code: 1, stderr: 'Error 5 getting session names' });
    const user = createWindowsNotifier({ commands: r, service: false, say: (l) => said.push(l) });
    await expect(user.notify(notice, null)).rejects.toThrow('the toast failed: Access is denied.');
    await expect(user.notify(notice, null)).rejects.toThrow('the toast failed');
    const svc = createWindowsNotifier({ commands: r, service: true, say: (l) => said.push(l) });
    const who = { name: 'a', sessionId: '1', source: 'wts' as const };
    await expect(svc.notify(notice, who)).rejects.toThrow(
      'msg.exe failed: Error 5 getting session names',
    );
    expect(said).toEqual([
      'notifier: the toast failed: Access is denied.',
      'notifier: msg.exe failed: Error 5 getting session names',
    ]);
  });
});
