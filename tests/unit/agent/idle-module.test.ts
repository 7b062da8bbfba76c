// The idle module on the fake platform (clock, idle source, locker, notifier) and a real store:
// when it reminds and locks, what it records, that it sleeps between thresholds, the tray's
// reports, and what it says when a source or the lock command is missing.
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConfig, ModuleContext } from '../../../src/agent/module.js';
import { DEFAULT_IDLE, idleModule, ownSeat } from '../../../src/agent/modules/idle.js';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import { parsePolicyText } from '../../../src/core/policy/parse.js';
import type { SeatUser } from '../../../src/core/ports/session.js';
import type { Notice } from '../../../src/core/protocol/messages.js';
import { createFakePlatform, type FakePlatform } from '../../../src/platform/fake/index.js';
import { tmpDirs } from '../store/helpers.js';
import { moduleContext, policyInForce, until } from './helpers.js';

const dirs = tmpDirs();
let store: EventStore | null = null;
let stopModule: (() => Promise<void> | void) | null = null;
afterEach(async () => {
  await stopModule?.();
  stopModule = null;
  store?.close();
  store = null;
  dirs.cleanup();
});

const S = 1000;
const alice: SeatUser = { name: 'alice', uid: 1000, display: ':0', source: 'fake' };
const idlePolicy = (yaml: string) => policyInForce(`idle:\n${yaml}`);

function setup(o: { platform?: FakePlatform; seat?: SeatUser | null } = {}) {
  const p = o.platform ?? createFakePlatform();
  store = openStore({
    dataDir: dirs.make(),
    host: 'ws',
    now: () => p.clock.now(),
    batchWindowMs: 1,
  });
  const notices: Notice[] = [];
  const seat = { user: o.seat === undefined ? alice : o.seat };
  const ctx: ModuleContext = {
    ...moduleContext(store, p),
    config: { lang: 'en' } as AgentConfig,
    seatUser: () => seat.user?.name ?? null,
    seat: () => seat.user,
    notice: (n) => notices.push(n),
  };
  const m = idleModule({ localDate: () => '2026-11-30', selfSeat: () => null });
  stopModule = () => m.stop();
  const events = (type?: string) => {
    store?.flush();
    return (store as EventStore).query({ order: 'asc', ...(type ? { types: [type] } : {}) });
  };
  /** Time passes without input: the source's idle time grows with the clock. */
  const away = async (ms: number, step = 5 * S) => {
    for (let t = 0; t < ms; t += step) {
      const d = Math.min(step, ms - t);
      p.idle.source.idleMs = (p.idle.source.idleMs ?? 0) + d;
      p.clock.advance(d);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  /** Time passes with input all along. */
  const busy = async (ms: number, step = 5 * S) => {
    for (let t = 0; t < ms; t += step) {
      p.idle.source.idleMs = 100;
      p.clock.advance(Math.min(step, ms - t));
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  return { p, ctx, m, events, notices, away, busy, seat };
}

describe('idle module', () => {
  it('holds the schema’s defaults when no policy is in force', () => {
    const parsed = parsePolicyText(
      'version: 1\nname: t\nissued: 2026-01-01T00:00:00Z\nexpires: 2099-01-01T00:00:00Z\n',
    );
    if (!parsed.ok) throw new Error('policy');
    expect(DEFAULT_IDLE).toEqual(parsed.policy.idle);
  });

  it('reminds after remindAfter, repeats every repeat, and says how it was delivered', async () => {
    const { p, ctx, m, events, notices, away } = setup();
    m.start(ctx);
    m.apply?.(idlePolicy('  remindAfter: 20s\n  repeat: 20s\n'));
    await away(19 * S);
    expect(events('idle.reminded')).toEqual([]);
    await away(2 * S);
    await until('first reminder', () => events('idle.reminded').length === 1);
    const first = events('idle.reminded')[0];
    expect(first?.user).toBe('alice');
    expect(first?.data).toMatchObject({ n: 1, delivered: true, via: 'fake' });
    expect(notices[0]).toMatchObject({ code: 'idle.notice.remind' });
    expect(p.notifier.shown[0]?.to?.name).toBe('alice');
    expect(p.notifier.shown[0]?.notice.body).toMatch(/lock|Lock/);
    await away(20 * S);
    await until('second reminder', () => events('idle.reminded').length === 2);
    expect(events('idle.reminded')[1]?.data).toMatchObject({ n: 2 });
    expect(m.status?.()).toMatchObject({ idleSource: 'x11' });
  });

  it('never reminds while input continues, and reads rarely meanwhile', async () => {
    const { p, ctx, m, events, busy } = setup();
    m.start(ctx);
    m.apply?.(idlePolicy('  remindAfter: 3m\n  repeat: 2m\n'));
    const before = p.idle.source.reads;
    await busy(10 * 60 * S, 10 * S);
    expect(events('idle.reminded')).toEqual([]);
    // About one reading per remindAfter, not one a second.
    expect(p.idle.source.reads - before).toBeLessThan(15);
  });

  it('locks with the OS command when the policy says so, records it, and reminds no more while locked', async () => {
    const { p, ctx, m, events, away } = setup();
    m.start(ctx);
    m.apply?.(idlePolicy('  remindAfter: 20s\n  repeat: 20s\n  lockAfter: 30s\n  lock: true\n'));
    await away(35 * S);
    await until('locked', () => events('idle.locked').length === 1);
    expect(p.idle.locks.map((u) => u.name)).toEqual(['alice']);
    expect(events('idle.locked')[0]?.data).toMatchObject({ via: 'fake-lock' });
    await until('session.locked', () => events('session.locked').length === 1);
    const reminded = events('idle.reminded').length;
    await away(2 * 60 * S);
    expect(events('idle.reminded').length).toBe(reminded);
    // The person comes back and unlocks.
    p.idle.source.idleMs = 0;
    p.idle.source.setLocked(false);
    await until('session.unlocked', () => events('session.unlocked').length === 1);
  });

  it('a lock command that fails is said once; reminders go on', async () => {
    const p = createFakePlatform();
    p.idle.lockError = 'xscreensaver-command: no screensaver is running';
    const { ctx, m, events, away } = setup({ platform: p });
    m.start(ctx);
    m.apply?.(idlePolicy('  remindAfter: 20s\n  repeat: 20s\n  lockAfter: 30s\n  lock: true\n'));
    await away(90 * S);
    await until('reminders go on', () => events('idle.reminded').length >= 3);
    expect(events('idle.locked')).toEqual([]);
    expect(m.status?.()).toMatchObject({
      idle: { lockError: expect.stringContaining('no screensaver') },
    });
  });

  it('records an undelivered reminder as such', async () => {
    const p = createFakePlatform();
    p.notifier.available = false;
    const { ctx, m, events, away } = setup({ platform: p });
    m.start(ctx);
    m.apply?.(idlePolicy('  remindAfter: 20s\n'));
    await away(25 * S);
    await until('reminded', () => events('idle.reminded').length === 1);
    expect(events('idle.reminded')[0]?.data).toMatchObject({
      delivered: false,
      why: 'no-notifier',
    });
  });

  it('records why the notifier failed to show a reminder, and goes on reminding', async () => {
    const p = createFakePlatform();
    p.notifier.failure =
      'notify-send failed: GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.Notifications was not provided';
    const { ctx, m, events, away } = setup({ platform: p });
    m.start(ctx);
    m.apply?.(idlePolicy('  remindAfter: 20s\n  repeat: 20s\n'));
    await away(45 * S);
    await until('reminded twice', () => events('idle.reminded').length === 2);
    for (const e of events('idle.reminded'))
      expect(e.data).toMatchObject({ delivered: false, via: 'fake', why: p.notifier.failure });
  });

  it('with no source, says so and reminds from the tray’s reports', async () => {
    const p = createFakePlatform();
    p.idle.sources = [];
    const { ctx, m, events } = setup({ platform: p });
    m.start(ctx);
    m.apply?.(idlePolicy('  remindAfter: 20s\n'));
    await new Promise((r) => setTimeout(r, 20));
    expect(m.status?.()).toMatchObject({ idleSource: 'none' });
    const report = m.requests?.['idle.report'];
    await report?.(
      { id: 1, type: 'idle.report', idleMs: 25 * S, at: p.clock.now(), locked: false },
      { socket: 'agent', seatUser: 'alice' },
    );
    await until('reminded from the tray', () => events('idle.reminded').length === 1);
    expect(m.status?.()).toMatchObject({ idleSource: 'tray' });
    // The tray shows it (pushed to subscribers), not the OS notifier as well.
    expect(events('idle.reminded')[0]?.data).toMatchObject({ delivered: true, via: 'tray' });
    expect(p.notifier.shown).toEqual([]);
  });

  it('writes the exposure of the day at stop', async () => {
    const { ctx, m, events, away } = setup();
    m.start(ctx);
    m.apply?.(idlePolicy('  remindAfter: 20s\n  repeat: 1m\n'));
    await away(3 * 60 * S);
    await m.stop();
    stopModule = null;
    const e = events('idle.exposure');
    expect(e).toHaveLength(1);
    expect(e[0]?.user).toBe('alice');
    expect(e[0]?.data).toMatchObject({ date: '2026-11-30', final: false });
    expect(e[0]?.data.minutes).toBeGreaterThan(2);
  });

  it('nobody at the console: no reminders, no readings of anyone’s session', async () => {
    const { p, ctx, m, events, away } = setup({ seat: null });
    m.start(ctx);
    m.apply?.(idlePolicy('  remindAfter: 20s\n'));
    await away(60 * S);
    expect(events('idle.reminded')).toEqual([]);
    expect(p.idle.source.reads).toBe(0);
  });
});

describe('the agent’s own seat', () => {
  const me = { username: 'alice', uid: 1000, homedir: '/home/alice' };
  it('is the user who runs a development agent, and nobody’s for root', () => {
    expect(ownSeat('linux', me)).toMatchObject({ name: 'alice', uid: 1000, source: 'none' });
    expect(ownSeat('linux', { username: 'root', uid: 0, homedir: '/root' })).toBeNull();
  });
  it('is nobody’s for the Windows service’s SYSTEM account (no uid there to tell it by)', () => {
    const system = {
      username: 'SYSTEM',
      uid: -1,
      homedir: 'C:\\Windows\\system32\\config\\systemprofile',
    };
    expect(ownSeat('win32', system)).toBeNull();
    expect(ownSeat('win32', { ...system, username: 'WS-01$' })).toBeNull();
    expect(
      ownSeat('win32', { username: 'alice', uid: -1, homedir: 'C:\\Users\\alice' }),
    ).toMatchObject({
      name: 'alice',
    });
  });
});
