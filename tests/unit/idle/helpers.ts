// Shared fixtures for the idle tests: a policy, readings, and a person at the console whose
// idle time follows from the moments of their input.
import type { IdleObservation, IdlePolicy } from '../../../src/core/idle/stretch.js';

export const S = 1_000;
export const MIN = 60_000;
/** An arbitrary instant (2026-11-30T08:00:00Z), so no test depends on the epoch. */
export const T0 = Date.UTC(2026, 10, 30, 8, 0, 0);

export const policy = (p: Partial<IdlePolicy> = {}): IdlePolicy => ({
  remindAfter: 3 * MIN,
  repeat: 2 * MIN,
  lockAfter: 5 * MIN,
  lock: false,
  ...p,
});

/** A reading at T0 + `t` with idle time `idleMs`, unlocked, of `user`. */
export const at = (
  t: number,
  idleMs: number | null,
  o: Partial<Omit<IdleObservation, 'at' | 'idleMs'>> = {},
): IdleObservation => ({ at: T0 + t, user: 'wang.fang', idleMs, locked: false, ...o });

/** Readings of someone idle since `since` (ms after T0). */
export const idleSince =
  (since: number, o: Partial<Omit<IdleObservation, 'at' | 'idleMs'>> = {}) =>
  (t: number): IdleObservation =>
    at(t, t - since, o);
