// The raw USB descriptors as Linux shows them in sysfs (`/sys/bus/usb/devices/<dev>/descriptors`):
// the 18-byte device descriptor, then each configuration's raw descriptors (the 9-byte
// configuration descriptor and everything wTotalLength covers: interface, endpoint,
// class-specific, association descriptors). Multi-byte fields are little-endian, as on the
// wire (the kernel keeps them so). An unauthorized device has no interface folders in sysfs,
// so this is where its interface classes come from (DESIGN.md "USB rules").
//
// SECURITY: the bytes come from the device and can be anything. The walk only moves forward
// (a bLength below 2 stops it), never reads past the end, and says in `problems` what it
// could not make sense of; deciding what a problem means is decide()'s job (it fails closed).
import type { UsbInterface } from './types.js';

export interface ParsedConfiguration {
  /** bConfigurationValue (what `bConfigurationValue` in sysfs reads once it is active). */
  value: number;
  /** bNumInterfaces as declared. */
  declaredInterfaces: number;
  /** Every interface descriptor, alternates included, in the order the device gave them. */
  interfaces: UsbInterface[];
}

export interface ParsedDescriptors {
  /** idVendor / idProduct, four lowercase hex digits; absent when the device descriptor is cut short. */
  vendor?: string;
  product?: string;
  /** bDeviceClass, two lowercase hex digits. */
  deviceClass?: string;
  /** bNumConfigurations as declared. */
  declaredConfigurations?: number;
  configurations: ParsedConfiguration[];
  /** Index into `configurations` that `interfaces` come from; -1 when there is none. */
  chosen: number;
  /**
   * How it was chosen: `active` (the bConfigurationValue the caller passed, read from sysfs
   * for a configured device), `only` (a single configuration), `kernel` (several: the one
   * Linux's usb_choose_configuration() would pick, see pickConfiguration), `none`.
   */
  chosenBy: 'active' | 'only' | 'kernel' | 'none';
  /** The interfaces of the chosen configuration (alternates included). */
  interfaces: UsbInterface[];
  /** What made no sense, one line each (empty when the bytes are well formed). */
  problems: string[];
}

const DEVICE_LENGTH = 18;
const CONFIG_LENGTH = 9;
const INTERFACE_LENGTH = 9;
const TYPE_DEVICE = 1;
const TYPE_CONFIG = 2;
const TYPE_INTERFACE = 4;
const CLASS_VENDOR = 'ff';

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const hex4 = (n: number) => n.toString(16).padStart(4, '0');
const le16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);

export interface ParseOptions {
  /** bConfigurationValue of the active configuration, when the device is configured. */
  active?: number;
}

export function parseDescriptors(bytes: Uint8Array, o: ParseOptions = {}): ParsedDescriptors {
  const problems: string[] = [];
  const out: ParsedDescriptors = {
    configurations: [],
    chosen: -1,
    chosenBy: 'none',
    interfaces: [],
    problems,
  };
  if (bytes.length < DEVICE_LENGTH) {
    problems.push(
      bytes.length === 0
        ? 'descriptors: empty'
        : `descriptors: device descriptor cut short (${bytes.length} of 18 bytes)`,
    );
    return out;
  }
  if (bytes[0] !== DEVICE_LENGTH || bytes[1] !== TYPE_DEVICE)
    problems.push(
      `descriptors: not a device descriptor (bLength ${bytes[0]}, bDescriptorType ${bytes[1]})`,
    );
  out.deviceClass = hex2(bytes[4]!);
  out.vendor = hex4(le16(bytes, 8));
  out.product = hex4(le16(bytes, 10));
  out.declaredConfigurations = bytes[17]!;

  let at = DEVICE_LENGTH;
  while (at < bytes.length) {
    const config = parseConfiguration(bytes, at, problems);
    if (!config) break;
    out.configurations.push(config.parsed);
    at = config.next;
  }
  if (out.configurations.length !== out.declaredConfigurations)
    problems.push(
      `descriptors: ${out.declaredConfigurations} configurations declared, ${out.configurations.length} found`,
    );

  const pick = pickConfiguration(out.configurations, out.deviceClass, o.active, problems);
  out.chosen = pick.index;
  out.chosenBy = pick.by;
  if (pick.index >= 0) out.interfaces = out.configurations[pick.index]!.interfaces;
  return out;
}

/** One configuration at `at`, or null when none can be read there (said in problems). */
function parseConfiguration(
  bytes: Uint8Array,
  at: number,
  problems: string[],
): { parsed: ParsedConfiguration; next: number } | null {
  const left = bytes.length - at;
  if (left < CONFIG_LENGTH) {
    problems.push(`descriptors: ${left} stray bytes at offset ${at}`);
    return null;
  }
  const length = bytes[at]!;
  const type = bytes[at + 1]!;
  const total = le16(bytes, at + 2);
  if (type !== TYPE_CONFIG || length < CONFIG_LENGTH || total < length) {
    problems.push(
      `descriptors: no configuration descriptor at offset ${at} (bLength ${length}, bDescriptorType ${type}, wTotalLength ${total})`,
    );
    return null;
  }
  const parsed: ParsedConfiguration = {
    value: bytes[at + 5]!,
    declaredInterfaces: bytes[at + 4]!,
    interfaces: [],
  };
  let end = at + total;
  if (end > bytes.length) {
    problems.push(
      `descriptors: configuration ${parsed.value} cut short (${left} of ${total} bytes)`,
    );
    end = bytes.length;
  }
  // The descriptors inside: take interfaces, step over everything else by its bLength.
  let p = at + length;
  while (p < end) {
    const len = bytes[p]!;
    if (len < 2) {
      problems.push(`descriptors: descriptor of bLength ${len} at offset ${p}`);
      break;
    }
    if (p + len > end) {
      problems.push(`descriptors: descriptor at offset ${p} runs past its configuration`);
      break;
    }
    if (bytes[p + 1] === TYPE_INTERFACE) {
      if (len < INTERFACE_LENGTH)
        problems.push(`descriptors: interface descriptor of bLength ${len} at offset ${p}`);
      else parsed.interfaces.push(interfaceAt(bytes, p));
    }
    p += len;
  }
  const numbers = new Set(parsed.interfaces.map((i) => i.number));
  if (numbers.size !== parsed.declaredInterfaces)
    problems.push(
      `descriptors: configuration ${parsed.value} declares ${parsed.declaredInterfaces} interfaces, has ${numbers.size}`,
    );
  const seen = new Set<string>();
  for (const i of parsed.interfaces) {
    const key = `${i.number}/${i.alt}`;
    if (seen.has(key))
      problems.push(
        `descriptors: configuration ${parsed.value} lists interface ${i.number} alternate ${i.alt} twice`,
      );
    seen.add(key);
  }
  return { parsed, next: at + total };
}

function interfaceAt(bytes: Uint8Array, p: number): UsbInterface {
  return {
    number: bytes[p + 2]!,
    alt: bytes[p + 3]!,
    class: hex2(bytes[p + 5]!),
    subclass: hex2(bytes[p + 6]!),
    protocol: hex2(bytes[p + 7]!),
  };
}

/**
 * Which configuration the device will run: the active one when the caller knows it; else
 * the only one; else the one Linux would choose when it is authorized
 * (drivers/usb/core/generic.c, usb_choose_configuration): the first whose first interface is
 * not vendor-specific (unless the device itself is vendor-specific), else the first. Its
 * special cases (bus power, audio, RNDIS) are left out: the adapter checks, after
 * authorizing, that the interfaces the kernel brought up are the ones that were decided.
 */
function pickConfiguration(
  configs: ParsedConfiguration[],
  deviceClass: string,
  active: number | undefined,
  problems: string[],
): { index: number; by: ParsedDescriptors['chosenBy'] } {
  if (active !== undefined) {
    const index = configs.findIndex((c) => c.value === active);
    if (index >= 0) return { index, by: 'active' };
    problems.push(`descriptors: the active configuration ${active} is not among them`);
  }
  if (configs.length === 0) return { index: -1, by: 'none' };
  if (configs.length === 1) return { index: 0, by: 'only' };
  const index = configs.findIndex(
    (c) =>
      deviceClass !== CLASS_VENDOR &&
      c.interfaces.length > 0 &&
      c.interfaces[0]!.class !== CLASS_VENDOR,
  );
  return { index: Math.max(index, 0), by: 'kernel' };
}
