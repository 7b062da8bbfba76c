// Retention's rules (core/console/config/retention.ts), the partitions' periods
// (core/console/partitions.ts) and the retention worker on the in-memory store
// (src/console/retention/worker.ts): pure decisions tested in milliseconds; the engines'
// SQL is tested in tests/console/store.suite.ts and tests/e2e/console/partitions-postgres.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConsoleConfig } from '../../../src/console/config.js';
import { LEASE_TTL_MS, type LeaseLoop } from '../../../src/console/server/lease-loop.js';
import {
  partitionCutoff,
  partitionExpired,
  patternRank,
  type RetentionRules,
  retentionAge,
  shortestAge,
} from '../../../src/core/console/config/retention.js';
import {
  partitionsToCreate,
  periodOf,
  periodsAhead,
} from '../../../src/core/console/partitions.js';
import { makeConsole, T0 } from '../../helpers/console-app.js';

const D = 86_400_000;

describe('retention rules', () => {
  const rules: RetentionRules = {
    default: 30 * D,
    types: {
      '*': 60 * D,
      'usb.*': 365 * D,
      'usb.blocked.*': 730 * D,
      'usb.blocked': 1000 * D,
      'idle.reminded': 7 * D,
    },
  };

  it('the most specific pattern wins: exact, then the longest prefix, then *, then default', () => {
    expect(retentionAge(rules, 'usb.blocked')).toBe(1000 * D);
    expect(retentionAge(rules, 'usb.blocked.twice')).toBe(730 * D);
    expect(retentionAge(rules, 'usb.connected')).toBe(365 * D);
    expect(retentionAge(rules, 'usb')).toBe(365 * D);
    expect(retentionAge(rules, 'idle.reminded')).toBe(7 * D);
    expect(retentionAge(rules, 'idle.locked')).toBe(60 * D);
    expect(retentionAge({ default: 30 * D, types: { 'usb.*': D } }, 'file.modified')).toBe(30 * D);
    // The order of the keys does not matter.
    const reversed = { ...rules, types: Object.fromEntries(Object.entries(rules.types).reverse()) };
    for (const t of ['usb.blocked', 'usb.blocked.twice', 'usb.x', 'idle.reminded', 'a.b'])
      expect(retentionAge(reversed, t)).toBe(retentionAge(rules, t));
    expect(patternRank('*')).toBeLessThan(patternRank('usb.*'));
    expect(patternRank('usb.*')).toBeLessThan(patternRank('usb.blocked.*'));
    expect(patternRank('usb.blocked.*')).toBeLessThan(patternRank('usb'));
  });

  it('without default, a type no pattern names is kept; without rules nothing goes', () => {
    const r: RetentionRules = { types: { 'idle.*': 90 * D } };
    expect(retentionAge(r, 'file.modified')).toBeNull();
    expect(retentionAge(r, 'idle.reminded')).toBe(90 * D);
    expect(shortestAge(r)).toBe(90 * D);
    expect(shortestAge({ types: {} })).toBeNull();
    expect(shortestAge({ default: 40 * D, types: { 'idle.*': 90 * D } })).toBe(40 * D);
    expect(shortestAge({ default: 40 * D, types: {} })).toBe(40 * D);
    expect(partitionExpired({ types: {} }, [], 0, 10 ** 13)).toBe(false);
    // A default alone is a rule: an empty partition past it goes.
    expect(partitionExpired({ default: 40 * D, types: {} }, [], 0, 40 * D)).toBe(true);
  });

  it('a partition goes only when the longest age of the types in it has passed over its end', () => {
    const r: RetentionRules = { types: { 'file.*': 30 * D, 'usb.*': 90 * D } };
    const to = Date.UTC(2026, 0, 1);
    expect(partitionExpired(r, ['file.modified'], to, to + 30 * D)).toBe(true);
    expect(partitionExpired(r, ['file.modified'], to, to + 30 * D - 1)).toBe(false);
    expect(partitionExpired(r, ['file.modified', 'usb.blocked'], to, to + 30 * D)).toBe(false);
    expect(partitionExpired(r, ['file.modified', 'usb.blocked'], to, to + 90 * D)).toBe(true);
    // The cutoff for late arrivals: now minus the longest age in it (an event received after
    // it keeps the partition).
    expect(partitionCutoff(r, ['file.modified', 'usb.blocked'], to, to + 95 * D)).toBe(to + 5 * D);
    expect(partitionCutoff(r, ['file.modified'], to, to + 31 * D)).toBe(to + D);
    expect(partitionCutoff(r, ['file.modified', 'usb.blocked'], to, to + 89 * D)).toBeNull();
    expect(partitionCutoff({ default: 40 * D, types: {} }, [], to, to + 41 * D)).toBe(to + D);
    // One type kept forever keeps the partition, however old.
    expect(partitionExpired(r, ['file.modified', 'idle.reminded'], to, to + 9999 * D)).toBe(false);
    // Empty: gone once past the longest age configured.
    expect(partitionExpired(r, [], to, to + 90 * D - 1)).toBe(false);
    expect(partitionExpired(r, [], to, to + 90 * D)).toBe(true);
  });

  it('the configuration refuses an age under a day, a bad pattern and a short interval', () => {
    const c = parseConsoleConfig(
      'retention:\n  default: 400d\n  types: {"usb.*": 2d, "idle.reminded": 1d}\n  partition: day\n',
      'c.yaml',
    );
    expect(c.retention).toMatchObject({ default: 400 * D, partition: 'day', every: 3_600_000 });
    expect(parseConsoleConfig('retention: {every: 1m}', 'c.yaml').retention.every).toBe(60_000);
    for (const [yaml, where] of [
      ['retention: {default: 90s}', 'retention.default'],
      ['retention: {types: {"usb.*": 23h}}', 'retention.types'],
      ['retention: {types: {"usb*": 30d}}', 'retention.types'],
      ['retention: {types: {"USB.blocked": 30d}}', 'retention.types'],
      ['retention: {every: 10s}', 'retention.every'],
      ['retention: {partition: week}', 'retention.partition'],
    ] as const)
      expect(() => parseConsoleConfig(yaml, 'c.yaml'), yaml).toThrow(
        expect.objectContaining({
          code: 'CONSOLE_CONFIG_INVALID',
          params: expect.objectContaining({ problems: expect.stringContaining(where) }),
        }),
      );
  });
});

describe('event partitions', () => {
  it('are named by their UTC month or day and cover [from, to)', () => {
    const t = Date.UTC(2026, 11, 31, 23, 59, 59, 999);
    expect(periodOf('month', t)).toEqual({
      name: 'events_2026_12',
      from: Date.UTC(2026, 11, 1),
      to: Date.UTC(2027, 0, 1),
    });
    expect(periodOf('day', t)).toEqual({
      name: 'events_2026_12_31',
      from: Date.UTC(2026, 11, 31),
      to: Date.UTC(2027, 0, 1),
    });
    expect(periodOf('day', Date.UTC(2027, 0, 1))).toMatchObject({ name: 'events_2027_01_01' });
    expect(periodsAhead('month', t).map((p) => p.name)).toEqual([
      'events_2026_12',
      'events_2027_01',
      'events_2027_02',
    ]);
    expect(periodsAhead('day', Date.UTC(2028, 1, 28, 12)).map((p) => p.name)).toEqual([
      'events_2028_02_28',
      'events_2028_02_29',
      'events_2028_03_01',
    ]);
  });

  it('are created for the current period and the next two, never over an existing range', () => {
    const now = Date.UTC(2027, 1, 27, 8);
    expect(partitionsToCreate('month', now, []).map((p) => p.name)).toEqual([
      'events_2027_02',
      'events_2027_03',
      'events_2027_04',
    ]);
    const feb = periodOf('month', now);
    // Switched to days: the days February covers are not made again.
    expect(partitionsToCreate('day', now, [feb]).map((p) => p.name)).toEqual(['events_2027_03_01']);
    // Switched to months after days: the free days of the month, then whole months.
    const days = periodsAhead('day', now);
    const made = partitionsToCreate('month', now, days);
    expect(made.map((p) => p.name)).toEqual([
      'events_2027_02_01',
      ...Array.from({ length: 25 }, (_, i) => `events_2027_02_${String(i + 2).padStart(2, '0')}`),
      'events_2027_03_02',
      ...Array.from({ length: 29 }, (_, i) => `events_2027_03_${String(i + 3).padStart(2, '0')}`),
      'events_2027_04',
    ]);
    const all = [...days, ...made].sort((a, b) => a.from - b.from);
    for (let i = 1; i < all.length; i++) expect(all[i]!.from).toBe(all[i - 1]!.to);
    expect(partitionsToCreate('month', now, [...days, ...made])).toEqual([]);
  });
});

describe('the retention worker', () => {
  let h: ReturnType<typeof makeConsole> | undefined;
  afterEach(async () => {
    await h?.app.close();
  });

  it('applies the configured rules under the retention lease, again at once while there is more', async () => {
    const config = parseConsoleConfig(
      'retention: {default: 30d, types: {"usb.*": 365d}, every: 10m}',
      'c.yaml',
    );
    h = makeConsole({ config });
    const w = h.app.baomi.workers.find((x) => x.name === 'retention') as LeaseLoop;
    expect(w).toBeDefined();
    // SQLite (the twin's engine) has no partitions: no partitions worker.
    expect(h.app.baomi.workers.map((x) => x.name)).not.toContain('partitions');
    const agent = 'a1';
    for (let i = 1; i <= 12; i++)
      h.store.events.set(`${agent} ${i}`, {
        agentId: agent,
        receivedAt: 0,
        id: `id-${i}`,
        seq: i,
        ts: T0 - (i <= 10 ? 40 : 1) * D,
        type: i % 2 ? 'usb.blocked' : 'file.modified',
        severity: 'info',
        host: 'h',
        data: {},
        prevHash: '0'.repeat(64),
        hash: '0'.repeat(64),
      });
    await w.tick();
    expect(h.store.retentionRuns).toEqual([{ rules: config.retention, now: T0 }]);
    expect([...h.store.events.values()].map((e) => e.seq).sort((a, b) => a - b)).toEqual([
      1, 3, 5, 7, 9, 11, 12,
    ]);
    expect(h.store.audit.map((a) => [a.actor, a.action, a.details])).toEqual([
      ['system', 'retention.applied', { partitionsDropped: [], deleted: { 'file.modified': 5 } }],
    ]);
    expect(h.store.leases.get('retention')).toMatchObject({ expiresAt: T0 + LEASE_TTL_MS });
    expect(h.logs()).toContain('retention applied');

    // A run that stopped at its bound (`more`) is followed by the next at once, not in 10 min.
    const real = h.store.applyRetention.bind(h.store);
    let calls = 0;
    h.store.applyRetention = async (rules, now, opts) => {
      calls++;
      return { ...(await real(rules, now, opts)), more: calls < 3 };
    };
    w.start();
    for (let i = 0; i < 100 && calls < 3; i++) await new Promise((r) => setTimeout(r, 5));
    await w.stop();
    expect(calls).toBe(3);
  });
});
