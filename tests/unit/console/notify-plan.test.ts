// The quiet period of notification rules (core/console/notify/plan.ts): per rule and per
// agent, the first match is sent, the rest held and named in the next message or a summary;
// nothing is dropped, nothing sent twice.
import { describe, expect, it } from 'vitest';
import {
  type AlertToPlan,
  type HeldDelivery,
  type PlanInput,
  planDeliveries,
  type QuietWindow,
  quietKey,
} from '../../../src/core/console/notify/plan.js';

const T = 1_800_000_000_000;
const Q = 60_000;
const r1 = (channel = 'mail', quietMs = Q) => ({ channel, rule: 'r1', quietMs });

function alert(id: number, agentId: string | null = 'a1', routes = [r1()], ts = T): AlertToPlan {
  return { id, agentId, ts, routes };
}

function plan(o: Partial<PlanInput>) {
  return planDeliveries({
    now: T,
    maxAgeMs: 3_600_000,
    alerts: [],
    windows: [],
    held: [],
    quietMsOf: (rule) => (rule === 'r1' ? Q : 0),
    ...o,
  });
}

const brief = (p: ReturnType<typeof plan>) =>
  p.deliveries.map((d) => [d.alertId, d.channel, d.state, d.names]);

describe('planDeliveries', () => {
  it('sends the first match of a key, holds the rest, and opens a window of the rule’s period', () => {
    const p = plan({ alerts: [alert(3), alert(1), alert(2)] });
    expect(brief(p)).toEqual([
      [1, 'mail', 'pending', []],
      [2, 'mail', 'held', []],
      [3, 'mail', 'held', []],
    ]);
    expect(p.windows).toEqual([{ rule: 'r1', agentKey: 'a1', until: T + Q }]);
    expect(p.deliveries.every((d) => d.error === null && d.rule === 'r1')).toBe(true);
  });

  it('keys are per agent and per rule; an alert about no agent has its own key', () => {
    const both = [r1(), { channel: 'hook', rule: 'r2', quietMs: Q }];
    const p = plan({
      alerts: [alert(1), alert(2, 'a2'), alert(3, null), alert(4, 'a1', both), alert(5, null)],
    });
    expect(brief(p)).toEqual([
      [1, 'mail', 'pending', []],
      [2, 'mail', 'pending', []],
      [3, 'mail', 'pending', []],
      [4, 'mail', 'held', []],
      [4, 'hook', 'pending', []],
      [5, 'mail', 'held', []],
    ]);
    expect(p.deliveries.map((d) => d.agentKey)).toEqual(['a1', 'a2', '', 'a1', 'a1', '']);
    expect(p.windows.map((w) => [w.rule, w.agentKey])).toEqual([
      ['r1', 'a1'],
      ['r1', 'a2'],
      ['r1', ''],
      ['r2', 'a1'],
    ]);
  });

  it('a rule’s channels share one window: an alert is sent on all of them or held on all', () => {
    const routes = [r1('mail'), r1('hook')];
    const p = plan({ alerts: [alert(1, 'a1', routes), alert(2, 'a1', routes)] });
    expect(brief(p)).toEqual([
      [1, 'mail', 'pending', []],
      [1, 'hook', 'pending', []],
      [2, 'mail', 'held', []],
      [2, 'hook', 'held', []],
    ]);
  });

  it('inside a stored window a match is held, until its last millisecond', () => {
    const windows: QuietWindow[] = [{ rule: 'r1', agentKey: 'a1', until: T + 1 }];
    expect(brief(plan({ alerts: [alert(9)], windows }))).toEqual([[9, 'mail', 'held', []]]);
    const at = plan({ now: T + 1, alerts: [alert(9, 'a1', [r1()], T + 1)], windows });
    expect(brief(at)).toEqual([[9, 'mail', 'pending', []]]);
    expect(at.windows).toEqual([{ rule: 'r1', agentKey: 'a1', until: T + 1 + Q }]);
  });

  it('after the window, the next match names what was held on its channel', () => {
    const windows: QuietWindow[] = [{ rule: 'r1', agentKey: 'a1', until: T }];
    const held: HeldDelivery[] = [
      { id: 12, rule: 'r1', agentKey: 'a1', channel: 'mail' },
      { id: 11, rule: 'r1', agentKey: 'a1', channel: 'mail' },
      { id: 13, rule: 'r1', agentKey: 'a1', channel: 'hook' },
      { id: 14, rule: 'r1', agentKey: 'a2', channel: 'mail' },
    ];
    const p = plan({
      alerts: [alert(20, 'a1', [r1('mail'), r1('hook')]), alert(21)],
      windows,
      held,
    });
    expect(brief(p)).toEqual([
      [20, 'mail', 'pending', [11, 12]],
      [20, 'hook', 'pending', [13]],
      [21, 'mail', 'held', []],
      // a2 has held deliveries and no window: they are summed up now.
      [null, 'mail', 'pending', [14]],
    ]);
    expect(p.deliveries[3]).toMatchObject({ rule: 'r1', agentKey: 'a2', error: null });
    expect(p.windows).toEqual([
      { rule: 'r1', agentKey: 'a1', until: T + Q },
      { rule: 'r1', agentKey: 'a2', until: T + Q },
    ]);
  });

  it('a window that ended with held deliveries and no new match: a summary per channel', () => {
    const held: HeldDelivery[] = [
      { id: 2, rule: 'r1', agentKey: 'a1', channel: 'mail' },
      { id: 3, rule: 'r1', agentKey: 'a1', channel: 'hook' },
      { id: 4, rule: 'r1', agentKey: 'a1', channel: 'mail' },
    ];
    const windows = [{ rule: 'r1', agentKey: 'a1', until: T + Q }];
    // Still quiet: nothing.
    expect(plan({ now: T + Q - 1, held, windows })).toEqual({ deliveries: [], windows: [] });
    const p = plan({ now: T + Q, held, windows });
    expect(brief(p)).toEqual([
      [null, 'mail', 'pending', [2, 4]],
      [null, 'hook', 'pending', [3]],
    ]);
    expect(p.windows).toEqual([{ rule: 'r1', agentKey: 'a1', until: T + 2 * Q }]);
    // A rule no longer configured: summed up all the same, and no new window.
    const gone = plan({
      now: T + Q,
      held: held.map((h) => ({ ...h, rule: 'old' })),
      windows: [{ rule: 'old', agentKey: 'a1', until: T }],
    });
    expect(gone.deliveries.map((d) => [d.rule, d.names])).toEqual([
      ['old', [2, 4]],
      ['old', [3]],
    ]);
    expect(gone.windows).toEqual([]);
  });

  it('a rule whose quiet period became 0 names what it held in its next message, opening nothing', () => {
    const held: HeldDelivery[] = [{ id: 5, rule: 'r1', agentKey: 'a1', channel: 'mail' }];
    const p = plan({
      alerts: [alert(9, 'a1', [r1('mail', 0)])],
      windows: [{ rule: 'r1', agentKey: 'a1', until: T - 1 }],
      held,
      quietMsOf: () => 0,
    });
    expect(brief(p)).toEqual([[9, 'mail', 'pending', [5]]]);
    expect(p.windows).toEqual([]);
  });

  it('a quiet period of 0 holds nothing and opens no window', () => {
    const routes = [r1('mail', 0)];
    const p = plan({ alerts: [alert(1, 'a1', routes), alert(2, 'a1', routes)] });
    expect(brief(p)).toEqual([
      [1, 'mail', 'pending', []],
      [2, 'mail', 'pending', []],
    ]);
    expect(p.windows).toEqual([]);
  });

  it('an alert older than maxAge is skipped (NOTIFY_TOO_OLD) and opens nothing', () => {
    const p = plan({
      maxAgeMs: 1000,
      alerts: [
        alert(1, 'a1', [r1('mail'), r1('hook')], T - 1001),
        alert(2, 'a1', [r1()], T - 1000),
      ],
    });
    expect(p.deliveries.map((d) => [d.alertId, d.channel, d.state, d.error, d.names])).toEqual([
      [1, 'mail', 'skipped', 'NOTIFY_TOO_OLD', []],
      [1, 'hook', 'skipped', 'NOTIFY_TOO_OLD', []],
      [2, 'mail', 'pending', null, []],
    ]);
    expect(p.windows).toEqual([{ rule: 'r1', agentKey: 'a1', until: T + Q }]);
  });

  it('an alert with no route plans nothing', () => {
    expect(plan({ alerts: [alert(1, 'a1', [])] })).toEqual({ deliveries: [], windows: [] });
  });

  it('quietKey tells rules and agents apart whatever their characters', () => {
    expect(quietKey('a', 'b:c')).not.toBe(quietKey('a:b', 'c'));
    expect(quietKey('r', '')).toBe(quietKey('r', ''));
  });
});
