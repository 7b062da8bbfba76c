// The Linux adapters' pure parts and command-tested halves: logind's state-file format,
// loginctl's output, utmp records, and notify-send run as the seat user (scripted commands).
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/platform/fake/clock.js';
import { FakeCommandRunner } from '../../../src/platform/fake/commands.js';
import {
  createLoginctlSession,
  parseEnvFile,
  parseShowSession,
  seatUserOf,
} from '../../../src/platform/linux/logind.js';
import { createLinuxNotifier, escapeMarkup } from '../../../src/platform/linux/notifier.js';
import { parsePasswd } from '../../../src/platform/linux/users.js';
import { parseUtmp, pickSeatRecord, USER_PROCESS } from '../../../src/platform/linux/utmp.js';
import { utmpFile } from './utmp-record.js';

describe('logind state files', () => {
  it('parses the seat and session files logind writes', () => {
    const seat = parseEnvFile(
      '# This is private data. Do not parse.\nIS_SEAT0=1\nCAN_MULTI_SESSION=1\nCAN_TTY=1\nCAN_GRAPHICAL=1\nACTIVE=3\nACTIVE_UID=1000\nSESSIONS=3 c1\nUIDS=1000 120\n',
    );
    expect(seat.get('ACTIVE')).toBe('3');
    expect(seat.get('SESSIONS')).toBe('3 c1');
    expect(parseEnvFile('DESKTOP="GNOME Classic"\nBROKEN\n=x\n').get('DESKTOP')).toBe(
      'GNOME Classic',
    );
  });

  it('turns the active session into the seat user; the greeter and a closing session are nobody', () => {
    const o = { runUserDir: '/run/user', exists: (p: string) => p === '/run/user/1000/bus' };
    expect(
      seatUserOf(
        { id: '3', user: 'alice', uid: 1000, type: 'x11', display: ':0', state: 'active' },
        o,
      ),
    ).toEqual({
      name: 'alice',
      uid: 1000,
      sessionId: '3',
      display: ':0',
      sessionType: 'x11',
      dbusAddress: 'unix:path=/run/user/1000/bus',
      source: 'logind',
    });
    expect(seatUserOf({ id: 'c1', user: 'gdm', uid: 120, class: 'greeter' }, o)).toBeNull();
    expect(seatUserOf({ id: '3', user: 'alice', uid: 1000, state: 'closing' }, o)).toBeNull();
    // No bus socket: no address (never a guessed one); no USER: the name from the uid.
    const users = { nameOf: (uid: number) => (uid === 1001 ? 'bob' : undefined) };
    expect(seatUserOf({ id: '4', uid: 1001 }, { ...o, users })).toEqual({
      name: 'bob',
      uid: 1001,
      sessionId: '4',
      source: 'logind',
    });
    expect(seatUserOf({ id: '5', uid: 4242 }, { ...o, users })).toBeNull();
  });
});

describe('logind through loginctl', () => {
  const show = ['show-seat', 'seat0', '--property=ActiveSession', '--value'];
  const props = ['Name', 'User', 'State', 'Class', 'Type', 'Display', 'Remote'].map(
    (p) => `--property=${p}`,
  );
  const session = (r: FakeCommandRunner) =>
    createLoginctlSession({ commands: r, clock: new FakeClock(), runDir: '/nonexistent' });

  it('asks for the active session of seat0, then its properties', async () => {
    const r = new FakeCommandRunner()
      .on('loginctl', show, { stdout: '7\n' })
      .on('loginctl', ['show-session', '7', ...props], {
        stdout:
          'Name=王芳\nUser=1002\nState=active\nClass=user\nType=wayland\nDisplay=\nRemote=no\n',
      });
    expect(await session(r).current()).toEqual({
      name: '王芳',
      uid: 1002,
      sessionId: '7',
      sessionType: 'wayland',
      source: 'logind',
    });
    expect(parseShowSession('9', 'Name=x\nRemote=yes\n').remote).toBe(true);
  });

  it('says nobody with no active session, on failures and when loginctl is missing', async () => {
    const idle = new FakeCommandRunner().on('loginctl', show, { stdout: '\n' });
    expect(await session(idle).current()).toBeNull();
    expect(idle.calls).toHaveLength(1);
    const noBus = new FakeCommandRunner().on('loginctl', show, {
      code: 1,
      stderr: 'Failed to connect to bus: Host is down\n',
    });
    expect(await session(noBus).current()).toBeNull();
    // An answer that is not a session id is never used as an argument.
    const odd = new FakeCommandRunner().on('loginctl', show, { stdout: '--help\n' });
    expect(await session(odd).current()).toBeNull();
    expect(odd.calls).toHaveLength(1);
    expect(await session(new FakeCommandRunner()).current()).toBeNull();
  });
});

describe('utmp records', () => {
  const me = 4000;
  const alive = (pid: number) => pid !== 9999;

  it('parses glibc x86_64 records and ignores a partial one at the end', () => {
    const b = utmpFile([
      { type: 2, line: '~', user: 'reboot' },
      { type: USER_PROCESS, pid: me, line: 'tty2', id: 'tty2', user: 'alice', session: 12 },
    ]);
    const recs = parseUtmp(Buffer.concat([b, Buffer.alloc(100)]));
    expect(recs).toHaveLength(2);
    expect(recs[1]).toMatchObject({
      type: 7,
      pid: me,
      line: 'tty2',
      user: 'alice',
      host: '',
      session: 12,
    });
  });

  it('picks the display over a tty over the console; never remote, stale or login records', () => {
    const records = parseUtmp(
      utmpFile([
        { type: 6, pid: me, line: 'tty1', user: 'LOGIN' },
        { type: USER_PROCESS, pid: me, line: 'pts/0', user: 'mallory', host: '203.0.113.9' },
        { type: USER_PROCESS, pid: me, line: 'tty3', user: 'bob', tvSec: 100 },
        { type: USER_PROCESS, pid: 9999, line: ':1', user: 'ghost', host: ':1' }, // crashed
        { type: USER_PROCESS, pid: me, line: 'console', user: 'carol' },
      ]),
    );
    expect(pickSeatRecord(records, alive)?.user).toBe('bob');
    const withDisplay = parseUtmp(
      utmpFile([
        { type: USER_PROCESS, pid: me, line: 'tty3', user: 'bob' },
        { type: USER_PROCESS, pid: me, line: ':0', user: 'alice', host: ':0' },
      ]),
    );
    expect(pickSeatRecord(withDisplay, alive)?.user).toBe('alice');
    expect(
      pickSeatRecord(parseUtmp(utmpFile([{ type: 8, pid: me, line: 'tty3' }])), alive),
    ).toBeUndefined();
  });
});

describe('passwd', () => {
  it('skips comments and malformed lines', () => {
    expect(
      parsePasswd(
        '# c\nroot:x:0:0:root:/root:/bin/bash\nbroken\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/zsh\n+::::::\n',
      ),
    ).toEqual([
      { name: 'root', uid: 0, gid: 0, home: '/root' },
      { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice' },
    ]);
  });
});

describe('notify-send', () => {
  const users = {
    entry: (who: string | number) =>
      who === 1000 || who === 'alice'
        ? { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice' }
        : who === 0 || who === 'root'
          ? { name: 'root', uid: 0, gid: 0, home: '/root' }
          : undefined,
  };
  const notice = {
    code: 'usb.blocked',
    title: '--version',
    body: '已阻止 U 盘 "SanDisk"',
    urgency: 'critical' as const,
  };

  it('as root: runs as the seat user, in their session, with the text after --', async () => {
    const r = new FakeCommandRunner().on('notify-send', undefined, { code: 0 });
    const n = createLinuxNotifier({ commands: r, users, uid: 0 });
    const to = { name: 'alice', uid: 1000, display: ':0', source: 'logind' as const };
    expect(await n.notify(notice, to)).toBe(true);
    const call = r.callsOf('notify-send')[0]!;
    expect(call.args).toEqual([
      '--app-name=Baomi',
      '--urgency=critical',
      '--',
      '--version',
      '已阻止 U 盘 &quot;SanDisk&quot;',
    ]);
    expect(call.opts).toMatchObject({ uid: 1000, gid: 1000 });
    expect(call.opts.env).toMatchObject({
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
      DISPLAY: ':0',
      XDG_RUNTIME_DIR: '/run/user/1000',
      HOME: '/home/alice',
    });
  });

  it('the body is markup to the notification server: device text in it is escaped, shown as text', async () => {
    const r = new FakeCommandRunner().on('notify-send', undefined, { code: 0 });
    const n = createLinuxNotifier({ commands: r, users, uid: 1000, env: {} });
    const body =
      '<a href="https://evil.example/baomi">Click to unblock</a> <b>x</b> <img src=x> &amp; It\'s';
    expect(await n.notify({ ...notice, title: 'USB device blocked', body }, null)).toBe(true);
    const args = r.callsOf('notify-send')[0]!.args;
    expect(args.at(-1)).toBe(
      '&lt;a href=&quot;https://evil.example/baomi&quot;&gt;Click to unblock&lt;/a&gt; &lt;b&gt;x&lt;/b&gt; &lt;img src=x&gt; &amp;amp; It&apos;s',
    );
    expect(args.at(-1)).not.toMatch(/[<>"']/);
    // The title is plain text to the server (it escapes it itself): passed as it is.
    expect(args.at(-2)).toBe('USB device blocked');
    expect(escapeMarkup('R&D <x>')).toBe('R&amp;D &lt;x&gt;');
  });

  it('as root: nobody at the seat, root at the seat or an unknown account is false', async () => {
    const r = new FakeCommandRunner().on('notify-send', undefined, { code: 0 });
    const said: string[] = [];
    const n = createLinuxNotifier({ commands: r, users, uid: 0, say: (l) => said.push(l) });
    expect(await n.notify(notice, null)).toBe(false);
    expect(await n.notify(notice, { name: 'root', uid: 0, source: 'logind' })).toBe(false);
    expect(await n.notify(notice, { name: 'ghost', source: 'utmp' })).toBe(false);
    expect(r.calls).toEqual([]);
    expect(said).toEqual(['notifier: no account for seat user "ghost"']);
  });

  it('as the user: runs as itself with its own session environment', async () => {
    const r = new FakeCommandRunner().on('notify-send', undefined, { code: 0 });
    const env = {
      DISPLAY: ':1',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
      SECRET_TOKEN: 'x',
    };
    const n = createLinuxNotifier({ commands: r, users, uid: 1000, env });
    expect(await n.notify(notice, null)).toBe(true);
    const call = r.callsOf('notify-send')[0]!;
    expect(call.opts.uid).toBeUndefined();
    expect(call.opts.env).toEqual({
      DISPLAY: ':1',
      DBUS_SESSION_BUS_ADDRESS: env.DBUS_SESSION_BUS_ADDRESS,
    });
  });

  it('a missing notify-send is false, said once, and not tried again; a failure rejects with the reason, said once', async () => {
    const said: string[] = [];
    const missing = new FakeCommandRunner();
    const n = createLinuxNotifier({
      commands: missing,
      users,
      uid: 1000,
      say: (l) => said.push(l),
    });
    expect(await n.notify(notice, null)).toBe(false);
    expect(await n.notify(notice, null)).toBe(false);
    expect(missing.calls).toHaveLength(1);
    const failing = new FakeCommandRunner().on('notify-send', undefined, {
      code: 1,
      stderr:
        'GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.Notifications was not provided\n',
    });
    const f = createLinuxNotifier({
      commands: failing,
      users,
      uid: 1000,
      say: (l) => said.push(l),
    });
    // notify-send ran and the desktop said no: not "no way to show it" but a failure, with why.
    const why =
      'notify-send failed: GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.Notifications was not provided';
    await expect(f.notify(notice, null)).rejects.toThrow(why);
    await expect(f.notify(notice, null)).rejects.toThrow(why);
    expect(failing.calls).toHaveLength(2);
    expect(said).toEqual([
      'notifier: notify-send is not installed (libnotify-bin); notices are not shown',
      'notifier: notify-send failed: GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.Notifications was not provided',
    ]);
  });
});
