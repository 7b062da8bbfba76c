// The overview's rollup and queries (core/console/overview.ts, store/overview-sql.ts) on a
// real engine: run against SQLite (tests/integration/console/store-sqlite.test.ts) and
// PostgreSQL (tests/e2e/console/store-postgres.test.ts). The counts are checked against the
// events themselves: resends (duplicates), two consoles ingesting at once (PostgreSQL's deltas
// before and after a fold), events from 1970 and the far future, hostile idle data.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleStore, StoredEvent } from '../../src/console/store/types.js';
import { countDeltas, HOUR_MS } from '../../src/core/console/overview.js';
import { AgentLog, agentInput, HOSTILE, type StoreFixture } from './store.suite.js';

const T = 1_800_000_000_000;

/** What the rollup must say: the stored events counted one by one. */
async function truth(
  store: ConsoleStore,
  sinceHour: number,
  group?: string,
  groups?: Map<string, string>,
) {
  const all: StoredEvent[] = [];
  for (let after: string | undefined; ; ) {
    const page = await store.queryEvents({
      limit: 1000,
      order: 'asc',
      ...(after ? { after } : {}),
    });
    all.push(...page.events);
    if (!page.next) break;
    after = page.next;
  }
  const mine = group === undefined ? all : all.filter((e) => groups?.get(e.agentId) === group);
  return countDeltas(mine)
    .filter((c) => c.hour >= sinceHour)
    .sort((a, b) => a.hour - b.hour || (a.type < b.type ? -1 : 1));
}

export function overviewSuite(name: string, make: () => Promise<StoreFixture>): void {
  describe(`console store overview: ${name}`, () => {
    let fx: StoreFixture;
    let store: ConsoleStore;
    beforeEach(async () => {
      fx = await make();
      store = fx.store;
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    const enroll = (id: string, group: string) => store.createAgent(agentInput(id, group, T));

    it('counts every stored event once per hour and type, resends and two consoles at once included', async () => {
      await enroll('agent-1', 'finance');
      await enroll('agent-2', 'rd');
      const l1 = new AgentLog('ws-01', T);
      const l2 = new AgentLog('ws-02', T + 1234);
      const types = ['file.modified', 'usb.blocked', 'file.created', 'session.locked'] as const;
      for (let i = 0; i < 600; i++) {
        // Spread over ~25 hours, with 1970 and the far future among them.
        const ts = i === 7 ? 0 : i === 8 ? 32_503_680_000_000 : T + i * 150_000;
        (i % 2 ? l2 : l1).add({ ts, type: types[i % types.length] });
      }
      const other = await fx.another();
      try {
        // Batches from both agents through two store instances at once, then resends.
        await Promise.all([
          store.ingest('agent-1', l1.events.slice(0, 150), T),
          other.ingest('agent-2', l2.events.slice(0, 150), T),
        ]);
        await Promise.all([
          other.ingest('agent-1', l1.events.slice(100), T),
          store.ingest('agent-2', l2.events.slice(100), T),
        ]);
        await store.ingest('agent-1', l1.events.slice(0, 300), T); // all duplicates
        const groups = new Map([
          ['agent-1', 'finance'],
          ['agent-2', 'rd'],
        ]);
        expect(await store.eventCounts({ sinceHour: 0 })).toEqual(await truth(store, 0));
        // Before and after a fold (PostgreSQL), through either console: the same.
        const before = await other.eventCounts({ sinceHour: 0 });
        const folded = await store.foldEventCounts();
        if (name === 'postgres') expect(folded).toBeGreaterThan(0);
        else expect(folded).toBe(0);
        expect(await other.eventCounts({ sinceHour: 0 })).toEqual(before);
        expect(await store.foldEventCounts()).toBe(0);
        const sinceHour = Math.floor((T + 10 * HOUR_MS) / HOUR_MS);
        const late = await store.eventCounts({ sinceHour });
        expect(late).toEqual(await truth(store, sinceHour));
        expect(late.every((c) => c.hour >= sinceHour)).toBe(true);
        expect(await store.eventCounts({ sinceHour: 0, group: 'rd' })).toEqual(
          await truth(store, 0, 'rd', groups),
        );
        expect(await store.eventCounts({ sinceHour: 0, group: HOSTILE[0] })).toEqual([]);
        // More after the fold: folded counts and new deltas add up.
        for (let i = 0; i < 5; i++) l1.add({ ts: T + i, type: 'usb.blocked' });
        await other.ingest('agent-1', l1.events.slice(300), T);
        expect(await store.eventCounts({ sinceHour: 0 })).toEqual(await truth(store, 0));
      } finally {
        await other.close();
      }
    });

    it('new alerts by severity: only those still at 预报', async () => {
      await enroll('agent-1', 'finance');
      const log = new AgentLog('ws-01', T);
      for (let i = 0; i < 3; i++) log.add();
      // seq 4 missing: a gap alert (high); then an agent's own alert rule (critical).
      log.add();
      log.add({ type: 'alert.raised', severity: 'critical', data: { rule: { index: 0 } } });
      await store.ingest('agent-1', [...log.events.slice(0, 3), log.events[4]!], T);
      const alerts = await store.listAlerts({ limit: 10 });
      expect(alerts.length).toBeGreaterThan(1);
      const count = (rows: { severity: string }[]) => {
        const m = new Map<string, number>();
        for (const a of rows) m.set(a.severity, (m.get(a.severity) ?? 0) + 1);
        return [...m]
          .map(([severity, n]) => ({ severity, n }))
          .sort((a, b) => (a.severity < b.severity ? -1 : 1));
      };
      expect(await store.newAlertsBySeverity()).toEqual(count(alerts));
      await store.setAlertState(alerts[0]!.id, { state: '调查', by: 'ana', at: T, note: 'x' });
      expect(await store.newAlertsBySeverity()).toEqual(count(alerts.slice(1)));
    });

    it('idle minutes: the highest running total per workstation and day, summed per person; bad data left out', async () => {
      await enroll('agent-1', 'finance');
      await enroll('agent-2', 'finance');
      const l1 = new AgentLog('ws-01', T);
      const l2 = new AgentLog('ws-02', T);
      const idle = (log: AgentLog, user: string, date: unknown, minutes: unknown, ts = T) =>
        log.add({
          ts,
          type: 'idle.exposure',
          user,
          data: { date: date as string, minutes: minutes as number, final: false },
        });
      idle(l1, '张三', '2027-01-14', 5);
      idle(l1, '张三', '2027-01-14', 12); // running total: 12, not 17
      idle(l1, '张三', '2027-01-15', 3);
      idle(l2, '张三', '2027-01-15', 4); // another workstation: adds
      idle(l1, 'li.si', '2027-01-15', 30);
      idle(l1, HOSTILE[2]!, '2027-01-15', 1);
      idle(l1, 'old', '2027-01-01', 999); // before the week
      idle(l1, 'old2', '2027-01-15', 999, T - 30 * 86_400_000); // event before sinceTs
      idle(l2, 'bad', 'yesterday', 50); // not a date (as text it sorts after 2027): left out
      idle(l2, 'bad', '2027-01-15', '50'); // minutes as text: left out
      idle(l2, 'bad', '2027-01-15', { n: 50 }); // not a number: left out
      // A NUL in the data (PostgreSQL keeps data as text; jsonb would refuse it): left out there
      // without failing the rest.
      idle(l2, 'nul', '2027-01-15\u0000', 7);
      await store.ingest('agent-1', l1.events, T);
      await store.ingest('agent-2', l2.events, T);
      const top = await store.idleTop({
        sinceTs: T - 86_400_000,
        sinceDate: '2027-01-09',
        limit: 10,
      });
      const want = [
        { user: 'li.si', minutes: 30 },
        { user: '张三', minutes: 19 },
        { user: HOSTILE[2]!, minutes: 1 },
      ];
      expect(top).toEqual(want);
      // From the start of time, the event older than the window counts; the limit holds.
      expect(await store.idleTop({ sinceTs: 0, sinceDate: '2027-01-09', limit: 2 })).toEqual([
        { user: 'old2', minutes: 999 },
        { user: 'li.si', minutes: 30 },
      ]);
    });
  });
}
