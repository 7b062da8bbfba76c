// The read-only helper udev runs for block devices below USB devices
// (native/udev/baomi-usb-ro, from 70-baomi-usb-ro.rules), run by /bin/sh on a fabricated
// /sys with a stand-in blockdev: it finds the USB device above the disk, acts only on one the
// agent marked, and when blockdev fails it deauthorizes the USB device (fail closed).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HELPER, RULE_FILE, runsHelper } from '../../../src/platform/linux/usb/read-only.js';

const NATIVE = path.resolve(import.meta.dirname, '../../../native/udev');
const SCRIPT = path.join(NATIVE, 'baomi-usb-ro');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const CONTROLLER = '/devices/pci0000:00/0000:00:04.0/usb2';
const scsi = (usb: string, iface: string) =>
  `${CONTROLLER}/${usb}/${iface}/host6/target6:0:0/6:0:0:0/block/sdb`;

function setup(usbPath: string, o: { blockdevExit?: number } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-udev-'));
  dirs.push(root);
  const sys = path.join(root, 'sys');
  // Every USB device on the way has `authorized`; the disk and its partition sit below.
  let p = path.join(sys, CONTROLLER);
  for (const part of usbPath.split('/')) {
    p = path.join(p, part);
    fs.mkdirSync(p, { recursive: true });
    if (!part.includes(':')) fs.writeFileSync(path.join(p, 'authorized'), '1\n');
  }
  const devpath = `${CONTROLLER}/${usbPath}/host6/target6:0:0/6:0:0:0/block/sdb`;
  fs.mkdirSync(path.join(sys, devpath, 'sdb1'), { recursive: true });
  const log = path.join(root, 'blockdev.log');
  const blockdev = path.join(root, 'blockdev');
  fs.writeFileSync(blockdev, `#!/bin/sh\necho "$@" >> ${log}\nexit ${o.blockdevExit ?? 0}\n`, {
    mode: 0o755,
  });
  const marks = path.join(root, 'run/baomi/usb-ro');
  fs.mkdirSync(marks, { recursive: true });
  const run = (kernel: string, dp: string) =>
    spawnSync('/bin/sh', [SCRIPT, kernel, dp], {
      encoding: 'utf8',
      env: {
        PATH: '/usr/bin:/bin',
        BAOMI_SYSFS: sys,
        BAOMI_DEV: '/dev',
        BAOMI_USB_RO_DIR: marks,
        BLOCKDEV: blockdev,
      },
    });
  const calls = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []);
  const authorized = (usb: string) =>
    fs.readFileSync(path.join(sys, CONTROLLER, usb, 'authorized'), 'utf8').trim();
  const mark = (name: string) => fs.writeFileSync(path.join(marks, name), 'hash\n');
  return { run, calls, authorized, mark, devpath };
}

describe('baomi-usb-ro (the udev helper)', () => {
  it('sets a disk and its partition read-only below a marked USB device', () => {
    const h = setup('2-1/2-1:1.0');
    h.mark('2-1');
    expect(h.run('sdb', h.devpath).status).toBe(0);
    expect(h.run('sdb1', `${h.devpath}/sdb1`).status).toBe(0);
    expect(h.calls()).toEqual(['--setro /dev/sdb', '--setro /dev/sdb1']);
    expect(h.authorized('2-1')).toBe('1');
  });

  it('leaves a disk alone when its USB device is not marked', () => {
    const h = setup('2-1/2-1:1.0');
    h.mark('2-2');
    expect(h.run('sdb', h.devpath).status).toBe(0);
    expect(h.calls()).toEqual([]);
  });

  it('behind a hub, looks at the device itself, not the hub', () => {
    const h = setup('2-1/2-1.4/2-1.4:1.0');
    h.mark('2-1');
    expect(h.run('sdb', h.devpath).status).toBe(0);
    expect(h.calls()).toEqual([]);
    h.mark('2-1.4');
    expect(h.run('sdb', h.devpath).status).toBe(0);
    expect(h.calls()).toEqual(['--setro /dev/sdb']);
  });

  it('deauthorizes the USB device when blockdev fails', () => {
    const h = setup('2-1/2-1.4/2-1.4:1.0', { blockdevExit: 1 });
    h.mark('2-1.4');
    expect(h.run('sdb', h.devpath).status).toBe(1);
    expect(h.authorized('2-1/2-1.4')).toBe('0');
    expect(h.authorized('2-1')).toBe('1');
  });

  it('refuses odd arguments, and a disk not below any USB device is none of its business', () => {
    const h = setup('2-1/2-1:1.0');
    h.mark('2-1');
    expect(h.run('', h.devpath).status).toBe(2);
    expect(h.run('../sda', h.devpath).status).toBe(2);
    expect(h.run('sdb', 'relative/path').status).toBe(2);
    expect(
      h.run('sda', '/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda')
        .status,
    ).toBe(0);
    expect(h.calls()).toEqual([]);
    expect(scsi('2-1', '2-1:1.0')).toBe(h.devpath);
  });

  it('the rule runs the helper the agent checks for, on block devices below USB and SD cards', () => {
    const rule = fs.readFileSync(path.join(NATIVE, RULE_FILE), 'utf8');
    const lines = rule.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    expect(lines).toEqual([
      `ACTION=="add|change", SUBSYSTEM=="block", SUBSYSTEMS=="usb", RUN+="${HELPER} %k %p"`,
      `ACTION=="add|change", SUBSYSTEM=="block", SUBSYSTEMS=="mmc", RUN+="${HELPER} %k %p"`,
    ]);
    expect(runsHelper(rule, 'mmc')).toBe(true);
    expect(runsHelper(lines[0]!, 'mmc')).toBe(false);
    expect(fs.statSync(SCRIPT).mode & 0o111).not.toBe(0);
  });

  describe('an SD card in a built-in reader (mmc bus)', () => {
    const HOST = '/devices/pci0000:00/0000:00:05.0/mmc_host/mmc0';
    function card(o: { blockdevExit?: number; below?: string } = {}) {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-udev-'));
      dirs.push(root);
      const sys = path.join(root, 'sys');
      const cardPath = `${o.below ?? HOST}/mmc0:4567`;
      const cardDir = path.join(sys, cardPath);
      fs.mkdirSync(path.join(cardDir, 'block/mmcblk0/mmcblk0p1'), { recursive: true });
      fs.writeFileSync(path.join(cardDir, 'type'), 'SD\n');
      // The driver's unbind, as a plain file the helper writes the card's name into.
      fs.mkdirSync(path.join(cardDir, 'driver'), { recursive: true });
      fs.writeFileSync(path.join(cardDir, 'driver/unbind'), '');
      const log = path.join(root, 'blockdev.log');
      const blockdev = path.join(root, 'blockdev');
      fs.writeFileSync(blockdev, `#!/bin/sh\necho "$@" >> ${log}\nexit ${o.blockdevExit ?? 0}\n`, {
        mode: 0o755,
      });
      const marks = path.join(root, 'run/baomi/usb-ro');
      fs.mkdirSync(marks, { recursive: true });
      const run = (kernel: string, dp: string) =>
        spawnSync('/bin/sh', [SCRIPT, kernel, dp], {
          encoding: 'utf8',
          env: {
            PATH: '/usr/bin:/bin',
            BAOMI_SYSFS: sys,
            BAOMI_DEV: '/dev',
            BAOMI_USB_RO_DIR: marks,
            BLOCKDEV: blockdev,
          },
        });
      return {
        run,
        devpath: `${cardPath}/block/mmcblk0`,
        calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []),
        unbound: () => fs.readFileSync(path.join(cardDir, 'driver/unbind'), 'utf8').trim(),
        mark: (name: string) => fs.writeFileSync(path.join(marks, name), 'hash\n'),
        sys,
      };
    }

    it('sets the disk and its partition read-only when the card is marked, else nothing', () => {
      const h = card();
      expect(h.run('mmcblk0', h.devpath).status).toBe(0);
      expect(h.calls()).toEqual([]);
      h.mark('mmc0:4567');
      expect(h.run('mmcblk0', h.devpath).status).toBe(0);
      expect(h.run('mmcblk0p1', `${h.devpath}/mmcblk0p1`).status).toBe(0);
      expect(h.calls()).toEqual(['--setro /dev/mmcblk0', '--setro /dev/mmcblk0p1']);
      expect(h.unbound()).toBe('');
    });

    it('unbinds the card when blockdev fails', () => {
      const h = card({ blockdevExit: 1 });
      h.mark('mmc0:4567');
      expect(h.run('mmcblk0', h.devpath).status).toBe(1);
      expect(h.unbound()).toBe('mmc0:4567');
    });

    it('a card whose SD host sits on a USB reader (rtsx_usb) is decided by its own mark', () => {
      const usb =
        '/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0/rtsx_usb_sdmmc.2.auto/mmc_host/mmc0';
      const h = card({ below: usb });
      fs.writeFileSync(
        path.join(h.sys, '/devices/pci0000:00/0000:00:04.0/usb2/2-1/authorized'),
        '1\n',
      );
      h.mark('2-1');
      expect(h.run('mmcblk0', h.devpath).status).toBe(0);
      expect(h.calls()).toEqual([]);
      h.mark('mmc0:4567');
      expect(h.run('mmcblk0', h.devpath).status).toBe(0);
      expect(h.calls()).toEqual(['--setro /dev/mmcblk0']);
    });
  });
});
