// USB device control as a port (DESIGN.md "Sealing USB"): the Linux adapter reads and writes
// sysfs (`authorized_default`, `authorized`), Windows and macOS use the OS's own means through
// the command runner, the fake is an in-memory bus for unit tests. The adapter never decides:
// src/core/usb/decide.ts does, the agent's usb module asks and tells.
import type { Decision, UsbDevice } from '../usb/types.js';

export type UsbControlName = 'sysfs' | 'windows' | 'macos' | 'fake' | 'none';

/** Why USB storage is not enforced here (`status.usb.reason`; texts in the agent's messages). */
export type UsbReason =
  /** No usb module in this agent. */
  | 'USB_NO_MODULE'
  /** The agent runs without --enforce (npm start, development): audit only. */
  | 'USB_NOT_ENFORCING'
  /** Enforcement needs root / Administrator. */
  | 'USB_NOT_ROOT'
  /** sysfs is read-only here (a container): audit only. */
  | 'USB_SYSFS_READONLY'
  /** No /sys/bus/usb at all. */
  | 'USB_NO_SYSFS'
  /** This OS has no adapter that can enforce. */
  | 'USB_UNSUPPORTED_OS'
  /** A sealed root hub (or Thunderbolt domain) reads open now; the agent is sealing it again. */
  | 'USB_SEAL_OPEN'
  /** The OS offers no veto before a device is used: blocked media are ejected after they mount (macOS). */
  | 'USB_REACTIVE_ONLY';

export interface SealState {
  /** True only when every root hub was read back as sealed (checked, not assumed). */
  sealed: boolean;
  /** What reads open now (root hub ids such as "usb3", Thunderbolt domains). */
  open: string[];
  /** Set when sealing is impossible here. */
  reason?: UsbReason;
  /**
   * Not sealed, but the adapter can still act on devices after they arrive (eject, remount
   * read-only): the module applies its decisions, and status does not claim enforcement.
   */
  reactive?: boolean;
}

/**
 * What release() did. `released`: sealed places it opened; `alreadyOpen`: places that read open
 * before it; `kept`: places the system itself keeps sealed (an administrator's own setting from
 * before the agent: the kernel command line, a machine policy), left so; `stillSealed`: what
 * still reads sealed after a write, each with why. All empty: nothing is sealed here.
 */
export interface SealOptions {
  /**
   * This agent's own store says it sealed earlier in this boot (an agent restarted, or
   * upgraded in place): a place that reads sealed now may be its own seal, not what the
   * machine had, and is not taken for what release should give back (Linux: found.ts).
   */
  earlierThisBoot?: boolean;
}

export interface ReleaseState {
  released: string[];
  alreadyOpen: string[];
  kept: string[];
  stillSealed: string[];
  /** Set when nothing could be done here (not root, no sysfs, no adapter). */
  reason?: UsbReason;
}

export interface ApplyResult {
  /** What the OS holds now, read back (block when the write failed: fail closed). */
  applied: Decision['verdict'];
  /** The device left while it was being decided. */
  gone?: boolean;
  /** read-only could not be guaranteed here, so the device was blocked instead. */
  readOnlyFellBack?: boolean;
  /** A write that failed, for the event (never thrown). */
  error?: string;
}

export interface UsbWatchHandlers {
  added(device: UsbDevice): void;
  removed(id: string): void;
  /** The source failed; the module falls back to scanning (list()). */
  error(err: Error): void;
}

export interface UsbControl {
  readonly name: UsbControlName;
  /** How it learns of new devices (for status): "usb" (libusb hotplug), "sysfs-scan", … */
  readonly detection: string;
  /** Whether this process could enforce here; null when it can. Never throws. */
  enforceProblem(): Promise<UsbReason | null>;
  /** Every USB device present now (hubs included), read fresh. */
  list(): Promise<UsbDevice[]>;
  /**
   * Added and removed devices from now on. Where the adapter has to scan (no event source),
   * `scanEveryMs` says how often: short while enforcing (an allowed device waits for the
   * scan), long while only auditing (an idle agent should sleep).
   */
  watch(h: UsbWatchHandlers, o?: { scanEveryMs?: number }): { close(): void };
  /**
   * Makes every device that arrives from now on wait unauthorized (Linux: 0 into each root
   * hub's authorized_default), then reads it back. Idempotent; called again when a new
   * controller appears and by the periodic check.
   */
  seal(o?: SealOptions): Promise<SealState>;
  /** Reads back what seal() wrote, writing nothing. */
  sealState(): Promise<SealState>;
  /**
   * Undoes seal() for good, when the agent is being removed (`baomi usb release`, run by the
   * packages' uninstall steps; never by the agent): devices that arrive from now on get their
   * drivers as the OS would give them without the agent: what an administrator set before it
   * (the kernel command line's usbcore.authorized_default, a start type found at the first seal)
   * is restored or kept, and only what reads as seal() leaves it is changed. Devices present and
   * held back stay so until they are plugged in again.
   */
  release(): Promise<ReleaseState>;
  /** Enforces a decision on a present device (authorize, deauthorize, per interface, read-only). */
  apply(device: UsbDevice, decision: Decision): Promise<ApplyResult>;
}
