// The usb module on the fake USB bus and a real store: sealing first, what it records for each
// plug and pull, what it tells the OS, notices grouped, re-sealing what someone opened, and
// failing closed when a device vanishes or a write fails.
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConfig, ModuleContext } from '../../../src/agent/module.js';
import { type ExceptionBookLike, usbModule } from '../../../src/agent/modules/usb.js';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import type { Notice } from '../../../src/core/protocol/messages.js';
import { mmcDevice } from '../../../src/core/usb/mmc.js';
import type { UsbDevice, UsbInterface } from '../../../src/core/usb/types.js';
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

const iface = (number: number, cls: string, name?: string): UsbInterface => ({
  number,
  alt: 0,
  class: cls,
  subclass: cls === '08' ? '06' : '00',
  protocol: cls === '08' ? '50' : '00',
  ...(name ? { name } : {}),
});

function device(id: string, o: Partial<UsbDevice> & { classes?: string[] } = {}): UsbDevice {
  const { classes = ['08'], ...rest } = o;
  return {
    id,
    bus: 'usb',
    vendor: '46f4',
    product: '0001',
    serial: `S-${id}`,
    manufacturer: 'QEMU',
    productName: 'QEMU USB HARDDRIVE',
    deviceClass: '00',
    interfaces: classes.map((c, i) => iface(i, c)),
    hash: `${id.replace(/\W/g, '').padEnd(64, 'a')}`.slice(0, 64),
    ...rest,
  };
}
const keyboard = (id: string) =>
  device(id, {
    vendor: '0627',
    product: '0001',
    classes: ['03'],
    productName: 'QEMU USB Keyboard',
  });

function setup(o: { enforce?: boolean; platform?: FakePlatform; book?: ExceptionBookLike } = {}) {
  const p = o.platform ?? createFakePlatform();
  p.session.set({ name: 'alice', uid: 1000, source: 'fake' });
  store = openStore({
    dataDir: dirs.make(),
    host: 'ws',
    now: () => p.clock.now(),
    batchWindowMs: 1,
  });
  const notices: Notice[] = [];
  const seat = { name: 'alice' as string | null };
  const ctx: ModuleContext = {
    ...moduleContext(store, p),
    config: { enforce: o.enforce ?? true } as AgentConfig,
    seatUser: () => seat.name,
    notice: (n) => notices.push(n),
  };
  const m0 = usbModule({
    checkEveryMs: 60_000,
    ...(o.book ? { exceptions: () => o.book as ExceptionBookLike } : {}),
  });
  // Started once the devices present at start are decided (the first step after start).
  const m = {
    ...m0,
    start: async (c: ModuleContext) => {
      await m0.start(c);
      await new Promise((r) => setTimeout(r, 20));
    },
  };
  stopModule = () => m0.stop();
  const events = (type?: string) => {
    store?.flush();
    return (store as EventStore).query({ order: 'asc', ...(type ? { types: [type] } : {}) });
  };
  return { p, ctx, m, events, notices, seat };
}

describe('usb module', () => {
  it('seals every root hub before deciding, blocks a stick present at start, keeps the keyboard', async () => {
    const { p, ctx, m, events } = setup();
    p.usb.addHub('usb2');
    p.usb.devices.set('1-1', device('1-1'));
    p.usb.devices.set('1-2', keyboard('1-2'));
    await m.start(ctx);
    expect([...p.usb.hubs.values()]).toEqual([true, true]);
    await until('both decided', () => events('usb.connected').length === 2);
    await until(
      'verdicts',
      () => events().filter((e) => /usb\.(allowed|blocked)/.test(e.type)).length === 2,
    );
    expect(p.usb.state.get('1-1')).toBe('block');
    expect(p.usb.state.get('1-2')).toBe('allow');
    const blocked = events('usb.blocked')[0];
    expect(blocked?.data).toMatchObject({
      device: '1-1',
      vendor: '46f4',
      verdict: 'block',
      rule: { by: 'storage-default' },
      because: 'present',
      enforced: true,
    });
    expect(blocked?.user).toBeUndefined(); // the store stamps the seat user, not the module
    expect(events('usb.allowed')[0]?.data).toMatchObject({
      device: '1-2',
      rule: { by: 'not-storage' },
    });
    expect(m.status?.()).toMatchObject({ usb: { enforcing: true, present: 2, blocked: 1 } });
  });

  it('without --enforce decides and records only, touches nothing, and says why', async () => {
    const { p, ctx, m, events } = setup({ enforce: false });
    await m.start(ctx);
    p.usb.plug(device('1-1'));
    await until('blocked recorded', () => events('usb.blocked').length === 1);
    expect(events('usb.blocked')[0]?.data).toMatchObject({ enforced: false, verdict: 'block' });
    expect(p.usb.applied).toEqual([]);
    expect([...p.usb.hubs.values()]).toEqual([false]);
    // No notice says "blocked" about a stick that works.
    p.clock.advance(10_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(p.notifier.shown).toEqual([]);
    expect(m.status?.()).toMatchObject({ usb: { enforcing: false, reason: 'USB_NOT_ENFORCING' } });
  });

  it('audits where the OS cannot enforce (read-only sysfs), saying why once', async () => {
    const p = createFakePlatform();
    p.usb.problem = 'USB_SYSFS_READONLY';
    const { ctx, m, events } = setup({ platform: p });
    await m.start(ctx);
    p.usb.plug(device('1-1'));
    await until('recorded', () => events('usb.blocked').length === 1);
    expect(p.usb.applied).toEqual([]);
    expect(m.status?.()).toMatchObject({ usb: { enforcing: false, reason: 'USB_SYSFS_READONLY' } });
  });

  it('a new policy opens a stick already plugged, by its serial, and says which rule', async () => {
    const { p, ctx, m, events } = setup();
    await m.start(ctx);
    m.apply?.(policyInForce('usb:\n  storage: block\n'));
    p.usb.plug(device('1-1'));
    await until('blocked', () => events('usb.blocked').length === 1);
    m.apply?.(
      policyInForce(
        'usb:\n  storage: block\n  rules:\n    - { serial: "S-1-1", verdict: allow, note: 财务部U盘 }\n',
      ),
    );
    await until('allowed', () => events('usb.allowed').length === 1);
    expect(p.usb.state.get('1-1')).toBe('allow');
    expect(events('usb.allowed')[0]?.data).toMatchObject({
      because: 'policy',
      rule: { by: 'rule', index: 0, note: '财务部U盘' },
    });
  });

  it('records the pull, and a stick that vanishes mid-decision stays blocked and is said so', async () => {
    const { p, ctx, m, events } = setup();
    await m.start(ctx);
    p.usb.plug(device('1-1'));
    await until('blocked', () => events('usb.blocked').length === 1);
    p.usb.pull('1-1');
    await until('removed', () => events('usb.removed').length === 1);
    expect(events('usb.removed')[0]?.data).toMatchObject({ device: '1-1', serial: 'S-1-1' });

    p.usb.vanishing.add('1-3');
    p.usb.plug(device('1-3'));
    await until('gone recorded', () => events('usb.blocked').length === 2);
    expect(events('usb.blocked')[1]?.data).toMatchObject({ device: '1-3', gone: true });
    expect(m.status?.()).toMatchObject({ usb: { present: 0 } });
  });

  it('a write that fails leaves the device blocked and records the error', async () => {
    const { p, ctx, m, events } = setup();
    await m.start(ctx);
    p.usb.failing.add('1-2');
    p.usb.plug(keyboard('1-2'));
    await until('blocked', () => events('usb.blocked').length === 1);
    expect(events('usb.blocked')[0]?.data).toMatchObject({
      verdict: 'allow',
      applied: 'block',
      error: expect.stringContaining('EACCES'),
    });
  });

  it('seals again what someone opened, once a minute, at high severity', async () => {
    const { p, ctx, m, events } = setup();
    await m.start(ctx);
    p.usb.reopen('usb1');
    p.clock.advance(60_000);
    await until('lost recorded', () => events('usb.enforcement-lost').length === 1);
    const e = events('usb.enforcement-lost')[0];
    expect(e?.severity).toBe('high');
    expect(e?.data).toMatchObject({ open: ['usb1'], resealed: true, why: 'check' });
    expect(p.usb.hubs.get('usb1')).toBe(true);
    expect(m.status?.()).toMatchObject({ usb: { enforcing: true } });
  });

  it('what cannot be sealed is said once and in status, not every minute', async () => {
    const p = createFakePlatform();
    p.usb.addHub('domain0');
    p.usb.unsealable.add('domain0');
    const { ctx, m, events } = setup({ platform: p });
    await m.start(ctx);
    expect(events('usb.enforcement-lost')).toHaveLength(1);
    expect(events('usb.enforcement-lost')[0]?.data).toMatchObject({
      stillOpen: ['domain0'],
      why: 'start',
    });
    p.clock.advance(5 * 60_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(events('usb.enforcement-lost')).toHaveLength(1);
    expect(m.status?.()).toMatchObject({ usb: { enforcing: false, reason: 'USB_SEAL_OPEN' } });
    // Not sealed everywhere, still blocking: a stick is refused and a keyboard opened.
    p.usb.plug(device('1-1'));
    p.usb.plug(keyboard('1-2'));
    await until('both decided', () => p.usb.state.get('1-2') === 'allow');
    await until('stick held', () => events('usb.blocked').length === 1);
    expect(p.usb.state.get('1-1')).toBe('block');
    // Someone opens a hub that can be sealed: that is news, and it is sealed again.
    p.usb.reopen('usb1');
    p.clock.advance(60_000);
    await until('reopened recorded', () => events('usb.enforcement-lost').length === 2);
    expect(p.usb.hubs.get('usb1')).toBe(true);
  });

  it('usb.list reads the seal back before answering: a hub opened by hand is found at once', async () => {
    const { p, ctx, m, events } = setup();
    await m.start(ctx);
    p.usb.reopen('usb1');
    const list = (await m.requests?.['usb.list']?.(
      { id: 1, type: 'usb.list' },
      { socket: 'agent' },
    )) as {
      enforcing: boolean;
    };
    // Found and sealed again before the answer, without waiting for the minute's check.
    expect(list.enforcing).toBe(true);
    expect(p.usb.hubs.get('usb1')).toBe(true);
    expect(events('usb.enforcement-lost').map((e) => e.data)).toEqual([
      { open: ['usb1'], resealed: true, why: 'check' },
    ]);
    expect(m.status?.()).toMatchObject({
      usb: { enforcing: true, lastLost: { at: p.clock.now(), open: ['usb1'], resealed: true } },
    });
    // Asked again with everything sealed: nothing more recorded.
    await m.requests?.['usb.list']?.({ id: 2, type: 'usb.list' }, { socket: 'agent' });
    expect(events('usb.enforcement-lost')).toHaveLength(1);
  });

  it('without --enforce, usb.list writes nothing and records nothing', async () => {
    const { p, ctx, m, events } = setup({ enforce: false });
    await m.start(ctx);
    const list = (await m.requests?.['usb.list']?.(
      { id: 1, type: 'usb.list' },
      { socket: 'agent' },
    )) as {
      enforcing: boolean;
      reason: string;
    };
    expect(list).toMatchObject({ enforcing: false, reason: 'USB_NOT_ENFORCING' });
    expect(p.usb.hubs.get('usb1')).toBe(false);
    expect(events('usb.enforcement-lost')).toEqual([]);
  });

  it('a hub re-opened by hand is recorded when a controller appears, not sealed silently', async () => {
    const p = createFakePlatform();
    // Root hubs are listed like devices (as sysfs lists usb1): the module knows them.
    p.usb.devices.set('usb1', device('usb1', { deviceClass: '09', classes: ['09'] }));
    const { ctx, m, events } = setup({ platform: p });
    await m.start(ctx);
    p.usb.reopen('usb1');
    p.usb.addHub('usb3');
    p.usb.addHub('usb4'); // a controller brings two root hubs; usb4 is not reported yet
    p.usb.plug(device('usb3', { deviceClass: '09', classes: ['09'] }));
    await until('recorded', () => events('usb.enforcement-lost').length === 1);
    expect(events('usb.enforcement-lost')[0]?.data).toEqual({
      open: ['usb1'],
      resealed: true,
      why: 'new-controller',
    });
    expect([...p.usb.hubs.values()].every(Boolean)).toBe(true);
    // A dock alone, with every known hub sealed, is no loss.
    p.usb.addHub('usb5');
    p.usb.plug(device('usb5', { deviceClass: '09', classes: ['09'] }));
    await until('sealed', () => p.usb.hubs.get('usb5') === true);
    await new Promise((r) => setTimeout(r, 20));
    expect(events('usb.enforcement-lost')).toHaveLength(1);
  });

  it('a stick plugged while the session is locked gets usb.whileLocked, over an allow rule', async () => {
    const { p, ctx, m, events } = setup();
    let locked: boolean | null = true;
    const lockedCtx = { ...ctx, sessionLocked: () => locked };
    await m.start(lockedCtx);
    m.apply?.(
      policyInForce(
        'usb:\n  storage: block\n  whileLocked: block\n  rules:\n    - { serial: "S-1-1", verdict: allow }\n',
      ),
    );
    p.usb.plug(device('1-1'));
    await until('blocked', () => events('usb.blocked').length === 1);
    expect(events('usb.blocked')[0]?.data).toMatchObject({ rule: { by: 'while-locked' } });
    locked = false;
    p.usb.plug(device('1-1b', { serial: 'S-1-1' }));
    await until('allowed', () => events('usb.allowed').length === 1);
    expect(events('usb.allowed')[0]?.data).toMatchObject({ rule: { by: 'rule', index: 0 } });
  });

  it('an exception that ends closes the stick it opened, without a replug', async () => {
    const start = createFakePlatform().clock.now();
    const exception = {
      id: 'x2',
      device: '46f4:0001:S-1-1',
      user: 'alice',
      notBefore: start - 1000,
      notAfter: start + 15_000,
      reason: 'short',
    };
    const book: ExceptionBookLike = {
      active: (now) => (now < exception.notAfter ? [exception] : []),
      redeem: async () => ({ ok: true, exception }),
    };
    const { p, ctx, m, events } = setup({ book });
    await m.start(ctx);
    p.usb.plug(device('1-1'));
    await until('allowed', () => events('usb.allowed').length === 1);
    expect(p.usb.state.get('1-1')).toBe('allow');
    p.clock.advance(16_000);
    await until('closed at the end of the window', () => events('usb.blocked').length === 1);
    expect(events('usb.blocked')[0]?.data).toMatchObject({ because: 'expired' });
    expect(p.usb.state.get('1-1')).toBe('block');
  });

  it('another device in the same port between two looks is decided as a new one', async () => {
    const { p, ctx, m, events } = setup();
    await m.start(ctx);
    p.usb.plug(keyboard('1-2'));
    await until('keyboard allowed', () => events('usb.allowed').length === 1);
    // Swapped behind the watcher's back: same port, another device.
    p.usb.devices.set('1-2', device('1-2', { hash: 'f'.repeat(64) }));
    p.clock.advance(60_000);
    await until('the swap recorded', () => events('usb.removed').length === 1);
    await until('the stick blocked', () => events('usb.blocked').length === 1);
    expect(events('usb.blocked')[0]?.data).toMatchObject({ device: '1-2', vendor: '46f4' });
  });

  it('a token for a device never seen here is refused through the book, not used up', async () => {
    let asked: ((d: string) => boolean) | undefined;
    const book: ExceptionBookLike = {
      active: () => [],
      redeem: async (_t, _a, extra) => {
        asked = extra?.deviceKnown;
        return { ok: false, code: 'EXCEPTION_WRONG_DEVICE', params: {} };
      },
    };
    const { p, ctx, m, events } = setup({ book });
    await m.start(ctx);
    p.usb.plug(device('1-1'));
    await until('seen', () => events('usb.blocked').length === 1);
    await expect(
      m.requests?.['usb.exception.redeem']?.(
        { id: 1, type: 'usb.exception.redeem', token: 't' },
        { socket: 'agent', seatUser: 'alice' },
      ),
    ).rejects.toMatchObject({ code: 'EXCEPTION_WRONG_DEVICE' });
    expect(asked?.('46f4:0001:S-1-1')).toBe(true);
    expect(asked?.(device('1-1').hash as string)).toBe(true);
    expect(asked?.('0781:5581:OTHER')).toBe(false);
  });

  it('a controller that appears later (a dock) is sealed as it appears', async () => {
    const { p, ctx, m } = setup();
    await m.start(ctx);
    p.usb.addHub('usb3');
    p.usb.plug(device('usb3', { deviceClass: '09', classes: ['09'] }));
    await until('sealed', () => p.usb.hubs.get('usb3') === true);
    expect(m.status?.()).toMatchObject({ usb: { enforcing: true } });
  });

  it('a dock that brings five sticks at once gives one notice', async () => {
    const { p, ctx, m, events, notices } = setup();
    await m.start(ctx);
    for (const id of ['2-1', '2-2', '2-3', '2-4', '2-5']) p.usb.plug(device(id));
    await until('five blocked', () => events('usb.blocked').length === 5);
    // The notice is queued once the event's commit resolved (a moment after it is queryable).
    await new Promise((r) => setTimeout(r, 20));
    p.clock.advance(10_000);
    await until('notice', () => notices.length > 0);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      code: 'usb.notice.blocked',
      params: { count: 5, rule: { by: 'storage-default' } },
    });
    // Shown by the OS notifier too, translated, to the person at the console.
    await until('shown', () => p.notifier.shown.length === 1);
    const shown = p.notifier.shown[0];
    expect(shown?.to?.name).toBe('alice');
    expect(shown?.notice.title).toMatch(/5/);
    expect(shown?.notice.body).toMatch(/QEMU USB HARDDRIVE/);
  });

  it('a redeemed exception opens the stick already plugged; the refusal reason reaches the asker', async () => {
    let active: ReturnType<ExceptionBookLike['active']> = [];
    const book: ExceptionBookLike = {
      active: () => active,
      redeem: async (token) => {
        if (token !== 'good') return { ok: false, code: 'EXCEPTION_MALFORMED', params: {} };
        const exception = {
          id: 'x1',
          device: '46f4:0001:S-1-1',
          user: 'alice',
          notBefore: 0,
          notAfter: Number.MAX_SAFE_INTEGER,
          reason: 'audit',
        };
        active = [exception];
        return { ok: true, exception };
      },
    };
    const { p, ctx, m, events, seat } = setup({ book });
    await m.start(ctx);
    p.usb.plug(device('1-1'));
    await until('blocked', () => events('usb.blocked').length === 1);
    const redeem = m.requests?.['usb.exception.redeem'];
    await expect(
      redeem?.(
        { id: 1, type: 'usb.exception.redeem', token: 'bad' },
        { socket: 'agent', seatUser: 'alice' },
      ),
    ).rejects.toMatchObject({ code: 'EXCEPTION_MALFORMED' });
    await redeem?.(
      { id: 2, type: 'usb.exception.redeem', token: 'good' },
      { socket: 'agent', seatUser: 'alice' },
    );
    await until('allowed', () => events('usb.allowed').length === 1);
    expect(events('usb.allowed')[0]?.data).toMatchObject({
      because: 'exception',
      rule: { by: 'exception', id: 'x1' },
    });
    expect(p.usb.state.get('1-1')).toBe('allow');

    // Bob sits down: alice's exception is hers, so the stick is closed again.
    seat.name = 'bob';
    await store?.append({
      type: 'session.changed',
      severity: 'info',
      data: { from: 'alice', to: 'bob' },
    });
    await until('closed again', () => events('usb.blocked').length === 2);
    expect(events('usb.blocked')[1]?.data).toMatchObject({
      because: 'session',
      rule: { by: 'storage-default' },
    });
    expect(p.usb.state.get('1-1')).toBe('block');
  });

  it('lists devices present and gone with their decisions, and remembers them across a restart', async () => {
    const { p, ctx, m, events } = setup();
    await m.start(ctx);
    p.usb.plug(device('1-1'));
    p.usb.plug(keyboard('1-2'));
    await until(
      'decided',
      () => events('usb.connected').length === 2 && events('usb.blocked').length === 1,
    );
    p.usb.pull('1-1');
    await until('removed', () => events('usb.removed').length === 1);
    const list = await m.requests?.['usb.list']?.({ id: 1, type: 'usb.list' }, { socket: 'agent' });
    expect(list).toMatchObject({
      enforcing: true,
      devices: [
        { present: true, device: { id: '1-2' }, decision: { verdict: 'allow' } },
        { present: false, device: { id: '1-1' }, decision: { verdict: 'block' } },
      ],
    });
    await m.stop();
    stopModule = null;
    const again = usbModule();
    await again.start({ ...ctx });
    stopModule = () => again.stop();
    const after = (await again.requests?.['usb.list']?.(
      { id: 2, type: 'usb.list' },
      { socket: 'agent' },
    )) as {
      devices: { device: { id: string } }[];
    };
    expect(after.devices.map((d) => d.device.id).sort()).toEqual(['1-1', '1-2']);
  });

  it('stopping leaves the ports sealed (fail closed) and stops every timer', async () => {
    const { p, ctx, m, events } = setup();
    await m.start(ctx);
    await m.stop();
    stopModule = null;
    expect(p.usb.hubs.get('usb1')).toBe(true);
    p.usb.reopen('usb1');
    p.clock.advance(120_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(events('usb.enforcement-lost')).toEqual([]);
  });

  describe('SD/MMC cards in a built-in reader', () => {
    const SD = {
      type: 'SD',
      manfid: '0x000003',
      oemid: '0x5344',
      name: 'SC64G',
      serial: '0x1a2b3c4d',
      cid: '0353445343363447801a2b3c4d0161b1',
    };

    it('seals the reader, blocks a card under usb.storage, records its removal', async () => {
      const p = createFakePlatform();
      p.usb.addMmcBus();
      const { ctx, m, events, notices } = setup({ platform: p });
      await m.start(ctx);
      expect(p.usb.hubs.get('mmc:drivers_autoprobe')).toBe(true);
      p.usb.insertCard('mmc0:aaaa', SD);
      await until('card blocked', () => events('usb.blocked').length === 1);
      expect(p.usb.state.get('mmc0:aaaa')).toBe('block');
      expect(events('usb.blocked')[0]?.data).toMatchObject({
        device: 'mmc0:aaaa',
        bus: 'mmc',
        vendor: '0003',
        product: '5344',
        serial: '1a2b3c4d',
        mmc: { type: 'SD', fixed: false },
        rule: { by: 'storage-default' },
        because: 'plugged',
      });
      // The notice is queued once the event is stored: move the clock on until it is shown.
      await until('notice', () => {
        p.clock.advance(2_000);
        return notices.length === 1;
      });
      expect(notices[0]?.params).toMatchObject({ devices: ['SC64G (0003:5344)'] });
      p.usb.ejectCard('mmc0:aaaa');
      await until('removed', () => events('usb.removed').length === 1);
      expect(events('usb.removed')[0]?.data).toMatchObject({
        device: 'mmc0:aaaa',
        bus: 'mmc',
        serial: '1a2b3c4d',
      });
    });

    it('a card approved by a rule is allowed, a read-only rule holds it read-only', async () => {
      const { p, ctx, m, events } = setup();
      await m.start(ctx);
      m.apply?.(
        policyInForce(
          [
            'usb:',
            '  storage: block',
            '  rules:',
            '    - { vendor: "0003", product: "5344", serial: "1a2b3c4d", verdict: allow, note: camera card }',
            '    - { class: "08", verdict: read-only }',
            '',
          ].join('\n'),
        ),
      );
      p.usb.insertCard('mmc0:aaaa', SD);
      p.usb.insertCard('mmc1:bbbb', {
        ...SD,
        serial: '0x00000007',
        cid: SD.cid.replace('1a2b3c4d', '00000007'),
      });
      await until('both decided', () => p.usb.state.size === 2 && p.usb.applied.length === 2);
      expect(p.usb.state.get('mmc0:aaaa')).toBe('allow');
      expect(p.usb.state.get('mmc1:bbbb')).toBe('read-only');
      expect(events('usb.read-only')[0]?.data).toMatchObject({
        device: 'mmc1:bbbb',
        rule: { by: 'rule', index: 1 },
      });
    });

    it('someone writing 1 into drivers_autoprobe is usb.enforcement-lost, sealed again', async () => {
      const p = createFakePlatform();
      p.usb.addMmcBus();
      const { ctx, m, events } = setup({ platform: p });
      await m.start(ctx);
      p.usb.reopen('mmc:drivers_autoprobe');
      p.clock.advance(60_000);
      await until('lost recorded', () => events('usb.enforcement-lost').length === 1);
      expect(events('usb.enforcement-lost')[0]).toMatchObject({
        severity: 'high',
        data: { open: ['mmc:drivers_autoprobe'], resealed: true, why: 'check' },
      });
      expect(p.usb.hubs.get('mmc:drivers_autoprobe')).toBe(true);
    });

    it('the built-in eMMC present at start is allowed as the machine`s own disk', async () => {
      const p = createFakePlatform();
      p.usb.addMmcBus();
      p.usb.devices.set('mmc0:0001', mmcDevice('mmc0:0001', { ...SD, type: 'MMC' }));
      const { ctx, m, events } = setup({ platform: p });
      await m.start(ctx);
      await until('decided', () => events('usb.allowed').length === 1);
      expect(p.usb.state.get('mmc0:0001')).toBe('allow');
      expect(events('usb.allowed')[0]?.data).toMatchObject({
        rule: { by: 'internal' },
        because: 'present',
      });
    });
  });

  it('records an exception request as the seat user, with the label of a device it has seen', async () => {
    const { p, ctx, m, events, seat } = setup();
    await m.start(ctx);
    p.usb.plug(device('1-1'));
    await until('blocked', () => events('usb.blocked').length === 1);
    const ask = m.requests?.['usb.exception.request'];
    const req = (device: string, reason = '审计部拷贝账目 audit') => ({
      id: 1,
      type: 'usb.exception.request' as const,
      device,
      reason,
    });
    const r = (await ask?.(req('46f4:0001:S-1-1'), { socket: 'agent', seatUser: 'carol' })) as {
      requestId: string;
    };
    expect(r.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    const [asked] = events('usb.exception-requested');
    expect(asked?.user).toBe('carol');
    expect(asked?.data).toEqual({
      requestId: r.requestId,
      device: '46f4:0001:S-1-1',
      deviceLabel: 'QEMU USB HARDDRIVE (46f4:0001)',
      reason: '审计部拷贝账目 audit',
    });
    // A device never seen here: recorded without a label.
    await ask?.(req('0781:5581:NEW'), { socket: 'admin' });
    expect(events('usb.exception-requested')[1]?.user).toBe('alice'); // root asks for the seat user
    expect(events('usb.exception-requested')[1]?.data.deviceLabel).toBeUndefined();
    await expect(
      ask?.(req('not a device'), { socket: 'agent', seatUser: 'carol' }),
    ).rejects.toMatchObject({
      code: 'EXCEPTION_REQUEST_BAD_DEVICE',
    });
    await expect(
      ask?.(req('46f4:0001:S-1-1', ' '), { socket: 'agent', seatUser: 'carol' }),
    ).rejects.toMatchObject({
      code: 'EXCEPTION_REQUEST_BAD_REASON',
    });
    await expect(
      ask?.(req('46f4:0001:S-1-1', 'x'.repeat(501)), { socket: 'agent', seatUser: 'carol' }),
    ).rejects.toMatchObject({ code: 'EXCEPTION_REASON_TOO_LONG' });
    seat.name = null;
    await expect(ask?.(req('46f4:0001:S-1-1'), { socket: 'admin' })).rejects.toMatchObject({
      code: 'EXCEPTION_REQUEST_NO_SEAT_USER',
    });
    expect(events('usb.exception-requested')).toHaveLength(2);
  });
});
