// Reading and writing the USB part of sysfs (Documentation/ABI/testing/sysfs-bus-usb) under a
// root that tests replace with a fabricated tree. Nothing here throws: a read gives a value
// or the errno code, a write gives null or the errno code, and a device that vanished while
// it was read is simply not there (null).
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseDescriptors } from '../../../core/usb/descriptors.js';
import { deviceHash } from '../../../core/usb/hash.js';
import type { UsbDevice, UsbInterface } from '../../../core/usb/types.js';

export interface SysfsPaths {
  /** The sysfs root ("/sys"). */
  root: string;
  /** <root>/bus/usb: absent on a machine (or container) without USB. */
  bus: string;
  /** <root>/bus/usb/devices: one entry per device and per interface. */
  devices: string;
  /** <root>/bus/usb/drivers_probe: where an interface authorized late is named to be probed. */
  probe: string;
  /** <root>/bus/thunderbolt/devices. */
  thunderbolt: string;
  /** <root>/bus/mmc: SD/MMC cards in built-in readers (mmc.ts); absent until mmc_core loads. */
  mmcBus: string;
  /**
   * <root>/module/usbcore/parameters/authorized_default: what a root hub that appears later
   * (a controller hot-plugged: a Thunderbolt dock) starts with (seal.ts).
   */
  usbcoreDefault: string;
}

export function sysfsPaths(root: string): SysfsPaths {
  return {
    root,
    bus: path.join(root, 'bus/usb'),
    devices: path.join(root, 'bus/usb/devices'),
    probe: path.join(root, 'bus/usb/drivers_probe'),
    thunderbolt: path.join(root, 'bus/thunderbolt/devices'),
    mmcBus: path.join(root, 'bus/mmc'),
    usbcoreDefault: path.join(root, 'module/usbcore/parameters/authorized_default'),
  };
}

/** A device's sysfs name: a root hub "usb3", or bus-port[.port…] "1-2.3"; interfaces ("1-2:1.0") are not devices. */
const DEVICE_NAME =
  /^(usb[1-9][0-9]{0,2}|[1-9][0-9]{0,2}-[1-9][0-9]{0,2}(\.[1-9][0-9]{0,2}){0,6})$/;
const ROOT_HUB = /^usb([1-9][0-9]{0,2})$/;

export const isDeviceName = (name: string) => DEVICE_NAME.test(name);
export const isRootHub = (name: string) => ROOT_HUB.test(name);

/** The root hub a device hangs below ("1-2.3" → "usb1"). */
export function rootHubOf(name: string): string {
  return isRootHub(name) ? name : `usb${name.slice(0, name.indexOf('-'))}`;
}

/** The prefix of a device's interface folders: "1-2:" for "1-2", "1-0:" for the root hub "usb1". */
export function interfacePrefix(name: string): string {
  const hub = ROOT_HUB.exec(name);
  return hub ? `${hub[1]}-0:` : `${name}:`;
}

export type Read<T> = { ok: true; value: T } | { ok: false; code: string };

const codeOf = (e: unknown) => String((e as NodeJS.ErrnoException)?.code ?? e);

export async function readText(file: string): Promise<Read<string>> {
  try {
    return { ok: true, value: (await fs.readFile(file, 'utf8')).replace(/\n$/, '') };
  } catch (e) {
    return { ok: false, code: codeOf(e) };
  }
}

export async function readBytes(file: string): Promise<Read<Uint8Array>> {
  try {
    return { ok: true, value: new Uint8Array(await fs.readFile(file)) };
  } catch (e) {
    return { ok: false, code: codeOf(e) };
  }
}

/**
 * Writes one value the way `echo 0 > authorized` does, in a single write(2), but never
 * creates a file: a missing attribute is ENOENT, not a new file in a fabricated tree.
 * Returns null, or the errno code (ENOENT/ENODEV: the device is gone; EACCES/EPERM: not
 * root; EROFS: read-only sysfs).
 */
export async function writeAttr(file: string, value: string): Promise<string | null> {
  let h: fs.FileHandle | undefined;
  try {
    h = await fs.open(file, constants.O_WRONLY | constants.O_TRUNC);
    await h.write(value);
    return null;
  } catch (e) {
    return codeOf(e);
  } finally {
    await h?.close().catch(() => {});
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

export const GONE = new Set(['ENOENT', 'ENODEV', 'ENOTDIR']);

/** The names of the USB devices present (root hubs included), sorted; [] without sysfs. */
export async function deviceNames(p: SysfsPaths): Promise<string[]> {
  try {
    return (await fs.readdir(p.devices)).filter(isDeviceName).sort();
  } catch {
    return [];
  }
}

/** What sysfs says about one interface folder of a configured device. */
export interface InterfaceFolder {
  /** The folder's name ("1-2:1.0"): what drivers_probe is told. */
  folder: string;
  number?: number;
  alt?: number;
  class?: string;
  subclass?: string;
  protocol?: string;
  /** The interface string (iInterface), when the device has one. */
  name?: string;
  /** `authorized`: "1", "0", or undefined when the kernel has no interface authorization. */
  authorized?: string;
  /** A driver is bound (a `driver` link). */
  bound: boolean;
}

const HEX2 = /^[0-9a-f]{2}$/;

export async function interfaceFolders(p: SysfsPaths, name: string): Promise<InterfaceFolder[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(path.join(p.devices, name));
  } catch {
    return [];
  }
  const prefix = interfacePrefix(name);
  const folders = entries.filter((e) => e.startsWith(prefix)).sort();
  return Promise.all(
    folders.map(async (folder) => {
      const dir = path.join(p.devices, name, folder);
      const [num, alt, cls, sub, proto, label, auth, driver] = await Promise.all([
        readText(path.join(dir, 'bInterfaceNumber')),
        readText(path.join(dir, 'bAlternateSetting')),
        readText(path.join(dir, 'bInterfaceClass')),
        readText(path.join(dir, 'bInterfaceSubClass')),
        readText(path.join(dir, 'bInterfaceProtocol')),
        readText(path.join(dir, 'interface')),
        readText(path.join(dir, 'authorized')),
        exists(path.join(dir, 'driver')),
      ]);
      const hex = (r: Read<string>) => {
        const v = r.ok ? r.value.trim().toLowerCase() : '';
        return HEX2.test(v) ? v : undefined;
      };
      const n = hex(num);
      // bAlternateSetting is printed in decimal ("%2d"), the others in hex.
      const a = alt.ok && /^\s*\d{1,3}$/.test(alt.value) ? Number(alt.value) : undefined;
      const f: InterfaceFolder = { folder, bound: driver };
      if (n !== undefined) f.number = Number.parseInt(n, 16);
      if (a !== undefined) f.alt = a;
      const c = hex(cls);
      const s = hex(sub);
      const pr = hex(proto);
      if (c !== undefined) f.class = c;
      if (s !== undefined) f.subclass = s;
      if (pr !== undefined) f.protocol = pr;
      if (label.ok && label.value) f.name = label.value;
      if (auth.ok) f.authorized = auth.value.trim();
      return f;
    }),
  );
}

const HEX4 = /^[0-9a-f]{4}$/;

/**
 * One string attribute (serial, manufacturer, product); absent when the device has none.
 * Kept as the device gives it, control characters and all, and NOT a problem: these strings
 * decide nothing but a rule's exact `serial` (a stick that spells its serial oddly only fails
 * to match approvals), and every place that shows them escapes them (the CLI's printable(),
 * the notices' cleanLabel(), JSON in events and logs). A problem would block the device
 * (decide.ts), and a cheap keyboard with a stray byte in its product string is still a
 * keyboard. (Windows and macOS hand strings over unchecked too.)
 */
function stringAttr(r: Read<string>, attr: string, problems: string[]): string | undefined {
  if (!r.ok) {
    if (r.code !== 'ENOENT') problems.push(`${attr}: unreadable (${r.code})`);
    return undefined;
  }
  return r.value;
}

/** An id attribute (idVendor, idProduct, bDeviceClass), checked against the descriptors. */
function idAttr(
  r: Read<string>,
  attr: string,
  pattern: RegExp,
  fromDescriptors: string | undefined,
  problems: string[],
): string | undefined {
  if (!r.ok) {
    problems.push(`${attr}: ${r.code === 'ENOENT' ? 'missing' : `unreadable (${r.code})`}`);
    return fromDescriptors;
  }
  const v = r.value.trim().toLowerCase();
  if (!pattern.test(v)) {
    problems.push(`${attr}: not an id (${JSON.stringify(v.slice(0, 16))})`);
    return fromDescriptors;
  }
  if (fromDescriptors !== undefined && v !== fromDescriptors)
    problems.push(`${attr}: ${v}, but the descriptors say ${fromDescriptors}`);
  return v;
}

/** The raw descriptors and serial, for the hash (apply() compares it before authorizing). */
export async function currentHash(
  p: SysfsPaths,
  name: string,
): Promise<{ gone: boolean; hash?: string }> {
  const dir = path.join(p.devices, name);
  const [d, serial] = await Promise.all([
    readBytes(path.join(dir, 'descriptors')),
    readText(path.join(dir, 'serial')),
  ]);
  if (!d.ok) return { gone: GONE.has(d.code) && !(await exists(dir)) };
  if (d.value.length === 0) return { gone: false };
  return { gone: false, hash: deviceHash(d.value, serial.ok ? serial.value : undefined) };
}

/**
 * One USB device as a UsbDevice, or null when it is not there (or left while it was read).
 * Interface classes come from `descriptors` (an unauthorized device has no interface
 * folders); where the folders exist they add the interface strings ("MTP").
 */
export async function readUsbDevice(p: SysfsPaths, name: string): Promise<UsbDevice | null> {
  const dir = path.join(p.devices, name);
  const attr = (a: string) => readText(path.join(dir, a));
  const [raw, idVendor, idProduct, bDeviceClass, serialR, manufacturerR, productR, active] =
    await Promise.all([
      readBytes(path.join(dir, 'descriptors')),
      attr('idVendor'),
      attr('idProduct'),
      attr('bDeviceClass'),
      attr('serial'),
      attr('manufacturer'),
      attr('product'),
      attr('bConfigurationValue'),
    ]);
  const problems: string[] = [];
  let parsed: ReturnType<typeof parseDescriptors> | undefined;
  if (!raw.ok) problems.push(`descriptors: unreadable (${raw.code})`);
  else {
    const value = active.ok && /^\d{1,3}$/.test(active.value.trim()) ? Number(active.value) : NaN;
    parsed = parseDescriptors(raw.value, Number.isNaN(value) ? {} : { active: value });
    problems.push(...parsed.problems);
  }
  const vendor = idAttr(idVendor, 'idVendor', HEX4, parsed?.vendor, problems);
  const product = idAttr(idProduct, 'idProduct', HEX4, parsed?.product, problems);
  const deviceClass = idAttr(bDeviceClass, 'bDeviceClass', HEX2, parsed?.deviceClass, problems);
  const serial = stringAttr(serialR, 'serial', problems);
  const manufacturer = stringAttr(manufacturerR, 'manufacturer', problems);
  const productName = stringAttr(productR, 'product', problems);

  const folders = await interfaceFolders(p, name);
  let interfaces: UsbInterface[] = (parsed?.interfaces ?? []).map((i) => ({ ...i }));
  if (interfaces.length === 0 && folders.length > 0) {
    // No descriptors to read them from: take what the folders say.
    interfaces = folders.flatMap((f) =>
      f.number === undefined || !f.class
        ? []
        : [
            {
              number: f.number,
              alt: f.alt ?? 0,
              class: f.class,
              subclass: f.subclass ?? '00',
              protocol: f.protocol ?? '00',
            },
          ],
    );
  }
  for (const f of folders) {
    if (f.name === undefined) continue;
    const i = interfaces.find((x) => x.number === f.number && x.alt === (f.alt ?? 0));
    if (i) i.name = f.name;
  }
  // Gone while it was being read: not listed (its removal is reported by the watcher).
  if (!(await exists(dir))) return null;

  const device: UsbDevice = {
    id: name,
    bus: 'usb',
    vendor: vendor ?? '0000',
    product: product ?? '0000',
    deviceClass: deviceClass ?? '00',
    interfaces,
  };
  if (serial !== undefined) device.serial = serial;
  if (manufacturer !== undefined) device.manufacturer = manufacturer;
  if (productName !== undefined) device.productName = productName;
  if (raw.ok && raw.value.length > 0) device.hash = deviceHash(raw.value, serial);
  if (problems.length) device.problems = problems;
  return device;
}
