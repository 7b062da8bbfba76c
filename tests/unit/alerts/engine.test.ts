import { describe, expect, it } from 'vitest';
import {
  type CompiledRule,
  createAlertEngine,
  SAMPLE_SIZE,
} from '../../../src/core/alerts/index.js';
import { isBaomiError } from '../../../src/core/errors.js';
import type { EventInput } from '../../../src/core/events/types.js';
import { ev } from './helpers.js';

function rule(over: Partial<CompiledRule> = {}): CompiledRule {
  return { match: 'file.*', count: 3, within: '1s', withinMs: 1000, severity: 'high', ...over };
}

/** Feeds `type` events at the given times; returns the alerts with the time they came out. */
function feed(
  engine: ReturnType<typeof createAlertEngine>,
  times: number[],
  opts: Parameters<typeof ev>[1] = {},
): { at: number; alert: EventInput }[] {
  const out: { at: number; alert: EventInput }[] = [];
  for (const t of times) {
    for (const alert of engine.observe(ev('file.modified', opts), t)) out.push({ at: t, alert });
  }
  return out;
}

describe('threshold', () => {
  it('does not fire at exactly count, fires at count + 1', () => {
    const engine = createAlertEngine([rule({ level: 'AAA', severity: 'critical' })]);
    expect(feed(engine, [10, 20, 30], { level: 'AAA' })).toEqual([]);
    const fired = feed(engine, [40], { level: 'AAA', path: '/srv/finance/q4.xlsx' });
    expect(fired).toHaveLength(1);
    const a = fired[0]!.alert;
    expect(a.type).toBe('alert.raised');
    expect(a.severity).toBe('critical');
    expect(a.level).toBe('AAA');
    expect(a.ts).toBe(40);
    expect(a.data.rule).toEqual({
      index: 0,
      match: 'file.*',
      level: 'AAA',
      count: 3,
      within: '1s',
    });
    expect(a.data.count).toBe(4);
    expect(a.data.windowStart).toBe(40 - 1000);
    expect(a.data.windowEnd).toBe(40);
    expect(a.data.suppressed).toBe(0);
    const sample = a.data.sample as { path?: string }[];
    expect(sample).toHaveLength(4);
    expect(sample[3]!.path).toBe('/srv/finance/q4.xlsx');
  });

  it('leaves out level when the rule has none', () => {
    const engine = createAlertEngine([rule({ count: 1 })]);
    const alert = feed(engine, [1, 2])[0]!.alert;
    expect('level' in alert).toBe(false);
    expect('level' in (alert.data.rule as object)).toBe(false);
  });

  it('only counts events whose type matches', () => {
    const engine = createAlertEngine([rule({ count: 1 })]);
    expect(engine.observe(ev('usb.blocked'), 1)).toEqual([]);
    expect(engine.observe(ev('usb.blocked'), 2)).toEqual([]);
    expect(engine.observe(ev('file.created'), 3)).toEqual([]);
    expect(engine.observe(ev('file.deleted'), 4)).toHaveLength(1);
  });
});

describe('window', () => {
  it('drops events observed withinMs ago or earlier', () => {
    const engine = createAlertEngine([rule()]);
    // 0 is exactly 1000 ms before 1000, so it is out: window (0, 1000] holds 100, 200, 1000.
    expect(feed(engine, [0, 100, 200, 1000])).toEqual([]);
    // (50, 1050] holds 100, 200, 1000, 1050: four, more than three.
    expect(feed(engine, [1050]).map((f) => f.at)).toEqual([1050]);
  });

  it('keeps an event observed withinMs - 1 ago', () => {
    const engine = createAlertEngine([rule()]);
    expect(feed(engine, [0, 1, 2, 999]).map((f) => f.at)).toEqual([999]);
  });

  it('a slow trickle never fires', () => {
    const engine = createAlertEngine([rule()]);
    const times = Array.from({ length: 200 }, (_, i) => i * 334);
    expect(feed(engine, times)).toEqual([]);
  });

  it('a clock stepping back is clamped, not allowed to revive or resurrect', () => {
    const engine = createAlertEngine([rule({ count: 1 })]);
    expect(feed(engine, [5000])).toEqual([]);
    // 4500 is taken as 5000: both are in the window, so it fires, stamped 5000.
    const fired = feed(engine, [4500]);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.alert.ts).toBe(5000);
    // Stepping far back cannot end the silence early.
    expect(feed(engine, [0, 0, 0])).toEqual([]);
  });

  it('refuses a non-finite time', () => {
    const engine = createAlertEngine([rule()]);
    expect(() => engine.observe(ev('file.created'), Number.NaN)).toThrow(/alert.badTime/);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      try {
        engine.observe(ev('file.created'), bad);
        expect.unreachable();
      } catch (e) {
        if (!isBaomiError(e)) throw e;
        expect([e.code, e.params, e.exit]).toEqual(['alert.badTime', { now: String(bad) }, 1]);
      }
    }
  });
});

describe('levels', () => {
  const levelsSeen = (ruleLevel: CompiledRule['level'], eventLevels: (string | undefined)[]) => {
    // count 1: fires on the second matching event, so each probe is "reference + candidate".
    return eventLevels.map((l) => {
      const engine = createAlertEngine([rule({ count: 1, level: ruleLevel })]);
      engine.observe(ev('file.created', { level: ruleLevel }), 1);
      const opts = l === undefined ? {} : { level: l };
      return engine.observe(ev('file.created', opts), 2).length === 1;
    });
  };

  it('trade-secret scale: this level or higher', () => {
    expect(levelsSeen('AA', ['A', 'AA', 'AAA', '秘密', '绝密', undefined])).toEqual([
      false,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('state-secret scale: this level or higher', () => {
    expect(levelsSeen('机密', ['秘密', '机密', '绝密', 'A', 'AAA', undefined])).toEqual([
      false,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('a rule without a level counts events with and without a level', () => {
    const engine = createAlertEngine([rule({ count: 2 })]);
    engine.observe(ev('file.created'), 1);
    engine.observe(ev('file.created', { level: 'A' }), 2);
    expect(engine.observe(ev('file.created', { level: '绝密' }), 3)).toHaveLength(1);
  });
});

describe('once per window', () => {
  it('is silent for withinMs after firing, then re-arms', () => {
    const engine = createAlertEngine([rule({ count: 1 })]);
    const burst = Array.from({ length: 3001 }, (_, i) => i); // one event per ms, 0 … 3000
    const fired = feed(engine, burst);
    // Fires at 1 (two events), silent through 1000, fires at 1001, 2001 (a continuing burst).
    expect(fired.map((f) => f.at)).toEqual([1, 1001, 2001]);
    expect(fired.map((f) => f.alert.data.suppressed)).toEqual([0, 999, 999]);
  });

  it('keeps count + 1 times per rule: an alert over a fuller window says count + 1', () => {
    const engine = createAlertEngine([rule({ count: 1, withinMs: 100 })]);
    expect(feed(engine, [0, 1]).map((f) => f.alert.data.count)).toEqual([2]);
    // Silent until 101; 49 more events land in the window meanwhile.
    expect(
      feed(
        engine,
        Array.from({ length: 49 }, (_, i) => 2 + i),
      ),
    ).toEqual([]);
    const [again] = feed(engine, [101]);
    expect(again!.alert.data).toMatchObject({ count: 2, suppressed: 49, windowStart: 1 });
  });

  it('needs count + 1 fresh events after re-arming', () => {
    const engine = createAlertEngine([rule({ count: 1 })]);
    expect(feed(engine, [0, 1]).map((f) => f.at)).toEqual([1]);
    // Silence is over at 1001, but the window (1001-1000, 5000] … only 5000 itself is fresh.
    expect(feed(engine, [5000])).toEqual([]);
    expect(feed(engine, [5001]).map((f) => f.at)).toEqual([5001]);
  });

  it('events that made one alert never count towards the next', () => {
    const engine = createAlertEngine([rule({ count: 2 })]);
    // Three events at 0 fire; at 1000 they are out and only 1000's events count.
    expect(feed(engine, [0, 0, 0]).map((f) => f.at)).toEqual([0]);
    expect(feed(engine, [1000, 1000])).toEqual([]);
    expect(feed(engine, [1000]).map((f) => f.at)).toEqual([1000]);
  });

  it('rules are independent and keep their policy index', () => {
    const engine = createAlertEngine([
      rule({ match: 'usb.*', count: 1 }),
      rule({ match: 'file.*', count: 1, severity: 'low' }),
      rule({ match: '*', count: 1, severity: 'medium' }),
    ]);
    expect(engine.observe(ev('file.created'), 1)).toEqual([]);
    const out = engine.observe(ev('file.created'), 2);
    expect(out.map((a) => (a.data.rule as { index: number }).index)).toEqual([1, 2]);
    expect(out.map((a) => a.severity)).toEqual(['low', 'medium']);
  });
});

describe('sample', () => {
  it('holds at most SAMPLE_SIZE events, the latest, oldest first, without internals', () => {
    const engine = createAlertEngine([rule({ count: 50 })]);
    const fired = feed(
      engine,
      Array.from({ length: 51 }, (_, i) => i),
      { path: '/srv/x', ts: 777 },
    );
    expect(fired).toHaveLength(1);
    const sample = fired[0]!.alert.data.sample as { seq: number }[];
    expect(sample).toHaveLength(SAMPLE_SIZE);
    const seqs = sample.map((s) => s.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(sample[0]).toEqual({ seq: seqs[0], type: 'file.modified', ts: 777, path: '/srv/x' });
  });

  it('leaves out events that have dropped out of the window', () => {
    const engine = createAlertEngine([rule({ count: 1, withinMs: 100 })]);
    const old = ev('file.created');
    engine.observe(old, 0);
    const a = ev('file.created');
    const b = ev('file.created');
    engine.observe(a, 500);
    const [alert] = engine.observe(b, 510);
    expect((alert!.data.sample as { seq: number }[]).map((s) => s.seq)).toEqual([a.seq, b.seq]);
  });

  it('leaves out an event observed exactly withinMs before the alert (half-open window)', () => {
    const engine = createAlertEngine([rule({ count: 1, withinMs: 100 })]);
    const edge = ev('file.created');
    engine.observe(edge, 0);
    const a = ev('file.created');
    const b = ev('file.created');
    expect(engine.observe(a, 100)).toEqual([]); // (0, 100] holds only a
    const [alert] = engine.observe(b, 100);
    expect(alert!.data.windowStart).toBe(0);
    expect((alert!.data.sample as { seq: number }[]).map((s) => s.seq)).toEqual([a.seq, b.seq]);
  });

  it('has no path when the event has none', () => {
    const engine = createAlertEngine([rule({ match: 'usb.blocked', count: 1 })]);
    engine.observe(ev('usb.blocked'), 1);
    const [alert] = engine.observe(ev('usb.blocked'), 2);
    const sample = alert!.data.sample as object[];
    for (const s of sample) expect('path' in s).toBe(false);
  });
});

describe('no loops', () => {
  it('ignores alert.raised even under "*"', () => {
    const engine = createAlertEngine([rule({ match: '*', count: 1 })]);
    for (let t = 0; t < 10; t++) expect(engine.observe(ev('alert.raised'), t)).toEqual([]);
    // …and they did not enter the window either.
    expect(engine.observe(ev('usb.blocked'), 10)).toEqual([]);
  });

  it('ignores alert.raised under a glob naming it', () => {
    const engine = createAlertEngine([rule({ match: 'alert.*', count: 1 })]);
    for (let t = 0; t < 5; t++) expect(engine.observe(ev('alert.raised'), t)).toEqual([]);
  });
});

describe('invalid rules', () => {
  it('accepts the smallest valid rule: more than 1 event within 1 ms', () => {
    const engine = createAlertEngine([rule({ count: 1, withinMs: 1, within: '1ms' })]);
    expect(engine.observe(ev('file.created'), 5)).toEqual([]);
    expect(engine.observe(ev('file.created'), 5)).toHaveLength(1);
  });

  it.each([
    [{ match: '' }, 'match'],
    [{ match: 5 as never }, 'match'],
    [{ match: undefined as never }, 'match'],
    [{ count: 0 }, 'count'],
    [{ count: 1.5 }, 'count'],
    [{ withinMs: 0 }, 'within'],
    [{ withinMs: Number.POSITIVE_INFINITY }, 'within'],
    [{ level: 'B' as never }, 'level'],
    [{ severity: 'urgent' as never }, 'severity'],
  ])('%o is refused naming %s', (over, field) => {
    try {
      createAlertEngine([rule(), rule(over)]);
      expect.unreachable();
    } catch (e) {
      expect(isBaomiError(e)).toBe(true);
      if (!isBaomiError(e)) return;
      expect(e.code).toBe('alert.invalidRule');
      expect(e.params).toEqual({ index: 1, field });
      expect(e.exit).toBe(2);
    }
  });
});
