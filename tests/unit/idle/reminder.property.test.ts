// Adaptive polling misses nothing: a machine read only at nextCheckAt() gives the same
// reminders as one read every second, and both agree with the reminders computed straight
// from the input timeline. Random timelines of input, random policies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createReminder } from '../../../src/core/idle/reminder.js';
import { MIN, policy, S, T0 } from './helpers.js';

const HORIZON = 30 * MIN;

interface Seen {
  at: number;
  n: number;
  idleMs: number;
}

/** Inputs at these ms (sorted, the first at 0); idle time at t is t minus the last input ≤ t. */
function idleAt(inputs: number[], t: number): number {
  let last = 0;
  for (const i of inputs) if (i <= t) last = i;
  return t - last;
}

/** The reminders the policy means: remindAfter + k·repeat into each stretch, before the next input. */
function truth(inputs: number[], remindAfter: number, repeat: number): Seen[] {
  const out: Seen[] = [];
  inputs.forEach((start, i) => {
    const end = Math.min(inputs[i + 1] ?? Number.POSITIVE_INFINITY, HORIZON + 1);
    for (let k = 0, idle = remindAfter; start + idle < end; k++, idle += repeat)
      out.push({ at: start + idle, n: k + 1, idleMs: idle });
  });
  return out;
}

function run(inputs: number[], remindAfter: number, repeat: number, adaptive: boolean) {
  const m = createReminder(policy({ remindAfter, repeat }));
  const seen: Seen[] = [];
  for (let t = 0; t <= HORIZON; ) {
    for (const a of m.observe({ at: T0 + t, user: 'u', idleMs: idleAt(inputs, t), locked: false }))
      if (a.type === 'remind') seen.push({ at: t, n: a.n, idleMs: a.idleMs });
    if (!adaptive) {
      t += S;
      continue;
    }
    const next = m.nextCheckAt()! - T0;
    // Always ahead: a poller that follows it never spins.
    expect(next).toBeGreaterThan(t);
    t = next;
  }
  return { seen };
}

// Inputs at least a second apart (ms offsets at random), so that any input is told from the
// sources' jitter (stretch.ts); thresholds in whole seconds, as policies write them, repeat ≥ 2 s.
const timeline = fc.array(fc.integer({ min: S, max: 6 * MIN }), { maxLength: 40 }).map((gaps) => {
  const inputs = [0];
  for (const g of gaps) inputs.push(inputs.at(-1)! + g);
  return inputs;
});
const seconds = (min: number, max: number) => fc.integer({ min, max }).map((s) => s * S);

describe('Reminder polled at nextCheckAt()', () => {
  it('gives exactly the reminders of the timeline; a 1-second poll gives the same, ≤ 1 s later', () => {
    fc.assert(
      fc.property(timeline, seconds(1, 300), seconds(2, 300), (inputs, remindAfter, repeat) => {
        const want = truth(inputs, remindAfter, repeat);
        const adaptive = run(inputs, remindAfter, repeat, true);
        expect(adaptive.seen).toEqual(want);

        // Read every second, a reminder comes at the first whole second at or after its
        // threshold, unless input comes first: then the 1-second poll never sees it.
        const poll = run(inputs, remindAfter, repeat, false);
        const late = want
          .map((r) => ({ ...r, at: Math.ceil(r.at / S) * S }))
          .filter((r) => r.at <= HORIZON && idleAt(inputs, r.at) >= r.idleMs);
        expect(poll.seen.map(({ at, n }) => ({ at, n }))).toEqual(
          late.map(({ at, n }) => ({ at, n })),
        );
        poll.seen.forEach((r, i) => {
          const exact = want.find((w) => w.at <= r.at && r.at - w.at < S && w.n === r.n);
          expect(exact, `poll reminder ${i} has no twin within 1 s`).toBeDefined();
        });
      }),
      { numRuns: 200 },
    );
  });

  it('inputs on whole seconds: the 1-second poll and nextCheckAt() agree to the millisecond', () => {
    const wholeSeconds = timeline.map((xs) => xs.map((x) => Math.round(x / S) * S));
    fc.assert(
      fc.property(wholeSeconds, seconds(1, 120), seconds(2, 120), (inputs, remindAfter, repeat) => {
        const sorted = [...new Set(inputs)];
        expect(run(sorted, remindAfter, repeat, false).seen).toEqual(
          run(sorted, remindAfter, repeat, true).seen,
        );
      }),
      { numRuns: 200 },
    );
  });
});
