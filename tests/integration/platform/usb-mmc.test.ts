// SD/MMC cards through the Linux USB adapter on a fabricated sysfs, with a small fake kernel
// that does what drivers/base and mmc_block do on a write: drivers_probe (a FIFO) binds a
// card to "mmcblk" (a `driver` link, then block/mmcblk0 and a partition, `ro` 0), the driver's
// `unbind` (a FIFO) takes both away, a card that arrives while drivers_autoprobe reads 1 is
// bound at once. blockdev runs through a fake command runner that sets `ro` as BLKROSET does.
// What is proved: list() reads cards, seal() writes drivers_autoprobe 0 and sealState() reads
// it back, apply() binds, unbinds, holds read-only and falls back to block when it cannot, and
// never unbinds a fixed eMMC. The VM test (tests/e2e/usb/agent.test.ts) does it on a kernel.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../../../src/core/ports/commands.js';
import type { UsbControl } from '../../../src/core/ports/usb.js';
import { decide } from '../../../src/core/usb/decide.js';
import type { Decision, UsbDevice } from '../../../src/core/usb/types.js';
import { createLinuxUsb } from '../../../src/platform/linux/usb/index.js';
import { nodeClock } from '../../../src/platform/node/clock.js';

const QEMU_CARD = {
  type: 'SD',
  manfid: '0x0000aa',
  oemid: '0x5859',
  name: 'QEMU!',
  serial: '0xdeadbeef',
  cid: 'aa585951454d552101deadbeef006200',
};

class FakeMmcKernel {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-mmc-'));
  readonly sys = path.join(this.root, 'sys');
  readonly bus = path.join(this.sys, 'bus/mmc');
  readonly host = path.join(this.sys, 'devices/pci0000:00/0000:00:05.0/mmc_host/mmc0');
  readonly probed: string[] = [];
  readonly unbound: string[] = [];
  /** blockdev calls, and whether it fails. */
  readonly blockdev: string[] = [];
  blockdevFails = false;
  private socks: net.Socket[] = [];

  constructor() {
    fs.mkdirSync(path.join(this.bus, 'devices'), { recursive: true });
    fs.mkdirSync(path.join(this.bus, 'drivers/mmcblk'), { recursive: true });
    fs.writeFileSync(path.join(this.bus, 'drivers_autoprobe'), '1\n');
    // A USB bus with one root hub, so sealing has something ordinary to do as well.
    const hub = path.join(this.sys, 'devices/pci0000:00/0000:00:04.0/usb1');
    fs.mkdirSync(hub, { recursive: true });
    for (const [k, v] of Object.entries({
      authorized_default: '1',
      interface_authorized_default: '1',
    }))
      fs.writeFileSync(path.join(hub, k), `${v}\n`);
    fs.mkdirSync(path.join(this.sys, 'bus/usb/devices'), { recursive: true });
    fs.symlinkSync(hub, path.join(this.sys, 'bus/usb/devices/usb1'));
    // usbcore's parameter for root hubs that appear later, at the kernel's default.
    fs.mkdirSync(path.join(this.sys, 'module/usbcore/parameters'), { recursive: true });
    fs.writeFileSync(path.join(this.sys, 'module/usbcore/parameters/authorized_default'), '-1\n');
    this.fifo(path.join(this.bus, 'drivers_probe'), (name) => {
      this.probed.push(name);
      this.bind(name);
    });
    this.fifo(path.join(this.bus, 'drivers/mmcblk/unbind'), (name) => {
      this.unbound.push(name);
      this.unbind(name);
    });
  }

  private fifo(file: string, on: (text: string) => void) {
    execFileSync('mkfifo', [file]);
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    const s = new net.Socket({ fd, readable: true, writable: false });
    s.on('data', (b: Buffer) => {
      // Writes arrive without separators: split on the card names that exist.
      let rest = b.toString('utf8').trim();
      while (rest) {
        const name = /^mmc\d+:[0-9a-f]{4}/.exec(rest)?.[0] ?? rest;
        on(name);
        rest = rest.slice(name.length);
      }
    });
    s.on('error', () => {});
    this.socks.push(s);
  }

  card(name: string): string {
    return path.join(this.host, name);
  }

  insert(name: string, attrs: Record<string, string> = QEMU_CARD): void {
    const dir = this.card(name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [k, v] of Object.entries(attrs)) fs.writeFileSync(path.join(dir, k), `${v}\n`);
    fs.symlinkSync(dir, path.join(this.bus, 'devices', name));
    if (this.read(path.join(this.bus, 'drivers_autoprobe')) === '1') this.bind(name);
  }

  eject(name: string): void {
    fs.rmSync(path.join(this.bus, 'devices', name), { force: true });
    fs.rmSync(this.card(name), { recursive: true, force: true });
  }

  private read(file: string): string | undefined {
    try {
      return fs.readFileSync(file, 'utf8').trim();
    } catch {
      return undefined;
    }
  }

  private bind(name: string) {
    const dir = this.card(name);
    if (!fs.existsSync(dir) || this.bound(name)) return;
    if (this.read(path.join(dir, 'type')) === 'SDIO') return; // mmc_block takes no SDIO card
    fs.symlinkSync(path.join(this.bus, 'drivers/mmcblk'), path.join(dir, 'driver'));
    const disk = path.join(dir, 'block/mmcblk0');
    fs.mkdirSync(path.join(disk, 'mmcblk0p1'), { recursive: true });
    fs.writeFileSync(path.join(disk, 'ro'), '0\n');
    fs.writeFileSync(path.join(disk, 'mmcblk0p1/ro'), '0\n');
    fs.writeFileSync(path.join(disk, 'mmcblk0p1/partition'), '1\n');
  }

  private unbind(name: string) {
    fs.rmSync(path.join(this.card(name), 'driver'), { force: true });
    fs.rmSync(path.join(this.card(name), 'block'), { recursive: true, force: true });
  }

  bound(name: string): boolean {
    try {
      fs.readlinkSync(path.join(this.card(name), 'driver'));
      return true;
    } catch {
      return false;
    }
  }

  ro(name: string, disk: string): string | undefined {
    const d = path.join(this.card(name), 'block/mmcblk0');
    return this.read(path.join(disk === 'mmcblk0' ? d : path.join(d, disk), 'ro'));
  }

  autoprobe(): string | undefined {
    return this.read(path.join(this.bus, 'drivers_autoprobe'));
  }

  setAutoprobe(v: string): void {
    fs.writeFileSync(path.join(this.bus, 'drivers_autoprobe'), `${v}\n`);
  }

  /** BLKROSET through `blockdev --setro /dev/X`: `ro` 1 on that disk or partition. */
  readonly commands: CommandRunner = {
    run: async (cmd, args): Promise<CommandResult> => {
      this.blockdev.push(`${cmd} ${args.join(' ')}`);
      if (this.blockdevFails) return { code: 1, stdout: '', stderr: 'ioctl error' };
      const dev = path.basename(args[1] ?? '');
      for (const name of fs.readdirSync(path.join(this.bus, 'devices'))) {
        const disk = path.join(this.card(name), 'block/mmcblk0');
        const at = dev === 'mmcblk0' ? disk : path.join(disk, dev);
        if (fs.existsSync(path.join(at, 'ro'))) fs.writeFileSync(path.join(at, 'ro'), '1\n');
      }
      return { code: 0, stdout: '', stderr: '' };
    },
    spawnLines: () => {
      throw new Error('not used');
    },
  };

  close(): void {
    for (const s of this.socks) s.destroy();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

const kernels: FakeMmcKernel[] = [];
afterEach(() => {
  for (const k of kernels.splice(0)) k.close();
});

function setup(o: { udevd?: boolean; commands?: boolean } = {}) {
  const k = new FakeMmcKernel();
  kernels.push(k);
  if (o.udevd) {
    fs.mkdirSync(path.join(k.root, 'run/udev'), { recursive: true });
    fs.writeFileSync(path.join(k.root, 'run/udev/control'), '');
  }
  const usb: UsbControl = createLinuxUsb({
    sysfsRoot: k.sys,
    clock: nodeClock,
    uid: 0,
    hotplug: false,
    bindWaitMs: 500,
    ...(o.commands === false ? {} : { commands: k.commands }),
  });
  return { k, usb };
}

const policy = (verdict: Decision['verdict']) => ({ storage: verdict, rules: [] });
const ctx = { now: 0, user: 'alice', locked: false, exceptions: [] };

async function cardOf(usb: UsbControl, id: string): Promise<UsbDevice> {
  const d = (await usb.list()).find((x) => x.id === id);
  if (!d) throw new Error(`${id} not listed`);
  return d;
}

describe('SD/MMC cards on the Linux adapter', () => {
  it('lists a card beside the USB devices, as core/usb/mmc.ts normalises it', async () => {
    const { k, usb } = setup();
    k.insert('mmc0:4567');
    const card = await cardOf(usb, 'mmc0:4567');
    expect(card).toMatchObject({
      bus: 'mmc',
      vendor: '00aa',
      product: '5859',
      serial: 'deadbeef',
      productName: 'QEMU!',
      deviceClass: '08',
      mmc: { type: 'SD', fixed: false },
    });
    expect(card.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(card.problems).toBeUndefined();
  });

  it('seals drivers_autoprobe with the root hubs, reads it back, and sees it re-opened', async () => {
    const { k, usb } = setup();
    expect(await usb.sealState()).toEqual({
      sealed: false,
      open: ['usb1', 'usbcore.authorized_default', 'mmc:drivers_autoprobe'],
      reason: 'USB_SEAL_OPEN',
    });
    expect(await usb.seal()).toEqual({ sealed: true, open: [] });
    expect(k.autoprobe()).toBe('0');
    k.setAutoprobe('1');
    expect(await usb.sealState()).toMatchObject({ sealed: false, open: ['mmc:drivers_autoprobe'] });
    // Sealed, a card that arrives is not bound.
    await usb.seal();
    k.insert('mmc0:4567');
    expect(k.bound('mmc0:4567')).toBe(false);
  });

  it('release() opens drivers_autoprobe with the root hubs: a card inserted after it is bound', async () => {
    const { k, usb } = setup();
    await usb.seal();
    const r = await usb.release();
    expect(r).toEqual({
      released: ['usb1', 'usb1:interfaces', 'usbcore.authorized_default', 'mmc:drivers_autoprobe'],
      alreadyOpen: [],
      kept: [],
      stillSealed: [],
    });
    expect(k.autoprobe()).toBe('1');
    k.insert('mmc0:4567');
    expect(k.bound('mmc0:4567')).toBe(true);
  });

  it('allow binds a waiting card; block unbinds a card bound before the seal', async () => {
    const { k, usb } = setup();
    k.insert('mmc0:1111'); // bound at once: before the seal
    await usb.seal();
    k.insert('mmc0:2222');
    const early = await cardOf(usb, 'mmc0:1111');
    const late = await cardOf(usb, 'mmc0:2222');
    expect(await usb.apply(late, decide(late, policy('allow'), ctx))).toEqual({ applied: 'allow' });
    expect(k.bound('mmc0:2222')).toBe(true);
    expect(k.probed).toEqual(['mmc0:2222']);
    expect(await usb.apply(early, decide(early, policy('block'), ctx))).toEqual({
      applied: 'block',
    });
    expect(k.bound('mmc0:1111')).toBe(false);
    expect(k.unbound).toEqual(['mmc0:1111']);
  });

  it('read-only: bound, then every disk and partition set and read back read-only', async () => {
    const { k, usb } = setup();
    await usb.seal();
    k.insert('mmc0:4567');
    const card = await cardOf(usb, 'mmc0:4567');
    const r = await usb.apply(card, decide(card, policy('read-only'), ctx));
    expect(r).toEqual({ applied: 'read-only' });
    expect([k.ro('mmc0:4567', 'mmcblk0'), k.ro('mmc0:4567', 'mmcblk0p1')]).toEqual(['1', '1']);
    expect(k.blockdev.map((c) => path.basename(c))).toEqual(['mmcblk0', 'mmcblk0p1']);
    expect(k.blockdev[0]).toBe(`blockdev --setro ${path.join(k.root, 'dev/mmcblk0')}`);
    // The same decision again (an agent restart) keeps the card as it is.
    const probes = k.probed.length;
    expect(await usb.apply(card, decide(card, policy('read-only'), ctx))).toEqual({
      applied: 'read-only',
    });
    expect(k.probed.length).toBe(probes);
    // Allowed later: bound anew, writable.
    expect(await usb.apply(card, decide(card, policy('allow'), ctx))).toEqual({ applied: 'allow' });
    expect(k.ro('mmc0:4567', 'mmcblk0')).toBe('0');
  });

  it('read-only that does not hold (blockdev fails) unbinds the card: blocked, said why', async () => {
    const { k, usb } = setup();
    await usb.seal();
    k.blockdevFails = true;
    k.insert('mmc0:4567');
    const card = await cardOf(usb, 'mmc0:4567');
    const r = await usb.apply(card, decide(card, policy('read-only'), ctx));
    expect(r).toMatchObject({ applied: 'block', readOnlyFellBack: true });
    expect(r.error).toMatch(/read-only did not hold: mmcblk0 reads ro 0, mmcblk0p1 reads ro 0/);
    expect(r.error).toMatch(/blockdev --setro mmcblk0: ioctl error/);
    expect(k.bound('mmc0:4567')).toBe(false);
  });

  it('read-only while udevd runs without the mmc rule line: blocked, never bound', async () => {
    const { k, usb } = setup({ udevd: true });
    await usb.seal();
    k.insert('mmc0:4567');
    const card = await cardOf(usb, 'mmc0:4567');
    const r = await usb.apply(card, decide(card, policy('read-only'), ctx));
    expect(r).toMatchObject({ applied: 'block', readOnlyFellBack: true });
    expect(r.error).toMatch(/70-baomi-usb-ro.rules is not installed/);
    expect(k.probed).toEqual([]);
  });

  it('read-only while udevd runs: with the shipped rule, held; with a USB-only rule, blocked', async () => {
    const shipped = fs.readFileSync(
      path.resolve(import.meta.dirname, '../../../native/udev/70-baomi-usb-ro.rules'),
      'utf8',
    );
    for (const [rule, want] of [
      [shipped, 'read-only'],
      [shipped.replace(/^.*SUBSYSTEMS=="mmc".*$/m, ''), 'block'],
    ] as const) {
      const { k, usb } = setup({ udevd: true });
      fs.mkdirSync(path.join(k.root, 'etc/udev/rules.d'), { recursive: true });
      fs.writeFileSync(path.join(k.root, 'etc/udev/rules.d/70-baomi-usb-ro.rules'), rule);
      const helper = path.join(k.root, 'usr/lib/baomi/baomi-usb-ro');
      fs.mkdirSync(path.dirname(helper), { recursive: true });
      fs.writeFileSync(helper, '#!/bin/sh\n', { mode: 0o755 });
      await usb.seal();
      k.insert('mmc0:4567');
      const card = await cardOf(usb, 'mmc0:4567');
      const r = await usb.apply(card, decide(card, policy('read-only'), ctx));
      expect(r.applied).toBe(want);
      if (want === 'block')
        expect(r.error).toMatch(
          /does not run \/usr\/lib\/baomi\/baomi-usb-ro for mmc block devices/,
        );
      // Marked for the rule before it was bound.
      expect(fs.existsSync(path.join(k.root, 'run/baomi/usb-ro/mmc0:4567'))).toBe(want !== 'block');
    }
  });

  it('a card swapped in the same slot since it was read is not bound', async () => {
    const { k, usb } = setup();
    await usb.seal();
    k.insert('mmc0:4567');
    const card = await cardOf(usb, 'mmc0:4567');
    k.eject('mmc0:4567');
    k.insert('mmc0:4567', {
      ...QEMU_CARD,
      serial: '0x00000001',
      cid: QEMU_CARD.cid.replace('deadbeef', '00000001'),
    });
    const r = await usb.apply(card, decide(card, policy('allow'), ctx));
    expect(r).toMatchObject({ applied: 'block', error: expect.stringMatching(/CID differs/) });
    expect(k.bound('mmc0:4567')).toBe(false);
    // Gone altogether.
    k.eject('mmc0:4567');
    expect(await usb.apply(card, decide(card, policy('allow'), ctx))).toEqual({
      applied: 'block',
      gone: true,
    });
  });

  it('never unbinds a fixed eMMC, and an SDIO card is reported as not held back', async () => {
    const { k, usb } = setup();
    k.insert('mmc1:0001', { ...QEMU_CARD, type: 'MMC', removable: 'fixed' });
    const emmc = await cardOf(usb, 'mmc1:0001');
    expect(decide(emmc, policy('block'), ctx).verdict).toBe('allow');
    const forced: Decision = { ...decide(emmc, policy('block'), ctx), verdict: 'block' };
    expect(await usb.apply(emmc, forced)).toMatchObject({
      applied: 'allow',
      error: 'a built-in (fixed) card is never unbound',
    });
    expect(k.bound('mmc1:0001')).toBe(true);
    k.insert('mmc2:0001', { type: 'SDIO', vendor: '0x02d0', device: '0xa9a6' });
    const wifi = await cardOf(usb, 'mmc2:0001');
    const blockWifi: Decision = { ...decide(wifi, policy('block'), ctx), verdict: 'block' };
    expect(await usb.apply(wifi, blockWifi)).toMatchObject({
      applied: 'allow',
      error: expect.stringMatching(/SDIO card is not held back/),
    });
  });

  it('the watcher reports a card inserted and ejected, and seals an mmc bus that appears', async () => {
    const { k, usb } = setup();
    // No mmc bus yet (mmc_core not loaded): sealing covers the root hubs only.
    fs.renameSync(k.bus, `${k.bus}.later`);
    expect(await usb.seal()).toEqual({ sealed: true, open: [] });
    const added: UsbDevice[] = [];
    const removed: string[] = [];
    const w = usb.watch(
      { added: (d) => added.push(d), removed: (id) => removed.push(id), error: () => {} },
      { scanEveryMs: 20 },
    );
    try {
      await new Promise((r) => setTimeout(r, 60));
      fs.renameSync(`${k.bus}.later`, k.bus); // mmc_core loads; its autoprobe reads 1
      await until(() => k.autoprobe() === '0', 'the new bus sealed');
      k.insert('mmc0:4567');
      await until(() => added.length === 1, 'card added');
      expect(added[0]).toMatchObject({ id: 'mmc0:4567', bus: 'mmc', serial: 'deadbeef' });
      expect(k.bound('mmc0:4567')).toBe(false);
      k.eject('mmc0:4567');
      await until(() => removed.length === 1, 'card removed');
      expect(removed).toEqual(['mmc0:4567']);
    } finally {
      w.close();
    }
  });
});

async function until(f: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
