// An idle source and locker tests drive: set the idle time and lock state, see lock calls,
// make reads or locks fail.
import type {
  IdlePort,
  IdleReading,
  IdleSource,
  IdleSourceName,
  LockResult,
} from '../../core/ports/idle.js';
import type { SeatUser } from '../../core/ports/session.js';

export class FakeIdleSource implements IdleSource {
  idleMs: number | null = 0;
  locked: boolean | null = false;
  reads = 0;
  private lockWatchers = new Set<(locked: boolean) => void>();
  constructor(readonly name: IdleSourceName = 'x11') {}

  async read(_user: SeatUser): Promise<IdleReading> {
    this.reads++;
    return { idleMs: this.idleMs, locked: this.locked };
  }

  watchLock(_user: SeatUser, onChange: (locked: boolean) => void): { close(): void } {
    this.lockWatchers.add(onChange);
    return { close: () => this.lockWatchers.delete(onChange) };
  }

  /** The session is locked or unlocked (by the person or the agent). */
  setLocked(locked: boolean): void {
    this.locked = locked;
    for (const w of this.lockWatchers) w(locked);
  }
}

export class FakeIdle implements IdlePort {
  readonly source = new FakeIdleSource();
  sources: IdleSource[] = [this.source];
  readonly locks: SeatUser[] = [];
  /** Set to make lock() fail with this error. */
  lockError: string | null = null;
  readonly locker = {
    lock: async (user: SeatUser): Promise<LockResult> => {
      this.locks.push(user);
      if (this.lockError) return { ok: false, via: 'fake-lock', error: this.lockError };
      this.source.setLocked(true);
      return { ok: true, via: 'fake-lock' };
    },
  };
}
