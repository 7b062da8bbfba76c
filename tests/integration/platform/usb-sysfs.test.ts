// The Linux USB adapter on a fabricated sysfs (real files, real symlinks, a FIFO for
// drivers_probe) with a small fake kernel reacting to its writes: what list() sees of sticks,
// keyboards, composite devices, hubs, phones and broken devices; sealing and its read-back;
// apply() blocking, allowing, per interface, read-only with and without the udev rule, and a
// device that leaves in the middle; enforceProblem() for a non-root agent and a read-only
// sysfs. The VM test (tests/e2e/usb/vm) does the same on a real kernel.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UsbControl } from '../../../src/core/ports/usb.js';
import { decide } from '../../../src/core/usb/decide.js';
import { deviceHash } from '../../../src/core/usb/hash.js';
import type { Decision, InterfaceDecision, UsbDevice } from '../../../src/core/usb/types.js';
import { createLinuxUsb } from '../../../src/platform/linux/usb/index.js';
import { nodeClock } from '../../../src/platform/node/clock.js';
import { FakeSysfs } from '../../helpers/fake-sysfs.js';
import {
  ANDROID_MTP,
  COMPOSITE_KEYBOARD_READER,
  HUB,
  QEMU_KEYBOARD,
  QEMU_STICK,
  ROOT_HUB,
  TWO_CONFIGS,
} from '../../helpers/usb-descriptors.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SHIPPED_RULE = fs.readFileSync(path.join(ROOT, 'native/udev/70-baomi-usb-ro.rules'), 'utf8');
const isRoot = process.getuid?.() === 0;
const trees: FakeSysfs[] = [];
afterEach(async () => {
  for (const t of trees.splice(0)) await t.close();
});

function tree(): FakeSysfs {
  const t = new FakeSysfs();
  trees.push(t);
  return t;
}

function usbOf(t: FakeSysfs, o: { uid?: number } = {}): UsbControl {
  return createLinuxUsb({
    sysfsRoot: t.sys,
    clock: nodeClock,
    uid: o.uid ?? 0,
    hotplug: false,
    interfaceWaitMs: 500,
    readOnlyWaitMs: 400,
  });
}

const decision = (
  verdict: Decision['verdict'],
  interfaces: [number, Decision['verdict']][] = [],
): Decision => ({
  verdict,
  rule: { by: 'not-storage' },
  storage: false,
  hid: false,
  interfaces: interfaces.map(
    ([number, v]): InterfaceDecision => ({ number, verdict: v, rule: { by: 'not-storage' } }),
  ),
});

async function device(usb: UsbControl, id: string): Promise<UsbDevice> {
  const d = (await usb.list()).find((x) => x.id === id);
  if (!d) throw new Error(`${id} not listed`);
  return d;
}

describe('list()', () => {
  it('reads a stick, a keyboard, a composite device, hubs and a phone as the kernel shows them', async () => {
    const t = tree();
    t.rootHub(1);
    t.rootHub(2);
    t.plug('2-1', {
      descriptors: QEMU_STICK,
      serial: '1-0000:00:04.0-1',
      product: 'QEMU USB HARDDRIVE',
      manufacturer: 'QEMU',
    });
    t.plug('1-1', {
      descriptors: QEMU_KEYBOARD,
      authorized: '1',
      product: 'QEMU USB Keyboard',
      serial: '68284-0000:00:04.0-1',
    });
    t.plug('1-2', { descriptors: HUB, authorized: '1' });
    t.plug('1-2.1', { descriptors: COMPOSITE_KEYBOARD_READER });
    t.plug('1-2.2', {
      descriptors: ANDROID_MTP,
      authorized: '1',
      serial: '8XV7N18A01000123',
      interfaces: [
        { number: 0, class: 'ff', subclass: 'ff', protocol: '00', name: 'MTP' },
        { number: 1, class: 'ff', subclass: '42', protocol: '01', name: 'ADB Interface' },
      ],
    });
    // Root hubs' own descriptors, as the kernel has them.
    fs.writeFileSync(path.join(t.devices, 'usb1', 'descriptors'), ROOT_HUB);
    fs.writeFileSync(path.join(t.devices, 'usb2', 'descriptors'), ROOT_HUB);

    const usb = usbOf(t);
    const all = await usb.list();
    // Interface entries ("1-1:1.0") are not devices.
    expect(all.map((d) => d.id)).toEqual(['1-1', '1-2', '1-2.1', '1-2.2', '2-1', 'usb1', 'usb2']);

    const stick = all.find((d) => d.id === '2-1')!;
    expect(stick).toEqual({
      id: '2-1',
      bus: 'usb',
      vendor: '46f4',
      product: '0001',
      deviceClass: '00',
      serial: '1-0000:00:04.0-1',
      manufacturer: 'QEMU',
      productName: 'QEMU USB HARDDRIVE',
      // Unauthorized: no interface folders, so the class comes from the descriptors.
      interfaces: [{ number: 0, alt: 0, class: '08', subclass: '06', protocol: '50' }],
      hash: deviceHash(QEMU_STICK, '1-0000:00:04.0-1'),
    });
    expect(t.interfaceFolders('2-1')).toEqual([]);

    const kbd = all.find((d) => d.id === '1-1')!;
    expect(kbd.interfaces).toEqual([
      { number: 0, alt: 0, class: '03', subclass: '01', protocol: '01' },
    ]);
    expect(kbd.hash).toBe(deviceHash(QEMU_KEYBOARD, '68284-0000:00:04.0-1'));
    expect(kbd.problems).toBeUndefined();

    expect(all.find((d) => d.id === '1-2')!.deviceClass).toBe('09');
    expect(all.find((d) => d.id === 'usb1')).toMatchObject({
      deviceClass: '09',
      vendor: '1d6b',
      product: '0002',
      interfaces: [{ number: 0, alt: 0, class: '09', subclass: '00', protocol: '00' }],
    });
    expect(all.find((d) => d.id === '1-2.1')!.interfaces.map((i) => i.class)).toEqual(['03', '08']);
    // The phone is authorized: its interface folders name MTP.
    expect(all.find((d) => d.id === '1-2.2')!.interfaces).toEqual([
      { number: 0, alt: 0, class: 'ff', subclass: 'ff', protocol: '00', name: 'MTP' },
      { number: 1, alt: 0, class: 'ff', subclass: '42', protocol: '01', name: 'ADB Interface' },
    ]);
  });

  it('names missing and garbage attributes in problems and still lists the device', async () => {
    const t = tree();
    t.rootHub(1);
    t.plug('1-1', {
      descriptors: QEMU_STICK,
      idVendor: 'zz!z',
      idProduct: null,
      bDeviceClass: '8',
    });
    t.plug('1-2', { descriptors: null, idVendor: '0781', idProduct: '5581', bDeviceClass: '00' });
    const cut = QEMU_STICK.subarray(0, 30);
    t.plug('1-3', { descriptors: cut, serial: 'bad\u0001serial' });
    t.plug('1-4', { descriptors: QEMU_STICK, idVendor: '1234' });
    const usb = usbOf(t);

    const garbage = await device(usb, '1-1');
    expect(garbage.vendor).toBe('46f4'); // from the descriptors
    expect(garbage.product).toBe('0001');
    expect(garbage.deviceClass).toBe('00');
    expect(garbage.problems).toEqual([
      'idVendor: not an id ("zz!z")',
      'idProduct: missing',
      'bDeviceClass: not an id ("8")',
    ]);

    const noDescriptors = await device(usb, '1-2');
    expect(noDescriptors).toMatchObject({ vendor: '0781', product: '5581', interfaces: [] });
    expect(noDescriptors.hash).toBeUndefined();
    expect(noDescriptors.problems).toEqual(['descriptors: unreadable (ENOENT)']);

    const truncated = await device(usb, '1-3');
    expect(truncated.interfaces).toEqual([]);
    expect(truncated.hash).toBe(deviceHash(cut, 'bad\u0001serial'));
    expect(truncated.problems).toEqual([
      'descriptors: configuration 1 cut short (12 of 44 bytes)',
      'descriptors: descriptor at offset 27 runs past its configuration',
      'descriptors: configuration 1 declares 1 interfaces, has 0',
    ]);
    // A control character in a string is kept (escaped where it is shown), not a problem.
    expect(truncated.serial).toBe('bad\u0001serial');

    expect((await device(usb, '1-4')).problems).toEqual([
      'idVendor: 1234, but the descriptors say 46f4',
    ]);
  });

  it('a keyboard with harmless quirks is listed with them and decided as a keyboard; a stick is not', async () => {
    const t = tree();
    t.rootHub(1);
    // bNumInterfaces says 2, the configuration carries 1 (byte 4 of the configuration).
    const quirky = QEMU_KEYBOARD.slice();
    quirky[18 + 4] = 2;
    const stick = QEMU_STICK.slice();
    stick[18 + 4] = 2;
    t.plug('1-1', { descriptors: quirky, product: 'USB Keyboard\u0007\u001b[2J' });
    t.plug('1-2', { descriptors: stick });
    t.plug('1-3', { descriptors: QEMU_KEYBOARD, product: 'Tast\u0000atur', serial: 'K\u0001' });
    const usb = usbOf(t);
    const policy = { storage: 'allow' as const, rules: [] };
    const ctx = { now: 0, user: null, locked: false, exceptions: [] };

    const kbd = await device(usb, '1-1');
    expect(kbd.problems).toEqual(['descriptors: configuration 1 declares 2 interfaces, has 1']);
    expect(kbd.productName).toBe('USB Keyboard\u0007\u001b[2J');
    expect(decide(kbd, policy, ctx)).toMatchObject({
      verdict: 'allow',
      rule: { by: 'not-storage' },
    });

    const odd = await device(usb, '1-2');
    expect(odd.problems).toEqual(['descriptors: configuration 1 declares 2 interfaces, has 1']);
    expect(decide(odd, policy, ctx)).toMatchObject({
      verdict: 'block',
      rule: { by: 'unreadable' },
    });

    // Control characters in its strings are not a problem at all (shown escaped, not decided on).
    const named = await device(usb, '1-3');
    expect(named.problems).toBeUndefined();
    expect([named.productName, named.serial]).toEqual(['Tast\u0000atur', 'K\u0001']);
    expect(decide(named, policy, ctx).verdict).toBe('allow');
  });

  it('leaves out a device that vanished while it was read, and copes without sysfs at all', async () => {
    const t = tree();
    t.rootHub(1);
    t.plug('1-1', { descriptors: QEMU_KEYBOARD, authorized: '1' });
    t.dangling('1-5');
    expect((await usbOf(t).list()).map((d) => d.id)).toEqual(['1-1', 'usb1']);
    fs.rmSync(path.join(t.sys, 'bus'), { recursive: true });
    expect(await usbOf(t).list()).toEqual([]);
  });
});

describe('seal() and sealState()', () => {
  it('writes 0 into every root hub, interfaces too, and reads it back', async () => {
    const t = tree();
    t.rootHub(1);
    t.rootHub(2, { authorizedDefault: '2' });
    t.rootHub(3, { iad: null }); // a kernel without interface authorization
    const usb = usbOf(t);
    expect(await usb.sealState()).toEqual({
      sealed: false,
      open: ['usb1', 'usb2', 'usb3', 'usbcore.authorized_default'],
      reason: 'USB_SEAL_OPEN',
    });
    expect(await usb.seal()).toEqual({ sealed: true, open: [] });
    for (const hub of ['usb1', 'usb2', 'usb3']) expect(t.attr(hub, 'authorized_default')).toBe('0');
    expect(t.attr('usb1', 'interface_authorized_default')).toBe('0');
    expect(t.attr('usb3', 'interface_authorized_default')).toBeUndefined();
    // And usbcore's parameter, so a root hub that appears later starts sealed.
    expect(fs.readFileSync(t.usbcoreDefault, 'utf8')).toBe('0');
    // Idempotent.
    expect(await usb.seal()).toEqual({ sealed: true, open: [] });
  });

  it("usbcore's authorized_default: a new controller's hub starts sealed; a 1 there is open", async () => {
    const t = tree();
    t.rootHub(1);
    const usb = usbOf(t);
    await usb.seal();
    // A dock's controller registers while the agent is busy: the kernel copies the parameter.
    t.rootHub(5);
    expect(t.attr('usb5', 'authorized_default')).toBe('0');
    expect(await usb.sealState()).toEqual({ sealed: true, open: [] });
    // Someone writes 1 (or -1) into the parameter by hand: enforcement lost, sealed again.
    for (const v of ['1', '-1', '2']) {
      fs.writeFileSync(t.usbcoreDefault, `${v}\n`);
      expect(await usb.sealState(), v).toEqual({
        sealed: false,
        open: ['usbcore.authorized_default'],
        reason: 'USB_SEAL_OPEN',
      });
      expect(await usb.seal()).toEqual({ sealed: true, open: [] });
    }
    // Unreadable or missing counts as open, never as sealed.
    fs.rmSync(t.usbcoreDefault);
    expect(await usb.sealState()).toMatchObject({
      sealed: false,
      open: ['usbcore.authorized_default'],
    });
    expect(await usb.seal()).toMatchObject({ sealed: false, open: ['usbcore.authorized_default'] });
  });

  it("sees a hub opened again by hand, and a dock's new controller, and seals them again", async () => {
    const t = tree();
    t.rootHub(1);
    const usb = usbOf(t);
    await usb.seal();
    t.setAttr('usb1', 'authorized_default', '1');
    t.rootHub(4, { authorizedDefault: '1' }); // a new hub opened by hand too
    expect(await usb.sealState()).toEqual({
      sealed: false,
      open: ['usb1', 'usb4'],
      reason: 'USB_SEAL_OPEN',
    });
    // sealState writes nothing.
    expect(t.attr('usb1', 'authorized_default')).toBe('1');
    expect(await usb.seal()).toEqual({ sealed: true, open: [] });
  });

  it('an unreadable authorized_default is open, not sealed; no sysfs is USB_NO_SYSFS', async () => {
    const t = tree();
    t.rootHub(1);
    fs.rmSync(path.join(t.devices, 'usb1', 'authorized_default'));
    fs.mkdirSync(path.join(t.devices, 'usb1', 'authorized_default'));
    const usb = usbOf(t);
    expect(await usb.sealState()).toEqual({
      sealed: false,
      open: ['usb1', 'usbcore.authorized_default'],
      reason: 'USB_SEAL_OPEN',
    });
    expect((await usb.seal()).sealed).toBe(false);
    fs.rmSync(path.join(t.sys, 'bus'), { recursive: true });
    const none = { sealed: false, open: [], reason: 'USB_NO_SYSFS' };
    expect(await usb.sealState()).toEqual(none);
    expect(await usb.seal()).toEqual(none);
  });

  it('a Thunderbolt domain with security "none" is open and stays open', async () => {
    const t = tree();
    t.rootHub(1);
    t.thunderbolt(0, 'user', {});
    t.thunderbolt(1, 'none', {});
    const usb = usbOf(t);
    expect(await usb.seal()).toEqual({
      sealed: false,
      open: ['thunderbolt:domain1'],
      reason: 'USB_SEAL_OPEN',
    });
  });
});

describe('apply()', () => {
  /** A sealed bus with devices plugged after the seal (or, `present`, before it: at boot). */
  async function sealedWith(
    plug: (t: FakeSysfs) => void,
    o: { iad?: string | null; present?: boolean } = {},
  ): Promise<{ t: FakeSysfs; usb: UsbControl }> {
    const t = tree();
    t.rootHub(1, { iad: o.iad });
    const usb = usbOf(t);
    if (o.present) plug(t);
    await usb.seal();
    if (o.iad !== undefined && o.iad !== null)
      t.setAttr('usb1', 'interface_authorized_default', o.iad);
    if (!o.present) plug(t);
    await t.startKernel();
    return { t, usb };
  }

  it('allow: the device, then each interface, then drivers_probe', async () => {
    const { t, usb } = await sealedWith((t) => t.plug('1-1', { descriptors: QEMU_STICK }));
    const stick = await device(usb, '1-1');
    expect(await usb.apply(stick, decision('allow', [[0, 'allow']]))).toEqual({ applied: 'allow' });
    await t.settle();
    expect(t.attr('1-1', 'authorized')).toBe('1');
    expect(t.interfaceFolders('1-1')).toEqual(['1-1:1.0']);
    expect(t.attr('1-1:1.0', 'authorized')).toBe('1');
    expect(t.probed).toEqual(['1-1:1.0']);
    expect(t.bound('1-1:1.0')).toBe(true);
  });

  it('audit allows; a decision that lists no interfaces applies its verdict to all', async () => {
    const { t, usb } = await sealedWith((t) => t.plug('1-1', { descriptors: QEMU_KEYBOARD }));
    expect(await usb.apply(await device(usb, '1-1'), decision('audit'))).toEqual({
      applied: 'audit',
    });
    await t.settle();
    expect(t.attr('1-1:1.0', 'authorized')).toBe('1');
    expect(t.probed).toEqual(['1-1:1.0']);
  });

  it('block: 0 into authorized of a working device; its drivers and interfaces go', async () => {
    const { t, usb } = await sealedWith(
      (t) => t.plug('1-1', { descriptors: QEMU_STICK, authorized: '1' }),
      { present: true },
    );
    expect(t.bound('1-1:1.0')).toBe(true);
    expect(await usb.apply(await device(usb, '1-1'), decision('block'))).toEqual({
      applied: 'block',
    });
    await t.settle();
    expect(t.attr('1-1', 'authorized')).toBe('0');
    expect(t.interfaceFolders('1-1')).toEqual([]);
  });

  it('a composite keyboard with a card reader: the keyboard works, the reader stays unauthorized', async () => {
    const { t, usb } = await sealedWith((t) =>
      t.plug('1-1', { descriptors: COMPOSITE_KEYBOARD_READER }),
    );
    const d = await device(usb, '1-1');
    expect(
      await usb.apply(
        d,
        decision('allow', [
          [0, 'allow'],
          [1, 'block'],
        ]),
      ),
    ).toEqual({
      applied: 'allow',
    });
    await t.settle();
    expect(t.attr('1-1:1.0', 'authorized')).toBe('1');
    expect(t.attr('1-1:1.1', 'authorized')).toBe('0');
    expect(t.probed).toEqual(['1-1:1.0']);
    expect([t.bound('1-1:1.0'), t.bound('1-1:1.1')]).toEqual([true, false]);
    // An interface the decision does not list, when it lists some, is held back too.
    expect(await usb.apply(d, decision('allow', [[0, 'allow']]))).toEqual({ applied: 'allow' });
    await t.settle();
    expect(t.attr('1-1:1.1', 'authorized')).toBe('0');
  });

  it('the reader of a keyboard already working at start is unbound, the keyboard kept', async () => {
    const { t, usb } = await sealedWith(
      (t) => t.plug('1-1', { descriptors: COMPOSITE_KEYBOARD_READER, authorized: '1' }),
      { present: true },
    );
    // Present before the seal: both interfaces authorized and bound.
    expect([t.bound('1-1:1.0'), t.bound('1-1:1.1')]).toEqual([true, true]);
    const d = await device(usb, '1-1');
    expect(
      await usb.apply(
        d,
        decision('allow', [
          [0, 'allow'],
          [1, 'block'],
        ]),
      ),
    ).toEqual({
      applied: 'allow',
    });
    await t.settle();
    expect([t.attr('1-1:1.0', 'authorized'), t.attr('1-1:1.1', 'authorized')]).toEqual(['1', '0']);
    expect([t.bound('1-1:1.0'), t.bound('1-1:1.1')]).toEqual([true, false]);
    expect(t.probed).toEqual([]);
  });

  it('fails closed when interfaces cannot be held back: no interface authorization, or the bus default reads 1', async () => {
    for (const iad of [null, '1']) {
      const { t, usb } = await sealedWith(
        (t) => t.plug('1-1', { descriptors: COMPOSITE_KEYBOARD_READER }),
        { iad },
      );
      const r = await usb.apply(
        await device(usb, '1-1'),
        decision('allow', [
          [0, 'allow'],
          [1, 'block'],
        ]),
      );
      expect(r.applied).toBe('block');
      expect(r.error).toMatch(
        iad === null ? /cannot authorize interfaces one by one/ : /interface_authorized_default 1/,
      );
      await t.settle();
      expect(t.attr('1-1', 'authorized')).toBe('0');
      expect(t.authorizations).toEqual([]);
    }
  });

  it('without interface authorization, a device with nothing to hold back is still allowed', async () => {
    const { t, usb } = await sealedWith((t) => t.plug('1-1', { descriptors: QEMU_KEYBOARD }), {
      iad: null,
    });
    expect(await usb.apply(await device(usb, '1-1'), decision('allow', [[0, 'allow']]))).toEqual({
      applied: 'allow',
    });
    await t.settle();
    expect(t.bound('1-1:1.0')).toBe(true);
  });

  it('blocks the device when the kernel brings up other interfaces than were decided', async () => {
    // Decided on the storage configuration; this "kernel" picks the vendor-specific one.
    const { t, usb } = await sealedWith((t) =>
      t.plug('1-1', {
        descriptors: TWO_CONFIGS,
        configValue: 1,
        interfaces: [{ number: 0, class: 'ff' }],
      }),
    );
    const d = await device(usb, '1-1');
    expect(d.interfaces.map((i) => i.class)).toEqual(['08']);
    const r = await usb.apply(d, decision('allow', [[0, 'allow']]));
    expect(r.applied).toBe('block');
    expect(r.error).toBe(
      'interface 0 is ff/00/00 now, 08/06/50 when decided (another configuration?)',
    );
    await t.settle();
    expect(t.attr('1-1', 'authorized')).toBe('0');
    // An interface nobody decided on blocks it too.
    const { t: t2, usb: usb2 } = await sealedWith((t) =>
      t.plug('1-1', {
        descriptors: QEMU_KEYBOARD,
        interfaces: [
          { number: 0, class: '03', subclass: '01', protocol: '01' },
          { number: 1, class: '08', subclass: '06', protocol: '50' },
        ],
      }),
    );
    const r2 = await usb2.apply(await device(usb2, '1-1'), decision('allow'));
    expect(r2).toMatchObject({ applied: 'block' });
    expect(r2.error).toBe('interface 1 (class 08) was not among the interfaces decided on');
    await t2.settle();
    expect(t2.attr('1-1', 'authorized')).toBe('0');
  });

  it('a phone decided before its interface names were visible: "MTP" is held back, ADB is not', async () => {
    const { t, usb } = await sealedWith((t) =>
      t.plug('1-1', {
        descriptors: ANDROID_MTP,
        interfaces: [
          { number: 0, class: 'ff', subclass: 'ff', protocol: '00', name: 'MTP' },
          { number: 1, class: 'ff', subclass: '42', protocol: '01', name: 'ADB Interface' },
        ],
      }),
    );
    const phone = await device(usb, '1-1');
    expect(phone.interfaces.map((i) => i.name)).toEqual([undefined, undefined]);
    const r = await usb.apply(phone, decision('allow'));
    expect(r).toEqual({
      applied: 'allow',
      error:
        'interface 0 calls itself "MTP" (storage) but was decided without its name: left unauthorized; decide again',
    });
    await t.settle();
    expect([t.attr('1-1:1.0', 'authorized'), t.attr('1-1:1.1', 'authorized')]).toEqual(['0', '1']);
    expect(t.probed).toEqual(['1-1:1.1']);
    // Listed again now, with the name: decided with it, it is authorized as decided.
    const named = await device(usb, '1-1');
    expect(named.interfaces[0]!.name).toBe('MTP');
    expect(await usb.apply(named, decision('allow'))).toEqual({ applied: 'allow' });
    await t.settle();
    expect(t.attr('1-1:1.0', 'authorized')).toBe('1');
  });

  it('refuses to authorize another device at the same port (descriptors changed)', async () => {
    const { t, usb } = await sealedWith((t) => t.plug('1-1', { descriptors: QEMU_KEYBOARD }));
    const kbd = await device(usb, '1-1');
    t.unplug('1-1');
    t.plug('1-1', { descriptors: QEMU_STICK });
    const r = await usb.apply(kbd, decision('allow'));
    expect(r).toEqual({
      applied: 'block',
      error: 'the device at this port changed since it was read (descriptors differ)',
    });
    await t.settle();
    expect(t.authorizations).toEqual([]);
  });

  it('a device gone before apply, or pulled while it is being authorized, is gone', async () => {
    const { t, usb } = await sealedWith((t) => {
      t.plug('1-1', { descriptors: QEMU_STICK });
      t.plug('1-2', { descriptors: QEMU_KEYBOARD, vanishOnAuthorize: true });
    });
    const stick = await device(usb, '1-1');
    const kbd = await device(usb, '1-2');
    t.unplug('1-1');
    expect(await usb.apply(stick, decision('allow'))).toEqual({ applied: 'block', gone: true });
    expect(await usb.apply(stick, decision('block'))).toEqual({ applied: 'block', gone: true });
    const t0 = Date.now();
    expect(await usb.apply(kbd, decision('allow'))).toEqual({ applied: 'block', gone: true });
    // It noticed, rather than waiting out the interfaces.
    expect(Date.now() - t0).toBeLessThan(400);
  });

  it('a write that fails is an error, read back, never a throw', async () => {
    const { t, usb } = await sealedWith((t) => t.plug('1-1', { descriptors: QEMU_KEYBOARD }));
    const kbd = await device(usb, '1-1');
    // `authorized` made a folder: every write to it fails (EISDIR).
    fs.rmSync(path.join(t.devices, '1-1', 'authorized'));
    fs.mkdirSync(path.join(t.devices, '1-1', 'authorized'));
    const r = await usb.apply(kbd, decision('allow'));
    expect(r.applied).toBe('block');
    expect(r.error).toMatch(/writing 1 to authorized failed \(EISDIR\)/);
    const b = await usb.apply(kbd, decision('block'));
    expect(b.applied).toBe('block');
    expect(b.error).toMatch(/writing 0 to authorized failed \(EISDIR\)/);
    // A name that is not a device is refused without touching anything.
    expect(await usb.apply({ ...kbd, id: '../../usb1' }, decision('allow'))).toEqual({
      applied: 'block',
      error: 'not a USB device name: "../../usb1"',
    });
  });

  it('never deauthorizes a root hub', async () => {
    const { t, usb } = await sealedWith(() => {});
    const hub = await device(usb, 'usb1');
    expect(await usb.apply(hub, decision('block'))).toEqual({
      applied: 'allow',
      error: 'a root hub is never deauthorized',
    });
    expect(t.attr('usb1', 'authorized')).toBe('1');
  });

  it('read-only without the udev rule: blocked, readOnlyFellBack, and nothing authorized', async () => {
    const { t, usb } = await sealedWith((t) => t.plug('1-1', { descriptors: QEMU_STICK }));
    const r = await usb.apply(await device(usb, '1-1'), decision('read-only', [[0, 'read-only']]));
    expect(r).toMatchObject({ applied: 'block', readOnlyFellBack: true });
    expect(r.error).toMatch(/^read-only cannot be guaranteed here: udevd is not running/);
    await t.settle();
    expect(t.authorizations).toEqual([]);
    expect(t.mark('1-1')).toBe(false);
  });

  it('read-only needs the rule, the helper and udevd, each of them', async () => {
    const cases: [Parameters<FakeSysfs['readOnlySetup']>[0], RegExp][] = [
      [{ rule: null }, /the udev rule 70-baomi-usb-ro.rules is not installed/],
      [{ rule: '# emptied by hand\n' }, /does not run \/usr\/lib\/baomi\/baomi-usb-ro/],
      // The shipped file names the helper in its comments: with its rule line gone, it runs nothing.
      [{ rule: SHIPPED_RULE.replace(/^ACTION.*$/m, '') }, /does not run/],
      [{ rule: SHIPPED_RULE.replace(/^ACTION/m, '# ACTION') }, /does not run/],
      [{ helper: false }, /the helper .* is missing or not executable/],
      [{ udevd: false }, /udevd is not running/],
    ];
    for (const [setup, said] of cases) {
      const { t, usb } = await sealedWith((t) => t.plug('1-1', { descriptors: QEMU_STICK }));
      t.readOnlySetup(setup);
      const r = await usb.apply(await device(usb, '1-1'), decision('read-only'));
      expect(r).toMatchObject({ applied: 'block', readOnlyFellBack: true });
      expect(r.error).toMatch(said);
    }
    // A rule masked by a link to /dev/null in /etc wins over the one in /lib.
    const { t, usb } = await sealedWith((t) => t.plug('1-1', { descriptors: QEMU_STICK }));
    t.readOnlySetup({ where: 'lib/udev/rules.d' });
    fs.mkdirSync(path.join(t.root, 'etc/udev/rules.d'), { recursive: true });
    fs.symlinkSync('/dev/null', path.join(t.root, 'etc/udev/rules.d/70-baomi-usb-ro.rules'));
    expect(
      (await usb.apply(await device(usb, '1-1'), decision('read-only'))).readOnlyFellBack,
    ).toBe(true);
  });

  it('read-only with the rule in place: marked before it is authorized; allow later unmarks', async () => {
    const { t, usb } = await sealedWith((t) => t.plug('1-1', { descriptors: QEMU_STICK }));
    t.readOnlySetup({ where: 'lib/udev/rules.d' });
    const stick = await device(usb, '1-1');
    expect(await usb.apply(stick, decision('read-only', [[0, 'read-only']]))).toEqual({
      applied: 'read-only',
    });
    await t.settle();
    expect(t.authorizations).toEqual([{ name: '1-1', marked: true }]);
    expect(fs.readFileSync(path.join(t.root, 'run/baomi/usb-ro/1-1'), 'utf8')).toBe(
      `${stick.hash}\n`,
    );
    expect(t.attr('1-1:1.0', 'authorized')).toBe('1');
    expect(await usb.apply(stick, decision('allow'))).toEqual({ applied: 'allow' });
    expect(t.mark('1-1')).toBe(false);
  });

  it('read-only is read back: the disks the rule made read-only pass, the device is kept', async () => {
    const { t, usb } = await sealedWith((t) =>
      t.plug('1-1', { descriptors: QEMU_STICK, disks: [{ name: 'sda', partitions: ['sda1'] }] }),
    );
    t.readOnlySetup();
    expect(await usb.apply(await device(usb, '1-1'), decision('read-only'))).toEqual({
      applied: 'read-only',
    });
    expect([t.diskRo('1-1', 'sda'), t.diskRo('1-1', 'sda1')]).toEqual(['1', '1']);
    expect(t.attr('1-1', 'authorized')).toBe('1');
  });

  it('read-only that does not hold (a disk reads ro 0): the device is taken away, fail closed', async () => {
    const { t, usb } = await sealedWith((t) =>
      t.plug('1-1', { descriptors: QEMU_STICK, disks: [{ name: 'sda', partitions: ['sda1'] }] }),
    );
    t.readOnlySetup();
    t.readOnlyHelper = 'ignores';
    const r = await usb.apply(await device(usb, '1-1'), decision('read-only'));
    expect(r).toMatchObject({ applied: 'block', readOnlyFellBack: true });
    expect(r.error).toMatch(/^read-only did not hold: sda reads ro "0", sda1 reads ro "0"/);
    await t.settle();
    expect(t.attr('1-1', 'authorized')).toBe('0');
    expect(t.interfaceFolders('1-1')).toEqual([]);
  });

  it('read-only that does not hold on a keyboard with a card reader: only the reader goes', async () => {
    const { t, usb } = await sealedWith(
      (t) => t.plug('1-1', { descriptors: COMPOSITE_KEYBOARD_READER, disks: [{ name: 'sdb' }] }),
      { iad: '0' },
    );
    t.readOnlySetup();
    t.readOnlyHelper = 'ignores';
    const r = await usb.apply(
      await device(usb, '1-1'),
      decision('read-only', [
        [0, 'allow'],
        [1, 'read-only'],
      ]),
    );
    expect(r).toMatchObject({ applied: 'read-only', readOnlyFellBack: true });
    expect(r.error).toMatch(
      /read-only did not hold: sdb reads ro "0".*the rest of the device kept/,
    );
    await t.settle();
    expect([t.attr('1-1:1.0', 'authorized'), t.attr('1-1:1.1', 'authorized')]).toEqual(['1', '0']);
    expect(t.bound('1-1:1.0')).toBe(true);
    expect(t.diskRo('1-1', 'sdb')).toBeUndefined();
  });

  it('read-only storage whose disk never appears within the wait is left to the rule', async () => {
    const { t, usb } = await sealedWith((t) => t.plug('1-1', { descriptors: QEMU_STICK }));
    t.readOnlySetup();
    const started = Date.now();
    expect(await usb.apply(await device(usb, '1-1'), decision('read-only'))).toEqual({
      applied: 'read-only',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  it('read-only for a stick already working: taken away, marked, and authorized again', async () => {
    const { t, usb } = await sealedWith(
      (t) => t.plug('1-1', { descriptors: QEMU_STICK, authorized: '1' }),
      { present: true },
    );
    t.readOnlySetup();
    expect(t.bound('1-1:1.0')).toBe(true);
    expect(await usb.apply(await device(usb, '1-1'), decision('read-only'))).toEqual({
      applied: 'read-only',
    });
    await t.settle();
    // Authorized anew after the mark, so its disks are made again under the udev rule.
    expect(t.authorizations).toEqual([{ name: '1-1', marked: true }]);
    expect(t.attr('1-1:1.0', 'authorized')).toBe('1');
    expect(t.probed).toEqual(['1-1:1.0']);
  });

  it('a read-only interface of a composite device falls back alone: the keyboard still works', async () => {
    const { t, usb } = await sealedWith((t) =>
      t.plug('1-1', { descriptors: COMPOSITE_KEYBOARD_READER }),
    );
    const r = await usb.apply(
      await device(usb, '1-1'),
      decision('allow', [
        [0, 'allow'],
        [1, 'read-only'],
      ]),
    );
    expect(r).toEqual({ applied: 'allow', readOnlyFellBack: true });
    await t.settle();
    expect([t.attr('1-1:1.0', 'authorized'), t.attr('1-1:1.1', 'authorized')]).toEqual(['1', '0']);
  });

  it('Thunderbolt: listed with its ids, authorized and deauthorized; read-only falls back', async () => {
    const t = tree();
    t.rootHub(1);
    t.thunderbolt(0, 'user', {
      '1': {
        authorized: '0',
        vendor: '0x1b1f',
        device: '0x0',
        vendor_name: 'Dell',
        device_name: 'WD19TB',
        unique_id: 'd4030000-0080-7f18-2395-a1c0d1a3e202',
      },
      '301': { authorized: '0', vendor: 'garbage' },
    });
    const usb = usbOf(t);
    const tb = (await usb.list()).filter((d) => d.bus === 'thunderbolt');
    expect(tb).toEqual([
      {
        id: 'thunderbolt:0-1',
        bus: 'thunderbolt',
        vendor: '1b1f',
        product: '0000',
        deviceClass: 'ff',
        interfaces: [],
        serial: 'd4030000-0080-7f18-2395-a1c0d1a3e202',
        manufacturer: 'Dell',
        productName: 'WD19TB',
      },
      {
        id: 'thunderbolt:0-301',
        bus: 'thunderbolt',
        vendor: '0000',
        product: '0000',
        deviceClass: 'ff',
        interfaces: [],
        problems: ['vendor: not an id ("garbage")', 'device: missing'],
      },
    ]);
    expect(await usb.apply(tb[0]!, decision('allow'))).toEqual({ applied: 'allow' });
    expect(t.tbAttr('0-1', 'authorized')).toBe('1');
    expect(await usb.apply(tb[0]!, decision('block'))).toEqual({ applied: 'block' });
    expect(t.tbAttr('0-1', 'authorized')).toBe('0');
    expect(await usb.apply(tb[0]!, decision('read-only'))).toEqual({
      applied: 'block',
      readOnlyFellBack: true,
    });
    expect(await usb.apply({ ...tb[0]!, id: 'thunderbolt:0-0' }, decision('block'))).toMatchObject({
      applied: 'block',
      error: 'not a Thunderbolt device name: "0-0"',
    });
    fs.rmSync(path.join(t.sys, 'bus/thunderbolt/devices/0-1'), { recursive: true });
    expect(await usb.apply(tb[0]!, decision('allow'))).toEqual({ applied: 'block', gone: true });
  });
});

describe('enforceProblem()', () => {
  it('no sysfs, not root, or fine', async () => {
    const t = tree();
    t.rootHub(1);
    expect(await usbOf(t).enforceProblem()).toBeNull();
    expect(await usbOf(t, { uid: 1000 }).enforceProblem()).toBe('USB_NOT_ROOT');
    // Nothing was written by asking.
    expect(t.attr('usb1', 'authorized_default')).toBe('1');
    fs.rmSync(path.join(t.sys, 'bus/usb'), { recursive: true });
    expect(await usbOf(t).enforceProblem()).toBe('USB_NO_SYSFS');
  });

  it.runIf(isRoot)(
    'as root: a read-only sysfs (bind-mounted read-only) is USB_SYSFS_READONLY',
    async (ctx) => {
      const t = tree();
      t.rootHub(1);
      const ro = path.join(t.root, 'ro-sys');
      fs.mkdirSync(ro);
      const bind = spawnSync('mount', ['--bind', t.sys, ro]);
      if (bind.status !== 0) return ctx.skip();
      try {
        const remount = spawnSync('mount', ['-o', 'remount,bind,ro', ro]);
        if (remount.status !== 0) return ctx.skip();
        const usb = createLinuxUsb({ sysfsRoot: ro, clock: nodeClock, uid: 0, hotplug: false });
        expect(await usb.enforceProblem()).toBe('USB_SYSFS_READONLY');
        expect(await usb.seal()).toEqual({
          sealed: false,
          open: ['usb1', 'usbcore.authorized_default'],
          reason: 'USB_SYSFS_READONLY',
        });
      } finally {
        spawnSync('umount', [ro]);
      }
    },
  );

  it.runIf(isRoot && fs.existsSync('/usr/bin/setpriv'))(
    'as root: seal() run as an ordinary user says USB_NOT_ROOT (EACCES)',
    () => {
      const t = tree();
      t.rootHub(1);
      fs.chmodSync(t.root, 0o755);
      const script = `
        import { createLinuxUsb } from ${JSON.stringify(path.join(ROOT, 'dist/platform/linux/usb/index.js'))};
        import { nodeClock } from ${JSON.stringify(path.join(ROOT, 'dist/platform/node/clock.js'))};
        const usb = createLinuxUsb({ sysfsRoot: ${JSON.stringify(t.sys)}, clock: nodeClock, uid: process.getuid(), hotplug: false });
        console.log(JSON.stringify([await usb.enforceProblem(), await usb.seal()]));
      `;
      const r = spawnSync(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          '--input-type=module',
          '-e',
          script,
        ],
        { encoding: 'utf8', timeout: 20_000 },
      );
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual([
        'USB_NOT_ROOT',
        { sealed: false, open: ['usb1', 'usbcore.authorized_default'], reason: 'USB_NOT_ROOT' },
      ]);
    },
  );
});
