// USB device control on Linux through sysfs (DESIGN.md "Sealing USB", issue 9): the UsbControl
// port over sysfs.ts (reading devices), seal.ts (root hubs' authorized_default),
// enforce.ts (authorized per device and interface; read-only through read-only.ts and the udev
// rule in native/udev), detect.ts (libusb hotplug or a sysfs scan), thunderbolt.ts and mmc.ts
// (SD/MMC cards in built-in readers: the mmc bus's drivers_autoprobe, bind and unbind).
// Every path is below `sysfsRoot` (and its siblings for udev and /run), so tests run it on a
// fabricated tree. Nothing here decides: src/core/usb/decide.ts does, the usb module tells.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../../core/ports/clock.js';
import type { CommandRunner } from '../../../core/ports/commands.js';
import type { UsbControl, UsbReason } from '../../../core/ports/usb.js';
import { type UsbHotplug, watchDevices } from './detect.js';
import { applyUsb } from './enforce.js';
import { forgetFound, readFound, recordFound } from './found.js';
import { applyMmc, listMmc, sealMmc } from './mmc.js';
import { type ReadOnlyPaths, readOnlyPaths } from './read-only.js';
import { readSealState, releaseRootHubs, sealRootHubs } from './seal.js';
import {
  deviceNames,
  isDeviceName,
  isRootHub,
  readUsbDevice,
  sysfsPaths,
  writeAttr,
} from './sysfs.js';
import { applyThunderbolt, listThunderbolt, TB_PREFIX } from './thunderbolt.js';

export interface LinuxUsbOptions {
  /** "/sys"; tests: a fabricated tree. */
  sysfsRoot?: string;
  clock: Clock;
  /** The agent's uid (enforcing needs 0). */
  uid: number;
  /** A line about a capability found missing at run time (said once by the caller). */
  say?: (line: string) => void;
  /** Where udev rules, udevd's control socket, the helper and the read-only marks are. */
  readOnly?: Partial<ReadOnlyPaths>;
  /** Whether to use the `usb` package: by default where udevd runs. */
  hotplug?: boolean;
  /** Loads the `usb` package (tests pass a stand-in). */
  loadUsb?: () => Promise<UsbHotplug>;
  /** How long apply() waits for interface folders after authorizing (default 2000 ms). */
  interfaceWaitMs?: number;
  /** How long apply() waits for read-only storage's disks to read read-only (default 5000 ms). */
  readOnlyWaitMs?: number;
  /** Runs `blockdev --setro` for read-only SD cards (mmc.ts). */
  commands?: CommandRunner;
  /** Where the device nodes are (default: "dev" beside the sysfs root, i.e. /dev). */
  devDir?: string;
  /** How long apply() waits for mmc_block to take an allowed card (default 2000 ms). */
  bindWaitMs?: number;
}

const loadUsbPackage = async (): Promise<UsbHotplug> =>
  (await import('usb')).usb as unknown as UsbHotplug;

export function createLinuxUsb(o: LinuxUsbOptions): UsbControl {
  const paths = sysfsPaths(o.sysfsRoot ?? '/sys');
  const ro = readOnlyPaths(paths.root, o.readOnly);
  const say = o.say ?? (() => {});
  const udevRuns = fs.existsSync(ro.udevControl);
  const hotplug = o.hotplug ?? udevRuns;
  let detection: 'usb' | 'sysfs-scan' = hotplug ? 'usb' : 'sysfs-scan';
  /** Set once seal() ran: from then on a root hub that appears is sealed before it is reported. */
  let sealing = false;
  const enforce = {
    paths,
    readOnly: ro,
    clock: o.clock,
    interfaceWaitMs: o.interfaceWaitMs ?? 2_000,
    readOnlyWaitMs: o.readOnlyWaitMs ?? 5_000,
  };
  const mmc = {
    paths,
    readOnly: ro,
    clock: o.clock,
    ...(o.commands ? { commands: o.commands } : {}),
    devDir: o.devDir ?? path.join(path.dirname(path.resolve(paths.root)), 'dev'),
    bindWaitMs: o.bindWaitMs ?? 2_000,
  };

  const control: UsbControl = {
    name: 'sysfs',
    get detection() {
      return detection;
    },

    async enforceProblem(): Promise<UsbReason | null> {
      try {
        if (!(await fsp.stat(paths.bus)).isDirectory()) return 'USB_NO_SYSFS';
      } catch {
        return 'USB_NO_SYSFS';
      }
      if (o.uid !== 0) return 'USB_NOT_ROOT';
      // Open (never write) a root hub's authorized_default for writing: a read-only sysfs
      // (a container) refuses with EROFS, a lacking capability with EACCES.
      const hub = (await deviceNames(paths)).find(isRootHub);
      if (!hub) return null;
      try {
        const h = await fsp.open(path.join(paths.devices, hub, 'authorized_default'), 'r+');
        await h.close();
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'USB_SYSFS_READONLY';
      }
      return null;
    },

    async list() {
      const names = await deviceNames(paths);
      const usb = await Promise.all(names.map((n) => readUsbDevice(paths, n)));
      return [
        ...usb.filter((d) => d !== null),
        ...(await listThunderbolt(paths)),
        ...(await listMmc(paths)),
      ];
    },

    watch(h, wo) {
      return watchDevices(
        {
          paths,
          ...(wo?.scanEveryMs ? { scanEveryMs: wo.scanEveryMs } : {}),
          hasThunderbolt: () => fs.existsSync(path.dirname(paths.thunderbolt)),
          hasUsb: () => fs.existsSync(paths.bus),
          hasMmc: () => fs.existsSync(paths.mmcBus),
          // An mmc bus that appears (mmc_core loaded after the agent started) is sealed before
          // its cards are read: from then on a card waits unbound.
          onMmcBus: async () => {
            if (sealing) await sealMmc(paths);
          },
          clock: o.clock,
          loadUsb: hotplug ? (o.loadUsb ?? loadUsbPackage) : null,
          say,
          // Only the new hub: one that someone re-opened is the module's to find and record
          // (usb.enforcement-lost), not to be sealed here without a word.
          onRootHub: async (name) => {
            if (sealing) await sealRootHubs(paths, [name]);
          },
          setDetection: (d) => {
            detection = d;
          },
        },
        h,
      );
    },

    async seal(so) {
      // Once per process, before the first 0 is written: what release gives back (found.ts).
      if (!sealing) {
        const err = await recordFound(paths, o.clock, { ownZeros: so?.earlierThisBoot === true });
        if (err)
          say(
            `usb: cannot record what the ports had before the seal (${err}); \`baomi usb release\` will give them the kernel's defaults`,
          );
      }
      sealing = true;
      return sealRootHubs(paths);
    },

    sealState: () => readSealState(paths),

    async release() {
      sealing = false;
      // The kernel command line beside the sysfs root (/proc/cmdline; tests: their tree's).
      const cmdline = await fsp
        .readFile(path.join(path.dirname(path.resolve(paths.root)), 'proc', 'cmdline'), 'utf8')
        .catch(() => '');
      const found = await readFound(paths);
      const r = await releaseRootHubs(paths, cmdline, found ?? {});
      // Given back: a later agent of this boot records afresh what it then finds.
      if (r.stillSealed.length === 0 && !r.reason) await forgetFound(paths);
      return r;
    },

    async apply(device, decision) {
      try {
        if (device.bus === 'thunderbolt' || device.id.startsWith(TB_PREFIX))
          return await applyThunderbolt(paths, device, decision);
        if (device.bus === 'mmc') return await applyMmc(mmc, device, decision);
        return await applyUsb(enforce, device, decision);
      } catch (e) {
        // Not expected (every step returns its errors). Fail closed: take it away again.
        const error = `apply failed: ${(e as Error).message}`;
        if (device.bus === 'usb' && isDeviceName(device.id) && !isRootHub(device.id))
          await writeAttr(path.join(paths.devices, device.id, 'authorized'), '0');
        if (device.bus === 'mmc' && device.mmc?.fixed !== true)
          await applyMmc(mmc, device, { ...decision, verdict: 'block' }).catch(() => {});
        return { applied: 'block', error };
      }
    },
  };
  return control;
}
