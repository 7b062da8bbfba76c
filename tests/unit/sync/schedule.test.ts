// When the sync module calls next (src/agent/sync/schedule.ts): the bounds the issue sets,
// checked at the ends of the random range and across it.
import { describe, expect, it } from 'vitest';
import {
  backlogDelay,
  backoffDelay,
  baseInterval,
  firstDelay,
  MAX_BACKOFF_MS,
  MAX_RETRY_MS,
  normalDelay,
} from '../../../src/agent/sync/schedule.js';

const R = [0, 1e-9, 0.25, 0.5, 0.75, 0.999999];
const MIN = 60_000;

describe('sync schedule', () => {
  it('normal rounds are the interval ±20 %, spread over the whole range', () => {
    for (const r of R) {
      const d = normalDelay(MIN, r);
      expect(d).toBeGreaterThanOrEqual(0.8 * MIN);
      expect(d).toBeLessThanOrEqual(1.2 * MIN);
    }
    expect(normalDelay(MIN, 0)).toBe(48_000);
    expect(normalDelay(MIN, 0.5)).toBe(MIN);
    expect(normalDelay(MIN, 1)).toBe(72_000);
  });

  it('a backlog drains at most at twice the normal rate: never sooner than half an interval', () => {
    for (const r of R) {
      const d = backlogDelay(MIN, r);
      expect(d).toBeGreaterThanOrEqual(MIN / 2);
      expect(d).toBeLessThanOrEqual(0.6 * MIN);
    }
    // Over a backlog of 100 batches the requests per minute stay within 2.
    let t = 0;
    for (let i = 0; i < 100; i++) t += backlogDelay(MIN, Math.random());
    expect(100 / (t / MIN)).toBeLessThanOrEqual(2);
  });

  it('back-off: full jitter from the interval up to interval × 2^failures, at most 15 minutes', () => {
    for (let failures = 1; failures <= 12; failures++) {
      const ceiling = Math.min(MAX_BACKOFF_MS, MIN * 2 ** failures);
      for (const r of R) {
        const d = backoffDelay(MIN, failures, r);
        expect(d).toBeGreaterThanOrEqual(MIN);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
      expect(backoffDelay(MIN, failures, 0)).toBe(MIN);
      expect(backoffDelay(MIN, failures, 1)).toBe(ceiling);
    }
    expect(backoffDelay(MIN, 1, 1)).toBe(2 * MIN);
    expect(backoffDelay(MIN, 3, 1)).toBe(8 * MIN);
    expect(backoffDelay(MIN, 50, 1)).toBe(MAX_BACKOFF_MS);
    // An interval longer than the cap is not shortened by a failure.
    expect(backoffDelay(3_600_000, 3, 0.5)).toBe(3_600_000);
  });

  it('honours the console’s retryInMs, within reason', () => {
    expect(backoffDelay(MIN, 1, 0, 300_000)).toBe(300_000);
    expect(backoffDelay(MIN, 1, 1, 1_000)).toBe(2 * MIN);
    expect(backoffDelay(MIN, 1, 0, 10 * MAX_RETRY_MS)).toBe(MAX_RETRY_MS);
    expect(backoffDelay(MIN, 1, 0, -5)).toBe(MIN);
  });

  it('the console may ask for longer rounds, never shorter ones; the first comes early', () => {
    expect(baseInterval(MIN, 0)).toBe(MIN);
    expect(baseInterval(MIN, 1000)).toBe(MIN);
    expect(baseInterval(MIN, 120_000)).toBe(120_000);
    expect(baseInterval(MIN, 10 * MAX_BACKOFF_MS)).toBe(MAX_BACKOFF_MS);
    for (const r of R) {
      expect(firstDelay(MIN, r)).toBeGreaterThanOrEqual(0);
      expect(firstDelay(MIN, r)).toBeLessThanOrEqual(0.2 * MIN);
    }
  });
});
