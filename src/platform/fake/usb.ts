// An in-memory USB bus for unit tests of the usb module: tests plug and pull devices, open a
// sealed root hub "behind the agent's back", make a device vanish mid-decision or a write
// fail, and read what the module told the OS (`applied`). A write that fails changes nothing:
// apply() then answers what the OS still holds, as the Linux adapter reads it back (a device
// authorized before the seal stays usable when its deauthorize fails: `refusing`). An SD card reader is one more thing
// to seal (addMmcBus: the Linux adapter's /sys/bus/mmc/drivers_autoprobe) and its cards are
// devices like any other (insertCard/ejectCard, normalised as the Linux adapter does).
import type {
  ApplyResult,
  ReleaseState,
  SealState,
  UsbControl,
  UsbReason,
  UsbWatchHandlers,
} from '../../core/ports/usb.js';
import { type MmcAttributes, mmcDevice } from '../../core/usb/mmc.js';
import type { Decision, UsbDevice } from '../../core/usb/types.js';

/** What the fake calls a card reader's seal (as the Linux adapter names drivers_autoprobe). */
export const FAKE_MMC_SEAL = 'mmc:drivers_autoprobe';

export interface FakeApplied {
  id: string;
  verdict: Decision['verdict'];
  interfaces: Decision['interfaces'];
}

export class FakeUsb implements UsbControl {
  readonly name = 'fake' as const;
  detection = 'fake';
  /** Why this "machine" cannot enforce (null: it can). */
  problem: UsbReason | null = null;
  /** Root hubs and whether each is sealed (authorized_default 0). */
  readonly hubs = new Map<string, boolean>([['usb1', false]]);
  readonly devices = new Map<string, UsbDevice>();
  /** What each present device is allowed now, as the OS holds it. */
  readonly state = new Map<string, Decision['verdict']>();
  /** Every apply() call, in order. */
  readonly applied: FakeApplied[] = [];
  /** Next apply() on this id finds the device gone. */
  readonly vanishing = new Set<string>();
  /** Next apply() on this id fails to write (the OS keeps what it held). */
  readonly failing = new Set<string>();
  /** Every apply() on this id fails to write, until the test removes it (a stuck deauthorize). */
  readonly refusing = new Set<string>();
  /** Hubs (or Thunderbolt domains) that no write can seal (security "none"). */
  readonly unsealable = new Set<string>();
  /** Whether read-only can be guaranteed here. */
  readOnlySupported = true;
  private handlers = new Set<UsbWatchHandlers>();

  async enforceProblem(): Promise<UsbReason | null> {
    return this.problem;
  }

  async list(): Promise<UsbDevice[]> {
    return [...this.devices.values()];
  }

  watch(h: UsbWatchHandlers): { close(): void } {
    this.handlers.add(h);
    return { close: () => this.handlers.delete(h) };
  }

  async seal(): Promise<SealState> {
    if (this.problem) return { sealed: false, open: [], reason: this.problem };
    for (const id of this.hubs.keys()) this.hubs.set(id, !this.unsealable.has(id));
    return this.sealState();
  }

  async sealState(): Promise<SealState> {
    if (this.problem) return { sealed: false, open: [], reason: this.problem };
    const open = [...this.hubs].filter(([, sealed]) => !sealed).map(([id]) => id);
    return open.length ? { sealed: false, open, reason: 'USB_SEAL_OPEN' } : { sealed: true, open };
  }

  async release(): Promise<ReleaseState> {
    const r: ReleaseState = { released: [], alreadyOpen: [], kept: [], stillSealed: [] };
    if (this.problem) return { ...r, reason: this.problem };
    for (const [id, sealed] of this.hubs) (sealed ? r.released : r.alreadyOpen).push(id);
    for (const id of this.hubs.keys()) this.hubs.set(id, false);
    return r;
  }

  async apply(device: UsbDevice, decision: Decision): Promise<ApplyResult> {
    this.applied.push({
      id: device.id,
      verdict: decision.verdict,
      interfaces: decision.interfaces,
    });
    if (this.vanishing.delete(device.id) || !this.devices.has(device.id)) {
      this.devices.delete(device.id);
      return { applied: 'block', gone: true };
    }
    if (this.failing.delete(device.id) || this.refusing.has(device.id)) {
      // Nothing changed. A device set present before the seal was authorized by the kernel.
      const held = this.state.get(device.id) ?? 'allow';
      this.state.set(device.id, held);
      return { applied: held, error: 'EACCES: fake write failure' };
    }
    if (decision.verdict === 'read-only' && !this.readOnlySupported) {
      this.state.set(device.id, 'block');
      return { applied: 'block', readOnlyFellBack: true };
    }
    this.state.set(device.id, decision.verdict);
    return { applied: decision.verdict };
  }

  // --- test controls ---

  /** A device arrives (unauthorized, as under a sealed hub) and the watchers hear of it. */
  plug(device: UsbDevice): void {
    this.devices.set(device.id, device);
    this.state.set(device.id, this.hubsSealed() ? 'block' : 'allow');
    for (const h of this.handlers) h.added(device);
  }

  pull(id: string): void {
    this.devices.delete(id);
    this.state.delete(id);
    for (const h of this.handlers) h.removed(id);
  }

  /** Someone writes 1 into a root hub's authorized_default behind the agent's back. */
  reopen(hub = 'usb1'): void {
    this.hubs.set(hub, false);
  }

  /** A controller appears (a dock): a new root hub, open. */
  addHub(id: string): void {
    this.hubs.set(id, false);
  }

  /** A card reader (the mmc bus) appears: one more seal, open until sealed. */
  addMmcBus(): void {
    this.hubs.set(FAKE_MMC_SEAL, false);
  }

  /** A card goes into a reader ("mmc0:4567"), read from its attributes as on Linux. */
  insertCard(id: string, attrs: MmcAttributes): UsbDevice {
    const card = mmcDevice(id, attrs);
    this.plug(card);
    return card;
  }

  ejectCard(id: string): void {
    this.pull(id);
  }

  failWatch(err: Error): void {
    for (const h of this.handlers) h.error(err);
  }

  private hubsSealed(): boolean {
    return [...this.hubs.values()].every(Boolean);
  }
}
