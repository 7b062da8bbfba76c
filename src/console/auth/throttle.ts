// Login throttling per name (issue 11: "a login that fails five times is slowed down").
// Failures are rows in the store (recordLoginFailure), so every console process on one
// database slows the same name down. Within WINDOW_MS: the first FREE_FAILURES failures cost
// nothing; after that each attempt must wait a delay that doubles per failure (1 s, 2 s, 4 s …,
// at most MAX_DELAY_MS) counted from the latest failure. An attempt made too early is answered
// 429 without looking at the password and is not itself a failure, so waiting is enough to be
// let in again; a success clears the name's failures.
export const WINDOW_MS = 15 * 60_000;
export const FREE_FAILURES = 5;
export const MAX_DELAY_MS = 60_000;

/** How long after the latest failure the next attempt may be made, given `failures` in the window. */
export function throttleDelay(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** (failures - FREE_FAILURES));
}

export interface FailureCounter {
  loginFailuresSince(name: string, since: number): Promise<number>;
}

/**
 * 0 when `name` may try now, else how long to wait (ms). The store answers counts, not times:
 * "a failure within the last `delay`" is the question that decides, and `delay` is what the
 * caller is told to wait (an upper bound of the time left).
 */
export async function loginWait(store: FailureCounter, name: string, now: number): Promise<number> {
  const failures = await store.loginFailuresSince(name, now - WINDOW_MS);
  const delay = throttleDelay(failures);
  if (delay === 0) return 0;
  const recent = await store.loginFailuresSince(name, now - delay);
  return recent > 0 ? delay : 0;
}
