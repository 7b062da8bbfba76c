// The macOS idle adapter on the fake command runner (no Mac here): HIDIdleTime from ioreg,
// the console session's CGSSessionScreenIsLocked from ioreg's plist, and the locker's order
// (pmset displaysleepnow, then Ctrl+Cmd+Q through osascript in the person's GUI session).
import { describe, expect, it } from 'vitest';
import type { SeatUser } from '../../../src/core/ports/session.js';
import {
  createMacIdle,
  HID_ARGS,
  LOCK_KEYSTROKE,
  parseConsoleLocked,
  parseHidIdle,
  ROOT_ARGS,
} from '../../../src/platform/darwin/idle.js';
import { FakeCommandRunner } from '../../../src/platform/fake/commands.js';

const alice: SeatUser = { name: 'alice', uid: 501, source: 'macos' };

// `ioreg -c IOHIDSystem -d 4` (macOS 14, abridged).
const HID = `+-o Root  <class IORegistryEntry, id 0x100000100, retain 25>
  +-o J316sAP  <class IOPlatformExpertDevice, id 0x100000210, registered, matched, active, busy 0 (1046 ms), retain 37>
    +-o AppleARMPE  <class AppleARMPE, id 0x100000211, registered, matched, active, busy 0 (1040 ms), retain 20>
      +-o IOHIDSystem  <class IOHIDSystem, id 0x1000005a4, registered, matched, active, busy 0 (0 ms), retain 38>
          {
            "HIDParameters" = {"HIDClickTime"=500000000,"HIDKeyRepeat"=83333333}
            "HIDIdleTime" = 73125583041
            "IOClass" = "IOHIDSystem"
          }
`;

const root = (sessions: string) => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>IOConsoleLocked</key>
\t<false/>
\t<key>IOConsoleUsers</key>
\t<array>${sessions}</array>
\t<key>IORegistryEntryName</key>
\t<string>Root</string>
</dict>
</plist>
`;
const session = (name: string, uid: number, onConsole: boolean, locked?: boolean) => `
\t\t<dict>
${locked === undefined ? '' : `\t\t\t<key>CGSSessionScreenIsLocked</key>\n\t\t\t<${locked}/>\n`}\t\t\t<key>kCGSSessionOnConsoleKey</key>
\t\t\t<${onConsole}/>
\t\t\t<key>kCGSSessionUserIDKey</key>
\t\t\t<integer>${uid}</integer>
\t\t\t<key>kCGSSessionUserNameKey</key>
\t\t\t<string>${name}</string>
\t\t</dict>`;

describe('parsing ioreg', () => {
  it('HIDIdleTime in ns → ms; absent or garbage → null', () => {
    expect(parseHidIdle(HID)).toBe(73125);
    expect(parseHidIdle('"HIDIdleTime" = 999999')).toBe(0);
    expect(parseHidIdle('"HIDIdleTime" = -5')).toBeNull();
    expect(parseHidIdle('+-o Root  <class IORegistryEntry>')).toBeNull();
    expect(parseHidIdle('')).toBeNull();
  });

  it('the seat user’s on-console session: locked, unlocked (no key), or not there', () => {
    expect(parseConsoleLocked(root(session('alice', 501, true, true)), alice)).toBe(true);
    expect(parseConsoleLocked(root(session('alice', 501, true)), alice)).toBe(false);
    expect(parseConsoleLocked(root(session('alice', 501, true, false)), alice)).toBe(false);
    // Fast user switching: alice's session is in the background, bob's on the console.
    const two = root(session('alice', 501, false, true) + session('bob', 502, true));
    expect(parseConsoleLocked(two, alice)).toBeNull();
    expect(parseConsoleLocked(two, { name: 'bob' })).toBe(false);
    // ioreg -a can print the entry inside an array.
    const wrapped = root(session('alice', 501, true, true))
      .replace('<plist version="1.0">\n<dict>', '<plist version="1.0">\n<array><dict>')
      .replace('</dict>\n</plist>', '</dict></array>\n</plist>');
    expect(parseConsoleLocked(wrapped, alice)).toBe(true);
    expect(parseConsoleLocked('<plist><dict><key>IOConsoleUsers</key>', alice)).toBeNull();
    expect(parseConsoleLocked('ioreg: error', alice)).toBeNull();
  });
});

describe('the macos source', () => {
  it('reads idle time and lock state with two ioreg calls', async () => {
    const r = new FakeCommandRunner()
      .on('ioreg', HID_ARGS, { stdout: HID })
      .on('ioreg', ROOT_ARGS, { stdout: root(session('alice', 501, true, true)) });
    const m = createMacIdle({ commands: r, uid: 0 });
    expect(m.lacks).toEqual([]);
    expect(m.idle.sources.map((s) => s.name)).toEqual(['macos']);
    expect(await m.idle.sources[0]!.read(alice)).toEqual({ idleMs: 73125, locked: true });
    expect(r.calls.map((c) => c.args)).toEqual([
      ['-c', 'IOHIDSystem', '-d', '4'],
      ['-n', 'Root', '-d1', '-a'],
    ]);
  });

  it('no HIDIdleTime or no console session: unknown, said once', async () => {
    const said: string[] = [];
    const r = new FakeCommandRunner()
      .on('ioreg', HID_ARGS, { stdout: '' })
      .on('ioreg', ROOT_ARGS, { stdout: root('') });
    const m = createMacIdle({ commands: r, uid: 0, say: (l) => said.push(l) });
    expect(await m.idle.sources[0]!.read(alice)).toEqual({ idleMs: null, locked: null });
    expect(await m.idle.sources[0]!.read(alice)).toEqual({ idleMs: null, locked: null });
    expect(r.calls).toHaveLength(2);
    r.on('ioreg', HID_ARGS, { stdout: HID });
    expect(await m.idle.sources[0]!.read(alice)).toEqual({ idleMs: 73125, locked: null });
    expect(said).toEqual([
      'idle: macos: ioreg gave no HIDIdleTime (exit 0); idle time unknown',
      'idle: macos: ioreg shows no console session of alice (not in IOConsoleUsers); lock state unknown',
    ]);
    const none = new FakeCommandRunner();
    const said2: string[] = [];
    const n = createMacIdle({ commands: none, uid: 0, say: (l) => said2.push(l) });
    expect(await n.idle.sources[0]!.read(alice)).toEqual({ idleMs: null, locked: null });
    expect(said2).toEqual([
      'idle: macos: ioreg gave no HIDIdleTime (not installed); idle time unknown',
    ]);
  });
});

describe('the macOS locker', () => {
  it('pmset displaysleepnow first', async () => {
    const r = new FakeCommandRunner().on('pmset', ['displaysleepnow'], {});
    expect(await createMacIdle({ commands: r, uid: 0 }).idle.locker.lock(alice)).toEqual({
      ok: true,
      via: 'pmset displaysleepnow',
      tried: [],
    });
  });

  it('then Ctrl+Cmd+Q in the person’s GUI session (as root: launchctl asuser, sudo -u)', async () => {
    const r = new FakeCommandRunner()
      .on('pmset', undefined, { code: 1, stderr: 'pmset: must be run as root\n' })
      .on('launchctl', undefined, {});
    const res = await createMacIdle({ commands: r, uid: 0 }).idle.locker.lock(alice);
    expect(res).toEqual({
      ok: true,
      via: 'osascript Ctrl+Cmd+Q',
      tried: [{ via: 'pmset displaysleepnow', error: 'pmset: must be run as root' }],
    });
    expect(r.callsOf('launchctl')[0]!.args).toEqual([
      'asuser',
      '501',
      'sudo',
      '-u',
      'alice',
      'osascript',
      '-e',
      LOCK_KEYSTROKE,
    ]);
    const own = new FakeCommandRunner()
      .on('pmset', undefined, { code: 1 })
      .on('osascript', ['-e', LOCK_KEYSTROKE], {
        code: 1,
        stderr:
          '36:91: execution error: System Events got an error: osascript is not allowed to send keystrokes. (1002)\n',
      });
    expect(await createMacIdle({ commands: own, uid: 501 }).idle.locker.lock(alice)).toEqual({
      ok: false,
      via: 'osascript Ctrl+Cmd+Q',
      error:
        'pmset displaysleepnow: exit 1; osascript Ctrl+Cmd+Q: 36:91: execution error: System Events got an error: osascript is not allowed to send keystrokes. (1002)',
      tried: [
        { via: 'pmset displaysleepnow', error: 'exit 1' },
        {
          via: 'osascript Ctrl+Cmd+Q',
          error:
            '36:91: execution error: System Events got an error: osascript is not allowed to send keystrokes. (1002)',
        },
      ],
    });
  });

  it('as root with no uid for the seat user: no launchctl, the reason says why', async () => {
    const r = new FakeCommandRunner().on('pmset', undefined, { code: null, timedOut: true });
    const res = await createMacIdle({ commands: r, uid: 0 }).idle.locker.lock({
      name: 'alice',
      source: 'macos',
    });
    expect(res.ok).toBe(false);
    expect(res.error).toBe(
      'pmset displaysleepnow: timed out; osascript Ctrl+Cmd+Q: the seat user’s uid is unknown (needed for launchctl asuser)',
    );
    expect(r.callsOf('launchctl')).toEqual([]);
  });
});
