// The report's counts (core/console/reports.ts, store/reports-sql.ts) on a real engine: run
// against SQLite (tests/integration/console/store-sqlite.test.ts) and PostgreSQL
// (tests/e2e/console/store-postgres.test.ts). Every number has a twin just outside the
// period (before its start, at its end) that must not be counted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleStore } from '../../src/console/store/types.js';
import { ALERT_STAGES } from '../../src/core/console/alerts.js';
import { emptyCounts, type GroupCounts } from '../../src/core/console/reports.js';
import { AgentLog, agentInput, type StoreFixture } from './store.suite.js';

const H = 3_600_000;
const D = 24 * H;
const T = Date.UTC(2027, 0, 4); // a Monday, 00:00 UTC
const PERIOD = { from: T, to: T + 7 * D, fromDate: '2027-01-04', toDate: '2027-01-11' };

function counts(group: string, c: Partial<Omit<GroupCounts, 'group'>>): GroupCounts {
  const e = emptyCounts(group);
  return { ...e, ...c, alerts: { ...e.alerts, ...c.alerts } };
}

export function reportsSuite(name: string, make: () => Promise<StoreFixture>): void {
  describe(`console store report: ${name}`, () => {
    let fx: StoreFixture;
    let store: ConsoleStore;
    beforeEach(async () => {
      fx = await make();
      store = fx.store;
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    const enroll = (id: string, group: string) =>
      store.createAgent(agentInput(id, group, T - 30 * D));

    it('counts per group, in the period only: blocked plugs, exceptions granted, alerts by stage and downgraded, idle minutes', async () => {
      for (const [id, group] of [
        ['a1', 'fin-a'],
        ['a2', 'fin-b'],
        ['a3', 'rd'],
        ['a4', '<b>misc</b>'],
      ])
        await enroll(id!, group!);

      // a1: blocked plugs at the period's first hour, and just before and at its end.
      const a1 = new AgentLog('a1');
      for (const ts of [T - 1, T, T + 7 * D - 1, T + 7 * D])
        a1.add({ ts, type: 'usb.blocked', data: { device: 'x' } });
      // Idle running totals: the day's highest counts (25), a date before the period does not,
      // nor one at its end; an event with no number, nor one whose date is not a date.
      const idle = (date: string, minutes: unknown, ts = T + D) =>
        a1.add({ ts, type: 'idle.exposure', user: '张三', data: { date, minutes } as never });
      idle('2027-01-05', 10);
      idle('2027-01-05', 25);
      idle('2027-01-03', 99, T + 2 * H); // the agent's own zone: still the 3rd there
      idle('2027-01-11', 98, T + 7 * D - 2 * H);
      idle('2027-01-06', 'many');
      idle('2027-1-6', 97);
      await store.ingest('a1', a1.events, T + 8 * D);

      // a2: two blocked plugs; requests approved in the period, after it, and one denied.
      const a2 = new AgentLog('a2');
      a2.add({ ts: T + 3 * D, type: 'usb.blocked' });
      a2.add({ ts: T + 3 * D + 1, type: 'usb.blocked' });
      for (const id of ['req-in', 'req-late', 'req-denied', 'req-pending'])
        a2.add({
          ts: T + 3 * D,
          type: 'usb.exception-requested',
          user: 'li.si',
          data: { requestId: id, device: '0781:5581:X', reason: 'r' },
        });
      await store.ingest('a2', a2.events, T + 3 * D);
      const decide = (id: string, approved: boolean, at: number) =>
        store.decideRequest(id, {
          approved,
          by: 'ada',
          at,
          note: 'n',
          token: approved ? 't' : null,
        });
      expect(await decide('req-in', true, T + 4 * D)).toBe(true);
      expect(await decide('req-late', true, T + 7 * D)).toBe(true);
      expect(await decide('req-denied', false, T + 4 * D)).toBe(true);

      // a3: a gap raised in the period (put in a case, assessed lower) and one before it.
      const a3 = new AgentLog('a3');
      a3.many(5);
      await store.ingest('a3', [a3.events[0]!, a3.events[2]!], T + 3 * H);
      await store.ingest('a3', [a3.events[4]!], T - 3 * H);
      const [inside] = (await store.listAlerts({ agentId: 'a3', limit: 10 })).filter(
        (a) => a.ts === T + 3 * H,
      );
      expect(inside).toBeDefined();
      const audit = { ts: T, actor: 'ada', action: 'x', ip: '127.0.0.1', target: 't', details: {} };
      const c = await store.openCase(
        { title: 't', alertIds: [inside!.id], by: 'ada', at: T + 4 * H },
        () => audit,
      );
      await store.changeCase(
        c.id,
        { kind: 'stage', stage: '初步评估', note: 'n', severity: 'low', by: 'ada', at: T + 5 * H },
        () => audit,
      );

      // a4 (a group no one described): idle minutes on two dates, summed.
      const a4 = new AgentLog('a4');
      a4.add({
        ts: T + D,
        type: 'idle.exposure',
        user: 'wang',
        data: { date: '2027-01-05', minutes: 30 },
      });
      a4.add({
        ts: T + 2 * D,
        type: 'idle.exposure',
        user: 'wang',
        data: { date: '2027-01-06', minutes: 12.5 },
      });
      await store.ingest('a4', a4.events, T + 2 * D);

      expect(await store.reportCounts(PERIOD)).toEqual([
        counts('<b>misc</b>', { idleMinutes: 42.5 }),
        counts('fin-a', { blockedPlugs: 2, idleMinutes: 25 }),
        counts('fin-b', { blockedPlugs: 2, exceptionsGranted: 1 }),
        counts('rd', { alerts: { 初步评估: 1 } as GroupCounts['alerts'], alertsDowngraded: 1 }),
      ]);
      // The week before: the plug at T - 1 and the gap raised at T - 3 h (still at 预报).
      const before = await store.reportCounts({
        from: T - 7 * D,
        to: T,
        fromDate: '2026-12-28',
        toDate: '2027-01-04',
      });
      expect(before).toEqual([
        counts('fin-a', { blockedPlugs: 1, idleMinutes: 99 }),
        counts('rd', { alerts: { 预报: 1 } as GroupCounts['alerts'] }),
      ]);
      expect(ALERT_STAGES.every((s) => typeof before[1]!.alerts[s] === 'number')).toBe(true);
      expect(
        await store.reportCounts({
          from: T + 30 * D,
          to: T + 31 * D,
          fromDate: '2027-02-03',
          toDate: '2027-02-04',
        }),
      ).toEqual([]);
    });
  });
}
