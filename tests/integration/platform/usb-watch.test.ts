// How the Linux USB adapter learns of devices, on a fabricated sysfs with the real clock: the
// sysfs scan (one readdir every 500 ms), libusb's hotplug through a stand-in for the `usb`
// package (attach/detach mapped to sysfs names), the fall-back to the scan when the package
// cannot load or fails later, a dock's new root hub sealed before it is reported, and
// Thunderbolt routers.
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UsbControl } from '../../../src/core/ports/usb.js';
import type { UsbHotplug } from '../../../src/platform/linux/usb/detect.js';
import { createLinuxUsb } from '../../../src/platform/linux/usb/index.js';
import { nodeClock } from '../../../src/platform/node/clock.js';
import { FakeSysfs } from '../../helpers/fake-sysfs.js';
import { QEMU_KEYBOARD, QEMU_STICK } from '../../helpers/usb-descriptors.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function tree(): FakeSysfs {
  const t = new FakeSysfs();
  cleanup.push(() => t.close());
  return t;
}

async function until(what: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Seen {
  events: string[];
  errors: Error[];
  said: string[];
}

function watching(usb: UsbControl, seen: Seen, snapshot?: (id: string) => void) {
  const w = usb.watch({
    added: (d) => {
      snapshot?.(d.id);
      seen.events.push(`+${d.id} ${d.vendor}:${d.product}`);
    },
    removed: (id) => seen.events.push(`-${id}`),
    error: (e) => seen.errors.push(e),
  });
  cleanup.push(() => w.close());
  return w;
}

const fresh = (): Seen => ({ events: [], errors: [], said: [] });

describe('detection by scanning sysfs', () => {
  it('reports plugged and pulled devices, not those already there, not interfaces', async () => {
    const t = tree();
    t.rootHub(1);
    t.plug('1-1', { descriptors: QEMU_KEYBOARD, authorized: '1' });
    const seen = fresh();
    const usb = createLinuxUsb({ sysfsRoot: t.sys, clock: nodeClock, uid: 0, hotplug: false });
    expect(usb.detection).toBe('sysfs-scan');
    watching(usb, seen);
    await new Promise((r) => setTimeout(r, 100));
    t.plug('1-2', { descriptors: QEMU_STICK });
    const t0 = Date.now();
    await until(() => seen.events.length === 1);
    // One scan interval at most (500 ms), with room for a loaded machine.
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(seen.events).toEqual(['+1-2 46f4:0001']);
    t.unplug('1-2');
    t.unplug('1-1');
    await until(() => seen.events.length === 3);
    expect(seen.events.slice(1).sort()).toEqual(['-1-1', '-1-2']);
    expect(seen.errors).toEqual([]);
  });

  it("seals a dock's new root hub before it reports it, once sealing has begun", async () => {
    const t = tree();
    t.rootHub(1);
    const usb = createLinuxUsb({ sysfsRoot: t.sys, clock: nodeClock, uid: 0, hotplug: false });
    const seen = fresh();
    const atReport: Record<string, string | undefined> = {};
    watching(usb, seen, (id) => {
      atReport[id] = t.attr(id, 'authorized_default');
    });
    await usb.seal();
    await new Promise((r) => setTimeout(r, 100));
    t.rootHub(5);
    await until(() => seen.events.length === 1);
    expect(seen.events).toEqual(['+usb5 1d6b:0002']);
    expect(atReport.usb5).toBe('0');
    expect(await usb.sealState()).toEqual({ sealed: true, open: [] });
  });

  it('seals only the new hub: one re-opened by hand is left for the module to find and record', async () => {
    const t = tree();
    t.rootHub(1);
    const usb = createLinuxUsb({ sysfsRoot: t.sys, clock: nodeClock, uid: 0, hotplug: false });
    const seen = fresh();
    const atReport: Record<string, string | undefined> = {};
    watching(usb, seen, (id) => {
      atReport[id] = t.attr('usb1', 'authorized_default');
    });
    await usb.seal();
    await new Promise((r) => setTimeout(r, 100));
    t.setAttr('usb1', 'authorized_default', '1');
    t.rootHub(5);
    await until(() => seen.events.length === 1);
    expect(t.attr('usb5', 'authorized_default')).toBe('0');
    // Still open when the new hub is reported: the module's reseal sees it and says so.
    expect(atReport.usb5).toBe('1');
    expect(await usb.sealState()).toMatchObject({ sealed: false, open: ['usb1'] });
  });

  it('a new root hub is left alone while the agent does not seal (no --enforce)', async () => {
    const t = tree();
    t.rootHub(1);
    const usb = createLinuxUsb({ sysfsRoot: t.sys, clock: nodeClock, uid: 0, hotplug: false });
    const seen = fresh();
    watching(usb, seen);
    await new Promise((r) => setTimeout(r, 100));
    t.rootHub(2);
    await until(() => seen.events.length === 1);
    expect(t.attr('usb2', 'authorized_default')).toBe('1');
  });

  it('finds Thunderbolt routers as they come and go', async () => {
    const t = tree();
    t.rootHub(1);
    t.thunderbolt(0, 'user', {});
    const usb = createLinuxUsb({ sysfsRoot: t.sys, clock: nodeClock, uid: 0, hotplug: false });
    const seen = fresh();
    watching(usb, seen);
    await new Promise((r) => setTimeout(r, 100));
    t.thunderbolt(0, 'user', { '1': { authorized: '0', vendor: '0x8086', device: '0x1234' } });
    await until(() => seen.events.length === 1);
    expect(seen.events).toEqual(['+thunderbolt:0-1 8086:1234']);
    fs.rmSync(path.join(t.sys, 'bus/thunderbolt/devices/0-1'), { recursive: true });
    await until(() => seen.events.length === 2);
    expect(seen.events[1]).toBe('-thunderbolt:0-1');
  });

  it('close() stops it', async () => {
    const t = tree();
    t.rootHub(1);
    const usb = createLinuxUsb({ sysfsRoot: t.sys, clock: nodeClock, uid: 0, hotplug: false });
    const seen = fresh();
    const w = watching(usb, seen);
    await new Promise((r) => setTimeout(r, 100));
    w.close();
    t.plug('1-1', { descriptors: QEMU_STICK });
    await new Promise((r) => setTimeout(r, 1200));
    expect(seen.events).toEqual([]);
  });
});

class FakeHotplug extends EventEmitter {
  unrefed = false;
  INIT_ERROR?: unknown;
  unrefHotplugEvents() {
    this.unrefed = true;
  }
}

describe('detection through the usb package (libusb hotplug)', () => {
  function withHotplug(t: FakeSysfs, load: () => Promise<UsbHotplug>, seen: Seen) {
    return createLinuxUsb({
      sysfsRoot: t.sys,
      clock: nodeClock,
      uid: 0,
      hotplug: true,
      loadUsb: load,
      say: (l) => seen.said.push(l),
    });
  }

  it('attach and detach, mapped from bus and port path to the sysfs name', async () => {
    const t = tree();
    t.rootHub(1);
    const hp = new FakeHotplug();
    const seen = fresh();
    const usb = withHotplug(t, async () => hp as unknown as UsbHotplug, seen);
    expect(usb.detection).toBe('usb');
    watching(usb, seen);
    await until(() => hp.listenerCount('attach') === 1);
    expect(hp.unrefed).toBe(true);
    t.plug('1-2.3', { descriptors: QEMU_STICK });
    const t0 = Date.now();
    hp.emit('attach', { busNumber: 1, portNumbers: [2, 3] });
    await until(() => seen.events.length === 1);
    // At once, not at the next scan.
    expect(Date.now() - t0).toBeLessThan(300);
    expect(seen.events).toEqual(['+1-2.3 46f4:0001']);
    // Another device at the same port, its detach missed: reported as gone, then new.
    t.unplug('1-2.3');
    t.plug('1-2.3', { descriptors: QEMU_KEYBOARD });
    hp.emit('attach', { busNumber: 1, portNumbers: [2, 3] });
    await until(() => seen.events.length === 3);
    expect(seen.events.slice(1)).toEqual(['-1-2.3', '+1-2.3 0627:0001']);
    t.unplug('1-2.3');
    hp.emit('detach', { busNumber: 1, portNumbers: [2, 3] });
    expect(seen.events[3]).toBe('-1-2.3');
    // The scan does not report USB devices itself while libusb does.
    t.plug('1-4', { descriptors: QEMU_STICK });
    await new Promise((r) => setTimeout(r, 700));
    expect(seen.events).toHaveLength(4);
    // An attach whose device has already left is not reported.
    hp.emit('attach', { busNumber: 1, portNumbers: [7] });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.events).toHaveLength(4);
    expect(seen.said).toEqual([]);
  });

  it('a device that arrived while the package loaded is reported', async () => {
    const t = tree();
    t.rootHub(1);
    const hp = new FakeHotplug();
    const seen = fresh();
    let release!: () => void;
    const loaded = new Promise<void>((r) => {
      release = r;
    });
    const usb = withHotplug(
      t,
      async () => {
        await loaded;
        return hp as unknown as UsbHotplug;
      },
      seen,
    );
    watching(usb, seen);
    await new Promise((r) => setTimeout(r, 50));
    t.plug('1-1', { descriptors: QEMU_STICK });
    release();
    await until(() => seen.events.length === 1);
    expect(seen.events).toEqual(['+1-1 46f4:0001']);
  });

  it('falls back to the scan when the package cannot load or libusb did not start, and says so', async () => {
    for (const load of [
      async (): Promise<UsbHotplug> => {
        throw new Error('no prebuilt binary for this platform');
      },
      async () => Object.assign(new FakeHotplug(), { INIT_ERROR: true }) as unknown as UsbHotplug,
    ]) {
      const t = tree();
      t.rootHub(1);
      const seen = fresh();
      const usb = withHotplug(t, load, seen);
      watching(usb, seen);
      await until(() => usb.detection === 'sysfs-scan');
      expect(seen.said).toHaveLength(1);
      expect(seen.said[0]).toMatch(
        /^usb: the usb package cannot be used \((no prebuilt binary for this platform|libusb did not initialize)\); detecting devices by scanning sysfs every 500 ms$/,
      );
      t.plug('1-1', { descriptors: QEMU_STICK });
      await until(() => seen.events.length === 1);
      expect(seen.events).toEqual(['+1-1 46f4:0001']);
    }
  });

  it('falls back to the scan when libusb fails later', async () => {
    const t = tree();
    t.rootHub(1);
    const hp = new FakeHotplug();
    const seen = fresh();
    const usb = withHotplug(t, async () => hp as unknown as UsbHotplug, seen);
    watching(usb, seen);
    await until(() => hp.listenerCount('error') === 1);
    hp.emit('error', new Error('LIBUSB_ERROR_IO'));
    expect(usb.detection).toBe('sysfs-scan');
    expect(seen.said).toEqual([
      'usb: usb hotplug failed (LIBUSB_ERROR_IO); detecting devices by scanning sysfs every 500 ms',
    ]);
    expect(hp.listenerCount('attach')).toBe(0);
    t.plug('1-1', { descriptors: QEMU_STICK });
    await until(() => seen.events.length === 1);
    expect(seen.events).toEqual(['+1-1 46f4:0001']);
  });

  it('the real usb package (2.x) loads here, is used, and does not keep the process alive', () => {
    const t = tree();
    const script = `
      import { createLinuxUsb } from ${JSON.stringify(path.join(ROOT, 'dist/platform/linux/usb/index.js'))};
      import { nodeClock } from ${JSON.stringify(path.join(ROOT, 'dist/platform/node/clock.js'))};
      const said = [];
      const usb = createLinuxUsb({ sysfsRoot: ${JSON.stringify(t.sys)}, clock: nodeClock, uid: 0, hotplug: true, say: (l) => said.push(l) });
      usb.watch({ added() {}, removed() {}, error(e) { said.push(e.message); } });
      setTimeout(() => console.log(JSON.stringify({ detection: usb.detection, said })), 500);
    `;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ detection: 'usb', said: [] });
    // Exits by itself once the last line is printed: no unref'd hotplug thread holds it.
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
