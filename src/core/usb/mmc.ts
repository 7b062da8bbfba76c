// An SD/MMC card in a built-in reader as the normalised device decide() takes (issue 9, point
// 2: a laptop's card reader is a PCI or platform SD host controller, not USB, so no USB seal
// covers it). Pure: the Linux adapter (src/platform/linux/usb/mmc.ts) reads the card's
// attributes from /sys/bus/mmc/devices/mmcN:RRRR/ (drivers/mmc/core/{bus,sd,mmc,sdio}.c) and
// hands their text here.
//
// The device, for a memory card (type SD: SD, SDHC, SDXC, microSD; SDcombo; MMC):
//   id           the sysfs name, "mmc0:4567" (host mmc0, relative card address 0x4567)
//   bus          "mmc"
//   vendor       manfid ("0x000003" → "0003"; SD and MMC makers are 8-bit ids)
//   product      oemid ("0x5344" → "5344": two ASCII letters on SD, "SD" here)
//   serial       serial, 8 lowercase hex digits without "0x" ("0x1234abcd" → "1234abcd")
//   productName  name (the card's 5- or 6-character product name, "SU08G")
//   deviceClass  "08", with one interface 0 of class 08/00/00: a rule with class "08"
//                matches every card, as it matches every USB stick
//   hash         SHA-256 of the 16 bytes of `cid` (maker, OEM, name, revision, serial,
//                manufacturing date, CRC: different on every card) followed by the serial as
//                above, the same formula as a USB device's (deviceHash over raw bytes + serial)
//   mmc          {type, fixed}
// An SDIO card (Wi-Fi, Bluetooth; type SDIO) has no CID: vendor and product are its CIS
// `vendor` and `device`, no serial, no hash, device class "ff" with one interface of class ff:
// not storage, so allowed unless a rule with matchers says otherwise.
//
// `fixed`: the host controller says its card cannot be removed (eMMC soldered on the board,
// often the system disk). Kernels 6.6 and later say so in the card's `removable` ("fixed" or
// "removable"); older ones do not (nor does one that reads "unknown"). There the card alone
// proves nothing: eMMC is type MMC, but so is an MMC or MMCplus card, and anything that
// answers as one. So mmcDevice() calls a card fixed only when the kernel does; a card of type
// MMC the kernel says nothing about (mayBeBuiltIn) is made fixed by the usb module only when
// it was present at the agent's first scan since boot (asBuiltIn): soldered eMMC is there from
// power-on and is never hot-plugged, so a card that arrives later, or one seen to leave, is
// removable storage under policy (src/agent/usb/boot.ts keeps that list per boot id).
// SECURITY: vendor, product, serial and CID are what the card says about itself (a card can be
// made to report anything, as a USB stick can): README, "what a rule can prove". Policies pin
// cards by this hash: changing what is hashed unpins every one.
import { deviceHash } from './hash.js';
import type { UsbDevice, UsbInterface } from './types.js';

/** The attribute files read, as text (undefined: the file is not there). */
export interface MmcAttributes {
  type?: string;
  manfid?: string;
  oemid?: string;
  name?: string;
  serial?: string;
  cid?: string;
  /** "fixed", "removable" or "unknown" (kernels 6.6 and later). */
  removable?: string;
  /** SDIO cards: the CIS vendor and device ids ("0x02d0"). */
  vendor?: string;
  device?: string;
}

/** The card types the kernel names (mmc_add_card). */
export const MMC_TYPES = ['MMC', 'SD', 'SDIO', 'SDcombo'] as const;

/** A card the agent decides by (its sysfs name): "mmc0:4567". */
const CARD_NAME = /^mmc[0-9]{1,3}:[0-9a-f]{4}$/;
export const isMmcCardName = (name: string): boolean => CARD_NAME.test(name);

/** "0x0000aa" → "00aa"; an id wider than 4 hex digits, or no id, is undefined. */
function hexId(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const m = /^0x([0-9a-f]{1,6})$/i.exec(v);
  if (!m) return undefined;
  const n = Number.parseInt(m[1]!, 16);
  return n <= 0xffff ? n.toString(16).padStart(4, '0') : undefined;
}

/** The 16 bytes of a CID printed as 32 hex digits. */
function cidBytes(v: string | undefined): Uint8Array | undefined {
  if (v === undefined || !/^[0-9a-f]{32}$/i.test(v)) return undefined;
  return Uint8Array.from(v.match(/[0-9a-f]{2}/gi)!, (h) => Number.parseInt(h, 16));
}

/** Every attribute without the white space around it (sysfs ends each with a newline). */
function trimmed(a: MmcAttributes): MmcAttributes {
  const out: MmcAttributes = {};
  for (const [k, v] of Object.entries(a) as [keyof MmcAttributes, string | undefined][])
    if (v !== undefined) out[k] = v.trim();
  return out;
}

/** Whether the kernel calls the card built in (see the header): only its `removable` can. */
export function mmcFixed(raw: Pick<MmcAttributes, 'type' | 'removable'>): boolean {
  return trimmed(raw).removable === 'fixed';
}

/** What `removable` says, kept when it is one of the kernel's words (device_removable_show). */
const REMOVABLE = ['fixed', 'removable', 'unknown'] as const;

/**
 * A card of type MMC the kernel says nothing about (no `removable` before 6.6, or "unknown"):
 * built in only if it was present at the agent's first scan since boot (see the header).
 */
export function mayBeBuiltIn(d: UsbDevice): boolean {
  return (
    d.bus === 'mmc' &&
    d.mmc?.type === 'MMC' &&
    d.mmc.removable !== 'fixed' &&
    d.mmc.removable !== 'removable'
  );
}

/** The card as built in, when it may be one (mayBeBuiltIn); anything else unchanged. */
export function asBuiltIn(d: UsbDevice): UsbDevice {
  return mayBeBuiltIn(d) && d.mmc ? { ...d, mmc: { ...d.mmc, fixed: true } } : d;
}

/** A value for a problem's text: quoted, at most 16 characters. */
const shown = (v: string) => JSON.stringify(v.slice(0, 16));

export function mmcDevice(name: string, raw: MmcAttributes): UsbDevice {
  const a = trimmed(raw);
  const problems: string[] = [];
  const type = a.type;
  if (type === undefined || type === '') problems.push('type: missing');
  else if (!(MMC_TYPES as readonly string[]).includes(type))
    problems.push(`type: unknown (${shown(type)})`);
  const id = (attr: 'manfid' | 'oemid' | 'vendor' | 'device'): string => {
    const v = hexId(a[attr]);
    if (v !== undefined) return v;
    const was = a[attr];
    problems.push(`${attr}: ${was === undefined ? 'missing' : `not an id (${shown(was)})`}`);
    return '0000';
  };
  const removable = (REMOVABLE as readonly (string | undefined)[]).includes(a.removable)
    ? { removable: a.removable as string }
    : {};
  const mmc = { type: type || 'unknown', fixed: mmcFixed(a), ...removable };

  if (type === 'SDIO') {
    const sdio: UsbInterface = { number: 0, alt: 0, class: 'ff', subclass: '00', protocol: '00' };
    const d: UsbDevice = {
      id: name,
      bus: 'mmc',
      vendor: id('vendor'),
      product: id('device'),
      deviceClass: 'ff',
      interfaces: [sdio],
      mmc,
    };
    if (problems.length > 0) d.problems = problems;
    return d;
  }

  // A memory card, or a card of a type this code does not know: storage (fail closed).
  const d: UsbDevice = {
    id: name,
    bus: 'mmc',
    vendor: id('manfid'),
    product: id('oemid'),
    deviceClass: '08',
    interfaces: [{ number: 0, alt: 0, class: '08', subclass: '00', protocol: '00' }],
    mmc,
  };
  const serial = a.serial === undefined ? null : /^0x([0-9a-f]{1,8})$/i.exec(a.serial);
  if (serial) d.serial = serial[1]!.toLowerCase().padStart(8, '0');
  else problems.push(`serial: ${a.serial === undefined ? 'missing' : 'not a number'}`);
  if (a.name) d.productName = a.name;
  const cid = cidBytes(a.cid);
  if (cid) d.hash = deviceHash(cid, d.serial);
  else problems.push(`cid: ${a.cid === undefined ? 'missing' : 'not 32 hex digits'}`);
  if (problems.length > 0) d.problems = problems;
  return d;
}
