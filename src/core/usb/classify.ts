// What kind of interface a USB interface is, by its class code (DESIGN.md "USB rules"; the
// class codes are USB-IF's: https://www.usb.org/defined-class-codes). Pure.
//
// Storage is what a person can copy files onto:
//   08  mass storage (sticks, card readers, disks);
//   06  still image (PTP: cameras, and phones in "transfer photos" mode);
//   ff  vendor specific, only when the interface string is exactly "MTP" (Android phones in
//       "file transfer" mode: Android names its MTP interface so; a vendor interface with any
//       other name is not storage, or every vendor dongle would count).
// HID is 03 (keyboards, mice, and sticks that pretend to be keyboards: README, "what a class
// proves"). A hub is device class 09, or an interface of class 09.
//
// Classes compare as two lowercase hex digits; an adapter that hands "FF" is read as "ff".
import type { UsbDevice, UsbInterface } from './types.js';

export const CLASS_HID = '03';
export const CLASS_STILL_IMAGE = '06';
export const CLASS_MASS_STORAGE = '08';
export const CLASS_HUB = '09';
export const CLASS_VENDOR = 'ff';

/** The interface string Android gives its MTP interface. */
const MTP_NAME = 'mtp';

const lower = (s: string): string => s.toLowerCase();

/** Android's MTP interface: vendor class ff named "MTP" (trimmed, any case). */
export function isMtp(i: Pick<UsbInterface, 'class' | 'name'>): boolean {
  return (
    lower(i.class) === CLASS_VENDOR && i.name !== undefined && lower(i.name.trim()) === MTP_NAME
  );
}

/** Mass storage, still image (PTP) or MTP. */
export function isStorageInterface(i: Pick<UsbInterface, 'class' | 'name'>): boolean {
  const c = lower(i.class);
  return c === CLASS_MASS_STORAGE || c === CLASS_STILL_IMAGE || isMtp(i);
}

export function isHidInterface(i: Pick<UsbInterface, 'class'>): boolean {
  return lower(i.class) === CLASS_HID;
}

export function isHubInterface(i: Pick<UsbInterface, 'class'>): boolean {
  return lower(i.class) === CLASS_HUB;
}

/** Device class 09, or a hub interface among its interfaces. */
export function isHub(d: Pick<UsbDevice, 'deviceClass' | 'interfaces'>): boolean {
  return lower(d.deviceClass) === CLASS_HUB || d.interfaces.some(isHubInterface);
}

/**
 * The interfaces decisions are about: alternate setting 0 of each interface. The kernel binds
 * a driver to an interface by its first setting (alternates are switched to later by that
 * driver, e.g. a webcam's bandwidth), so alternates 1… are kept in the device for the record
 * but never decided on.
 */
export function decidingInterfaces(d: Pick<UsbDevice, 'interfaces'>): UsbInterface[] {
  return d.interfaces.filter((i) => i.alt === 0);
}
