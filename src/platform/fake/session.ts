// A seat tests set: set(user) changes who is at the console and tells the watchers (only on
// a real change, as the real sources do).
import type { SeatUser, SessionSource } from '../../core/ports/session.js';
import { sameSeat } from '../node/session-watch.js';

export class FakeSession implements SessionSource {
  readonly name = 'fake' as const;
  private user: SeatUser | null;
  private readonly watchers = new Set<(u: SeatUser | null) => void>();

  constructor(user: SeatUser | null = null) {
    this.user = user;
  }

  /** Someone sits down (a name or a full SeatUser), or nobody (null). */
  set(user: SeatUser | string | null): void {
    const next: SeatUser | null = typeof user === 'string' ? { name: user, source: 'fake' } : user;
    if (sameSeat(this.user, next)) return;
    this.user = next;
    for (const w of [...this.watchers]) w(next === null ? null : { ...next });
  }

  async current(): Promise<SeatUser | null> {
    return this.user === null ? null : { ...this.user };
  }

  watch(onChange: (user: SeatUser | null) => void): { close(): void } {
    this.watchers.add(onChange);
    return { close: () => this.watchers.delete(onChange) };
  }

  /** Watchers still open (a module that forgets to close its watch shows here). */
  watching(): number {
    return this.watchers.size;
  }
}
