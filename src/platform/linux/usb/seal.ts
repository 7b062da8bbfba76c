// Sealing the USB root hubs (Documentation/usb/authorization.rst): `authorized_default` on a
// root hub usbN says what happens to a device that arrives below it: 1 authorized at once (the
// kernel's default), 0 it waits unauthorized, with no driver bound, until someone writes 1 to
// its `authorized`; 2 only devices on ports the firmware calls internal are authorized. Sealed
// means 0, read back, on every root hub. `interface_authorized_default` 0 makes the interfaces
// of a device that is then authorized come up unauthorized too, so each is authorized on its
// own: how a composite device gets only its allowed interfaces.
// The mmc bus (SD/MMC cards in built-in readers, mmc.ts) is sealed beside them: 0 in
// /sys/bus/mmc/drivers_autoprobe, read back the same way, named "mmc:drivers_autoprobe" when
// it reads open.
// A controller that appears later (a Thunderbolt dock, a PCIe card) registers a new root hub,
// whose authorized_default the kernel copies from usbcore's module parameter of the same name
// (drivers/usb/core/hcd.c, usb_add_hcd: -1 by default, "all but wireless"), so it would start
// open until the agent sees it. seal() writes 0 into that parameter too
// (/sys/module/usbcore/parameters/authorized_default, writable by root at run time): from then
// on a new root hub starts sealed, and the agent's sealing it on arrival (detect.ts) is a second
// guard, not the only one. It reads back like a hub, named "usbcore.authorized_default" when it
// does not read 0 (a file that is missing or unreadable counts as open). Root hubs themselves
// are authorized whatever it says (usb_alloc_dev), so the keyboard's controller keeps working.
// Nothing writes it back at stop: a stopped agent leaves everything sealed (fail closed).
// Only release() does, for an agent being removed (`baomi usb release`, from the packages'
// uninstall steps): where a place reads 0 it gets what it had before the agent's first seal
// of this boot (recorded then: found.ts), else the kernel's own default (1 for a root hub, -1
// for usbcore's parameter, 1 for the mmc bus's drivers_autoprobe); what an administrator set
// otherwise (a hub at 2) is left as it is.
// SECURITY: `sealed` is true only when every root hub reads 0 now (checked, not assumed).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ReleaseState, SealState, UsbReason } from '../../../core/ports/usb.js';
import { MMC_SEAL_NAME, mmcAutoprobe, openMmc, sealMmc } from './mmc.js';
import { deviceNames, isRootHub, readText, type SysfsPaths, writeAttr } from './sysfs.js';
import { openThunderboltDomains } from './thunderbolt.js';

async function rootHubs(p: SysfsPaths): Promise<string[]> {
  return (await deviceNames(p)).filter(isRootHub);
}

async function hasUsbBus(p: SysfsPaths): Promise<boolean> {
  try {
    return (await fs.stat(p.bus)).isDirectory();
  } catch {
    return false;
  }
}

/** Why a write into sysfs failed, as a status reason. */
export function writeReason(code: string): UsbReason {
  if (code === 'EACCES' || code === 'EPERM') return 'USB_NOT_ROOT';
  if (code === 'EROFS') return 'USB_SYSFS_READONLY';
  return 'USB_SEAL_OPEN';
}

/** What seal state names usbcore's authorized_default parameter by, when it reads open. */
export const USBCORE_DEFAULT = 'usbcore.authorized_default';

/** Reads back every root hub (and Thunderbolt domain) and writes nothing. */
export async function readSealState(p: SysfsPaths): Promise<SealState> {
  if (!(await hasUsbBus(p))) return { sealed: false, open: [], reason: 'USB_NO_SYSFS' };
  const open: string[] = [];
  for (const hub of await rootHubs(p)) {
    const v = await readText(path.join(p.devices, hub, 'authorized_default'));
    // Unreadable counts as open: nothing says it is sealed.
    if (!v.ok || v.value.trim() !== '0') open.push(hub);
  }
  const param = await readText(p.usbcoreDefault);
  if (!param.ok || param.value.trim() !== '0') open.push(USBCORE_DEFAULT);
  open.push(...(await openThunderboltDomains(p)));
  open.push(...(await openMmc(p)));
  return open.length ? { sealed: false, open, reason: 'USB_SEAL_OPEN' } : { sealed: true, open };
}

/**
 * Writes 0 where a root hub does not read 0 yet (cheap when all are sealed: reads only), and
 * 0 into interface_authorized_default where the kernel has it; then reads back (every hub).
 * Idempotent. `only`: seal just these hubs (a controller that just appeared); without it
 * usbcore's authorized_default (new root hubs) and the mmc bus too.
 */
export async function sealRootHubs(p: SysfsPaths, only?: readonly string[]): Promise<SealState> {
  if (!(await hasUsbBus(p))) return { sealed: false, open: [], reason: 'USB_NO_SYSFS' };
  let reason: UsbReason | undefined;
  const hubs = (await rootHubs(p)).filter((h) => only === undefined || only.includes(h));
  for (const hub of hubs) {
    for (const attr of ['authorized_default', 'interface_authorized_default']) {
      const file = path.join(p.devices, hub, attr);
      const now = await readText(file);
      if (now.ok && now.value.trim() === '0') continue;
      // A kernel before 4.2 has no interface_authorized_default: nothing to seal there.
      if (!now.ok && attr === 'interface_authorized_default') continue;
      const err = await writeAttr(file, '0');
      if (err && attr === 'authorized_default') reason ??= writeReason(err);
    }
  }
  if (only === undefined) {
    const now = await readText(p.usbcoreDefault);
    if (!(now.ok && now.value.trim() === '0')) {
      const err = await writeAttr(p.usbcoreDefault, '0');
      if (err) reason ??= writeReason(err);
    }
    const mmcErr = await sealMmc(p);
    if (mmcErr) reason ??= writeReason(mmcErr);
  }
  const state = await readSealState(p);
  // Say why it could not be sealed when a write failed for a reason status can name.
  if (!state.sealed && reason && reason !== 'USB_SEAL_OPEN') return { ...state, reason };
  return state;
}

/**
 * What the kernel itself sets usbcore's authorized_default to: `usbcore.authorized_default=N`
 * on its command line (an administrator's own hardening), else -1, its default.
 */
export function kernelAuthorizedDefault(cmdline: string): number {
  const m = /(?:^|\s)usbcore\.authorized_default=(-?\d+)(?:\s|$)/.exec(cmdline);
  const v = m ? Number(m[1]) : -1;
  return [-1, 0, 1, 2].includes(v) ? v : -1;
}

/** One place the seal writes 0 into, as release and the found record (found.ts) name it. */
export interface SealPlace {
  name: string;
  file: string;
  kind: 'hub' | 'interfaces' | 'usbcore' | 'mmc';
  /** May be missing (a kernel before 4.2 has no interface_authorized_default). */
  optional?: boolean;
}

/** Every place the seal writes, in the order release handles them. */
export async function sealPlaces(p: SysfsPaths): Promise<SealPlace[]> {
  const places: SealPlace[] = [];
  for (const hub of await rootHubs(p)) {
    places.push({ name: hub, file: path.join(p.devices, hub, 'authorized_default'), kind: 'hub' });
    places.push({
      name: `${hub}:interfaces`,
      file: path.join(p.devices, hub, 'interface_authorized_default'),
      kind: 'interfaces',
      optional: true,
    });
  }
  places.push({ name: USBCORE_DEFAULT, file: p.usbcoreDefault, kind: 'usbcore', optional: true });
  const autoprobe = await mmcAutoprobe(p);
  if (autoprobe) places.push({ name: MMC_SEAL_NAME, file: autoprobe, kind: 'mmc' });
  return places;
}

/**
 * Undoes sealRootHubs for good (the agent is being removed): each place that reads sealed
 * gets what it had before the agent's first seal of this boot (`found`, found.ts: an
 * administrator's own setting made after boot, USBGuard's included), else what the kernel
 * would have given it without the agent (usbcore's parameter as the kernel command line sets
 * it, a root hub what hcd.c copies from that: -1 gives 1; interfaces and the mmc bus 1); then
 * every place is read again. A place that had 0 before the agent (found so, or
 * usbcore.authorized_default=0 on the kernel command line) is `kept`; one that reads open
 * already is `alreadyOpen`; `stillSealed` names what reads 0 after a write, with its errno.
 */
export async function releaseRootHubs(
  p: SysfsPaths,
  cmdline: string,
  found: Readonly<Record<string, string>> = {},
): Promise<ReleaseState> {
  const none = { released: [], alreadyOpen: [], kept: [], stillSealed: [] };
  if (!(await hasUsbBus(p))) return { ...none, reason: 'USB_NO_SYSFS' };
  const param = found[USBCORE_DEFAULT] ?? String(kernelAuthorizedDefault(cmdline));
  const openValue = (place: SealPlace): string => {
    const had = found[place.name];
    if (had !== undefined) return had;
    if (place.kind === 'usbcore') return param;
    // A hub the record does not know (it appeared later) started as usbcore's parameter said.
    if (place.kind === 'hub') return param === '-1' ? '1' : param;
    return '1';
  };
  const r: ReleaseState = { released: [], alreadyOpen: [], kept: [], stillSealed: [] };
  let reason: UsbReason | undefined;
  for (const place of await sealPlaces(p)) {
    const now = await readText(place.file);
    if (!now.ok && place.optional) continue;
    if (now.ok && now.value.trim() !== '0') {
      r.alreadyOpen.push(place.name);
      continue;
    }
    const open = openValue(place);
    if (open === '0') {
      r.kept.push(place.name);
      continue;
    }
    const err = now.ok ? await writeAttr(place.file, open) : null;
    const after = await readText(place.file);
    if (after.ok && after.value.trim() !== '0') r.released.push(place.name);
    else {
      r.stillSealed.push(err ? `${place.name} (${err})` : place.name);
      if (err) reason ??= writeReason(err);
    }
  }
  return { ...r, ...(reason && reason !== 'USB_SEAL_OPEN' ? { reason } : {}) };
}
