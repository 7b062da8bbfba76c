// alerts[].per: counting per user (the events' user) or per host (one agent is one host, so
// the same as a rule without `per`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alertMessages,
  alertSummary,
  type CompiledRule,
  compileAlertRules,
  createAlertEngine,
} from '../../../src/core/alerts/index.js';
import { isBaomiError } from '../../../src/core/errors.js';
import { ev } from './helpers.js';

function rule(over: Partial<CompiledRule> = {}): CompiledRule {
  return {
    match: 'usb.blocked',
    count: 2,
    within: '10m',
    withinMs: 600_000,
    severity: 'high',
    per: 'user',
    ...over,
  };
}

const plug = (user?: string) => ev('usb.blocked', user === undefined ? {} : { user });

describe('per: user', () => {
  it('three blocked plugs by one user fire; one each by three users do not', () => {
    const engine = createAlertEngine([rule()]);
    expect(engine.observe(plug('zhang'), 1)).toEqual([]);
    expect(engine.observe(plug('li'), 2)).toEqual([]);
    expect(engine.observe(plug('wang'), 3)).toEqual([]);
    expect(engine.observe(plug('zhang'), 4)).toEqual([]);
    const [alert, ...more] = engine.observe(plug('zhang'), 5);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      type: 'alert.raised',
      severity: 'high',
      user: 'zhang',
      ts: 5,
      data: {
        rule: { index: 0, match: 'usb.blocked', count: 2, within: '10m', per: 'user' },
        user: 'zhang',
        count: 3,
        windowStart: 5 - 600_000,
        windowEnd: 5,
        suppressed: 0,
      },
    });
    // Only zhang's events are in his alert's sample.
    expect((alert!.data.sample as { seq: number }[]).length).toBe(3);
  });

  it('each user has a window, a silence and a count of their own', () => {
    const engine = createAlertEngine([rule({ count: 1, withinMs: 100 })]);
    expect(engine.observe(plug('a'), 0)).toEqual([]);
    expect(engine.observe(plug('a'), 1).map((x) => x.user)).toEqual(['a']);
    // a is silent until 101; b is not.
    expect(engine.observe(plug('a'), 2)).toEqual([]);
    expect(engine.observe(plug('b'), 3)).toEqual([]);
    const [b] = engine.observe(plug('b'), 4);
    expect([b!.user, b!.data.suppressed, b!.data.count]).toEqual(['b', 0, 2]);
    // a's silence ends at 101: 2 and 101 are in a's window, and 2 was suppressed.
    const [a] = engine.observe(plug('a'), 101);
    expect([a!.user, a!.data.suppressed, a!.data.count]).toEqual(['a', 1, 2]);
    // b's window: 3 and 4 are out by 104.
    expect(engine.observe(plug('b'), 104)).toEqual([]);
  });

  it('events with no user count together, and the alert says so with user: null', () => {
    const engine = createAlertEngine([rule({ count: 1 })]);
    expect(engine.observe(plug(), 1)).toEqual([]);
    expect(engine.observe(plug('x'), 2)).toEqual([]);
    const [alert] = engine.observe(plug(), 3);
    expect(alert!.data.user).toBeNull();
    expect('user' in alert!).toBe(false);
    const s = alertSummary(alert!);
    expect(s.key).toBe('alert.summaryAnyLevel');
  });

  it('a user called "" is a user, not the host group', () => {
    const engine = createAlertEngine([rule({ count: 1 }), rule({ count: 1, per: 'host' })]);
    engine.observe(plug(''), 1);
    const out = engine.observe(plug(), 2);
    // The host rule (index 1) counts both; the per-user rule sees two different users.
    expect(out.map((a) => a.data.rule)).toEqual([
      { index: 1, match: 'usb.blocked', count: 1, within: '10m' },
    ]);
  });

  it('summarises with the user in both languages', () => {
    const engine = createAlertEngine([
      rule({ count: 1 }),
      rule({ count: 1, level: 'AA', match: 'file.*' }),
    ]);
    engine.observe(plug('张伟'), 1);
    const [alert] = engine.observe(plug('张伟'), 2);
    const { key, params } = alertSummary(alert!);
    expect(key).toBe('alert.summaryAnyLevelUser');
    expect(params.user).toBe('张伟');
    expect(alertMessages.en[key]).toContain('{{user}}');
    expect(alertMessages['zh-CN'][key]).toContain('{{user}}');
    engine.observe(ev('file.created', { level: 'AAA', user: 'li' }), 3);
    const [withLevel] = engine.observe(ev('file.created', { level: 'AA', user: 'li' }), 4);
    expect(alertSummary(withLevel!)).toMatchObject({
      key: 'alert.summaryUser',
      params: { user: 'li', level: 'AA' },
    });
  });

  it('keeps counting right for many users (old counters are dropped only when spent)', () => {
    const engine = createAlertEngine([rule({ count: 1, withinMs: 1000 })]);
    // 200 users, each plugs once; then each plugs again within the window: all 200 fire.
    for (let u = 0; u < 200; u++) expect(engine.observe(plug(`u${u}`), u)).toEqual([]);
    const fired: string[] = [];
    for (let u = 0; u < 200; u++) {
      for (const a of engine.observe(plug(`u${u}`), 200 + u)) fired.push(a.user!);
    }
    expect(fired).toHaveLength(200);
    // Much later every counter is spent; a user silent from an old alert is not silenced now.
    for (let u = 0; u < 100; u++) expect(engine.observe(plug(`v${u}`), 10_000 + u)).toEqual([]);
    expect(engine.observe(plug('u0'), 20_000)).toEqual([]);
    expect(engine.observe(plug('u0'), 20_001).map((a) => a.data.suppressed)).toEqual([0]);
  });

  it('drops spent counters once 64 are held, and only spent ones', () => {
    const engine = createAlertEngine([rule({ count: 1, withinMs: 1000 }), rule({ per: 'host' })]);
    expect(engine.counters()).toBe(0);
    for (let u = 0; u < 64; u++) engine.observe(plug(`u${u}`), u);
    expect(engine.counters()).toBe(64 + 1);
    // u0's last time (0) is exactly withinMs before 1000: spent. u1… are not.
    engine.observe(plug('new1'), 1000);
    expect(engine.counters()).toBe(64 + 1);
    // 64 held again: the next new user sweeps; at 1001 u1 is spent too, u2… are not.
    engine.observe(plug('new2'), 1001);
    expect(engine.counters()).toBe(64 + 1);
    // Long after, everything but the newest is spent.
    engine.observe(plug('late'), 10_000);
    expect(engine.counters()).toBe(1 + 1);
  });

  it('below 64 counters nothing is dropped', () => {
    const engine = createAlertEngine([rule({ count: 1, withinMs: 10 })]);
    for (let u = 0; u < 63; u++) engine.observe(plug(`u${u}`), u * 100);
    engine.observe(plug('last'), 100_000);
    expect(engine.counters()).toBe(64);
    engine.observe(plug('one more'), 100_001);
    expect(engine.counters()).toBe(2);
  });

  it('keeps a counter that has suppressed events to report', () => {
    const engine = createAlertEngine([rule({ count: 1, withinMs: 1000 })]);
    engine.observe(plug('s'), 0);
    engine.observe(plug('s'), 1); // fires; silent until 1001
    engine.observe(plug('s'), 2); // suppressed
    for (let u = 0; u < 63; u++) engine.observe(plug(`o${u}`), 3000 + u);
    expect(engine.counters()).toBe(64);
    // s is past its window but has a suppressed event to report: kept; the o… are fresh.
    engine.observe(plug('x'), 3100);
    expect(engine.counters()).toBe(65);
    engine.observe(plug('y'), 100_000);
    expect(engine.counters()).toBe(2);
  });

  it('a silent user keeps their silence and suppressed count while others come and go', () => {
    const engine = createAlertEngine([rule({ count: 1, withinMs: 1000 })]);
    engine.observe(plug('s'), 0);
    expect(engine.observe(plug('s'), 1)).toHaveLength(1);
    engine.observe(plug('s'), 2); // suppressed (silent until 1001)
    // 100 other users arrive after s's window has passed, but before s plugs again.
    for (let u = 0; u < 100; u++) engine.observe(plug(`o${u}`), 1500 + u);
    engine.observe(plug('s'), 1700);
    const [again] = engine.observe(plug('s'), 1701);
    expect(again!.data.suppressed).toBe(1);
  });
});

describe('per: host', () => {
  it('counts every user together, and its alert is that of a rule without per', () => {
    for (const per of ['host', undefined] as const) {
      const engine = createAlertEngine([rule({ per })]);
      engine.observe(plug('a'), 1);
      engine.observe(plug('b'), 2);
      const [alert] = engine.observe(plug('c'), 3);
      expect(alert!.data.rule).toEqual({ index: 0, match: 'usb.blocked', count: 2, within: '10m' });
      expect('user' in alert!.data).toBe(false);
      expect('user' in alert!).toBe(false);
    }
  });

  it('compiles from the policy, host by default', () => {
    const compiled = compileAlertRules([
      { match: 'usb.blocked', count: 3, within: 600_000, severity: 'high', per: 'user' },
      { match: 'file.*', count: 3, within: 60_000, severity: 'low', per: 'host' },
    ]);
    expect(compiled.map((r) => r.per)).toEqual(['user', 'host']);
  });

  it('refuses any other per', () => {
    try {
      createAlertEngine([rule({ per: 'team' as never })]);
      expect.unreachable();
    } catch (e) {
      if (!isBaomiError(e)) throw e;
      expect([e.code, e.params]).toEqual(['alert.invalidRule', { index: 0, field: 'per' }]);
    }
  });
});

describe('per: user, as a model', () => {
  it('agrees with one host engine per user', () => {
    const users = ['a', 'b', 'c', undefined];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(
          fc.record({ dt: fc.integer({ min: 0, max: 60 }), u: fc.integer({ min: 0, max: 3 }) }),
          {
            maxLength: 200,
          },
        ),
        (count, withinMs, steps) => {
          const per = createAlertEngine([rule({ count, withinMs })]);
          const models = new Map(
            users.map((u) => [u, createAlertEngine([rule({ count, withinMs, per: 'host' })])]),
          );
          let t = 0;
          for (const { dt, u } of steps) {
            t += dt;
            const user = users[u];
            const got = per
              .observe(plug(user), t)
              .map((a) => [a.ts, a.data.count, a.data.suppressed]);
            const want = models
              .get(user)!
              .observe(plug(user), t)
              .map((a) => [a.ts, a.data.count, a.data.suppressed]);
            expect(got).toEqual(want);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
