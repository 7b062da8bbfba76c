// The USB device model and the shape of a decision (DESIGN.md "USB rules"). Pure types: the
// OS adapters (src/platform/<os>/usb*) fill a UsbDevice from what the OS says, decide()
// (src/core/usb/decide.ts) turns it into a Decision, the adapter enforces the Decision.

/** One interface of the device's active configuration (from sysfs or parsed from `descriptors`). */
export interface UsbInterface {
  /** bInterfaceNumber. */
  number: number;
  /** bAlternateSetting (decisions use alternate 0; others are kept for the record). */
  alt: number;
  /** bInterfaceClass, two lowercase hex digits ("08" mass storage, "03" HID, "06" still image, "ff" vendor). */
  class: string;
  subclass: string;
  protocol: string;
  /** The interface string (iInterface), when the OS could read it ("MTP" marks an Android phone). */
  name?: string;
}

/**
 * Where the device sits: USB, a Thunderbolt/USB4 PCIe tunnel, or an SD/MMC card in a built-in
 * reader (a PCI or platform SD host controller: the card is storage that no USB seal covers).
 */
export type UsbBus = 'usb' | 'thunderbolt' | 'mmc';

/** What the kernel says about a card on the mmc bus (bus "mmc" only). */
export interface MmcCardInfo {
  /** The card's `type`: "SD" (SD, SDHC, SDXC, microSD), "MMC", "SDIO", "SDcombo". */
  type: string;
  /**
   * The card is built in (soldered eMMC): the machine's own disk, never blocked (decide.ts).
   * From the card's `removable` ("fixed") on kernels that have it (6.6 and later). Where the
   * kernel says nothing, a card of type "MMC" is fixed only when it was present at the agent's
   * first scan since boot (core/usb/mmc.ts: mayBeBuiltIn, asBuiltIn; the usb module decides).
   */
  fixed: boolean;
  /** What the card's `removable` reads: "fixed", "removable", "unknown"; absent before 6.6. */
  removable?: string;
}

/** A normalised device, the same on every OS. */
export interface UsbDevice {
  /**
   * Where the device is now, as the OS names it: Linux the sysfs name ("1-2.3", "usb1" for a
   * root hub), Windows the device instance id, macOS the location id. Not an identity: a
   * device plugged into another port gets another id.
   */
  id: string;
  bus: UsbBus;
  /** idVendor / idProduct, four lowercase hex digits. */
  vendor: string;
  product: string;
  /** As the device reports it (anything a device says can be forged: README). */
  serial?: string;
  manufacturer?: string;
  /** The product string (iProduct). */
  productName?: string;
  /** bDeviceClass, two lowercase hex digits ("00": look at the interfaces, "09" hub). */
  deviceClass: string;
  interfaces: UsbInterface[];
  /**
   * Lowercase hex SHA-256 of the raw descriptors followed by the serial (as USBGuard does);
   * absent when the descriptors could not be read. An SD/MMC card (bus "mmc"): of the 16 bytes
   * of its CID (maker, OEM, name, revision, serial, date: unique per card) followed by its
   * serial as `serial` holds it; absent for SDIO cards, which have no CID.
   */
  hash?: string;
  /** Attributes that were missing or made no sense, named (for the event; decisions fail closed). */
  problems?: string[];
  /** Bus "mmc": the card's type and whether it is built in. */
  mmc?: MmcCardInfo;
}

export type UsbVerdict = 'allow' | 'block' | 'read-only' | 'audit';

/** Which rule decided; every decision names one. */
export type DecidedBy =
  /** usb.rules[index] of the policy in force. */
  | { by: 'rule'; index: number; note?: string }
  /** usb.storage: no rule matched a storage device. */
  | { by: 'storage-default' }
  /** Not storage and no rule matched: allowed. */
  | { by: 'not-storage' }
  /** A hub: always allowed (what sits behind it is decided on its own). */
  | { by: 'hub' }
  /** A redeemed exception token. */
  | { by: 'exception'; id: string }
  /** usb.whileLocked: plugged while the session was locked. */
  | { by: 'while-locked' }
  /** HID interfaces are never blocked by a storage rule. */
  | { by: 'hid-kept' }
  /** The device could not be read well enough to decide: blocked (fail closed). */
  | { by: 'unreadable' }
  /** A card the host controller calls fixed (soldered eMMC): the machine's own disk, always allowed. */
  | { by: 'internal' };

export interface InterfaceDecision {
  number: number;
  verdict: UsbVerdict;
  rule: DecidedBy;
}

export interface Decision {
  /** The device as a whole: `block` leaves it unauthorized; a composite device may be
   *  `allow` with some interfaces blocked. */
  verdict: UsbVerdict;
  rule: DecidedBy;
  /** Whether the device offers storage (class 08, 06, or ff named "MTP"). */
  storage: boolean;
  /** Whether the device offers HID (class 03). */
  hid: boolean;
  interfaces: InterfaceDecision[];
}

/** An exception in force on this agent (a redeemed token: DESIGN.md "Exception tokens"). */
export interface ActiveException {
  id: string;
  /** A device hash, or "vid:pid:serial". */
  device: string;
  user: string;
  notBefore: number;
  notAfter: number;
  reason: string;
}

export interface DecideContext {
  /** ms since the epoch. */
  now: number;
  /** The seat user (exceptions are per person). */
  user: string | null;
  /** The session is locked (usb.whileLocked applies). */
  locked: boolean;
  exceptions: readonly ActiveException[];
}
