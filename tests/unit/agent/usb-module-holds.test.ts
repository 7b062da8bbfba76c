// The usb module on the fake bus, where a decision could silently stop holding: an exception
// outliving its window (a suspend, a clock set forward, an exception that stops counting), a
// block the OS does not hold, a port opened while the agent was stopped, a type-MMC card
// taken for soldered eMMC, and a status that answers from a minute-old reading.
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConfig, ModuleContext } from '../../../src/agent/module.js';
import { type ExceptionBookLike, usbModule } from '../../../src/agent/modules/usb.js';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import { BOOT_KEY } from '../../../src/agent/usb/boot.js';
import type { Notice } from '../../../src/core/protocol/messages.js';
import { type MmcAttributes, mmcDevice } from '../../../src/core/usb/mmc.js';
import type { ActiveException, UsbDevice } from '../../../src/core/usb/types.js';
import { createFakePlatform, type FakePlatform } from '../../../src/platform/fake/index.js';
import { tmpDirs } from '../store/helpers.js';
import { moduleContext, policyInForce, until } from './helpers.js';

const dirs = tmpDirs();
const open: EventStore[] = [];
const running: { stop(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const m of running.splice(0)) await m.stop();
  for (const s of open.splice(0)) s.close();
  dirs.cleanup();
});

const HOUR = 3_600_000;
const usbSlice = (m: ReturnType<typeof usbModule>) =>
  (m.status?.() as { usb: Record<string, unknown> } | undefined)?.usb ?? {};
const stick = (id: string, serial = `S-${id}`): UsbDevice => ({
  id,
  bus: 'usb',
  vendor: '46f4',
  product: '0001',
  serial,
  productName: 'QEMU USB HARDDRIVE',
  deviceClass: '00',
  interfaces: [{ number: 0, alt: 0, class: '08', subclass: '06', protocol: '50' }],
  hash: `${id.replace(/\W/g, '')}`.padEnd(64, 'b').slice(0, 64),
});

/** One agent "process" on a data dir that outlives it (restarts keep the store). */
interface AgentOptions {
  book?: ExceptionBookLike;
  locked?: () => boolean | null;
}

function agentOn(p: FakePlatform, dataDir: string, o: AgentOptions = {}) {
  const store = openStore({ dataDir, host: 'ws', now: () => p.clock.now(), batchWindowMs: 1 });
  open.push(store);
  const notices: Notice[] = [];
  const ctx: ModuleContext = {
    ...moduleContext(store, p),
    config: { enforce: true, lang: 'en' } as AgentConfig,
    seatUser: () => 'alice',
    notice: (n) => notices.push(n),
    ...(o.locked ? { sessionLocked: o.locked } : {}),
  };
  const m = usbModule({
    checkEveryMs: 60_000,
    ...(o.book ? { exceptions: () => o.book as ExceptionBookLike } : {}),
  });
  const events = (type?: string) => {
    store.flush();
    return store.query({ order: 'asc', ...(type ? { types: [type] } : {}) });
  };
  return {
    store,
    m,
    events,
    notices,
    async start() {
      await m.start(ctx);
      running.push(m);
      await new Promise((r) => setTimeout(r, 20)); // the devices present decided
    },
    async stop() {
      await m.stop();
      running.splice(running.indexOf(m), 1);
      store.close();
      open.splice(open.indexOf(store), 1);
    },
  };
}

function setup(o: AgentOptions & { platform?: FakePlatform } = {}) {
  const p = o.platform ?? createFakePlatform();
  p.session.set({ name: 'alice', uid: 1000, source: 'fake' });
  const dataDir = dirs.make();
  return { p, dataDir, ...agentOn(p, dataDir, o) };
}

/** A book whose one exception is in force from `notBefore` until `notAfter` (or `over`). */
function bookFor(device: string, notAfter: number, notBefore = 0) {
  const exception: ActiveException = {
    id: 'x-1',
    device,
    user: 'alice',
    notBefore,
    notAfter,
    reason: 'audit copy',
  };
  const state = { over: false, ended: [] as number[] };
  const book: ExceptionBookLike = {
    active: (now) =>
      !state.over && exception.notBefore <= now && now < exception.notAfter ? [exception] : [],
    redeem: async () => ({ ok: true, exception }),
    endExpired: async (now) => {
      if (now < exception.notAfter || state.ended.length > 0) return [];
      state.ended.push(now);
      return [exception];
    },
  };
  return { book, state, exception };
}

describe('an exception does not outlive its window', () => {
  it('after a suspend its device is closed within seconds of waking, and the end is recorded', async () => {
    const start = createFakePlatform().clock.now();
    const { book, state } = bookFor('46f4:0001:S-1-1', start + HOUR);
    const { p, events, start: go } = setup({ book });
    await go();
    p.usb.plug(stick('1-1'));
    await until('allowed', () => events('usb.allowed').length === 1);
    expect(p.usb.state.get('1-1')).toBe('allow');
    // Ten minutes on, the machine sleeps for two hours: the timers' clock stops meanwhile.
    p.clock.advance(10 * 60_000);
    p.clock.jump(2 * HOUR);
    p.clock.advance(5_000);
    await until('closed soon after waking', () => events('usb.blocked').length === 1);
    expect(events('usb.blocked')[0]?.data).toMatchObject({ because: 'expired' });
    expect(p.usb.state.get('1-1')).toBe('block');
    expect(state.ended).toEqual([start + 10 * 60_000 + 2 * HOUR + 5_000]);
  });

  it('one that ended while the agent was stopped is ended (recorded by the book) at start', async () => {
    const start = createFakePlatform().clock.now();
    const { book, state } = bookFor('46f4:0001:S-1-1', start - 60_000, start - HOUR);
    const { start: go } = setup({ book });
    await go();
    expect(state.ended).toEqual([start]);
  });

  it('the minute check decides every present device again: an exception that stops counting closes', async () => {
    const start = createFakePlatform().clock.now();
    const { book, state } = bookFor('46f4:0001:S-1-1', start + 8 * HOUR);
    const { p, events, start: go } = setup({ book });
    await go();
    p.usb.plug(stick('1-1'));
    await until('allowed', () => events('usb.allowed').length === 1);
    // The book no longer counts it (the store's newest event passed its end: the clock was
    // set back) while no timer of the module is due for hours.
    state.over = true;
    p.clock.advance(60_000);
    await until('closed by the check', () => events('usb.blocked').length === 1);
    expect(events('usb.blocked')[0]?.data).toMatchObject({
      because: 'expired',
      rule: { by: 'storage-default' },
    });
    expect(p.usb.state.get('1-1')).toBe('block');
  });

  it('the check keeps the lock state a device was plugged under (whileLocked is for plugs while locked)', async () => {
    const lock = { locked: false };
    const { p, events, m, start: go } = setup({ locked: () => lock.locked });
    await go();
    m.apply?.(
      policyInForce(
        'usb:\n  storage: block\n  whileLocked: block\n  rules:\n    - { vendor: "46f4", verdict: allow }\n',
      ),
    );
    p.usb.plug(stick('1-1'));
    await until('allowed', () => events('usb.allowed').length === 1);
    lock.locked = true; // the person locks the screen: the stick they use keeps working
    p.usb.plug(stick('1-2'));
    await until('the new one refused', () => events('usb.blocked').length === 1);
    p.clock.advance(3 * 60_000);
    await new Promise((r) => setTimeout(r, 30));
    expect(p.usb.state.get('1-1')).toBe('allow');
    expect(events('usb.blocked').map((e) => e.data.device)).toEqual(['1-2']);
    lock.locked = false; // unlocked: the one plugged while locked stays refused until replugged
    p.clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 30));
    expect(p.usb.state.get('1-2')).toBe('block');
  });
});

describe('a block the OS does not hold', () => {
  it('is usb.enforcement-lost for that device (high, never usb.allowed), a notice, and retried every minute', async () => {
    const p = createFakePlatform();
    // Working before the agent started (the kernel authorized it), and its deauthorize fails.
    p.usb.devices.set('1-1', stick('1-1'));
    p.usb.refusing.add('1-1');
    const { events, notices, m, start: go } = setup({ platform: p });
    await go();
    await until('lost recorded', () => events('usb.enforcement-lost').length === 1);
    const lost = events('usb.enforcement-lost')[0];
    expect(lost?.severity).toBe('high');
    expect(lost?.data).toMatchObject({
      device: '1-1',
      serial: 'S-1-1',
      open: ['1-1'],
      why: 'device',
      verdict: 'block',
      applied: 'allow',
      reason: expect.stringContaining('EACCES'),
      rule: { by: 'storage-default' },
      because: 'present',
    });
    expect(events('usb.allowed')).toEqual([]);
    expect(events('usb.blocked')).toEqual([]);
    expect(p.usb.state.get('1-1')).toBe('allow');
    expect(m.status?.()).toMatchObject({
      usb: { failed: ['1-1'], lastLost: { open: ['1-1'], resealed: false } },
    });
    await until('notice', () => {
      p.clock.advance(2_000);
      return notices.length === 1;
    });
    expect(notices[0]).toMatchObject({ code: 'usb.notice.failed', params: { count: 1 } });
    await until('shown', () => p.notifier.shown.length === 1);
    expect(p.notifier.shown[0]?.notice.title).toBe('USB device could not be blocked');

    // Tried again every minute; still failing is not recorded again.
    const tries = () => p.usb.applied.filter((a) => a.id === '1-1').length;
    const before = tries();
    p.clock.advance(60_000);
    await until('retried', () => tries() === before + 1);
    p.clock.advance(60_000);
    await until('retried again', () => tries() === before + 2);
    expect(events('usb.enforcement-lost')).toHaveLength(1);
    // The kernel lets go: the next check blocks it, and says so.
    p.usb.refusing.delete('1-1');
    p.clock.advance(60_000);
    await until('held now', () => events('usb.blocked').length === 1);
    expect(events('usb.blocked')[0]?.data).toMatchObject({ device: '1-1', because: 'retry' });
    expect(p.usb.state.get('1-1')).toBe('block');
    expect(usbSlice(m).failed).toBeUndefined();
  });

  it('a write that fails on a device already held closed stays usb.blocked (no loss)', async () => {
    const { p, events, start: go } = setup();
    await go();
    p.usb.failing.add('1-3');
    p.usb.plug(stick('1-3')); // arrives unauthorized under the sealed hub
    await until('blocked', () => events('usb.blocked').length === 1);
    expect(events('usb.blocked')[0]?.data).toMatchObject({
      error: expect.stringContaining('EACCES'),
    });
    expect(events('usb.enforcement-lost')).toEqual([]);
  });
});

describe('a port opened while the agent was stopped', () => {
  it('is usb.enforcement-lost at the next start in the same boot, then sealed again', async () => {
    const { p, dataDir, stop, start: go, events } = setup();
    await go();
    expect(p.usb.hubs.get('usb1')).toBe(true);
    expect(events('usb.enforcement-lost')).toEqual([]);
    await stop();
    p.usb.reopen('usb1'); // someone, as root, while the unit was stopped
    const second = agentOn(p, dataDir);
    await second.start();
    const lost = second.events('usb.enforcement-lost');
    expect(lost).toHaveLength(1);
    expect(lost[0]?.severity).toBe('high');
    expect(lost[0]?.data).toMatchObject({ open: ['usb1'], resealed: true, why: 'while-stopped' });
    expect(p.usb.hubs.get('usb1')).toBe(true);
    expect(second.m.status?.()).toMatchObject({
      usb: { enforcing: true, lastLost: { open: ['usb1'], resealed: true } },
    });
  });

  it('after a reboot every port starts open: sealed without an alarm; what never sealed is not news', async () => {
    const p = createFakePlatform();
    p.usb.addHub('domain0');
    p.usb.unsealable.add('domain0'); // a Thunderbolt domain with security "none"
    const { dataDir, stop, start: go, events } = setup({ platform: p });
    await go();
    expect(events('usb.enforcement-lost').map((e) => e.data.why)).toEqual(['start']);
    await stop();
    // Same boot, nothing opened: domain0 was open already when the agent stopped.
    const again = agentOn(p, dataDir);
    await again.start();
    expect(again.events('usb.enforcement-lost').map((e) => e.data.why)).toEqual(['start', 'start']);
    await again.stop();
    // Reboot: the kernel's defaults again (open), a new boot id.
    p.usb.reopen('usb1');
    p.kernel.boot = '00000000-0000-4000-8000-000000000002';
    const rebooted = agentOn(p, dataDir);
    await rebooted.start();
    expect(rebooted.events('usb.enforcement-lost').map((e) => e.data.why)).toEqual([
      'start',
      'start',
      'start',
    ]);
    expect(JSON.parse(rebooted.store.getState(BOOT_KEY) ?? '{}')).toMatchObject({
      bootId: '00000000-0000-4000-8000-000000000002',
      stillOpen: ['domain0'],
    });
  });
});

describe('a type-MMC card on a kernel that does not say whether it is removable (before 6.6)', () => {
  const MMC: MmcAttributes = {
    type: 'MMC',
    manfid: '0x000015',
    oemid: '0x0100',
    name: '8GTF4R',
    serial: '0x0badcafe',
    cid: '150100384754463452000badcafe4a11',
  };
  const other: MmcAttributes = {
    ...MMC,
    serial: '0x00000042',
    cid: '15010038475446345200000000424a11',
  };

  it('present at the first scan since boot: built in; inserted later: storage under policy', async () => {
    const p = createFakePlatform();
    p.usb.addMmcBus();
    p.usb.devices.set('mmc0:0001', mmcDevice('mmc0:0001', MMC));
    const { dataDir, stop, start: go, events } = setup({ platform: p });
    await go();
    await until('eMMC decided', () => events('usb.allowed').length === 1);
    expect(events('usb.allowed')[0]?.data).toMatchObject({
      device: 'mmc0:0001',
      rule: { by: 'internal' },
      mmc: { type: 'MMC', fixed: true },
    });
    // An MMC card that arrives later is not soldered on: usb.storage decides it.
    p.usb.insertCard('mmc1:0002', other);
    await until('card blocked', () => events('usb.blocked').length === 1);
    expect(events('usb.blocked')[0]?.data).toMatchObject({
      device: 'mmc1:0002',
      rule: { by: 'storage-default' },
      mmc: { type: 'MMC', fixed: false },
    });
    expect(p.usb.state.get('mmc1:0002')).toBe('block');
    await stop();

    // The agent restarts in the same boot with both there: only the first is built in.
    const again = agentOn(p, dataDir);
    await again.start();
    await until('both decided again', () => again.events('usb.connected').length === 4);
    await until('verdicts', () => again.events('usb.blocked').length === 2);
    expect(p.usb.state.get('mmc0:0001')).toBe('allow');
    expect(p.usb.state.get('mmc1:0002')).toBe('block');
    expect(again.events('usb.allowed').at(-1)?.data).toMatchObject({ rule: { by: 'internal' } });
  });

  it('a card that was there at boot and is taken out is removable from then on', async () => {
    const p = createFakePlatform();
    p.usb.addMmcBus();
    p.usb.devices.set('mmc0:0001', mmcDevice('mmc0:0001', MMC));
    const { start: go, events } = setup({ platform: p });
    await go();
    await until('taken as built in', () => events('usb.allowed').length === 1);
    p.usb.ejectCard('mmc0:0001');
    await until('removed', () => events('usb.removed').length === 1);
    p.usb.insertCard('mmc0:0001', MMC);
    await until('blocked when it comes back', () => events('usb.blocked').length === 1);
    expect(events('usb.blocked')[0]?.data).toMatchObject({ rule: { by: 'storage-default' } });
  });

  it('a card the kernel calls fixed is built in whenever it arrives; one it calls removable never', async () => {
    const { p, start: go, events } = setup();
    await go();
    p.usb.insertCard('mmc0:0001', { ...MMC, removable: 'fixed' });
    p.usb.insertCard('mmc1:0001', { ...other, removable: 'removable' });
    await until('both', () => events('usb.allowed').length + events('usb.blocked').length === 2);
    expect(events('usb.allowed')[0]?.data).toMatchObject({
      device: 'mmc0:0001',
      rule: { by: 'internal' },
    });
    expect(events('usb.blocked')[0]?.data).toMatchObject({ device: 'mmc1:0001' });
  });
});

describe('status reads the seal, not a minute-old memory of it', () => {
  it('a hub opened by hand is off in status at once; the queued check seals and records it', async () => {
    const { p, m, events, start: go } = setup();
    await go();
    const checked = usbSlice(m).checkedAt as number;
    expect(checked).toBe(p.clock.now());
    p.usb.reopen('usb1');
    p.clock.advance(10_000);
    await m.refresh?.();
    expect(m.status?.()).toMatchObject({
      usb: { enforcing: false, reason: 'USB_SEAL_OPEN', checkedAt: checked + 10_000 },
    });
    await until('sealed again and recorded', () => events('usb.enforcement-lost').length === 1);
    await m.refresh?.();
    expect(m.status?.()).toMatchObject({ usb: { enforcing: true } });
  });
});
