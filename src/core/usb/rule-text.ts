// A ready-to-paste policy rule for one device (`baomi usb list --rule`): IT copies the line
// under `usb: rules:` and the policy matches exactly that device.
//
//   - { vendor: "0781", product: "5581", serial: "4C530001", verdict: allow, note: "财务部 U 盘" }
//
// Everything after `- ` is a YAML flow mapping. Values come from the device, and a device can
// say anything (a serial with quotes, a newline, a "#", a bidi override), so every text is
// written as a YAML double-quoted scalar with everything but printable characters escaped:
// the line is one line, parses back to exactly the device's bytes, and cannot smuggle a second
// key or a comment into the policy. tests/unit/usb/rule-text.test.ts parses hostile lines back
// with the `yaml` package and the policy schema.
//
// Which matchers: vendor and product, plus the serial when the device has one the schema can
// hold (1…256 characters); without one, the device hash when there is one; with neither, the
// line matches every device with those ids and says so in a trailing comment.
import type { UsbDevice, UsbVerdict } from './types.js';

/** The schema's limits (policy/schema.ts: usbRule). */
const MAX_SERIAL = 256;
const MAX_NOTE = 500;
const HEX4 = /^[0-9a-f]{4}$/i;
const HASH = /^[0-9a-f]{64}$/i;

/** One code point as a YAML 1.2 double-quoted escape. */
function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/**
 * Written as-is: printable ASCII but `"` and `\`, and printable non-ASCII. Escaped: controls
 * (C0, DEL, C1), the line and paragraph separators, lone surrogates, non-characters, and the
 * characters that reorder or hide text (so the line reads as it parses).
 */
function plain(cp: number): boolean {
  if (cp === 0x22 || cp === 0x5c) return false;
  if (cp >= 0x20 && cp <= 0x7e) return true;
  if (cp < 0xa0) return false;
  if (cp === 0xad || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e)) {
    return false;
  }
  if ((cp >= 0x2060 && cp <= 0x206f) || cp === 0xfeff) return false;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  if ((cp & 0xfffe) === 0xfffe || (cp >= 0xfdd0 && cp <= 0xfdef)) return false;
  return true;
}

/** A YAML double-quoted scalar that parses back to exactly `s`. */
export function yamlQuote(s: string): string {
  let out = '"';
  // for…of walks code points; a lone surrogate comes out on its own and is escaped.
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x22) out += '\\"';
    else if (cp === 0x5c) out += '\\\\';
    else out += plain(cp) ? ch : escapeCodePoint(cp);
  }
  return `${out}"`;
}

/** At most `max` UTF-16 units (the schema's measure), never half a surrogate pair. */
function cut(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

export type RuleDevice = Pick<UsbDevice, 'vendor' | 'product' | 'serial' | 'hash'>;

/**
 * The rule line for `device` with `verdict` (and IT's `note`), or null when nothing about
 * the device can be matched on (ids unreadable and no hash): no rule could name it.
 */
export function ruleFor(device: RuleDevice, verdict: UsbVerdict, note?: string): string | null {
  const parts: string[] = [];
  const idsOk = HEX4.test(device.vendor) && HEX4.test(device.product);
  if (idsOk) {
    parts.push(`vendor: ${yamlQuote(device.vendor.toLowerCase())}`);
    parts.push(`product: ${yamlQuote(device.product.toLowerCase())}`);
  }
  const serial = device.serial;
  const serialOk = serial !== undefined && serial.length > 0 && serial.length <= MAX_SERIAL;
  const hashOk = device.hash !== undefined && HASH.test(device.hash);
  let broad = false;
  if (idsOk && serialOk) parts.push(`serial: ${yamlQuote(serial)}`);
  else if (hashOk) parts.push(`hash: ${yamlQuote(device.hash!.toLowerCase())}`);
  else if (idsOk) broad = true;
  else return null;
  parts.push(`verdict: ${verdict}`);
  if (note !== undefined && note.length > 0) {
    parts.push(`note: ${yamlQuote(cut(note, MAX_NOTE))}`);
  }
  const line = `- { ${parts.join(', ')} }`;
  return broad ? `${line}  # no serial, no hash: every ${device.vendor}:${device.product}` : line;
}
