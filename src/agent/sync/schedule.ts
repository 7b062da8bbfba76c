// When the sync module calls the console next. Pure: `r` is a random number in [0, 1) that
// the caller draws, so tests can pin the bounds.
//
// - Normal: every `base` ±20 % (`base` = the policy's sync.interval, or longer when the
//   console's nextInMs asks for it, up to MAX_BACKOFF_MS), so a fleet started together
//   spreads out.
// - Backlog (events still waiting after an acknowledged batch): the next batch after
//   base/2 … base/2 × 1.2, never sooner, so an agent that was offline for a week drains at
//   most twice the normal request rate (and a fleet coming back together at most doubles
//   the console's load, the bound), not as fast as it can.
// - Failure (no answer, 5xx, 429, 401/403): exponential back-off with full jitter, a uniform
//   pick between `base` and min(MAX_BACKOFF_MS, base × 2^failures); never sooner than the
//   console's retryInMs (capped at MAX_RETRY_MS).
// - First request after start (or after enrolling): within the first 20 % of an interval.
import { MAX_BACKOFF_MS } from '../../core/sync/agent-wire.js';

export const JITTER = 0.2;
export { MAX_BACKOFF_MS };
/** A console's retryInMs beyond this is read as this (a hostile or broken console). */
export const MAX_RETRY_MS = 60 * 60_000;

const pick = (r: number) => Math.min(Math.max(r, 0), 1);

/** The interval the console's hint allows: never shorter than the policy's. */
export function baseInterval(intervalMs: number, nextInMs?: number): number {
  const hint =
    typeof nextInMs === 'number' && Number.isFinite(nextInMs)
      ? Math.min(nextInMs, MAX_BACKOFF_MS)
      : 0;
  return Math.max(intervalMs, hint);
}

export function normalDelay(base: number, r: number): number {
  return Math.round(base * (1 - JITTER + 2 * JITTER * pick(r)));
}

export function backlogDelay(base: number, r: number): number {
  return Math.round((base / 2) * (1 + JITTER * pick(r)));
}

export function firstDelay(base: number, r: number): number {
  return Math.round(base * JITTER * pick(r));
}

/** `failures`: how many requests in a row have failed, this one included (≥ 1). */
export function backoffDelay(
  base: number,
  failures: number,
  r: number,
  retryInMs?: number,
): number {
  const ceiling = Math.max(base, Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(failures, 30)));
  const delay = Math.round(base + (ceiling - base) * pick(r));
  const floor =
    typeof retryInMs === 'number' && Number.isFinite(retryInMs) && retryInMs > 0
      ? Math.min(retryInMs, MAX_RETRY_MS)
      : 0;
  return Math.max(delay, floor);
}
