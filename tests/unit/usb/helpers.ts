// Devices and policies for the USB decision tests, built the way adapters and the policy
// parser hand them over (ids and classes lowercase, rules with defaults filled in).
import type { UsbRule } from '../../../src/core/policy/types.js';
import type { UsbPolicy } from '../../../src/core/usb/decide.js';
import type {
  ActiveException,
  DecideContext,
  UsbDevice,
  UsbInterface,
} from '../../../src/core/usb/types.js';

export const NOW = Date.parse('2026-12-01T09:00:00Z');

export function iface(number: number, cls: string, over: Partial<UsbInterface> = {}): UsbInterface {
  return { number, alt: 0, class: cls, subclass: '00', protocol: '00', ...over };
}

/** A SanDisk stick: one mass-storage interface, a serial and a hash. */
export function stick(over: Partial<UsbDevice> = {}): UsbDevice {
  return {
    id: '1-2',
    bus: 'usb',
    vendor: '0781',
    product: '5581',
    serial: '4C530001231120115142',
    manufacturer: 'SanDisk',
    productName: 'Ultra',
    deviceClass: '00',
    interfaces: [iface(0, '08', { subclass: '06', protocol: '50' })],
    hash: 'a'.repeat(64),
    ...over,
  };
}

export function keyboard(over: Partial<UsbDevice> = {}): UsbDevice {
  return {
    id: '1-3',
    bus: 'usb',
    vendor: '046d',
    product: 'c31c',
    productName: 'USB Keyboard',
    deviceClass: '00',
    interfaces: [iface(0, '03', { subclass: '01', protocol: '01' }), iface(1, '03')],
    hash: 'b'.repeat(64),
    ...over,
  };
}

/** A keyboard with a card reader: HID on 0 and 1, mass storage on 2. */
export function keyboardWithReader(over: Partial<UsbDevice> = {}): UsbDevice {
  return keyboard({
    id: '1-4',
    product: 'c33a',
    interfaces: [iface(0, '03'), iface(1, '03'), iface(2, '08')],
    hash: 'c'.repeat(64),
    ...over,
  });
}

export function hub(over: Partial<UsbDevice> = {}): UsbDevice {
  return {
    id: '1-1',
    bus: 'usb',
    vendor: '05e3',
    product: '0610',
    deviceClass: '09',
    interfaces: [iface(0, '09')],
    ...over,
  };
}

/** An Android phone in file-transfer mode: MTP on a vendor interface. */
export function phone(over: Partial<UsbDevice> = {}): UsbDevice {
  return {
    id: '1-5',
    bus: 'usb',
    vendor: '18d1',
    product: '4ee1',
    serial: 'R58M12ABCDE',
    deviceClass: '00',
    interfaces: [iface(0, 'ff', { subclass: 'ff', name: 'MTP' })],
    hash: 'd'.repeat(64),
    ...over,
  };
}

/** A webcam: video and audio interfaces, nothing to store on. */
export function webcam(over: Partial<UsbDevice> = {}): UsbDevice {
  return {
    id: '1-6',
    bus: 'usb',
    vendor: '046d',
    product: '085c',
    deviceClass: 'ef',
    interfaces: [iface(0, '0e'), iface(1, '0e'), iface(2, '01'), iface(3, '01')],
    hash: 'e'.repeat(64),
    ...over,
  };
}

export function usb(over: Partial<UsbPolicy> = {}): UsbPolicy {
  return { storage: 'block', rules: [], ...over };
}

export function rule(over: Partial<UsbRule> & Pick<UsbRule, 'verdict'>): UsbRule {
  return { ...over };
}

export function ctx(over: Partial<DecideContext> = {}): DecideContext {
  return { now: NOW, user: 'zhang.wei', locked: false, exceptions: [], ...over };
}

export function exception(over: Partial<ActiveException> = {}): ActiveException {
  return {
    id: 'ex-1',
    device: '0781:5581:4C530001231120115142',
    user: 'zhang.wei',
    notBefore: NOW - 60_000,
    notAfter: NOW + 3_600_000,
    reason: 'audit files for the tax office',
    ...over,
  };
}
