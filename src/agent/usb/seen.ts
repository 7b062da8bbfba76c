// The devices `baomi usb list` shows: present now, and seen recently (kept in the store's
// state so a restart does not forget them). Bounded: the most recent MAX_RECENT by last seen.
import type { UsbListEntry } from '../../core/protocol/messages.js';
import type { Decision, UsbDevice } from '../../core/usb/types.js';
import type { EventStore } from '../store/index.js';

const STATE_KEY = 'usb.seen';
export const MAX_RECENT = 200;

/** One identity across ports: the hash, else vendor:product:serial, else where it is. */
export function identity(d: UsbDevice): string {
  if (d.hash) return d.hash;
  if (d.serial) return `${d.vendor}:${d.product}:${d.serial}`;
  return `${d.vendor}:${d.product}@${d.id}`;
}

export class SeenDevices {
  private readonly byIdentity = new Map<string, UsbListEntry>();

  constructor(private readonly store: EventStore) {
    const raw = store.getState(STATE_KEY);
    if (!raw) return;
    try {
      const list = JSON.parse(raw) as UsbListEntry[];
      for (const e of list) {
        if (e?.device && typeof e.lastSeen === 'number')
          this.byIdentity.set(identity(e.device), { ...e, present: false });
      }
    } catch {
      // An unreadable list is only history; the devices present are read again at start.
    }
  }

  seen(
    d: UsbDevice,
    decision: Decision,
    now: number,
    user: string | null,
    applied?: Decision['verdict'],
  ): void {
    const key = identity(d);
    const before = this.byIdentity.get(key);
    this.byIdentity.delete(key); // re-inserted last: the map stays in order of last seen
    this.byIdentity.set(key, {
      device: d,
      decision,
      ...(applied ? { applied } : {}),
      present: true,
      firstSeen: before?.firstSeen ?? now,
      lastSeen: now,
      ...(user ? { user } : user === null && before?.user ? { user: before.user } : {}),
    });
    this.trim();
  }

  gone(d: UsbDevice, now: number): void {
    const e = this.byIdentity.get(identity(d));
    if (e) {
      e.present = false;
      e.lastSeen = now;
    }
  }

  /** Present first, then by last seen, newest first. */
  list(): UsbListEntry[] {
    return [...this.byIdentity.values()].sort(
      (a, b) => Number(b.present) - Number(a.present) || b.lastSeen - a.lastSeen,
    );
  }

  save(): void {
    this.store.setState(STATE_KEY, JSON.stringify([...this.byIdentity.values()]));
  }

  private trim(): void {
    while (this.byIdentity.size > MAX_RECENT) {
      const oldest = [...this.byIdentity].find(([, e]) => !e.present);
      if (!oldest) break;
      this.byIdentity.delete(oldest[0]);
    }
  }
}
