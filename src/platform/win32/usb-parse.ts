// What Windows says about USB devices, turned into UsbDevice. The PnP manager keeps one
// device node per USB device (`USB\VID_0781&PID_5581\4C530001…`), and for a composite device
// one child node per function (`USB\VID_046D&PID_C52B&MI_01\7&2A3B…`); the class triples come
// from the nodes' compatible ids, which Windows builds from the descriptors
// (learn.microsoft.com "Standard USB Identifiers"):
//   USB\Class_08&SubClass_06&Prot_50  the interface (a single-function device, or an MI_ child)
//   USB\DevClass_00&SubClass_00&…    the device descriptor's class of a composite device
//   USB\COMPOSITE                     a composite device (its functions are MI_ children)
//   USB\MS_COMP_MTP                   a function that named itself MTP (an Android phone)
// What Windows does not give without a driver of our own: the raw descriptors (so no device
// hash: rules by hash never match on Windows) and the manufacturer string (Manufacturer on a
// PnP node is the driver package's, "Compatible USB storage device", not the device's).
import type { UsbDevice, UsbInterface } from '../../core/usb/types.js';

/** One PnP device node, as the list script prints it. */
export interface WinNode {
  /** The device instance id. */
  id: string;
  /** The setup class ("USB", "WPD", "Image", "DiskDrive"); absent before a driver is installed. */
  pnpClass?: string;
  classGuid?: string;
  /** The driver service ("USBSTOR", "UASPStor", "WUDFWpdMtp", "HidUsb"). */
  service?: string;
  /** ConfigManagerErrorCode: 0 started, 22 disabled, 28 no driver, 32 service disabled. */
  problem: number | null;
  hardwareIds: string[];
  compatibleIds: string[];
  /** DEVPKEY_Device_BusReportedDeviceDesc: the device's own product string. */
  busName?: string;
  /** DEVPKEY_Device_Parent. */
  parent?: string;
}

/** A device and the nodes that carry it (for apply: which node to disable or start). */
export interface WinDevice {
  device: UsbDevice;
  node: WinNode;
  /** Function nodes of a composite device, by interface number. */
  functions: Map<number, WinNode>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strs = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');

/** Parses the list script's JSON; throws on anything that is not a JSON array of objects. */
export function parseNodes(json: string): WinNode[] {
  const text = json.replace(/^\uFEFF/, '').trim();
  // ConvertTo-Json prints nothing for an empty pipeline; the script wraps it, but be sure.
  if (text === '') return [];
  const raw: unknown = JSON.parse(text);
  const items = Array.isArray(raw) ? raw : [raw];
  const out: WinNode[] = [];
  for (const it of items) {
    if (typeof it !== 'object' || it === null) throw new Error('not a list of PnP devices');
    const o = it as Record<string, unknown>;
    const id = str(o.id);
    if (!id) continue;
    out.push({
      id,
      pnpClass: str(o.class),
      classGuid: str(o.classGuid)?.toLowerCase(),
      service: str(o.service),
      problem: typeof o.problem === 'number' && Number.isInteger(o.problem) ? o.problem : null,
      hardwareIds: strs(o.hardwareIds),
      compatibleIds: strs(o.compatibleIds),
      busName: str(o.busName),
      parent: str(o.parent),
    });
  }
  return out;
}

export interface InstanceParts {
  vendor: string;
  product: string;
  /** The function number of a composite device's child (MI_xx), else undefined. */
  mi?: number;
  /** The serial number, when the last part is one (Windows makes one up otherwise). */
  serial?: string;
  rootHub?: boolean;
}

/**
 * A serial-less device gets an instance id made up by Windows from the parent and the port
 * ("5&1a2b3c4d&0&2"); a serial is used as it is. USB serials with characters Windows rejects
 * (control characters, commas, non-ASCII) are dropped by Windows, so they never reach here.
 */
const GENERATED = /^[0-9a-f]+&[0-9a-f]+&[0-9a-f]+(?:&[0-9a-f]+)*$/i;

export function instanceParts(
  id: string,
  hardwareIds: readonly string[] = [],
): InstanceParts | undefined {
  const m = /^USB\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})(?:&MI_([0-9A-F]{2}))?\\(.+)$/i.exec(id);
  if (m) {
    const tail = m[4]!;
    return {
      vendor: m[1]!.toLowerCase(),
      product: m[2]!.toLowerCase(),
      ...(m[3] ? { mi: Number.parseInt(m[3], 16) } : {}),
      ...(!m[3] && !GENERATED.test(tail) ? { serial: tail } : {}),
    };
  }
  if (/^USB\\ROOT_HUB[0-9A-Z]*\\/i.test(id)) {
    // USB\ROOT_HUB30&VID8086&PID9D2F&REV0021: the controller's ids, without underscores.
    for (const h of hardwareIds) {
      const r = /VID([0-9A-F]{4})&PID([0-9A-F]{4})/i.exec(h);
      if (r) return { vendor: r[1]!.toLowerCase(), product: r[2]!.toLowerCase(), rootHub: true };
    }
    return { vendor: '0000', product: '0000', rootHub: true };
  }
  return undefined;
}

const TRIPLE = /^USB\\(Dev)?Class_([0-9A-F]{2})&SubClass_([0-9A-F]{2})&Prot_([0-9A-F]{2})$/i;

/** The class triples in a node's compatible ids: the interface's and the device's. */
export function classesOf(compatibleIds: readonly string[]): {
  iface?: { class: string; subclass: string; protocol: string };
  device?: string;
  composite: boolean;
  mtp: boolean;
} {
  let iface: { class: string; subclass: string; protocol: string } | undefined;
  let device: string | undefined;
  let composite = false;
  let mtp = false;
  for (const c of compatibleIds) {
    const m = TRIPLE.exec(c);
    if (m) {
      const t = {
        class: m[2]!.toLowerCase(),
        subclass: m[3]!.toLowerCase(),
        protocol: m[4]!.toLowerCase(),
      };
      if (m[1]) device ??= t.class;
      else iface ??= t;
    }
    if (/^USB\\COMPOSITE$/i.test(c)) composite = true;
    if (/^USB\\MS_COMP_MTP$/i.test(c)) mtp = true;
  }
  return { iface, device, composite, mtp };
}

function interfaceOf(number: number, n: WinNode): UsbInterface | undefined {
  const c = classesOf(n.compatibleIds);
  if (!c.iface) return undefined;
  // Windows keeps no interface string; an MTP function announces itself through the
  // Microsoft OS descriptor (MS_COMP_MTP), which is what the core's "MTP" stands for.
  const mtp = c.mtp || (n.pnpClass === 'WPD' && c.iface.class === 'ff');
  return { number, alt: 0, ...c.iface, ...(mtp ? { name: 'MTP' } : {}) };
}

function addProblem(d: UsbDevice, p: string): void {
  d.problems = [...(d.problems ?? []), p];
}

/** Groups nodes into devices: each MI_ child joins its parent (DEVPKEY_Device_Parent). */
export function devicesOf(nodes: readonly WinNode[]): WinDevice[] {
  const out: WinDevice[] = [];
  const byId = new Map<string, WinDevice>();
  const children: { node: WinNode; parts: InstanceParts }[] = [];
  for (const node of nodes) {
    const parts = instanceParts(node.id, node.hardwareIds);
    if (parts?.mi !== undefined) {
      children.push({ node, parts });
      continue;
    }
    const problems: string[] = [];
    if (!parts) problems.push(`instance id not understood: ${node.id}`);
    const c = classesOf(node.compatibleIds);
    const interfaces: UsbInterface[] = [];
    let deviceClass = c.device ?? '00';
    if (parts?.rootHub) deviceClass = '09';
    else if (!c.composite) {
      // A single-function device: Windows shows one triple, from the device descriptor when
      // bDeviceClass is set, else from its only interface; either way it is the function.
      const i = interfaceOf(0, node);
      if (i) interfaces.push(i);
      else problems.push('no class in the compatible ids');
      if (i?.class === '09') deviceClass = '09';
    }
    const device: UsbDevice = {
      id: node.id,
      bus: 'usb',
      vendor: parts?.vendor ?? '0000',
      product: parts?.product ?? '0000',
      ...(parts?.serial !== undefined ? { serial: parts.serial } : {}),
      ...(node.busName !== undefined ? { productName: node.busName } : {}),
      deviceClass,
      interfaces,
      ...(problems.length ? { problems } : {}),
    };
    const wd: WinDevice = { device, node, functions: new Map() };
    out.push(wd);
    byId.set(node.id.toUpperCase(), wd);
  }
  for (const { node, parts } of children) {
    let parent = node.parent ? byId.get(node.parent.toUpperCase()) : undefined;
    if (!parent) {
      // No parent property (older Windows, a read that failed): the one composite device
      // with the same vendor and product, if there is exactly one.
      const same = out.filter(
        (d) =>
          d.device.vendor === parts.vendor &&
          d.device.product === parts.product &&
          classesOf(d.node.compatibleIds).composite,
      );
      if (same.length === 1) parent = same[0];
    }
    if (!parent) {
      out.push({
        device: {
          id: node.id,
          bus: 'usb',
          vendor: parts.vendor,
          product: parts.product,
          deviceClass: '00',
          interfaces: [],
          problems: ['a function whose device was not found'],
        },
        node,
        functions: new Map(),
      });
      continue;
    }
    const mi = parts.mi!;
    parent.functions.set(mi, node);
    const i = interfaceOf(mi, node);
    if (i) parent.device.interfaces.push(i);
    else addProblem(parent.device, `function ${mi}: no class in the compatible ids`);
  }
  for (const d of out) {
    d.device.interfaces.sort((a, b) => a.number - b.number);
    if (classesOf(d.node.compatibleIds).composite && d.device.interfaces.length === 0)
      addProblem(d.device, 'a composite device whose functions are not listed');
  }
  return out;
}

/** The node runs USB mass storage (USBSTOR, or UASPStor for USB Attached SCSI). */
export function isMassStorage(n: WinNode): boolean {
  return classesOf(n.compatibleIds).iface?.class === '08';
}

/** An MTP or PTP function (a phone, a camera): storage without a disk, no read-only here. */
export function isPortableStorage(n: WinNode): boolean {
  const c = classesOf(n.compatibleIds);
  return c.mtp || c.iface?.class === '06' || n.pnpClass === 'WPD' || n.pnpClass === 'Image';
}
