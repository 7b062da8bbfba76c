// Thunderbolt / USB4 (Documentation/admin-guide/thunderbolt.rst): a device behind a domain
// whose `security` is user or secure arrives with `authorized` 0 and gets its PCIe tunnel
// only when 1 is written; `none` connects everything at once and only the firmware setup can
// change that, so such a domain is reported open (it cannot be sealed by software). `dponly`,
// `usbonly` and `nopcie` tunnel no PCIe at all: USB behind them shows up as ordinary USB
// devices under a root hub, which seal() covers.
//
// A Thunderbolt device goes through decide() like a USB device, with bus "thunderbolt", id
// "thunderbolt:<name>" (domain 1's "1-1" would otherwise collide with USB's "1-1"), the
// vendor and device ids from sysfs, its `unique_id` as serial, deviceClass "ff" and no
// interfaces: what a PCIe tunnel carries (a dock's USB controller, an NVMe disk, a network
// card) is not known until it is authorized, and no storage or HID class can be claimed for
// it. Policies allow or block Thunderbolt devices by vendor and product. No hash (there are
// no USB descriptors to hash). Not covered: the per-device keys of `secure` mode, boltd
// (which may authorize devices it has enrolled, beside the agent), and the IOMMU's DMA
// protection.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ApplyResult } from '../../../core/ports/usb.js';
import type { Decision, UsbDevice } from '../../../core/usb/types.js';
import { GONE, readText, type SysfsPaths, writeAttr } from './sysfs.js';

export const TB_PREFIX = 'thunderbolt:';
/** A router "<domain>-<route in hex>"; route 0 is the host's own and is never listed. */
const ROUTER = /^([0-9]{1,3})-([0-9a-f]{1,16})$/;
const DOMAIN = /^domain[0-9]{1,3}$/;
/** Security levels under which a new device waits for `authorized` (or gets no PCIe at all). */
const SEALED_LEVELS = new Set(['user', 'secure', 'dponly', 'usbonly', 'nopcie']);

async function entries(p: SysfsPaths): Promise<string[]> {
  try {
    return (await fs.readdir(p.thunderbolt)).sort();
  } catch {
    return [];
  }
}

/** Thunderbolt router names that are devices (not the host router, not domains or retimers). */
export async function thunderboltNames(p: SysfsPaths): Promise<string[]> {
  return (await entries(p)).filter((n) => {
    const m = ROUTER.exec(n);
    return m !== null && Number.parseInt(m[2]!, 16) !== 0;
  });
}

/** Domains whose security level lets devices in without the agent ("thunderbolt:domain0"). */
export async function openThunderboltDomains(p: SysfsPaths): Promise<string[]> {
  const open: string[] = [];
  for (const d of (await entries(p)).filter((n) => DOMAIN.test(n))) {
    const s = await readText(path.join(p.thunderbolt, d, 'security'));
    if (!s.ok || !SEALED_LEVELS.has(s.value.trim())) open.push(`${TB_PREFIX}${d}`);
  }
  return open;
}

/** "0x8086" (the kernel prints "%#x", so 0 is "0") → "8086". */
function tbId(r: Awaited<ReturnType<typeof readText>>, attr: string, problems: string[]): string {
  const v = r.ok ? r.value.trim().toLowerCase() : '';
  const m = /^(?:0x)?([0-9a-f]{1,4})$/.exec(v);
  if (m) return m[1]!.padStart(4, '0');
  problems.push(
    r.ok ? `${attr}: not an id (${JSON.stringify(v.slice(0, 16))})` : `${attr}: missing`,
  );
  return '0000';
}

export async function readThunderboltDevice(
  p: SysfsPaths,
  name: string,
): Promise<UsbDevice | null> {
  const dir = path.join(p.thunderbolt, name);
  const a = (attr: string) => readText(path.join(dir, attr));
  const [authorized, vendor, device, vendorName, deviceName, uniqueId] = await Promise.all([
    a('authorized'),
    a('vendor'),
    a('device'),
    a('vendor_name'),
    a('device_name'),
    a('unique_id'),
  ]);
  // Only routers with an `authorized` file can be decided; a vanished one is not listed.
  if (!authorized.ok) return null;
  const problems: string[] = [];
  const d: UsbDevice = {
    id: `${TB_PREFIX}${name}`,
    bus: 'thunderbolt',
    vendor: tbId(vendor, 'vendor', problems),
    product: tbId(device, 'device', problems),
    deviceClass: 'ff',
    interfaces: [],
  };
  if (uniqueId.ok && uniqueId.value) d.serial = uniqueId.value.trim();
  if (vendorName.ok && vendorName.value) d.manufacturer = vendorName.value;
  if (deviceName.ok && deviceName.value) d.productName = deviceName.value;
  if (problems.length) d.problems = problems;
  return d;
}

export async function listThunderbolt(p: SysfsPaths): Promise<UsbDevice[]> {
  const all = await Promise.all(
    (await thunderboltNames(p)).map((n) => readThunderboltDevice(p, n)),
  );
  return all.filter((d): d is UsbDevice => d !== null);
}

/** Authorizes (1) or deauthorizes (0) a Thunderbolt device; read-only is not possible here. */
export async function applyThunderbolt(
  p: SysfsPaths,
  device: UsbDevice,
  decision: Decision,
): Promise<ApplyResult> {
  const name = device.id.slice(TB_PREFIX.length);
  if (!ROUTER.test(name) || Number.parseInt(name.split('-')[1]!, 16) === 0)
    return { applied: 'block', error: `not a Thunderbolt device name: ${JSON.stringify(name)}` };
  const file = path.join(p.thunderbolt, name, 'authorized');
  const readOnly = decision.verdict === 'read-only';
  const want = decision.verdict === 'block' || readOnly ? '0' : '1';
  const err = await writeAttr(file, want);
  if (err && GONE.has(err)) return { applied: 'block', gone: true };
  const now = await readText(file);
  const result: ApplyResult = {
    applied: !now.ok || now.value.trim() === '0' ? 'block' : readOnly ? 'block' : decision.verdict,
  };
  if (!now.ok && GONE.has(now.code)) result.gone = true;
  if (readOnly) result.readOnlyFellBack = true;
  if (err) result.error = `thunderbolt ${name}: writing ${want} to authorized failed (${err})`;
  return result;
}
