// What macOS says about USB devices, turned into UsbDevice: `ioreg -a -l -r -c IOUSBHostDevice`
// prints each USB device (hubs too) with its subtree in the IOService plane as a property
// list: the device's own properties (idVendor, idProduct, locationID, sessionID, bDeviceClass,
// the strings), its interfaces (IOUSBHostInterface: bInterfaceNumber, bInterfaceClass, …,
// kUSBString), and for storage the media the kernel made of it (IOMedia with "BSD Name"
// disk4, its partitions disk4s1, and for APFS the synthesized disk5 and its volumes), so one
// command gives both the identity and the disks to unmount. Nodes are recognised by their
// properties, not their class names (AppleUSB20Hub, AppleUSB30XHCIPort… change between
// releases). ioreg has no raw descriptors, so no device hash here (as on Windows).
// `system_profiler SPUSBDataType -json` was not used: it has no interface classes, takes
// seconds, and macOS 15 moved its content to SPUSBHostDataType.
import type { UsbDevice, UsbInterface } from '../../core/usb/types.js';
import { isDict, type PlistDict, type PlistValue, parsePlist } from './usb-plist.js';

export interface MacDisk {
  /** The whole disk the device's storage became ("disk4"). */
  bsd: string;
  /** Its leaf media that can hold a file system ("disk4s1", "disk5s1"), EFI left out. */
  volumes: string[];
}

export interface MacDevice {
  device: UsbDevice;
  /** sessionID: new at every attach, so a replug in the same port is another sighting. */
  session?: number;
  disks: MacDisk[];
}

const EFI = new Set(['EFI', 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B']);
const int = (v: PlistValue | undefined): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? v : undefined;
const text = (...vs: (PlistValue | undefined)[]): string | undefined => {
  for (const v of vs) if (typeof v === 'string' && v !== '') return v;
  return undefined;
};
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function isDevice(n: PlistDict): boolean {
  return (
    n.bInterfaceNumber === undefined &&
    n.idVendor !== undefined &&
    n.idProduct !== undefined &&
    int(n.locationID) !== undefined
  );
}

function byte(n: PlistDict, key: string, problems: string[]): string {
  const v = int(n[key]);
  if (v === undefined || v < 0 || v > 0xff) {
    problems.push(`${key} missing or not a byte`);
    return v === undefined ? '00' : 'ff';
  }
  return hex(v, 2);
}

function deviceOf(n: PlistDict): MacDevice {
  const problems: string[] = [];
  const word = (key: string) => {
    const v = int(n[key]);
    if (v === undefined || v < 0 || v > 0xffff) {
      problems.push(`${key} missing or out of range`);
      return '0000';
    }
    return hex(v, 4);
  };
  const vendor = word('idVendor');
  const product = word('idProduct');
  const deviceClass = byte(n, 'bDeviceClass', problems);
  const serial = text(n['USB Serial Number'], n.kUSBSerialNumberString);
  const manufacturer = text(n['USB Vendor Name'], n.kUSBVendorString);
  const productName = text(n['USB Product Name'], n.kUSBProductString);
  const session = int(n.sessionID);
  const location = int(n.locationID)!;
  return {
    device: {
      id: `0x${hex(location >>> 0, 8)}`,
      bus: 'usb',
      vendor,
      product,
      ...(serial !== undefined ? { serial } : {}),
      ...(manufacturer !== undefined ? { manufacturer } : {}),
      ...(productName !== undefined ? { productName } : {}),
      deviceClass,
      interfaces: [],
      ...(problems.length ? { problems } : {}),
    },
    ...(session !== undefined ? { session } : {}),
    disks: [],
  };
}

function interfaceOf(n: PlistDict, dev: UsbDevice): UsbInterface {
  const problems: string[] = [];
  const number = int(n.bInterfaceNumber) ?? -1;
  const i: UsbInterface = {
    number,
    alt: int(n.bAlternateSetting) ?? 0,
    class: byte(n, 'bInterfaceClass', problems),
    subclass: byte(n, 'bInterfaceSubClass', problems),
    protocol: byte(n, 'bInterfaceProtocol', problems),
  };
  const name = text(n.kUSBString, n['USB Interface Name']);
  if (name !== undefined) i.name = name;
  if (number < 0 || number > 0xff) problems.push('bInterfaceNumber missing or not a byte');
  if (problems.length)
    dev.problems = [...(dev.problems ?? []), ...problems.map((p) => `interface ${number}: ${p}`)];
  return i;
}

/** Parses ioreg's plist; throws when it is not one (the caller fails closed). */
export function parseIoreg(xml: string): MacDevice[] {
  const root = parsePlist(xml);
  const tops = Array.isArray(root) ? root : [root];
  const out: MacDevice[] = [];
  const seen = new Set<string>();
  const visit = (v: PlistValue, dev: MacDevice | undefined, disk: MacDisk | undefined) => {
    if (!isDict(v)) return;
    if (isDevice(v)) {
      const d = deviceOf(v);
      // `-r` prints a device behind a hub twice: inside the hub's tree and as its own root.
      const key = `${d.device.id}|${d.session ?? ''}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push(d);
      dev = d;
      disk = undefined;
    } else if (dev && v.bInterfaceNumber !== undefined) {
      dev.device.interfaces.push(interfaceOf(v, dev.device));
    } else if (dev && typeof v['BSD Name'] === 'string' && typeof v.Whole === 'boolean') {
      const bsd = v['BSD Name'];
      if (/^disk\d+(s\d+)*$/.test(bsd)) {
        if (!disk && v.Whole) {
          disk = { bsd, volumes: [] };
          dev.disks.push(disk);
        }
        if (disk && v.Leaf === true && !EFI.has(String(v.Content ?? ''))) disk.volumes.push(bsd);
      }
    }
    const children = v.IORegistryEntryChildren;
    if (Array.isArray(children)) for (const c of children) visit(c, dev, disk);
  };
  for (const t of tops) visit(t, undefined, undefined);
  for (const d of out) d.device.interfaces.sort((a, b) => a.number - b.number || a.alt - b.alt);
  return out;
}

/** `diskutil info -plist` of a volume: mounted, and whether writable (undefined: not said). */
export function parseDiskInfo(xml: string): { mountPoint?: string; writable?: boolean } {
  const d = parsePlist(xml);
  if (!isDict(d)) throw new Error('diskutil info: not a dictionary');
  const mountPoint =
    typeof d.MountPoint === 'string' && d.MountPoint !== '' ? d.MountPoint : undefined;
  const writable =
    typeof d.WritableVolume === 'boolean'
      ? d.WritableVolume
      : typeof d.ReadOnlyVolume === 'boolean'
        ? !d.ReadOnlyVolume
        : undefined;
  return {
    ...(mountPoint !== undefined ? { mountPoint } : {}),
    ...(writable !== undefined ? { writable } : {}),
  };
}
