// decide(): a USB device and the policy's `usb` section → a Decision that always names the rule
// that decided (STYLE.md 2: USBGuard's Policy, as a pure function). No OS, no clock: the
// adapter hands a normalised UsbDevice, the usb module hands the time, the seat user, the lock
// state and the exceptions in force. tests/unit/usb/decide*.test.ts pin every line below.
//
// SECURITY-CRITICAL: a mistake here opens a port or locks someone out of their keyboard.
// Every rule is mutation-tested (stryker.config.json); change the semantics only with the
// tests and the README's USB section.
//
// Semantics, in the order they apply:
//  1. Unreadable → block (by `unreadable`), fail closed: a device with no interface at
//     alternate setting 0, with two alternate-0 interfaces of one number, or with an id or
//     class that is not hex of the right width; and a device with `problems` (what the adapter
//     could not read or found inconsistent: a configuration that declares 2 interfaces and
//     carries 1, an idVendor that differs from the descriptors) unless every alternate-0
//     interface it does show is HID (03), or HID and hub (09), with at least one HID. Such a
//     device is decided on those interfaces, as a keyboard: a device that claims to be a
//     keyboard is a keyboard to every OS whatever else is wrong with its descriptors (README),
//     so blocking it protects nothing and locks someone out, while the adapter still refuses
//     any interface the kernel brings up that was not decided on (enforce.ts). Storage,
//     vendor and unknown interfaces with problems stay blocked; so does a hub alone: a "hub"
//     whose descriptors cannot be read could carry anything.
//  2. Per interface, alternate setting 0 only (classify.ts says why). Rules are tried in order,
//     first match wins. Matchers: vendor, product (4 hex digits), serial (exact; a device
//     without a serial never matches one), hash (case-insensitive; a device without a hash never
//     matches one), class (2 hex digits: equal to the device class, or to this interface's
//     class). Every matcher a rule gives must hold. A rule with no matcher is a storage rule: it
//     matches every storage interface and nothing else.
//     - Hub (09) → allow (by `hub`), whatever the rules say: authorized_default=0 holds back
//       whatever is plugged behind it, decided on its own. So a hub (its one interface is 09)
//       is allowed by `hub`; a "hub" that also offers storage (a stick that claims class 09)
//       has only its hub interface allowed. A device class of 09 alone proves nothing: the
//       kernel's hub driver binds to the interface.
//     - Storage (classify.ts: 08, 06, ff "MTP"), first of:
//         a. ctx.locked and usb.whileLocked set → whileLocked (by `while-locked`): it wins over
//            exceptions and rules (DESIGN.md "USB rules");
//         b. an exception in force (by `exception`): its `device` is the device hash or
//            "vid:pid:serial" (ids any case, serial exact and non-empty), its `user` is the seat
//            user (nobody at the seat: no exception applies), notBefore <= now < notAfter;
//         c. the first matching rule (by `rule`);
//         d. usb.storage (by `storage-default`).
//     - HID (03): allowed, unless the first matching rule (one with matchers) says class "03":
//       then its verdict. A first matching rule without class "03" (a vendor rule written for
//       sticks) never blocks a keyboard: allow (by `hid-kept`). No match: allow (`not-storage`).
//       The policy schema refuses a rule that would block every HID device.
//     - Anything else (audio, video, network, vendor): the first matching rule with at least one
//       matcher (by `rule`), else allow (by `not-storage`).
//     `read-only` only means something for storage: given to a HID or other interface it is
//     allow (by that rule); given to a camera (06) or a phone (MTP), which no block layer
//     stands between, it is block (fail closed): only a disk (08) can be held read-only. `audit` is allow-and-record wherever it lands.
//  Thunderbolt/USB4 (bus "thunderbolt"): the adapter knows no interfaces (what a PCIe tunnel
//     carries is unknown until it is authorized: a dock, an NVMe disk), so such a device is
//     decided as a whole, as storage (fail closed: it can carry a disk): whileLocked, an
//     exception, the first matching rule, usb.storage, as above. read-only cannot be held on a
//     PCIe tunnel: it is block. Unreadable ids block as in 1.
//  SD/MMC cards (bus "mmc": a card in a built-in reader, src/platform/linux/usb/mmc.ts): the
//     adapter gives a storage card (types SD, SDcombo, MMC) device class "08" and one interface
//     0 of class 08 named by its type, an SDIO card (Wi-Fi, Bluetooth) class "ff" named "SDIO";
//     vendor is the card's manfid, product its oemid, serial its serial (8 hex digits), so
//     they go through 2. as any device: storage by usb.storage, rules (class "08" matches every
//     card), exceptions and whileLocked, read-only held (a disk); SDIO is not storage. One
//     exception first: a card that is built in (`mmc.fixed`: a soldered eMMC, as the kernel
//     says, or on kernels that do not, a type-MMC card present at the agent's first scan since
//     boot: mmc.ts) is the machine's own disk, allowed (by `internal`) whatever the rules say,
//     as a hub is: blocking it would take the system's root file system away, not a carrier.
//  3. The device: block when every interface is blocked; otherwise read-only when a storage
//     interface is read-only, audit when any interface is audit, else allow. Its `rule` is the
//     first storage interface's (when it has storage), else the first interface's. So a
//     keyboard with a card reader under `storage: block` is allow, its keyboard interface
//     allow, its card reader interface block: the adapter authorizes the device and refuses
//     that one interface.
import type { Policy, UsbRule } from '../policy/types.js';
import {
  CLASS_HID,
  decidingInterfaces,
  isHidInterface,
  isHubInterface,
  isStorageInterface,
} from './classify.js';
import type {
  ActiveException,
  DecideContext,
  DecidedBy,
  Decision,
  InterfaceDecision,
  UsbDevice,
  UsbInterface,
  UsbVerdict,
} from './types.js';

export type UsbPolicy = Policy['usb'];

const HEX2 = /^[0-9a-f]{2}$/i;
const HEX4 = /^[0-9a-f]{4}$/i;
/** "vid:pid:serial"; the serial (the rest, colons and all) must not be empty. */
const VID_PID_SERIAL = /^([0-9a-f]{4}):([0-9a-f]{4}):(.+)/is;

/** The device's identity as rules compare it: ids and classes lowercased once. */
interface Ident {
  vendor: string;
  product: string;
  serial: string | undefined;
  hash: string | undefined;
  deviceClass: string;
}

function ident(d: UsbDevice): Ident {
  return {
    vendor: d.vendor.toLowerCase(),
    product: d.product.toLowerCase(),
    serial: d.serial,
    hash: d.hash?.toLowerCase(),
    deviceClass: d.deviceClass.toLowerCase(),
  };
}

function hasMatchers(r: UsbRule): boolean {
  return (
    r.vendor !== undefined ||
    r.product !== undefined ||
    r.serial !== undefined ||
    r.hash !== undefined ||
    r.class !== undefined
  );
}

/** Every matcher the rule gives holds (a rule with none holds for anything). */
function matches(r: UsbRule, id: Ident, ifaceClass: string): boolean {
  if (r.vendor !== undefined && r.vendor.toLowerCase() !== id.vendor) return false;
  if (r.product !== undefined && r.product.toLowerCase() !== id.product) return false;
  if (r.serial !== undefined && r.serial !== id.serial) return false;
  if (r.hash !== undefined && r.hash.toLowerCase() !== id.hash) return false;
  if (r.class !== undefined) {
    const c = r.class.toLowerCase();
    if (c !== id.deviceClass && c !== ifaceClass) return false;
  }
  return true;
}

interface Hit {
  rule: UsbRule;
  index: number;
}

function firstMatch(
  rules: readonly UsbRule[],
  id: Ident,
  ifaceClass: string,
  storage: boolean,
): Hit | null {
  for (const [index, rule] of rules.entries()) {
    if (!storage && !hasMatchers(rule)) continue; // a matcher-less rule is a storage rule
    if (matches(rule, id, ifaceClass)) return { rule, index };
  }
  return null;
}

function byRule(h: Hit): DecidedBy {
  return h.rule.note === undefined
    ? { by: 'rule', index: h.index }
    : { by: 'rule', index: h.index, note: h.rule.note };
}

/** read-only only means something for storage; anywhere else it is allow. */
function notStorageVerdict(v: UsbVerdict): UsbVerdict {
  return v === 'read-only' ? 'allow' : v;
}

/** Whether an exception names this device: its hash, or vid:pid:serial. */
export function exceptionNames(device: string, d: UsbDevice): boolean {
  if (d.hash !== undefined && device.toLowerCase() === d.hash.toLowerCase()) return true;
  const m = VID_PID_SERIAL.exec(device);
  if (!m) return false;
  return (
    m[1]!.toLowerCase() === d.vendor.toLowerCase() &&
    m[2]!.toLowerCase() === d.product.toLowerCase() &&
    m[3] === d.serial
  );
}

/** The first exception in force for this device and the seat user, if any. */
export function exceptionFor(d: UsbDevice, ctx: DecideContext): ActiveException | undefined {
  // An exception's user is a name, so nobody at the seat (null) matches none.
  return ctx.exceptions.find(
    (e) =>
      e.user === ctx.user &&
      e.notBefore <= ctx.now &&
      ctx.now < e.notAfter &&
      exceptionNames(e.device, d),
  );
}

/** Only HID interfaces, or HID and hubs: what a keyboard or mouse shows (header, 1). */
export function keyboardOnly(deciding: readonly UsbInterface[]): boolean {
  return (
    deciding.some(isHidInterface) && deciding.every((i) => isHidInterface(i) || isHubInterface(i))
  );
}

/** Why the device cannot be decided on, or null when it can. */
export function unreadableReason(d: UsbDevice): string | null {
  if (!HEX4.test(d.vendor) || !HEX4.test(d.product)) return 'ids';
  if (!HEX2.test(d.deviceClass)) return 'deviceClass';
  const deciding = decidingInterfaces(d);
  if (deciding.length === 0) return 'no-interfaces';
  const numbers = new Set<number>();
  for (const i of deciding) {
    if (!HEX2.test(i.class) || !Number.isInteger(i.number) || i.number < 0 || i.number > 255) {
      return 'interface';
    }
    if (numbers.has(i.number)) return 'duplicate-interface';
    numbers.add(i.number);
  }
  if (d.problems !== undefined && d.problems.length > 0 && !keyboardOnly(deciding))
    return 'problems';
  return null;
}

function whole(
  verdict: UsbVerdict,
  rule: DecidedBy,
  interfaces: readonly UsbInterface[],
): Decision {
  return {
    verdict,
    rule,
    storage: interfaces.some(isStorageInterface),
    hid: interfaces.some(isHidInterface),
    interfaces: interfaces.map((i) => ({ number: i.number, verdict, rule })),
  };
}

function decideStorage(
  d: UsbDevice,
  id: Ident,
  iface: UsbInterface,
  usb: UsbPolicy,
  ctx: DecideContext,
): InterfaceDecision {
  const number = iface.number;
  if (ctx.locked && usb.whileLocked !== undefined) {
    return { number, verdict: usb.whileLocked, rule: { by: 'while-locked' } };
  }
  const ex = exceptionFor(d, ctx);
  if (ex !== undefined) return { number, verdict: 'allow', rule: { by: 'exception', id: ex.id } };
  const hit = firstMatch(usb.rules, id, iface.class.toLowerCase(), true);
  if (hit !== null) return { number, verdict: hit.rule.verdict, rule: byRule(hit) };
  return { number, verdict: usb.storage, rule: { by: 'storage-default' } };
}

/**
 * read-only can be held only on a disk (mass storage, 08: the block layer marks it). A camera
 * (06) or a phone (MTP) talks to apps directly, with nothing that could refuse a write: a
 * read-only verdict on them is block (fail closed).
 */
function onlyDisksReadOnly(d: InterfaceDecision, iface: UsbInterface): InterfaceDecision {
  return d.verdict === 'read-only' && iface.class.toLowerCase() !== '08'
    ? { ...d, verdict: 'block' }
    : d;
}

function decideHid(id: Ident, iface: UsbInterface, usb: UsbPolicy): InterfaceDecision {
  const number = iface.number;
  const hit = firstMatch(usb.rules, id, CLASS_HID, false);
  if (hit === null) return { number, verdict: 'allow', rule: { by: 'not-storage' } };
  // "03" has no letter: the case of a hand-made rule cannot matter here.
  if (hit.rule.class !== CLASS_HID) {
    return { number, verdict: 'allow', rule: { by: 'hid-kept' } };
  }
  return { number, verdict: notStorageVerdict(hit.rule.verdict), rule: byRule(hit) };
}

function decideOther(id: Ident, iface: UsbInterface, usb: UsbPolicy): InterfaceDecision {
  const number = iface.number;
  const hit = firstMatch(usb.rules, id, iface.class.toLowerCase(), false);
  if (hit === null) return { number, verdict: 'allow', rule: { by: 'not-storage' } };
  return { number, verdict: notStorageVerdict(hit.rule.verdict), rule: byRule(hit) };
}

/** A Thunderbolt device, as a whole and as storage (see the header). */
function decideThunderbolt(device: UsbDevice, usb: UsbPolicy, ctx: DecideContext): Decision {
  const readable =
    (device.problems === undefined || device.problems.length === 0) &&
    HEX4.test(device.vendor) &&
    HEX4.test(device.product);
  if (!readable) return whole('block', { by: 'unreadable' }, []);
  const d = decideStorage(
    device,
    ident(device),
    { number: 0, alt: 0, class: 'ff', subclass: '00', protocol: '00' },
    usb,
    ctx,
  );
  const verdict = d.verdict === 'read-only' ? 'block' : d.verdict;
  return { verdict, rule: d.rule, storage: true, hid: false, interfaces: [] };
}

export function decide(device: UsbDevice, usb: UsbPolicy, ctx: DecideContext): Decision {
  if (device.bus === 'thunderbolt') return decideThunderbolt(device, usb, ctx);
  const deciding = decidingInterfaces(device);
  if (device.bus === 'mmc' && device.mmc?.fixed === true)
    return whole('allow', { by: 'internal' }, deciding);
  if (unreadableReason(device) !== null) {
    return whole('block', { by: 'unreadable' }, deciding);
  }
  const id = ident(device);
  const decisions = deciding.map((iface): InterfaceDecision => {
    if (isHubInterface(iface))
      return { number: iface.number, verdict: 'allow', rule: { by: 'hub' } };
    if (isStorageInterface(iface))
      return onlyDisksReadOnly(decideStorage(device, id, iface, usb, ctx), iface);
    if (isHidInterface(iface)) return decideHid(id, iface, usb);
    return decideOther(id, iface, usb);
  });

  const storageAt = deciding.findIndex(isStorageInterface);
  let verdict: UsbVerdict;
  if (decisions.every((x) => x.verdict === 'block')) verdict = 'block';
  // Only a storage interface can be read-only (notStorageVerdict).
  else if (decisions.some((x) => x.verdict === 'read-only')) verdict = 'read-only';
  else if (decisions.some((x) => x.verdict === 'audit')) verdict = 'audit';
  else verdict = 'allow';

  return {
    verdict,
    rule: decisions[storageAt === -1 ? 0 : storageAt]!.rule,
    storage: storageAt !== -1,
    hid: deciding.some(isHidInterface),
    interfaces: decisions,
  };
}
