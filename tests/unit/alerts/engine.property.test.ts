import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompiledRule, createAlertEngine } from '../../../src/core/alerts/index.js';
import type { EventType } from '../../../src/core/events/types.js';
import { ev } from './helpers.js';

const TYPES: EventType[] = ['file.created', 'file.deleted', 'usb.blocked', 'alert.raised'];

const ruleArb = fc.record({
  match: fc.constantFrom('file.*', 'usb.blocked', '*'),
  count: fc.integer({ min: 1, max: 6 }),
  withinMs: fc.integer({ min: 1, max: 200 }),
});

// Steps of the clock: mostly small, sometimes big, sometimes back (a stepping clock).
const stepsArb = fc.array(
  fc.record({
    dt: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: -50, max: 500 })),
    type: fc.constantFrom(...TYPES),
  }),
  { maxLength: 300 },
);

/** Straightforward model: keeps every time, same semantics as engine.ts's header. */
function model(
  rule: Omit<CompiledRule, 'within' | 'severity'>,
  steps: { t: number; type: string }[],
) {
  const times: number[] = [];
  const fired: number[] = [];
  let silentUntil = Number.NEGATIVE_INFINITY;
  const re = new RegExp(`^${rule.match.replace('.', '\\.').replace('*', '.*')}$`);
  for (const { t, type } of steps) {
    if (type === 'alert.raised' || !re.test(type)) continue;
    times.push(t);
    if (t < silentUntil) continue;
    if (times.filter((x) => x > t - rule.withinMs).length > rule.count) {
      fired.push(t);
      silentUntil = t + rule.withinMs;
    }
  }
  return fired;
}

describe('alert engine properties', () => {
  it('never two alerts of a rule within withinMs, and agrees with an unbounded model', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 3 }), stepsArb, (rules, steps) => {
        const compiled: CompiledRule[] = rules.map((r) => ({
          ...r,
          within: `${r.withinMs}ms`,
          severity: 'medium',
        }));
        const engine = createAlertEngine(compiled);
        const byRule: number[][] = compiled.map(() => []);
        let now = 1_000_000;
        let latest = Number.NEGATIVE_INFINITY;
        const seen: { t: number; type: string }[] = [];
        for (const { dt, type } of steps) {
          now += dt;
          latest = Math.max(latest, now);
          seen.push({ t: latest, type });
          for (const a of engine.observe(ev(type), now)) {
            const { index, count } = a.data.rule as { index: number; count: number };
            expect(a.data.count).toBe(count + 1);
            expect(a.ts).toBe(latest);
            byRule[index]!.push(a.ts!);
          }
        }
        compiled.forEach((r, i) => {
          const at = byRule[i]!;
          for (let k = 1; k < at.length; k++) {
            expect(at[k]! - at[k - 1]!).toBeGreaterThanOrEqual(r.withinMs);
          }
          expect(at).toEqual(model(r, seen));
        });
      }),
      { numRuns: 300 },
    );
  });
});
