// The Linux idle adapters on the fake command runner: the exact commands (argv, the seat
// user's uid/gid and session environment), real outputs of xprintidle, xscreensaver-command
// and loginctl (and garbage), a missing program (unknown, said once), a timeout, the lock
// watch, the locker's fallbacks, and the picker's `lacks`.
import { describe, expect, it } from 'vitest';
import type { SeatUser } from '../../../src/core/ports/session.js';
import { FakeClock } from '../../../src/platform/fake/clock.js';
import { FakeCommandRunner } from '../../../src/platform/fake/commands.js';
import { createLinuxIdle } from '../../../src/platform/linux/idle.js';
import { createLinuxLocker } from '../../../src/platform/linux/idle-lock.js';
import { createLogindIdleSource } from '../../../src/platform/linux/idle-logind.js';
import {
  logindIdleMs,
  parseLogindIdle,
  parseXprintidle,
  parseXssTime,
  parseXssWatchLine,
} from '../../../src/platform/linux/idle-parse.js';
import { createX11IdleSource } from '../../../src/platform/linux/idle-x11.js';
import { type SeatEnvOptions, seatRunOptions } from '../../../src/platform/linux/seat-env.js';

const users = {
  entry: (who: string | number) =>
    who === 1000 || who === 'alice'
      ? { name: 'alice', uid: 1000, gid: 1001, home: '/home/alice' }
      : who === 0 || who === 'root'
        ? { name: 'root', uid: 0, gid: 0, home: '/root' }
        : undefined,
};
const alice: SeatUser = {
  name: 'alice',
  uid: 1000,
  sessionId: '3',
  display: ':0',
  sessionType: 'x11',
  source: 'logind',
};
const asRoot = (extra: Partial<SeatEnvOptions> = {}) => {
  const o: SeatEnvOptions = { users, uid: 0, exists: () => false, ...extra };
  return (u: SeatUser) => seatRunOptions(u, o);
};
// Real outputs, copied from the programs on Debian 12 (xscreensaver 6.06, systemd 252).
const TIME_LOCKED = 'XScreenSaver 6.06: screen locked since Mon Nov 30 18:53:20 2026\n';
const TIME_UNLOCKED = 'XScreenSaver 6.06: screen non-blanked since Mon Nov 30 18:53:17 2026\n';
const TIME_BLANKED = 'XScreenSaver 6.06: screen blanked since Mon Nov 30 19:04:14 2026\n';
const NO_SAVER = 'xscreensaver-command: no screensaver is running on display :0\n';
const NO_SYSTEMD =
  "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n";

/** Lets promise callbacks (a stream's exit) run. */
const flush = () => new Promise<void>((r) => setImmediate(r));

function x11(r: FakeCommandRunner, extra: { clock?: FakeClock; say?: string[] } = {}) {
  const clock = extra.clock ?? new FakeClock();
  return createX11IdleSource({
    commands: r,
    clock,
    seat: asRoot(),
    say: (l) => extra.say?.push(l),
  });
}

describe('parsers', () => {
  it('xprintidle: digits only', () => {
    expect(parseXprintidle('1754\n')).toBe(1754);
    expect(parseXprintidle('0')).toBe(0);
    for (const bad of ['', "couldn't open display\n", '-5', '12.5', '1e9', '9'.repeat(16), '12 34'])
      expect(parseXprintidle(bad)).toBeNull();
  });

  it('xscreensaver-command -time and -watch', () => {
    expect(parseXssTime(TIME_LOCKED)).toBe(true);
    expect(parseXssTime(TIME_UNLOCKED)).toBe(false);
    expect(parseXssTime(TIME_BLANKED)).toBe(false);
    expect(parseXssTime(NO_SAVER)).toBeNull();
    expect(parseXssTime('screen locked')).toBeNull();
    expect(parseXssWatchLine('LOCK Mon Nov 30 19:04:16 2026')).toBe(true);
    expect(parseXssWatchLine('UNBLANK Mon Nov 30 19:04:15 2026')).toBe(false);
    expect(parseXssWatchLine('UNBLANK')).toBe(false);
    for (const l of ['BLANK Mon Nov 30 19:04:14 2026', 'RUN 38', 'CYCLE', '', 'LOCKED x', 'lock'])
      expect(parseXssWatchLine(l)).toBeUndefined();
  });

  it('loginctl show-session hints, and the idle time they give', () => {
    const h = parseLogindIdle(
      'IdleHint=yes\nIdleSinceHint=1764494400000000\nIdleSinceHintMonotonic=5000000000\nLockedHint=no\n',
    );
    expect(h).toEqual({
      idleHint: true,
      idleSinceUs: 1764494400000000,
      idleSinceMonotonicUs: 5000000000,
      lockedHint: false,
    });
    // Monotonic preferred (immune to the wall clock being set), realtime otherwise.
    expect(logindIdleMs(h!, { realtimeMs: 0, monotonicUs: 5_090_000_000 })).toBe(90_000);
    expect(logindIdleMs(h!, { realtimeMs: 1764494400000 + 42_000 })).toBe(42_000);
    expect(
      logindIdleMs(
        { ...h!, idleSinceMonotonicUs: 0 },
        { realtimeMs: 1764494401000, monotonicUs: 1 },
      ),
    ).toBe(1000);
    // A stamp in the future (clock set back) is no negative idle time.
    expect(logindIdleMs(h!, { realtimeMs: 0 })).toBe(0);
    expect(logindIdleMs({ ...h!, idleHint: false }, { realtimeMs: 9e12 })).toBe(0);
    expect(logindIdleMs({ ...h!, idleHint: null }, { realtimeMs: 9e12 })).toBeNull();
    expect(
      logindIdleMs({ ...h!, idleSinceUs: 0, idleSinceMonotonicUs: 0 }, { realtimeMs: 9e12 }),
    ).toBeNull();
    expect(parseLogindIdle('IdleHint=maybe\nLockedHint=yes\n')).toMatchObject({
      idleHint: null,
      lockedHint: true,
    });
    expect(parseLogindIdle(NO_SYSTEMD)).toBeNull();
    expect(parseLogindIdle('IdleSinceHint=-3\nIdleSinceHintMonotonic=1e9\n')).toBeNull();
  });
});

describe('running in the seat user’s session (seat-env)', () => {
  it('as root: the seat user’s uid, gid and session, XAUTHORITY where a display manager put it', () => {
    const gdm = seatRunOptions(alice, {
      users,
      uid: 0,
      exists: (f) => f === '/run/user/1000/gdm/Xauthority' || f === '/home/alice/.Xauthority',
    });
    expect(gdm).toEqual({
      ok: true,
      opts: {
        uid: 1000,
        gid: 1001,
        env: {
          HOME: '/home/alice',
          USER: 'alice',
          LOGNAME: 'alice',
          XDG_RUNTIME_DIR: '/run/user/1000',
          DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
          DISPLAY: ':0',
          XAUTHORITY: '/run/user/1000/gdm/Xauthority',
        },
      },
    });
    const startx = seatRunOptions(alice, {
      users,
      uid: 0,
      exists: (f) => f === '/home/alice/.Xauthority',
    });
    expect(startx.ok && startx.opts.env.XAUTHORITY).toBe('/home/alice/.Xauthority');
    const none = seatRunOptions(alice, { users, uid: 0, exists: () => false });
    expect(none.ok && 'XAUTHORITY' in none.opts.env).toBe(false);
  });

  it('as root: nobody, root or an unknown account at the seat is refused with a reason', () => {
    const o = { users, uid: 0, exists: () => false };
    expect(seatRunOptions(null, o)).toMatchObject({ ok: false, reason: 'nobody' });
    expect(seatRunOptions({ name: 'root', uid: 0, source: 'utmp' }, o)).toMatchObject({
      ok: false,
      reason: 'root',
    });
    expect(seatRunOptions({ name: 'ghost', source: 'utmp' }, o)).toEqual({
      ok: false,
      reason: 'no-account',
      why: 'no account for seat user "ghost"',
    });
  });

  it('as the user: its own session variables only, and the seat’s display when it is theirs', () => {
    const env = { DISPLAY: ':1', XAUTHORITY: '/home/alice/.Xauthority', SECRET: 'x' };
    expect(seatRunOptions(alice, { users, uid: 1000, env })).toEqual({
      ok: true,
      opts: { env: { DISPLAY: ':1', XAUTHORITY: '/home/alice/.Xauthority' } },
    });
    expect(seatRunOptions(alice, { users, uid: 1000, env: {} })).toEqual({
      ok: true,
      opts: { env: { DISPLAY: ':0' } },
    });
    expect(seatRunOptions(alice, { users, uid: 1002, env: {} })).toEqual({
      ok: true,
      opts: { env: {} },
    });
  });
});

describe('the x11 source', () => {
  it('runs xprintidle and xscreensaver-command -time as the seat user on their display', async () => {
    const r = new FakeCommandRunner()
      .on('xprintidle', [], { stdout: '1754\n' })
      .on('xscreensaver-command', ['-time'], { stdout: TIME_LOCKED });
    expect(await x11(r).read(alice)).toEqual({ idleMs: 1754, locked: true });
    expect(r.calls.map((c) => [c.cmd, ...c.args])).toEqual([
      ['xprintidle'],
      ['xscreensaver-command', '-time'],
    ]);
    for (const c of r.calls) {
      expect(c.opts).toMatchObject({ uid: 1000, gid: 1001, timeoutMs: 3000 });
      expect(c.opts.env).toMatchObject({ DISPLAY: ':0', HOME: '/home/alice', USER: 'alice' });
    }
    r.on('xscreensaver-command', ['-time'], { stdout: TIME_BLANKED });
    expect(await x11(r).read(alice)).toEqual({ idleMs: 1754, locked: false });
  });

  it('garbage from xprintidle is unknown, said once', async () => {
    const said: string[] = [];
    const r = new FakeCommandRunner().on('xprintidle', [], {
      stdout: 'screen saver extension not supported\n',
    });
    const s = x11(r, { say: said });
    expect(await s.read(alice)).toEqual({ idleMs: null, locked: null });
    expect(await s.read(alice)).toEqual({ idleMs: null, locked: null });
    expect(said).toEqual([
      'idle: x11: xprintidle printed "screen saver extension not supported", not a number of ms; idle time from the next source',
    ]);
    expect(r.callsOf('xscreensaver-command')).toEqual([]);
  });

  it('a missing xprintidle is unknown, said once, and not run again', async () => {
    const said: string[] = [];
    const r = new FakeCommandRunner();
    const s = x11(r, { say: said });
    expect(await s.read(alice)).toEqual({ idleMs: null, locked: null });
    expect(await s.read(alice)).toEqual({ idleMs: null, locked: null });
    expect(r.calls).toHaveLength(1);
    expect(said).toEqual([
      'idle: xprintidle is not installed (Debian package xprintidle); X11 idle time is not read',
    ]);
  });

  it('a failing or hanging xprintidle is unknown, said once per display', async () => {
    const said: string[] = [];
    const r = new FakeCommandRunner().on('xprintidle', [], {
      code: 1,
      stderr: "couldn't open display\n",
    });
    const s = x11(r, { say: said });
    expect(await s.read(alice)).toEqual({ idleMs: null, locked: null });
    r.on('xprintidle', [], { code: null, timedOut: true });
    expect(await s.read(alice)).toEqual({ idleMs: null, locked: null });
    expect(await s.read({ ...alice, display: ':1' })).toEqual({ idleMs: null, locked: null });
    expect(said).toEqual([
      "idle: x11: xprintidle failed on :0 as alice: couldn't open display (exit 1); idle time from the next source",
      'idle: x11: xprintidle failed on :1 as alice: timed out; idle time from the next source',
    ]);
  });

  it('no DISPLAY, a Wayland session, or nobody to run as: no command, said once', async () => {
    const said: string[] = [];
    const r = new FakeCommandRunner().on('xprintidle', [], { stdout: '5\n' });
    const s = x11(r, { say: said });
    const tty = { ...alice, display: undefined, sessionType: 'tty' };
    expect(await s.read(tty)).toEqual({ idleMs: null, locked: null });
    expect(await s.read(tty)).toEqual({ idleMs: null, locked: null });
    expect(await s.read({ ...alice, sessionType: 'wayland' })).toEqual({
      idleMs: null,
      locked: null,
    });
    expect(await s.read({ name: 'ghost', display: ':0', source: 'utmp' })).toEqual({
      idleMs: null,
      locked: null,
    });
    expect(await s.read({ name: 'root', uid: 0, display: ':0', source: 'utmp' })).toEqual({
      idleMs: null,
      locked: null,
    });
    expect(r.calls).toEqual([]);
    expect(said).toEqual([
      'idle: x11: no DISPLAY for seat user alice (a text console, or a display manager that does not tell logind); X11 idle time is not read',
      "idle: x11: alice's session is Wayland, which X11 does not see; idle time from logind",
      'idle: x11: no account for seat user "ghost"; idle time unknown',
      'idle: x11: root is at the seat (nothing is run as root there); idle time unknown',
    ]);
  });

  it('no xscreensaver: lock state unknown, said once, not asked again for a minute', async () => {
    const said: string[] = [];
    const clock = new FakeClock();
    const r = new FakeCommandRunner()
      .on('xprintidle', [], { stdout: '10\n' })
      .on('xscreensaver-command', ['-time'], { code: 255, stderr: NO_SAVER });
    const s = x11(r, { clock, say: said });
    expect(await s.read(alice)).toEqual({ idleMs: 10, locked: null });
    clock.advance(59_000);
    expect(await s.read(alice)).toEqual({ idleMs: 10, locked: null });
    expect(r.callsOf('xscreensaver-command')).toHaveLength(1);
    clock.advance(2_000);
    r.on('xscreensaver-command', ['-time'], { stdout: TIME_UNLOCKED });
    expect(await s.read(alice)).toEqual({ idleMs: 10, locked: false });
    expect(said).toEqual([
      'idle: x11: no xscreensaver answers on :0 (xscreensaver-command: no screensaver is running on display :0 (exit 255)); lock state comes from logind, or is unknown',
    ]);
    // Not installed at all: said once, never asked again.
    const none = new FakeCommandRunner().on('xprintidle', [], { stdout: '10\n' });
    const said2: string[] = [];
    const t = x11(none, { say: said2 });
    await t.read(alice);
    await t.read(alice);
    expect(none.callsOf('xscreensaver-command')).toHaveLength(1);
    expect(said2).toEqual([
      'idle: xscreensaver-command is not installed; X11 lock state comes from logind, or is unknown',
    ]);
    expect(t.watchLock?.(alice, () => {})).toBeDefined();
    expect(none.streams).toEqual([]);
  });
});

describe('the x11 lock watch (xscreensaver-command -watch)', () => {
  const setup = () => {
    const clock = new FakeClock();
    const said: string[] = [];
    const r = new FakeCommandRunner()
      .on('xprintidle', [], { stdout: '100\n' })
      .on('xscreensaver-command', ['-time'], { stdout: TIME_UNLOCKED })
      .stream('xscreensaver-command', ['-watch']);
    const s = x11(r, { clock, say: said });
    const changes: boolean[] = [];
    const w = s.watchLock!(alice, (v) => changes.push(v));
    return {
      clock,
      said,
      r,
      s,
      changes,
      w,
      stream: () => r.streamsOf('xscreensaver-command').at(-1)!,
    };
  };

  it('runs as the seat user, reports lock and unlock once each, and feeds read()', async () => {
    const { r, s, changes, stream } = setup();
    expect(stream().call).toMatchObject({
      args: ['-watch'],
      opts: { uid: 1000, gid: 1001, env: { DISPLAY: ':0', HOME: '/home/alice' } },
    });
    // The first read seeds the state from -time; later reads ask nobody but xprintidle.
    expect(await s.read(alice)).toEqual({ idleMs: 100, locked: false });
    expect(await s.read(alice)).toEqual({ idleMs: 100, locked: false });
    expect(r.callsOf('xscreensaver-command').filter((c) => c.args[0] === '-time')).toHaveLength(1);
    stream().emit('BLANK Mon Nov 30 19:04:14 2026', 'RUN 38');
    expect(changes).toEqual([]);
    stream().emit('LOCK Mon Nov 30 19:04:16 2026', 'RUN 12', 'LOCK Mon Nov 30 19:04:17 2026');
    expect(changes).toEqual([true]);
    expect(await s.read(alice)).toEqual({ idleMs: 100, locked: true });
    stream().emit('UNBLANK Mon Nov 30 19:10:00 2026', 'UNBLANK Mon Nov 30 19:10:01 2026');
    expect(changes).toEqual([true, false]);
    expect(r.callsOf('xscreensaver-command').filter((c) => c.args[0] === '-time')).toHaveLength(1);
  });

  it('an unlock with no lock known before is no change; a lock always is', () => {
    const { changes, stream } = setup();
    stream().emit('UNBLANK Mon Nov 30 19:04:13 2026');
    expect(changes).toEqual([]);
    stream().emit('LOCK Mon Nov 30 19:04:16 2026');
    expect(changes).toEqual([true]);
  });

  it('a watch that ends is said once and started again, later each time; close stops it', async () => {
    const { clock, said, r, s, changes, w, stream } = setup();
    await flush();
    stream().emit('LOCK x');
    stream().exit({ code: 1, stderr: "xscreensaver-command: can't open display :0\n" });
    await flush();
    // Meanwhile read() asks -time: the LOCK died with the watch.
    expect(await s.read(alice)).toEqual({ idleMs: 100, locked: false });
    expect(r.callsOf('xscreensaver-command').filter((c) => c.args[0] === '-time')).toHaveLength(1);
    expect(r.streamsOf('xscreensaver-command')).toHaveLength(1);
    clock.advance(5_000);
    expect(r.streamsOf('xscreensaver-command')).toHaveLength(2);
    stream().exit({ code: 1 });
    await flush();
    clock.advance(9_999);
    expect(r.streamsOf('xscreensaver-command')).toHaveLength(2);
    clock.advance(1);
    expect(r.streamsOf('xscreensaver-command')).toHaveLength(3);
    expect(said).toEqual([
      "idle: x11: xscreensaver-command -watch ended on :0: xscreensaver-command: can't open display :0 (exit 1); lock state is read with -time until it runs again",
    ]);
    // After a new start, a lock known before the restart is news again.
    stream().emit('LOCK y');
    expect(changes).toEqual([true, true]);
    w.close();
    expect(stream().closed).toBe(true);
    stream().exit({ code: 1 });
    await flush();
    clock.advance(600_000);
    expect(r.streamsOf('xscreensaver-command')).toHaveLength(3);
  });

  it('close() during the wait before a restart cancels it', async () => {
    const { clock, r, w, stream } = setup();
    stream().exit({ code: 1 });
    await flush();
    w.close();
    clock.advance(600_000);
    expect(r.streamsOf('xscreensaver-command')).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });

  it('with no xscreensaver-command installed: said once, no restart', async () => {
    const clock = new FakeClock();
    const said: string[] = [];
    const r = new FakeCommandRunner();
    const s = x11(r, { clock, say: said });
    s.watchLock!(alice, () => {});
    await flush();
    clock.advance(600_000);
    expect(r.streams).toHaveLength(1);
    expect(said).toEqual([
      'idle: xscreensaver-command is not installed; X11 lock state comes from logind, or is unknown',
    ]);
    // Nothing to watch without a display: no process at all.
    s.watchLock!({ ...alice, display: undefined }, () => {});
    expect(r.streams).toHaveLength(1);
  });
});

describe('the logind source', () => {
  const ARGS = [
    'show-session',
    '3',
    '-p',
    'IdleHint',
    '-p',
    'IdleSinceHint',
    '-p',
    'IdleSinceHintMonotonic',
    '-p',
    'LockedHint',
  ];

  it('reads the hints of the seat user’s session with the exact argv', async () => {
    const clock = new FakeClock(1764494400000 + 30_000);
    const r = new FakeCommandRunner().on('loginctl', ARGS, {
      stdout:
        'IdleHint=yes\nIdleSinceHint=1764494400000000\nIdleSinceHintMonotonic=0\nLockedHint=yes\n',
    });
    const s = createLogindIdleSource({ commands: r, clock });
    expect(await s.read(alice)).toEqual({ idleMs: 30_000, locked: true });
    expect(r.calls[0]!.opts).toEqual({ timeoutMs: 3000 });
    r.on('loginctl', ARGS, {
      stdout: 'IdleHint=yes\nIdleSinceHint=1\nIdleSinceHintMonotonic=7000000\nLockedHint=no\n',
    });
    const m = createLogindIdleSource({ commands: r, clock, monotonicUs: () => 9_500_000 });
    expect(await m.read(alice)).toEqual({ idleMs: 2500, locked: false });
    r.on('loginctl', ARGS, {
      stdout: 'IdleHint=no\nIdleSinceHint=0\nIdleSinceHintMonotonic=0\nLockedHint=no\n',
    });
    expect(await m.read(alice)).toEqual({ idleMs: 0, locked: false });
  });

  it('no session id, a missing loginctl, a failure or garbage: unknown, each said once', async () => {
    const said: string[] = [];
    const clock = new FakeClock();
    const say = (l: string) => said.push(l);
    const r = new FakeCommandRunner();
    const s = createLogindIdleSource({ commands: r, clock, say });
    const unknown = { idleMs: null, locked: null };
    expect(await s.read({ name: 'bob', source: 'utmp' })).toEqual(unknown);
    expect(await s.read({ ...alice, sessionId: '--all' })).toEqual(unknown);
    expect(r.calls).toEqual([]);
    expect(await s.read(alice)).toEqual(unknown);
    expect(await s.read(alice)).toEqual(unknown);
    expect(r.calls).toHaveLength(1);
    const f = new FakeCommandRunner().on('loginctl', undefined, { code: 1, stderr: NO_SYSTEMD });
    const fs = createLogindIdleSource({ commands: f, clock, say });
    expect(await fs.read(alice)).toEqual(unknown);
    expect(await fs.read(alice)).toEqual(unknown);
    const g = new FakeCommandRunner().on('loginctl', undefined, { stdout: 'Name=alice\n' });
    expect(await createLogindIdleSource({ commands: g, clock, say }).read(alice)).toEqual(unknown);
    const t = new FakeCommandRunner().on('loginctl', undefined, { code: null, timedOut: true });
    expect(await createLogindIdleSource({ commands: t, clock, say }).read(alice)).toEqual(unknown);
    expect(said).toEqual([
      'idle: logind: seat user bob has no logind session (found by utmp); IdleHint and LockedHint are not read',
      'idle: logind: seat user alice has no logind session (found by logind); IdleHint and LockedHint are not read',
      'idle: loginctl is not installed (package systemd); logind idle and lock hints are not read',
      "idle: logind: loginctl show-session 3 failed: System has not been booted with systemd as init system (PID 1). Can't operate. (exit 1)",
      'idle: logind: loginctl show-session printed no idle hints: "Name=alice"',
      'idle: logind: loginctl show-session 3 failed: timed out',
    ]);
  });
});

describe('the Linux locker', () => {
  const locker = (r: FakeCommandRunner, logind = true, seat = asRoot()) =>
    createLinuxLocker({ commands: r, seat, logind });

  it('loginctl lock-session first, as the agent', async () => {
    const r = new FakeCommandRunner().on('loginctl', ['lock-session', '3'], {});
    expect(await locker(r).lock(alice)).toEqual({
      ok: true,
      via: 'loginctl lock-session',
      tried: [],
    });
    expect(r.calls).toEqual([
      { cmd: 'loginctl', args: ['lock-session', '3'], opts: { timeoutMs: 5000 } },
    ]);
  });

  it('each failure gives the next a try, as the seat user; the result says why each failed', async () => {
    const r = new FakeCommandRunner()
      .on('loginctl', undefined, { code: 1, stderr: NO_SYSTEMD })
      .on('xscreensaver-command', ['-lock'], { code: 255, stderr: NO_SAVER })
      .on('xdg-screensaver', ['lock'], { stdout: '' });
    const res = await locker(r).lock(alice);
    expect(res).toEqual({
      ok: true,
      via: 'xdg-screensaver lock',
      tried: [
        {
          via: 'loginctl lock-session',
          error:
            "System has not been booted with systemd as init system (PID 1). Can't operate. (exit 1)",
        },
        {
          via: 'xscreensaver-command -lock',
          error: 'xscreensaver-command: no screensaver is running on display :0 (exit 255)',
        },
      ],
    });
    for (const c of r.calls.slice(1)) {
      expect(c.opts).toMatchObject({ uid: 1000, gid: 1001, timeoutMs: 5000 });
      expect(c.opts.env).toMatchObject({
        DISPLAY: ':0',
        DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
      });
    }
    r.on('xscreensaver-command', ['-lock'], { stdout: 'xscreensaver-command: locking\n\n' });
    expect(await locker(r, false).lock(alice)).toEqual({
      ok: true,
      via: 'xscreensaver-command -lock',
      tried: [{ via: 'loginctl lock-session', error: 'no systemd-logind here' }],
    });
  });

  it('all failing: ok false, every reason in error, nothing run as root at the seat', async () => {
    const r = new FakeCommandRunner().on('xdg-screensaver', ['lock'], { code: 4, stderr: '' });
    const res = await locker(r, true).lock({ ...alice, sessionId: undefined, display: undefined });
    expect(res).toEqual({
      ok: false,
      via: 'xdg-screensaver lock',
      error:
        'loginctl lock-session: the seat user has no logind session; xscreensaver-command -lock: no DISPLAY for the seat user; xdg-screensaver lock: exit 4',
      tried: [
        { via: 'loginctl lock-session', error: 'the seat user has no logind session' },
        { via: 'xscreensaver-command -lock', error: 'no DISPLAY for the seat user' },
        { via: 'xdg-screensaver lock', error: 'exit 4' },
      ],
    });
    const none = new FakeCommandRunner();
    const root = await locker(none, false).lock({
      name: 'root',
      uid: 0,
      display: ':0',
      source: 'utmp',
    });
    expect(root.ok).toBe(false);
    expect(root.error).toMatch(/xdg-screensaver lock: root is at the seat/);
    expect(none.calls).toEqual([]);
    const missing = await locker(none, true).lock(alice);
    expect(missing.error).toBe(
      'loginctl lock-session: not installed; xscreensaver-command -lock: not installed; xdg-screensaver lock: not installed',
    );
  });
});

describe('picking the Linux sources', () => {
  const pick = (programs: string[], logind: boolean) =>
    createLinuxIdle({
      commands: new FakeCommandRunner(),
      clock: new FakeClock(),
      users,
      uid: 0,
      has: (p) => programs.includes(p),
      logind,
    });

  it('x11 before logind, by what is installed; what is missing said in lacks', () => {
    const all = pick(['xprintidle', 'xscreensaver-command', 'loginctl'], true);
    expect(all.idle.sources.map((s) => s.name)).toEqual(['x11', 'logind']);
    expect(all.lacks).toEqual([]);
    const noSaver = pick(['xprintidle', 'loginctl'], true);
    expect(noSaver.lacks).toEqual([
      'idle: xscreensaver-command is not installed; X11 lock state comes from logind, or is unknown',
    ]);
    const logindOnly = pick(['loginctl'], true);
    expect(logindOnly.idle.sources.map((s) => s.name)).toEqual(['logind']);
    expect(logindOnly.lacks).toEqual([
      'idle: xprintidle is not installed (Debian package xprintidle); X11 idle time is not read',
      "idle: idle time from logind's IdleHint, which the desktop sets, often only after its own screensaver timeout: reminders cannot come earlier than that",
    ]);
    const noLoginctl = pick(['xprintidle', 'xscreensaver-command'], true);
    expect(noLoginctl.lacks).toEqual([
      'idle: loginctl is not installed (package systemd); logind idle and lock hints are not read',
    ]);
    const bare = pick([], false);
    expect(bare.idle.sources).toEqual([]);
    expect(bare.lacks).toEqual([
      'idle: xprintidle is not installed (Debian package xprintidle); X11 idle time is not read',
      'idle: no systemd-logind; its idle and lock hints and `loginctl lock-session` are not available',
      'idle: no idle source here (no xprintidle, no logind); idle time and lock state are unknown unless the tray reports them',
    ]);
  });

  it('the locker skips loginctl where logind does not run or loginctl is missing', async () => {
    const r = new FakeCommandRunner();
    const p = createLinuxIdle({
      commands: r,
      clock: new FakeClock(),
      users,
      uid: 0,
      has: () => false,
      logind: true,
    });
    const res = await p.idle.locker.lock(alice);
    expect(res.tried?.[0]).toEqual({
      via: 'loginctl lock-session',
      error: 'no systemd-logind here',
    });
    expect(r.callsOf('loginctl')).toEqual([]);
  });
});
