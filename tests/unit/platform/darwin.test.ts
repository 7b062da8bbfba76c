// The macOS adapters against scripted commands with real-looking output: scutil's
// dictionary (a user, the login window), stat's owner of /dev/console, tools missing.
import { describe, expect, it } from 'vitest';
import { createMacNotifier } from '../../../src/platform/darwin/notifier.js';
import { createMacSession, parseScutilConsoleUser } from '../../../src/platform/darwin/session.js';
import { FakeClock } from '../../../src/platform/fake/clock.js';
import { FakeCommandRunner } from '../../../src/platform/fake/commands.js';

const SCUTIL_USER = `<dictionary> {
  GID : 20
  Name : li.na
  SessionInfo : <array> {
    0 : <dictionary> {
      kCGSSessionAuditIDKey : 100008
      kCGSSessionGroupIDKey : 20
      kCGSSessionOnConsoleKey : TRUE
      kCGSSessionUserIDKey : 501
      kCGSSessionUserNameKey : li.na
      kCGSessionLoginDoneKey : TRUE
      Name : nested-not-me
    }
  }
  UID : 501
}
`;
const SCUTIL_LOGINWINDOW = `<dictionary> {
  GID : 0
  Name : loginwindow
  UID : 0
}
`;

const session = (r: FakeCommandRunner) => createMacSession({ commands: r, clock: new FakeClock() });

describe('macOS session (the console user)', () => {
  it('parses the top level of scutil’s dictionary only', () => {
    expect(parseScutilConsoleUser(SCUTIL_USER)).toEqual({ name: 'li.na', uid: 501 });
    expect(parseScutilConsoleUser('  No such key\n')).toBeUndefined();
  });

  it('asks scutil with the key on stdin; the login window is nobody', async () => {
    const r = new FakeCommandRunner().on('scutil', [], (c) => ({
      stdout: c.opts.input === 'show State:/Users/ConsoleUser\n' ? SCUTIL_USER : '',
    }));
    expect(await session(r).current()).toEqual({ name: 'li.na', uid: 501, source: 'macos' });
    r.on('scutil', [], { stdout: SCUTIL_LOGINWINDOW });
    expect(await session(r).current()).toBeNull();
    expect(r.callsOf('stat')).toEqual([]);
  });

  it('falls back to the owner of /dev/console; root there means nobody', async () => {
    const r = new FakeCommandRunner()
      .missing('scutil')
      .on('stat', ['-f%Su', '/dev/console'], { stdout: 'li.na\n' });
    expect(await session(r).current()).toEqual({ name: 'li.na', source: 'macos' });
    r.on('stat', ['-f%Su', '/dev/console'], { stdout: 'root\n' });
    expect(await session(r).current()).toBeNull();
    expect(await session(new FakeCommandRunner()).current()).toBeNull();
  });
});

describe('macOS notifier', () => {
  const notice = {
    code: 'idle.reminded',
    title: '-请锁屏 "now"',
    body: 'end tell\ndo shell script "rm -rf /"',
    urgency: 'low' as const,
  };

  it('passes the text as run-handler arguments, after a fixed first word', async () => {
    const r = new FakeCommandRunner().on('osascript', undefined, { code: 0 });
    const n = createMacNotifier({ commands: r, uid: 501 });
    expect(await n.notify(notice, null)).toBe(true);
    const args = r.callsOf('osascript')[0]!.args;
    expect(args.slice(-3)).toEqual(['baomi', notice.title, notice.body]);
    expect(args.filter((_a, i) => args[i - 1] === '-e').join('\n')).not.toContain('rm -rf');
    // Notification Center shows plain text: markup-looking text goes as it is, unescaped.
    const markup = { ...notice, body: '<a href="https://e">x</a> & \\" & end' };
    expect(await n.notify(markup, null)).toBe(true);
    expect(r.callsOf('osascript')[1]!.args.at(-1)).toBe(markup.body);
  });

  it('as root, runs in the console user’s GUI session; without a uid it cannot', async () => {
    const r = new FakeCommandRunner().on('launchctl', undefined, { code: 0 });
    const said: string[] = [];
    const n = createMacNotifier({ commands: r, uid: 0, say: (l) => said.push(l) });
    expect(await n.notify(notice, { name: 'li.na', source: 'macos' })).toBe(false);
    expect(await n.notify(notice, { name: 'li.na', uid: 501, source: 'macos' })).toBe(true);
    expect(r.callsOf('launchctl')[0]!.args.slice(0, 6)).toEqual([
      'asuser',
      '501',
      'sudo',
      '-u',
      'li.na',
      'osascript',
    ]);
    const none = createMacNotifier({
      commands: new FakeCommandRunner(),
      uid: 501,
      say: (l) => said.push(l),
    });
    expect(await none.notify(notice, null)).toBe(false);
    expect(await none.notify(notice, null)).toBe(false);
    expect(said).toEqual(['notifier: osascript is missing; notices need the tray']);
    // Present, and failing: the reason, for the event that records the notice undelivered.
    const failing = createMacNotifier({
      commands: new FakeCommandRunner().on('osascript', undefined, {
        code: 1,
        stderr: 'execution error: Not authorized to send Apple events (-1743)\n',
      }),
      uid: 501,
    });
    await expect(failing.notify(notice, null)).rejects.toThrow(
      'osascript failed: execution error: Not authorized to send Apple events (-1743)',
    );
  });
});
