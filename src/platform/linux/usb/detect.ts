// Learning of devices that come and go. Where udevd runs, the npm package `usb` (libusb's
// hotplug, which listens to udev) says attach/detach at once; the device is then read from
// sysfs by its name, made from the bus number and the port path libusb reports. Elsewhere
// (a container, an initramfs, the VM test without udevd), or when `usb` cannot be loaded or
// fails later, one readdir of <sysfs>/bus/usb/devices every 500 ms, compared by name.
// Thunderbolt routers and SD/MMC cards (mmc.ts) are always found by that scan (libusb sees
// neither): where the machine has such a bus, the scan runs in libusb's mode too.
//
// A device pulled and another plugged into the same port between two scans keeps its name and
// is missed by the name comparison; it stays unauthorized under a sealed hub (fail closed)
// until the module's list() every minute sees it.
import type { Clock, Timer } from '../../../core/ports/clock.js';
import type { UsbWatchHandlers } from '../../../core/ports/usb.js';
import { isMmcCardName } from '../../../core/usb/mmc.js';
import type { UsbDevice } from '../../../core/usb/types.js';
import { mmcNames, readMmcCard } from './mmc.js';
import { deviceNames, isDeviceName, isRootHub, readUsbDevice, type SysfsPaths } from './sysfs.js';
import { readThunderboltDevice, TB_PREFIX, thunderboltNames } from './thunderbolt.js';

export const SCAN_INTERVAL_MS = 500;

/** The sysfs name of a device libusb reports: "usb<bus>" for a root hub, else "<bus>-<ports>". */
export function sysfsName(busNumber: number, portNumbers: readonly number[]): string {
  return portNumbers.length === 0 ? `usb${busNumber}` : `${busNumber}-${portNumbers.join('.')}`;
}

export interface LibusbDevice {
  busNumber: number;
  portNumbers: number[];
}

/** The part of the `usb` package this uses (tests pass a stand-in). */
export interface UsbHotplug {
  on(event: 'attach' | 'detach' | 'error', fn: (d: LibusbDevice) => void): unknown;
  removeListener(event: 'attach' | 'detach' | 'error', fn: (d: LibusbDevice) => void): unknown;
  unrefHotplugEvents?(): void;
  INIT_ERROR?: unknown;
}

export interface WatchContext {
  paths: SysfsPaths;
  clock: Clock;
  /** Loads the `usb` package's hotplug; null when it is not to be used (no udevd). */
  loadUsb: (() => Promise<UsbHotplug>) | null;
  say: (line: string) => void;
  /** Called before a new root hub is reported (the adapter seals it at once once sealing). */
  onRootHub: (name: string) => Promise<void>;
  /** Where the watcher says which source it uses now ("usb" or "sysfs-scan"). */
  setDetection: (d: 'usb' | 'sysfs-scan') => void;
  /** How often to scan when scanning (default SCAN_INTERVAL_MS). */
  scanEveryMs?: number;
  /** Whether this machine has a Thunderbolt bus (only then does libusb's mode still scan). */
  hasThunderbolt?: () => boolean;
  /** Whether this machine has a USB bus at all (none: no scanning; the module lists each minute). */
  hasUsb?: () => boolean;
  /** Whether this machine has an mmc bus (SD/MMC cards: always scanned). */
  hasMmc?: () => boolean;
  /** Called before the cards of an mmc bus that appeared since the last scan are read. */
  onMmcBus?: () => Promise<void>;
}

export function watchDevices(ctx: WatchContext, h: UsbWatchHandlers): { close(): void } {
  let closed = false;
  /** The names reported so far; null until the first scan (what is there then is not new). */
  let known: Set<string> | null = null;
  /** Who reports USB devices: the scan, or libusb's hotplug (Thunderbolt is always scanned). */
  let mode: 'starting' | 'usb' | 'scan' = 'starting';
  let timer: Timer | null = null;
  let usbOff: (() => void) | null = null;
  let failures = 0;
  let chain: Promise<void> = Promise.resolve();

  const call = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      ctx.say(`usb: a device watcher threw: ${(e as Error).message}`);
    }
  };

  /** Reports one device that appeared (read from sysfs), unless it left again already. */
  const added = async (name: string) => {
    let device: UsbDevice | null;
    try {
      if (isRootHub(name)) await ctx.onRootHub(name);
      device = name.startsWith(TB_PREFIX)
        ? await readThunderboltDevice(ctx.paths, name.slice(TB_PREFIX.length))
        : isMmcCardName(name)
          ? await readMmcCard(ctx.paths, name)
          : await readUsbDevice(ctx.paths, name);
    } catch (e) {
      ctx.say(`usb: reading ${name} failed: ${(e as Error).message}`);
      return;
    }
    if (closed || !known?.has(name)) return;
    // Left again before it could be read: forget it (its removal is not news).
    if (!device) return void known.delete(name);
    call(() => h.added(device));
  };
  const removed = (name: string) => {
    if (!closed) call(() => h.removed(name));
  };

  /** Whether the mmc bus was there at the last scan (one that appears is sealed first). */
  let mmcBus = ctx.hasMmc?.() ?? true;
  const compare = async (withUsb: boolean) => {
    if (closed) return;
    try {
      const mmcNow = ctx.hasMmc?.() ?? true;
      if (mmcNow && !mmcBus) await ctx.onMmcBus?.();
      mmcBus = mmcNow;
      const now = new Set([
        ...(withUsb ? await deviceNames(ctx.paths) : []),
        ...(ctx.hasThunderbolt && !ctx.hasThunderbolt()
          ? []
          : await thunderboltNames(ctx.paths)
        ).map((n) => `${TB_PREFIX}${n}`),
        ...(mmcNow ? await mmcNames(ctx.paths) : []),
      ]);
      if (closed) return;
      if (known === null) {
        known = now;
        return;
      }
      const before = known;
      for (const n of [...before])
        if (!now.has(n) && (withUsb || n.startsWith(TB_PREFIX) || isMmcCardName(n))) {
          before.delete(n);
          removed(n);
        }
      const fresh = [...now].filter((n) => !before.has(n));
      for (const n of fresh) before.add(n);
      await Promise.all(fresh.map(added));
      failures = 0;
    } catch (e) {
      // Reading never throws; a third failure in a row is a bug worth the module's attention.
      if (++failures === 3) call(() => h.error(e as Error));
    }
  };
  /** Scans run one after another, never overlapping. */
  const scan = (withUsb: boolean) => {
    chain = chain.then(() => compare(withUsb));
    return chain;
  };

  const every = ctx.scanEveryMs ?? SCAN_INTERVAL_MS;
  const startTimer = () => {
    if (closed || timer) return;
    const none = (has?: () => boolean) => has !== undefined && !has();
    // With libusb's events, the scan is only for Thunderbolt and SD cards: none without them.
    if (mode === 'usb' && none(ctx.hasThunderbolt) && none(ctx.hasMmc)) return;
    // No bus to scan (a container, a VM without USB): nothing can arrive between the module's
    // own looks once a minute, so an idle agent is not woken for a readdir that fails.
    if (none(ctx.hasUsb) && none(ctx.hasThunderbolt) && none(ctx.hasMmc)) return;
    timer = ctx.clock.every(every, () => void scan(mode !== 'usb'));
  };

  const useScan = (why?: string) => {
    usbOff?.();
    usbOff = null;
    mode = 'scan';
    ctx.setDetection('sysfs-scan');
    if (why) ctx.say(`usb: ${why}; detecting devices by scanning sysfs every ${every} ms`);
    startTimer();
  };

  const nameOf = (d: LibusbDevice): string | null => {
    try {
      const name = sysfsName(d.busNumber, d.portNumbers);
      return isDeviceName(name) ? name : null;
    } catch {
      return null;
    }
  };

  const useUsb = async (load: () => Promise<UsbHotplug>) => {
    let u: UsbHotplug;
    try {
      u = await load();
      if (u.INIT_ERROR) throw new Error('libusb did not initialize');
    } catch (e) {
      useScan(`the usb package cannot be used (${(e as Error).message})`);
      return;
    }
    if (closed) return;
    const onAttach = (d: LibusbDevice) => {
      const name = nameOf(d);
      // A device libusb names oddly: compare everything instead.
      if (name === null || known === null) return void scan(true);
      // Attach for a name already known: the old device left unseen; report both.
      if (known.has(name)) removed(name);
      known.add(name);
      void added(name);
    };
    const onDetach = (d: LibusbDevice) => {
      const name = nameOf(d);
      if (name === null) return void scan(true);
      if (known?.delete(name)) removed(name);
    };
    // libusb failing later (an 'error' from the package): scan from then on.
    const onError = (e: unknown) => {
      if (mode === 'usb') useScan(`usb hotplug failed (${String((e as Error)?.message ?? e)})`);
    };
    usbOff = () => {
      try {
        u.removeListener('attach', onAttach);
        u.removeListener('detach', onDetach);
        u.removeListener('error', onError);
      } catch {
        // nothing left to remove
      }
    };
    try {
      u.on('attach', onAttach);
      u.on('detach', onDetach);
      u.on('error', onError);
      u.unrefHotplugEvents?.();
    } catch (e) {
      useScan(`usb hotplug failed (${(e as Error).message})`);
      return;
    }
    mode = 'usb';
    ctx.setDetection('usb');
    // What arrived while the package loaded, then Thunderbolt (where there is such a bus).
    await scan(true);
    startTimer();
  };

  void scan(true).then(() => {
    if (closed) return;
    if (ctx.loadUsb) void useUsb(ctx.loadUsb);
    else useScan();
  });

  return {
    close() {
      closed = true;
      timer?.cancel();
      timer = null;
      usbOff?.();
      usbOff = null;
    },
  };
}
