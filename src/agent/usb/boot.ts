// What the usb module remembers about this boot (state key BOOT_KEY), across restarts of the
// agent within it and never beyond it: the kernel's boot id (the platform's kernel port) says
// which boot a mark belongs to, and a mark of another boot is ignored.
//
// - `sealedAt`, `stillOpen`: the agent sealed the ports in this boot, and what read open right
//   after (what software cannot seal: a Thunderbolt domain with security "none"). A restart in
//   the same boot that finds anything else open knows someone opened it while the agent was
//   stopped (`usb.enforcement-lost`, why "while-stopped"), instead of sealing it again without
//   a word. After a reboot everything starts open (the kernel's default): no loss.
// - `builtIn`: type-MMC cards the kernel says nothing about (no `removable` before 6.6) that
//   were present at the agent's first scan since boot, by hash (else sysfs name): the only
//   ones counted as soldered eMMC (core/usb/mmc.ts). A card seen to leave is dropped: a
//   soldered card never leaves. `scanned` marks that first scan done: an agent that stopped
//   between sealing and its first scan scans as the first again (a soldered system disk must
//   not be taken for a card inserted later).
// Without a boot id (no /proc), nothing is carried over: every start counts as the first since
// boot (the eMMC present then is built in; a re-opened port is sealed again, found by the
// minute check's comparison only).
import { asBuiltIn, mayBeBuiltIn } from '../../core/usb/mmc.js';
import type { UsbDevice } from '../../core/usb/types.js';
import type { EventStore } from '../store/index.js';

export const BOOT_KEY = 'usb.boot';

interface Stored {
  v: 1;
  bootId: string;
  sealedAt?: number;
  stillOpen?: string[];
  builtIn: string[];
  /** The first scan since boot is done: cards that arrive from now on are not built in. */
  scanned?: true;
}

/** A sealing by an earlier run of the agent in this boot. */
export interface EarlierSeal {
  at: number;
  /** What read open right after that sealing (not a loss when it reads open now). */
  stillOpen: string[];
}

/** How a card is known across scans: its CID hash, else where it sits. */
const cardKey = (d: UsbDevice) => d.hash ?? d.id;

export class BootState {
  /** The agent's first scan since boot is still to come (or this is it). */
  readonly firstSinceBoot: boolean;
  /** The seal of an earlier run in this boot, read at construction (null: none). */
  readonly earlier: EarlierSeal | null;
  private readonly builtIn: Set<string>;
  private sealedAt: number | undefined;
  private stillOpen: string[] = [];
  private scanned: boolean;

  constructor(
    private readonly store: EventStore,
    private readonly bootId: string | undefined,
  ) {
    const stored = bootId === undefined ? null : read(store);
    const same = stored !== null && stored.bootId === bootId;
    this.scanned = same && stored.scanned === true;
    this.firstSinceBoot = !this.scanned;
    this.builtIn = new Set(same ? stored.builtIn : []);
    this.earlier =
      same && stored.sealedAt !== undefined
        ? { at: stored.sealedAt, stillOpen: stored.stillOpen ?? [] }
        : null;
    if (this.earlier) {
      this.sealedAt = this.earlier.at;
      this.stillOpen = this.earlier.stillOpen;
    }
  }

  /** The ports were sealed at `at`; `stillOpen` read open right after. */
  sealed(at: number, stillOpen: readonly string[]): void {
    this.sealedAt = at;
    this.stillOpen = [...stillOpen].sort();
    this.save();
  }

  /**
   * The device as decided from now on: a card that may be built in (mayBeBuiltIn) is fixed if
   * it is present at the first scan since boot (`atFirstScan`), or was then; else as given.
   */
  settle(d: UsbDevice, atFirstScan: boolean): UsbDevice {
    if (!mayBeBuiltIn(d)) return d;
    const key = cardKey(d);
    if (atFirstScan && !this.scanned && !this.builtIn.has(key)) {
      this.builtIn.add(key);
      this.save();
    }
    return this.builtIn.has(key) ? asBuiltIn(d) : d;
  }

  /** The first scan is done: from now on (and after a restart in this boot) cards are not. */
  firstScanDone(): void {
    if (this.scanned) return;
    this.scanned = true;
    this.save();
  }

  /** A device left: a card that did is not soldered on, whatever it was taken for. */
  gone(d: UsbDevice): void {
    if (d.bus === 'mmc' && this.builtIn.delete(cardKey(d))) this.save();
  }

  private save(): void {
    if (this.bootId === undefined) return;
    const s: Stored = {
      v: 1,
      bootId: this.bootId,
      ...(this.sealedAt !== undefined
        ? { sealedAt: this.sealedAt, stillOpen: this.stillOpen }
        : {}),
      builtIn: [...this.builtIn],
      ...(this.scanned ? { scanned: true as const } : {}),
    };
    this.store.setState(BOOT_KEY, JSON.stringify(s));
  }
}

/** The stored marks, or null when absent or unreadable (then nothing is carried over). */
function read(store: EventStore): Stored | null {
  const raw = store.getState(BOOT_KEY);
  if (raw === undefined) return null;
  try {
    const s = JSON.parse(raw) as Partial<Stored>;
    if (s.v !== 1 || typeof s.bootId !== 'string') return null;
    const strings = (v: unknown) =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    return {
      v: 1,
      bootId: s.bootId,
      ...(Number.isSafeInteger(s.sealedAt)
        ? { sealedAt: s.sealedAt as number, stillOpen: strings(s.stillOpen) }
        : {}),
      builtIn: strings(s.builtIn),
      ...(s.scanned === true ? { scanned: true as const } : {}),
    };
  } catch {
    return null;
  }
}
