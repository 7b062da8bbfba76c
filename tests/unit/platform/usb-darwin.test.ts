// The macOS USB adapter against scripted commands: a recorded `ioreg -a -l -r -c
// IOUSBHostDevice` (a hub with a keyboard behind it, printed twice as ioreg -r does, a FAT32
// stick, an APFS SSD, an Android phone, a hostile name, garbage numbers), `diskutil info
// -plist`, and a simulated Mac whose disks vanish from ioreg when diskutil ejects them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Decision, UsbDevice } from '../../../src/core/usb/types.js';
import { createMacUsb, IOREG_ARGS } from '../../../src/platform/darwin/usb.js';
import { parseDiskInfo, parseIoreg } from '../../../src/platform/darwin/usb-parse.js';
import { parsePlist } from '../../../src/platform/darwin/usb-plist.js';
import { FakeClock } from '../../../src/platform/fake/clock.js';
import { FakeCommandRunner } from '../../../src/platform/fake/commands.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const IOREG = fixture('darwin-ioreg-usb.plist');
const INFO = {
  rw: fixture('darwin-diskutil-info-rw.plist'),
  ro: fixture('darwin-diskutil-info-ro.plist'),
  unmounted: fixture('darwin-diskutil-info-unmounted.plist'),
};

const STICK = '0x14200000';
const SSD = '0x00100000';
const PHONE = '0x14300000';
const KEYBOARD = '0x14110000';

const decision = (
  verdict: Decision['verdict'],
  interfaces: Decision['interfaces'] = [],
): Decision => ({
  verdict,
  rule: { by: 'storage-default' },
  storage: true,
  hid: false,
  interfaces,
});

/** A Mac: disks that diskutil ejects disappear from ioreg; volumes mount rw, ro or not at all. */
class FakeMac {
  readonly r = new FakeCommandRunner();
  readonly ejected = new Set<string>();
  /** Volume → its mount state. */
  readonly volumes = new Map<string, 'rw' | 'ro' | 'unmounted'>([
    ['disk4s1', 'rw'],
    ['disk7s1', 'rw'],
  ]);
  /** Whether `diskutil mount readOnly` really mounts read-only. */
  honoursReadOnly = true;
  constructor() {
    this.r.on('ioreg', IOREG_ARGS, () => ({ stdout: this.ioreg() }));
    this.r.on('diskutil', undefined, (c) => this.diskutil(c.args));
  }

  ioreg(): string {
    // An ejected disk's IOMedia is gone: renaming its BSD names hides it from the parser.
    let out = IOREG;
    for (const d of this.ejected) out = out.replaceAll(`<string>${d}`, `<string>gone-${d}`);
    return out;
  }

  private volumesOf(disk: string): string[] {
    const also = disk === 'disk6' ? ['disk7s1'] : [];
    return [...this.volumes.keys()].filter((v) => v.startsWith(`${disk}s`) || also.includes(v));
  }

  private diskutil(args: string[]) {
    const dev = (args.at(-1) ?? '').replace('/dev/', '');
    switch (args[0]) {
      case 'unmountDisk':
        for (const v of this.volumesOf(dev)) this.volumes.set(v, 'unmounted');
        return { stdout: `Unmount of all volumes on ${dev} was successful\n` };
      case 'eject':
        this.ejected.add(dev);
        if (dev === 'disk6') this.ejected.add('disk7'); // its APFS container goes with it
        for (const v of this.volumesOf(dev)) this.volumes.delete(v);
        return { stdout: `Disk /dev/${dev} ejected\n` };
      case 'mount':
        this.volumes.set(dev, this.honoursReadOnly ? 'ro' : 'rw');
        return { stdout: `Volume STICK on ${dev} mounted\n` };
      case 'mountDisk':
        for (const v of this.volumesOf(dev)) this.volumes.set(v, 'rw');
        return { stdout: `Volume(s) mounted successfully\n` };
      case 'info': {
        const s = this.volumes.get(dev);
        if (!s) return { code: 1, stderr: `Could not find disk: /dev/${dev}\n` };
        return { stdout: INFO[s] };
      }
    }
    return { code: 1, stderr: 'Usage: diskutil …' };
  }

  /** diskutil calls, short. */
  trail(): string[] {
    return this.r.callsOf('diskutil').map((c) => c.args.join(' '));
  }
}

function adapter(mac: FakeMac, o: { uid?: number; clock?: FakeClock } = {}) {
  const said: string[] = [];
  const clock = o.clock ?? new FakeClock();
  const usb = createMacUsb({ commands: mac.r, clock, uid: o.uid ?? 0, say: (l) => said.push(l) });
  return { usb, said, clock };
}

async function device(a: ReturnType<typeof adapter>, id: string): Promise<UsbDevice> {
  const d = (await a.usb.list()).find((x) => x.id === id);
  expect(d, id).toBeDefined();
  return d!;
}

describe('macOS: the device list from ioreg', () => {
  it('reads ids, strings, interface classes and the disks under each device', () => {
    const devices = parseIoreg(IOREG);
    const byId = new Map(devices.map((m) => [m.device.id, m]));
    expect(byId.get(STICK)!.device).toEqual({
      id: STICK,
      bus: 'usb',
      vendor: '0781',
      product: '5581',
      serial: '4C530001120828107441',
      manufacturer: 'SanDisk',
      productName: ' SanDisk 3.2Gen1',
      deviceClass: '00',
      interfaces: [{ number: 0, alt: 0, class: '08', subclass: '06', protocol: '50' }],
    });
    expect(byId.get(STICK)!.disks).toEqual([{ bsd: 'disk4', volumes: ['disk4s1'] }]);
    // APFS: the physical disk is what is ejected; the synthesized volume is what mounts.
    expect(byId.get(SSD)!.disks).toEqual([{ bsd: 'disk6', volumes: ['disk7s1'] }]);
    expect(byId.get(PHONE)!.device.interfaces).toEqual([
      { number: 0, alt: 0, class: 'ff', subclass: 'ff', protocol: '00', name: 'MTP' },
    ]);
    expect(byId.get(PHONE)!.disks).toEqual([]);
    const hub = devices.find((m) => m.device.deviceClass === '09')!;
    expect(hub.device.vendor).toBe('05e3');
    // The keyboard behind the hub is printed twice by ioreg -r: listed once.
    expect(devices.filter((m) => m.device.id === KEYBOARD)).toHaveLength(1);
    expect(byId.get(KEYBOARD)!.device.interfaces.map((i) => [i.class, i.name])).toEqual([
      ['03', 'Keyboard'],
      ['03', 'Device Management'],
    ]);
    expect(devices).toHaveLength(7);
    expect(devices.every((m) => m.device.hash === undefined)).toBe(true);
  });

  it('keeps hostile strings as data and names garbage numbers', () => {
    const devices = parseIoreg(IOREG);
    const evil = devices.find((m) => m.device.vendor === 'abcd')!.device;
    expect(evil.productName).toBe('"; rm -rf / #\nU盘 \u202egpj.exe\'$(x)</string>');
    expect(evil.manufacturer).toBe('<script>&amp;');
    expect(evil.serial).toBe('EVIL"0001');
    const broken = devices.find((m) => m.device.vendor === '1a86')!.device;
    expect(broken.product).toBe('0000');
    expect(broken.problems).toEqual([
      'idProduct missing or out of range',
      'bDeviceClass missing or not a byte',
    ]);
  });

  it('refuses what is not a property list, or one cut short', () => {
    expect(() => parseIoreg('ioreg: invalid option')).toThrow(/not a property list/);
    expect(() => parseIoreg(IOREG.slice(0, IOREG.length / 2))).toThrow(/not a property list/);
    expect(() => parsePlist('<plist><integer>12x</integer></plist>')).toThrow(/integer/);
    expect(
      parsePlist(
        '<plist version="1.0"><dict><key>a</key><string> x </string><key>b</key><array/></dict></plist>',
      ),
    ).toEqual({ a: ' x ', b: [] });
  });

  it('reads diskutil info: mounted, and writable or not', () => {
    expect(parseDiskInfo(INFO.rw)).toEqual({ mountPoint: '/Volumes/STICK', writable: true });
    expect(parseDiskInfo(INFO.ro)).toEqual({ mountPoint: '/Volumes/STICK', writable: false });
    expect(parseDiskInfo(INFO.unmounted)).toEqual({ writable: true });
  });

  it('list() fails loudly when ioreg is missing, times out or prints garbage', async () => {
    const mac = new FakeMac();
    const a = adapter(mac);
    expect(await a.usb.list()).toHaveLength(7);
    expect(a.said.join()).toMatch(/no hash here/);
    mac.r.missing('ioreg');
    await expect(a.usb.list()).rejects.toThrow(/ioreg is missing/);
    mac.r.on('ioreg', undefined, { code: null, timedOut: true });
    await expect(a.usb.list()).rejects.toThrow(/ioreg timed out/);
    mac.r.on('ioreg', undefined, { stdout: '<plist><array><dict>' });
    await expect(a.usb.list()).rejects.toThrow(/cannot be read/);
  });
});

describe('macOS: sealing and privileges', () => {
  it('never claims sealed: there is no pre-mount veto without a system extension', async () => {
    const a = adapter(new FakeMac());
    expect(await a.usb.seal()).toEqual({
      sealed: false,
      open: [],
      reason: 'USB_REACTIVE_ONLY',
      reactive: true,
    });
    expect(await a.usb.sealState()).toEqual({
      sealed: false,
      open: [],
      reason: 'USB_REACTIVE_ONLY',
      reactive: true,
    });
    expect(a.said.filter((l) => l.includes('no pre-mount veto'))).toHaveLength(1);
    expect(await a.usb.enforceProblem()).toBeNull();
  });

  it('not root: USB_NOT_ROOT, and nothing is unmounted', async () => {
    const mac = new FakeMac();
    const a = adapter(mac, { uid: 501 });
    expect(await a.usb.enforceProblem()).toBe('USB_NOT_ROOT');
    expect(await a.usb.seal()).toEqual({ sealed: false, open: [], reason: 'USB_NOT_ROOT' });
    const d = await device(a, STICK);
    expect(await a.usb.apply(d, decision('block'))).toEqual({
      applied: 'allow',
      error: 'USB_NOT_ROOT',
    });
    expect(mac.trail()).toEqual([]);
  });
});

describe('macOS: applying a decision', () => {
  it('block: force-unmounts and ejects the whole disk, read back as gone', async () => {
    const mac = new FakeMac();
    const a = adapter(mac);
    const d = await device(a, STICK);
    expect(await a.usb.apply(d, decision('block'))).toEqual({ applied: 'block' });
    expect(mac.trail()).toEqual(['unmountDisk force /dev/disk4', 'eject /dev/disk4']);
  });

  it('block an APFS SSD: ejects the physical disk, which takes its container along', async () => {
    const mac = new FakeMac();
    const a = adapter(mac);
    expect(await a.usb.apply(await device(a, SSD), decision('block'))).toEqual({
      applied: 'block',
    });
    expect(mac.trail()).toEqual(['unmountDisk force /dev/disk6', 'eject /dev/disk6']);
    expect(mac.volumes.has('disk7s1')).toBe(false);
  });

  it('block that does not take (a busy disk): says the disk is still there', async () => {
    const mac = new FakeMac();
    mac.r.on('diskutil', (x) => x[0] === 'eject', {
      code: 1,
      stderr: 'Unmount of disk4 failed: at least one volume could not be unmounted\n',
    });
    const a = adapter(mac);
    const r = await a.usb.apply(await device(a, STICK), decision('block'));
    expect(r.applied).toBe('allow');
    expect(r.error).toBe(
      'diskutil eject failed (exit 1): Unmount of disk4 failed: at least one volume could not be unmounted; its disk is still there',
    );
  });

  it('block a phone: nothing can refuse it, and the result says so', async () => {
    const mac = new FakeMac();
    const a = adapter(mac);
    const r = await a.usb.apply(await device(a, PHONE), decision('block'));
    expect(r.applied).toBe('allow');
    expect(r.error).toMatch(/macOS can refuse only disks/);
    expect(mac.trail()).toEqual([]);
  });

  it('read-only: unmounts, remounts each volume read-only, confirms with diskutil info', async () => {
    const mac = new FakeMac();
    const a = adapter(mac);
    expect(await a.usb.apply(await device(a, STICK), decision('read-only'))).toEqual({
      applied: 'read-only',
    });
    expect(mac.trail()).toEqual([
      'unmountDisk /dev/disk4',
      'mount readOnly /dev/disk4s1',
      'info -plist /dev/disk4s1',
    ]);
    // Allowed later (an exception): mounted writable again.
    mac.r.calls.length = 0;
    expect(await a.usb.apply(await device(a, STICK), decision('allow'))).toEqual({
      applied: 'allow',
    });
    expect(mac.trail()).toEqual(['unmountDisk /dev/disk4', 'mountDisk /dev/disk4']);
    expect(mac.volumes.get('disk4s1')).toBe('rw');
  });

  it('read-only that does not hold falls back to eject', async () => {
    const mac = new FakeMac();
    mac.honoursReadOnly = false;
    const a = adapter(mac);
    const r = await a.usb.apply(await device(a, STICK), decision('read-only'));
    expect(r).toEqual({ applied: 'block', readOnlyFellBack: true });
    expect(mac.trail()).toEqual([
      'unmountDisk /dev/disk4',
      'mount readOnly /dev/disk4s1',
      'info -plist /dev/disk4s1',
      'unmountDisk force /dev/disk4',
      'eject /dev/disk4',
    ]);
  });

  it('fails closed: a diskutil that is missing leaves the disk reported as usable', async () => {
    const mac = new FakeMac();
    mac.r.missing('diskutil');
    const a = adapter(mac);
    const r = await a.usb.apply(await device(a, STICK), decision('block'));
    expect(r.applied).toBe('allow');
    expect(r.error).toMatch(
      /^diskutil unmountDisk is missing; diskutil eject is missing; its disk is still there$/,
    );
  });

  it('a device that left, or an ioreg that cannot answer', async () => {
    const mac = new FakeMac();
    const a = adapter(mac);
    const d = await device(a, STICK);
    expect(await a.usb.apply({ ...d, id: '0x99900000' }, decision('block'))).toEqual({
      applied: 'block',
      gone: true,
    });
    mac.r.on('ioreg', undefined, { code: null, timedOut: true });
    expect(await a.usb.apply(d, decision('block'))).toEqual({
      applied: 'allow',
      error: 'usb: cannot list devices: ioreg timed out; nothing was done',
    });
  });
});

describe('macOS: the watch', () => {
  const settle = async () => {
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  };

  it('polls ioreg every 2 s, reports plugs and pulls, and ejects media that come back', async () => {
    const mac = new FakeMac();
    const clock = new FakeClock();
    const a = adapter(mac, { clock });
    const d = await device(a, STICK);
    const seen: string[] = [];
    const w = a.usb.watch({
      added: (x) => seen.push(`+${x.id}`),
      removed: (id) => seen.push(`-${id}`),
      error: (e) => seen.push(`!${e.message}`),
    });
    await a.usb.apply(d, decision('block'));
    // Someone mounts it again (the stick re-enumerated its medium): the next poll ejects it.
    mac.ejected.delete('disk4');
    mac.volumes.set('disk4s1', 'rw');
    mac.r.calls.length = 0;
    clock.advance(2000);
    await settle();
    expect(mac.trail()).toEqual(['unmountDisk force /dev/disk4', 'eject /dev/disk4']);
    expect(seen).toEqual([]);
    // ioreg breaks: one error, nothing reported removed.
    mac.r.on('ioreg', undefined, { code: null, missing: true }, { times: 2 });
    clock.advance(2000);
    await settle();
    clock.advance(2000);
    await settle();
    expect(seen).toEqual(['!usb: cannot list devices: ioreg is missing']);
    w.close();
    expect(clock.pending()).toBe(0);
  });

  it('a replug into the same port is a pull and a plug (a new session id)', async () => {
    const mac = new FakeMac();
    const clock = new FakeClock();
    const a = adapter(mac, { clock });
    await a.usb.list();
    const seen: string[] = [];
    const w = a.usb.watch({
      added: (x) => seen.push(`+${x.id}`),
      removed: (id) => seen.push(`-${id}`),
      error() {},
    });
    mac.r.on('ioreg', IOREG_ARGS, () => ({
      stdout: IOREG.replace('<integer>1206749231</integer>', '<integer>1206799999</integer>'),
    }));
    clock.advance(2000);
    await settle();
    expect(seen).toEqual([`-${STICK}`, `+${STICK}`]);
    w.close();
  });
});
