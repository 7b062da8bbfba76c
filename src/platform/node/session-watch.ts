// The change-reporting half every session source shares: something pokes (an inotify event,
// a slow poll), the source is read again after a short quiet time, and watchers hear only
// real changes. Reads never overlap; a poke during a read reads again afterwards.
import type { Clock, Timer } from '../../core/ports/clock.js';
import type { SeatUser } from '../../core/ports/session.js';

/** Two answers name the same person in the same session. */
export function sameSeat(a: SeatUser | null, b: SeatUser | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.name === b.name &&
    a.uid === b.uid &&
    a.sessionId === b.sessionId &&
    a.display === b.display &&
    a.dbusAddress === b.dbusAddress
  );
}

export interface Poked {
  close(): void;
}

/**
 * Calls onChange when read() answers differently than before. `arm(poke)` starts whatever
 * calls poke (and returns its closer); the first answer is read at once, so a watcher
 * learns the state it starts from only through current(), never through a call here.
 */
export function watchByPoking(
  read: () => Promise<SeatUser | null>,
  arm: (poke: () => void) => Poked,
  onChange: (user: SeatUser | null) => void,
  o: { clock: Clock; quietMs?: number },
): { close(): void } {
  let closed = false;
  let last: SeatUser | null | undefined;
  let reading = false;
  let again = false;
  let quiet: Timer | undefined;
  const check = async (): Promise<void> => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        let now: SeatUser | null;
        try {
          now = await read();
        } catch {
          now = null; // unreadable this time: nobody known, never a guess
        }
        if (closed) return;
        const before = last;
        last = now;
        if (before !== undefined && !sameSeat(before, now)) onChange(now);
      } while (again && !closed);
    } finally {
      reading = false;
    }
  };
  const poke = () => {
    if (closed) return;
    quiet?.cancel();
    quiet = o.clock.after(o.quietMs ?? 100, () => void check());
  };
  void check();
  const armed = arm(poke);
  return {
    close() {
      closed = true;
      quiet?.cancel();
      armed.close();
    },
  };
}

/** A poll for sources the OS gives no change notification for. */
export const pollEvery =
  (clock: Clock, ms: number) =>
  (poke: () => void): Poked => {
    const t = clock.every(ms, poke);
    return { close: () => t.cancel() };
  };
