// The VM harness on its own, before any agent: a real kernel holds back a USB stick plugged
// while its root hubs' authorized_default is 0 (no interfaces, no driver, no /dev/sd*), shows
// its descriptors all the same, lets it bind once `authorized` is written, and holds back a
// keyboard just the same (so the agent has to authorize HID itself). Everything the agent's
// tests will lean on is exercised here: boot, the command channel, the host's node in the
// guest, QMP hot-plug and unplug, and reading sysfs. The built-in SD card reader the same way:
// with /sys/bus/mmc/drivers_autoprobe 0 a card inserted is enumerated but gets no driver and
// no /dev/mmcblk*, until its name is written to drivers_probe.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootVm, sleep, type Vm, vmUnavailable, waitUntil } from './vm/index.js';
import { parseDescriptors, plugAndWatch, scsiDisks, usbDevices } from './vm/usb.js';

const unavailable = vmUnavailable();
const title = `USB on a real kernel (QEMU, TCG)${unavailable ? `: skipped, ${unavailable}` : ''}`;

/**
 * How long to watch for a disk that must not come: twice what the same kernel took to bring up
 * sda for an authorized stick earlier in this run (at least 4 s), so a loaded host cannot turn
 * a late disk into a pass. The structural checks (no configuration, no interfaces) come on top.
 */
/** Upper bound for what must happen (sda took 7.5 s once on a host with load 14). */
const WAIT_MS = 60_000;

const settleMs = (t: Record<string, number>) => Math.max(4_000, 2 * (t.plugToSdaDefaultMs ?? 0));

describe.skipIf(unavailable !== null)(title, () => {
  let vm: Vm;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    vm = await bootVm();
    timings.prepareMs = vm.prepareMs;
    timings.bootMs = vm.bootMs;
    console.log(
      `USB VM: ${vm.kernel.package} booted in ${(vm.bootMs / 1000).toFixed(1)} s (guest node ${vm.guest.node})`,
    );
  });

  afterAll(async () => {
    await vm?.shutdown();
    console.log(`USB VM timings: ${JSON.stringify(timings)}`);
  });

  /** Plugs and returns the sysfs device once the kernel has enumerated it. */
  async function plugAndFind(plug: () => Promise<void>) {
    const { name, ms } = await plugAndWatch(vm, plug);
    const dev = (await usbDevices(vm)).find((d) => d.name === name);
    if (!dev) throw new Error(`${name} left sysfs at once`);
    return { dev, ms };
  }

  async function unplugAndGone(id: string, name: string) {
    await vm.unplug(id);
    await waitUntil(
      async () => !(await usbDevices(vm)).some((d) => d.name === name),
      `${name} to leave sysfs`,
      WAIT_MS,
    );
    await waitUntil(async () => (await scsiDisks(vm)).length === 0, 'no sd* left', WAIT_MS);
  }

  it('runs the host’s node on this checkout inside the guest', async () => {
    expect(vm.guest.kernel).toBe(vm.kernel.release);
    expect((await vm.shOk('node --version')).trim()).toBe(process.version);
    expect((await vm.shOk('pwd')).trim()).toBe(vm.checkout);
    await vm.shOk('test -f bin/baomi.js && test -f package.json');
    // The guest root is writable and its writes stay in the guest.
    await vm.writeGuestFile('/var/lib/baomi-vm-probe/x', 'guest only');
    expect((await vm.readGuestFile('/var/lib/baomi-vm-probe/x')).toString()).toBe('guest only');
    expect(existsSync('/var/lib/baomi-vm-probe')).toBe(false);
    const r = await vm.sh('echo out; echo err >&2; exit 3');
    expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    // The shared folder: each side sees the other's new files at once.
    writeFileSync(join(vm.share, 'from-host'), 'h');
    expect(await vm.shOk(`cat ${vm.share}/from-host && echo g > ${vm.share}/from-guest`)).toBe('h');
    expect(readFileSync(join(vm.share, 'from-guest'), 'utf8')).toBe('g\n');
    // A long-running process, its output and its exit.
    const p = await vm.spawn(['sh', '-c', 'echo started; exec sleep 600']);
    await waitUntil(async () => (await p.output()).includes('started'), 'spawned output');
    await p.kill('SIGKILL');
    expect(await p.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const rtt: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = Date.now();
      await vm.sh('true');
      rtt.push(Date.now() - t);
    }
    timings.shRoundTripMs = rtt.sort((a, b) => a - b)[2]!;
  });

  it('binds a stick at once while authorized_default is 1 (the kernel’s own time)', async () => {
    const roots = (await usbDevices(vm)).filter((d) => d.name.startsWith('usb'));
    expect(roots.length).toBeGreaterThanOrEqual(2); // xHCI: one USB 2 and one USB 3 root hub
    for (const r of roots) {
      expect((await vm.readGuestFile(`${r.path}/authorized_default`)).toString().trim()).toBe('1');
    }
    const t0 = Date.now();
    const { dev, ms } = await plugAndFind(() => vm.plugStick({ id: 's0', serial: 'S0' }));
    timings.plugToSysfsMs = ms;
    expect(dev.serial).toBe('S0');
    expect(dev.authorized).toBe('1');
    await waitUntil(async () => (await scsiDisks(vm)).includes('sda'), 'sda', WAIT_MS);
    timings.plugToSdaDefaultMs = Date.now() - t0;
    await unplugAndGone('s0', dev.name);
  });

  it('holds back a stick plugged under authorized_default=0 until authorized is written', async () => {
    await vm.shOk('for h in /sys/bus/usb/devices/usb*; do echo 0 > $h/authorized_default; done');
    for (const r of (await usbDevices(vm)).filter((d) => d.name.startsWith('usb'))) {
      expect((await vm.readGuestFile(`${r.path}/authorized_default`)).toString().trim()).toBe('0');
    }

    const { dev, ms } = await plugAndFind(() => vm.plugStick({ id: 's1', serial: 'S1' }));
    timings.plugToSysfsSealedMs = ms;
    expect(dev).toMatchObject({
      idVendor: '46f4',
      idProduct: '0001',
      serial: 'S1',
      authorized: '0',
    });
    expect(dev.product).toBe('QEMU USB HARDDRIVE');
    await sleep(settleMs(timings));
    expect(await scsiDisks(vm)).toEqual([]);
    // No configuration chosen, so no interface folders and nothing a driver could bind to.
    expect((await vm.readGuestFile(`${dev.path}/bConfigurationValue`)).toString().trim()).toBe('');
    expect(await vm.shOk(`ls -d ${dev.path}/${dev.name}:* 2>/dev/null || true`)).toBe('');

    // The descriptors are there all the same: this is what the agent decides on.
    const raw = await vm.readGuestFile(`${dev.path}/descriptors`);
    const d = parseDescriptors(raw);
    expect(d.device).toMatchObject({ bLength: 18, bDescriptorType: 1, idVendor: 0x46f4 });
    expect(d.device.idProduct).toBe(0x0001);
    expect(d.configs.length).toBe(d.device.bNumConfigurations);
    expect(d.configs[0]).toMatchObject({ bLength: 9, bDescriptorType: 2 });
    expect(d.configs[0]?.interfaces).toContainEqual(
      expect.objectContaining({ bInterfaceClass: 0x08, bInterfaceSubClass: 0x06 }),
    );

    const t0 = Date.now();
    await vm.shOk(`echo 1 > ${dev.path}/authorized`);
    await waitUntil(
      async () => (await scsiDisks(vm)).includes('sda'),
      'sda after authorizing',
      WAIT_MS,
    );
    timings.authorizeToSdaMs = Date.now() - t0;
    // sda is this stick: its sysfs path runs through the USB device.
    expect(await vm.shOk('readlink -f /sys/block/sda')).toContain(`/${dev.name}/`);
    expect((await vm.readGuestFile(`${dev.path}/authorized`)).toString().trim()).toBe('1');

    await unplugAndGone('s1', dev.name);
  });

  it('holds back a USB keyboard just the same: the agent must authorize HID itself', async () => {
    const { dev: kbd } = await plugAndFind(() => vm.plugKeyboard('k1'));
    expect(kbd).toMatchObject({ idVendor: '0627', idProduct: '0001', authorized: '0' });
    await sleep(1_000);
    expect((await vm.readGuestFile(`${kbd.path}/bConfigurationValue`)).toString().trim()).toBe('');
    expect(await vm.shOk(`ls -d ${kbd.path}/${kbd.name}:* 2>/dev/null || true`)).toBe('');
    const d = parseDescriptors(await vm.readGuestFile(`${kbd.path}/descriptors`));
    expect(d.configs[0]?.interfaces).toContainEqual(
      expect.objectContaining({ bInterfaceClass: 0x03, bInterfaceProtocol: 0x01 }),
    );

    await vm.shOk(`echo 1 > ${kbd.path}/authorized`);
    const driver = await waitUntil(
      async () => {
        const r = await vm.sh(`readlink ${kbd.path}/${kbd.name}:1.0/driver`);
        return r.code === 0 ? r.stdout.trim() : undefined;
      },
      'usbhid to bind the keyboard',
      WAIT_MS,
    );
    expect(driver).toMatch(/\/usbhid$/);

    await vm.unplug('k1');
    await waitUntil(
      async () => !(await usbDevices(vm)).some((x) => x.name === kbd.name),
      'the keyboard to leave sysfs',
      WAIT_MS,
    );
  });

  it('holds back an SD card while drivers_autoprobe is 0, until drivers_probe names it', async () => {
    const card = '/sys/bus/mmc/devices/mmc0:4567';
    const mmcDisks = async () =>
      (await vm.shOk('ls /sys/block')).split(/\s+/).filter((n) => n.startsWith('mmcblk'));
    expect((await vm.readGuestFile('/sys/bus/mmc/drivers_autoprobe')).toString().trim()).toBe('1');
    await vm.shOk('echo 0 > /sys/bus/mmc/drivers_autoprobe');
    await vm.insertCard();
    await waitUntil(async () => (await vm.sh(`test -e ${card}`)).code === 0, 'the card', WAIT_MS);
    expect((await vm.readGuestFile(`${card}/type`)).toString().trim()).toBe('SD');
    await sleep(2_000);
    expect((await vm.sh(`readlink ${card}/driver`)).code).not.toBe(0);
    expect(await mmcDisks()).toEqual([]);
    await vm.shOk(`printf mmc0:4567 > /sys/bus/mmc/drivers_probe`);
    expect((await vm.shOk(`readlink ${card}/driver`)).trim()).toMatch(/\/mmcblk$/);
    expect(await mmcDisks()).toEqual(['mmcblk0']);
    await vm.ejectCard();
    await waitUntil(async () => (await mmcDisks()).length === 0, 'mmcblk0 gone', WAIT_MS);
  });
});
