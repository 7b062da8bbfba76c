// What a USB event says (DESIGN.md "Event types": usb.connected, usb.allowed, usb.blocked,
// usb.read-only, usb.removed, usb.enforcement-lost): the device's identity as it reported
// itself, the verdict, the rule that decided, and what the OS holds afterwards. A device the
// OS holds more open than decided (a block whose write failed and that still reads
// authorized) is never recorded as allowed: it is usb.enforcement-lost (deviceLostEvent). Every string
// a device reports is attacker-controlled: stored as given (bounded), shown escaped.
import type { EventInput, EventType, Json, Severity } from '../../core/events/types.js';
import type { ApplyResult } from '../../core/ports/usb.js';
import type { Decision, UsbDevice } from '../../core/usb/types.js';

/** A device string longer than this is cut (a USB string descriptor holds at most 126 characters). */
const MAX_TEXT = 256;

const cut = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s);

/** The device as events carry it. */
export function deviceData(d: UsbDevice): { [k: string]: Json } {
  return {
    device: d.id,
    bus: d.bus,
    vendor: d.vendor,
    product: d.product,
    ...(d.serial !== undefined ? { serial: cut(d.serial) } : {}),
    ...(d.manufacturer !== undefined ? { manufacturer: cut(d.manufacturer) } : {}),
    ...(d.productName !== undefined ? { productName: cut(d.productName) } : {}),
    deviceClass: d.deviceClass,
    interfaces: d.interfaces.map((i) => ({
      number: i.number,
      class: i.class,
      subclass: i.subclass,
      protocol: i.protocol,
      ...(i.alt ? { alt: i.alt } : {}),
      ...(i.name !== undefined ? { name: cut(i.name) } : {}),
    })),
    ...(d.hash ? { hash: d.hash } : {}),
    ...(d.problems?.length ? { problems: d.problems.slice(0, 20) } : {}),
    ...(d.mmc
      ? {
          mmc: {
            type: cut(d.mmc.type),
            fixed: d.mmc.fixed,
            ...(d.mmc.removable !== undefined ? { removable: cut(d.mmc.removable) } : {}),
          },
        }
      : {}),
  };
}

/** The rule as events carry it ({by, index?, note?, id?}). */
export function ruleData(rule: Decision['rule']): { [k: string]: Json } {
  return { ...rule } as { [k: string]: Json };
}

const TYPE: Record<Decision['verdict'], EventType> = {
  allow: 'usb.allowed',
  audit: 'usb.allowed',
  block: 'usb.blocked',
  'read-only': 'usb.read-only',
};

const SEVERITY: Record<Decision['verdict'], Severity> = {
  allow: 'info',
  audit: 'low',
  block: 'medium',
  'read-only': 'low',
};

export interface VerdictContext {
  /** The agent enforces (sealed, --enforce); false: decided and recorded only. */
  enforcing: boolean;
  /** What the OS holds after apply(), when enforcing. */
  result?: ApplyResult;
  /**
   * Why it was decided now: plugged, present at start, a new policy, an exception, a new seat
   * user, an exception's end, the minute's check (the decision differs now), a retry of an
   * enforcement that had failed.
   */
  because:
    | 'plugged'
    | 'present'
    | 'policy'
    | 'exception'
    | 'session'
    | 'expired'
    | 'check'
    | 'retry';
}

/** How open a verdict leaves a device: block < read-only < allow, audit. */
const OPENNESS: Record<Decision['verdict'], number> = {
  block: 0,
  'read-only': 1,
  allow: 2,
  audit: 2,
};

/**
 * Whether the OS holds the device more open than decided (a block that did not hold, a
 * read-only device still writable): enforcement failed for that device. A device that left
 * is not (nothing is open).
 */
export function heldOpen(decision: Decision, result: ApplyResult): boolean {
  return !result.gone && OPENNESS[result.applied] > OPENNESS[decision.verdict];
}

/**
 * Enforcement failed for one device (heldOpen): `usb.enforcement-lost` at high severity,
 * naming the device, what policy decided, what the OS holds, and why (the write's error).
 * `open` names the device as the seal events name hubs, so status's lastLost reads the same.
 */
export function deviceLostEvent(
  device: UsbDevice,
  decision: Decision,
  result: ApplyResult,
  because: VerdictContext['because'],
): EventInput {
  return {
    type: 'usb.enforcement-lost',
    severity: 'high',
    data: {
      ...deviceData(device),
      open: [device.id],
      resealed: false,
      why: 'device',
      verdict: decision.verdict,
      applied: result.applied,
      rule: ruleData(decision.rule),
      reason: cut(result.error ?? `the OS still holds it ${result.applied}`),
      because,
    },
  };
}

/**
 * The verdict event. When enforcing, the event says what the OS holds (a failed write that
 * left the device closed, or a device that vanished, is `usb.blocked`, with why; one that left
 * it more open than decided is usb.enforcement-lost: deviceLostEvent); when not, what policy
 * decided, marked `enforced: false`.
 */
export function verdictEvent(device: UsbDevice, decision: Decision, v: VerdictContext): EventInput {
  if (v.enforcing && v.result && heldOpen(decision, v.result))
    return deviceLostEvent(device, decision, v.result, v.because);
  const held = v.enforcing && v.result ? v.result.applied : decision.verdict;
  const data: { [k: string]: Json } = {
    ...deviceData(device),
    verdict: decision.verdict,
    rule: ruleData(decision.rule),
    storage: decision.storage,
    hid: decision.hid,
    because: v.because,
    enforced: v.enforcing,
  };
  // Interfaces decided differently from the device (a keyboard with a card reader).
  if (decision.interfaces.some((i) => i.verdict !== decision.verdict))
    data.interfaceVerdicts = decision.interfaces.map((i) => ({
      number: i.number,
      verdict: i.verdict,
      rule: ruleData(i.rule),
    }));
  if (v.enforcing && v.result) {
    if (held !== decision.verdict) data.applied = held;
    if (v.result.gone) data.gone = true;
    if (v.result.readOnlyFellBack) data.readOnlyFellBack = true;
    if (v.result.error) data.error = cut(v.result.error);
  }
  const type = held === 'allow' && decision.verdict === 'audit' ? 'usb.allowed' : TYPE[held];
  return { type, severity: SEVERITY[held], data };
}

export function connectedEvent(device: UsbDevice, present: boolean): EventInput {
  return {
    type: 'usb.connected',
    severity: 'info',
    data: { ...deviceData(device), ...(present ? { atStart: true } : {}) },
  };
}

export function removedEvent(device: UsbDevice): EventInput {
  return {
    type: 'usb.removed',
    severity: 'info',
    data: {
      device: device.id,
      bus: device.bus,
      vendor: device.vendor,
      product: device.product,
      ...(device.serial !== undefined ? { serial: cut(device.serial) } : {}),
      ...(device.hash ? { hash: device.hash } : {}),
    },
  };
}
