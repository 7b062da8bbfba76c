// Events partitioned by time on a real PostgreSQL (issue 12 §2, §6; tests/helpers/postgres.ts):
// migration 004 moving a version-3 database's events into partitions, partitions created
// ahead by the worker (rows waiting in DEFAULT moved), retention dropping exactly the
// partitions past their age, and a batch whose connection dies in the middle of its INSERT
// answered 503 and stored whole by the retry. Each test has a schema of its own.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConsoleConfig } from '../../../src/console/config.js';
import type { LeaseLoop } from '../../../src/console/server/lease-loop.js';
import { openConsoleStore } from '../../../src/console/store/index.js';
import { POSTGRES_MIGRATIONS } from '../../../src/console/store/migrations/postgres/index.js';
import { eventValues } from '../../../src/console/store/rows.js';
import type { ConsoleStore, StoredEvent } from '../../../src/console/store/types.js';
import { periodOf } from '../../../src/core/console/partitions.js';
import { GENESIS_HASH } from '../../../src/core/events/types.js';
import { AgentLog } from '../../console/store.suite.js';
import {
  makeConsole,
  nextEvents,
  sync,
  syncBody,
  T0,
  type TestAgent,
} from '../../helpers/console-app.js';
import {
  type PostgresHandle,
  postgresUnavailableReason,
  withPostgres,
} from '../../helpers/postgres.js';

const why = postgresUnavailableReason();
let handle: PostgresHandle;
let schemas = 0;
const D = 86_400_000;

interface Fx {
  url: string;
  open(migrations?: number): Promise<ConsoleStore>;
  sql(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  cleanup(): Promise<void>;
}

async function fixture(): Promise<Fx> {
  const schema = `p${++schemas}_${process.pid}`;
  const url = `${handle.url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const raw = new pg.Client({ connectionString: url });
  raw.on('error', () => {});
  await raw.connect();
  await raw.query(`CREATE SCHEMA ${schema}`);
  const opened: ConsoleStore[] = [];
  return {
    url,
    async open(migrations = POSTGRES_MIGRATIONS.length) {
      const s = await openConsoleStore({
        db: url,
        dataDir: '/nonexistent',
        postgres: { migrations: POSTGRES_MIGRATIONS.slice(0, migrations) },
      });
      opened.push(s);
      return s;
    },
    async sql(text, values = []) {
      return (await raw.query(text, values)).rows;
    },
    async cleanup() {
      for (const s of opened) await s.close().catch(() => {}); // closed by the test already
      await raw.query(`DROP SCHEMA ${schema} CASCADE`);
      await raw.end();
    },
  };
}

async function enroll(store: ConsoleStore, id: string, publicKey = 'k'): Promise<void> {
  await store.createAgent({
    id,
    publicKey,
    exceptionSecret: randomBytes(32).toString('base64url'),
    host: 'ws',
    os: 'linux',
    group: 'finance',
    enrolledAt: 1,
  });
}

async function everything(store: ConsoleStore): Promise<StoredEvent[]> {
  return (await store.queryEvents({ order: 'asc', limit: 10_000 })).events;
}

/** Where each event is: `partition → [ts…]`. */
async function placement(fx: Fx): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const r of await fx.sql('SELECT tableoid::regclass::text AS p, ts FROM events ORDER BY ts'))
    out[String(r.p)] = [...(out[String(r.p)] ?? []), Number(r.ts)];
  return out;
}

describe.skipIf(why !== null)(
  `events partitioned by time${why ? ` (skipped: ${why})` : ''}`,
  () => {
    beforeAll(async () => {
      handle = await withPostgres();
    });
    afterAll(async () => {
      await handle?.cleanup();
    });

    it('migration 004 moves a version-3 database’s events into partitions, losing nothing', async () => {
      const fx = await fixture();
      const old = await fx.open(3);
      await enroll(old, 'agent-a');
      await enroll(old, 'agent-b');
      const now = Date.now();
      const months = [-2, -1, 0].map((k) => periodOf('month', now + k * 31 * D));
      const a = new AgentLog('ws-a');
      const b = new AgentLog('ws-b');
      a.add({ ts: 5000, type: 'agent.started' });
      for (const m of months) for (let i = 0; i < 5; i++) a.add({ ts: m.from + i * D + 1 });
      a.add({ ts: Date.UTC(2400, 0, 1), type: 'agent.stopped' });
      for (let i = 0; i < 7; i++) b.add({ ts: Date.UTC(2001, 4, 1) + i });
      // Stored as version 3's ingest stored them (today's ingest expects version 4's tables).
      for (const [id, log] of [
        ['agent-a', a],
        ['agent-b', b],
      ] as const) {
        for (const e of log.events)
          await fx.sql(
            `INSERT INTO events (agent_id, seq, id, ts, type, severity, level, user_name, host, data, prev_hash, hash, received_at, flags)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
            eventValues(id, e, now, []),
          );
        await fx.sql('UPDATE agents SET acked_seq = $1, head_hash = $2 WHERE id = $3', [
          log.events.length,
          log.events.at(-1)!.hash,
          id,
        ]);
      }
      const before = await everything(old);
      expect(before).toHaveLength(a.events.length + b.events.length);
      await old.close();

      const store = await fx.open();
      expect(await everything(store)).toEqual(before);
      expect(await store.countEvents()).toBe(before.length);
      // Migration 009 counted them for the overview, each once, in its hour.
      const counts = await store.eventCounts({ sinceHour: 0 });
      expect(counts.reduce((n, c) => n + c.n, 0)).toBe(before.length);
      expect(counts.find((c) => c.type === 'agent.stopped')).toEqual({
        hour: Date.UTC(2400, 0, 1) / 3_600_000,
        type: 'agent.stopped',
        n: 1,
      });
      expect((await store.eventPartitions()).map((p) => p.name)).toEqual([
        'events_2001_05',
        ...months.map((m) => m.name),
        'events_default',
      ]);
      const where = await placement(fx);
      expect(where.events_default).toEqual([5000, Date.UTC(2400, 0, 1)]);
      expect(where.events_2001_05).toHaveLength(7);
      for (const m of months) expect(where[m.name]).toHaveLength(5);
      expect(await fx.sql("SELECT to_regclass('events_v3') AS t")).toEqual([{ t: null }]);

      // Ingest goes on: the batch again is duplicates only; the next event links to the head.
      expect(await store.ingest('agent-a', a.events, now)).toMatchObject({
        stored: 0,
        duplicates: a.events.length,
        alerts: [],
      });
      const next = a.add({ ts: now });
      expect(await store.ingest('agent-a', [next], now)).toMatchObject({ stored: 1, alerts: [] });
      await fx.cleanup();
    });

    it('the partitions worker makes the current period and the next two; rows waiting in DEFAULT move into them', async () => {
      const fx = await fixture();
      const store = await fx.open();
      await enroll(store, 'agent-1');
      const log = new AgentLog();
      // Before any partition: today's events, and one from an agent whose clock is two days on.
      for (let i = 0; i < 4; i++) log.add({ ts: T0 + i });
      log.add({ ts: T0 + 2 * D });
      await store.ingest('agent-1', log.events, T0);
      expect(Object.keys(await placement(fx))).toEqual(['events_default']);

      const config = parseConsoleConfig('retention: {partition: day}', 'c.yaml');
      const h = makeConsole({ store, config });
      const w = h.app.baomi.workers.find((x) => x.name === 'partitions') as LeaseLoop;
      await w.tick();
      const parts = await store.eventPartitions();
      expect(parts.map((p) => p.name)).toEqual([
        'events_2026_12_01',
        'events_2026_12_02',
        'events_2026_12_03',
        'events_default',
      ]);
      for (let i = 1; i < 3; i++) expect(parts[i]!.from).toBe(parts[i - 1]!.to);
      expect(await placement(fx)).toEqual({
        events_2026_12_01: [T0, T0 + 1, T0 + 2, T0 + 3],
        events_2026_12_03: [T0 + 2 * D],
      });
      // Again: nothing new. A day on, with months chosen: December is covered by days, so its
      // free days are made as days, and January and February whole.
      await w.tick();
      expect((await store.eventPartitions()).length).toBe(4);
      h.clock.now = T0 + D;
      const months = await store.ensurePartitions('month', h.clock.now);
      expect(months[0]).toBe('events_2026_12_04');
      expect(months.slice(-2)).toEqual(['events_2027_01', 'events_2027_02']);
      expect(months).toHaveLength(28 + 2);
      const all = (await store.eventPartitions()).filter((p) => p.from !== null);
      for (let i = 1; i < all.length; i++) expect(all[i]!.from).toBe(all[i - 1]!.to);
      expect(await store.countEvents()).toBe(5);
      await h.app.close();
      await fx.cleanup();
    });

    it('Retention drops exactly the partitions past their age', async () => {
      const fx = await fixture();
      const store = await fx.open();
      await enroll(store, 'agent-1');
      await store.ensurePartitions('day', Date.UTC(2026, 11, 29));
      for (const m of [0, 3, 6]) await store.ensurePartitions('month', Date.UTC(2027, m, 10));
      const NOW = Date.UTC(2027, 6, 15);
      // file.* 60 days (cutoff May 16), usb.* 180 days (Jan 16), idle.* 30 days (Jun 15);
      // agent.started has no age: kept, and so is any partition that holds one.
      const rules = { types: { 'file.*': 60 * D, 'usb.*': 180 * D, 'idle.*': 30 * D } };
      const log = new AgentLog();
      const at = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 12);
      const put: [string, number][] = [
        ['file.modified', at(2026, 12, 29)], // day partition, past 60 d: dropped
        ['usb.blocked', at(2026, 12, 30)], // day partition ending Dec 31 ≤ Jan 16: dropped
        // Dec 31: empty, past the longest age: dropped
        ['file.modified', at(2027, 1, 5)], // January holds usb too, ends Feb 1 > Jan 16: kept;
        ['usb.blocked', at(2027, 1, 10)], //   its file event and this usb one deleted,
        ['usb.blocked', at(2027, 1, 20)], //   this one kept
        ['file.modified', at(2027, 2, 3)], // February: file and idle, ends Mar 1 ≤ May 16: dropped
        ['idle.reminded', at(2027, 2, 4)],
        ['agent.started', at(2027, 3, 1)], // March: kept forever with its agent.started;
        ['file.modified', at(2027, 3, 2)], //   its file event deleted
        ['idle.reminded', at(2027, 4, 9)], // April: idle only, past its age: deleted (below)
        ['file.modified', at(2027, 5, 10)], // May ends Jun 1 > May 16: kept; deleted
        ['file.modified', at(2027, 5, 20)], //   kept
        ['idle.reminded', at(2027, 6, 10)], // June: deleted, partition kept
        ['idle.reminded', at(2027, 7, 10)], // July: kept
        ['file.modified', 1000], // DEFAULT (1970): deleted
        ['usb.blocked', Date.UTC(2400, 0, 1)], // DEFAULT (2400): kept
      ];
      for (const [type, ts] of put) log.add({ type: type as 'file.modified', ts });
      // Received long ago (retention judges by the event's clock and the console's)...
      await store.ingest('agent-1', log.events, Date.UTC(2026, 11, 29));
      // ...but for one, written in April by an agent offline since and received today: it keeps
      // April's partition (idle only, past its age) and itself; April's other event is deleted.
      const offline = log.add({ type: 'idle.reminded', ts: at(2027, 4, 20) });
      await store.ingest('agent-1', [offline], NOW);
      expect(
        (await store.eventPartitions())
          .map((p) => p.name)
          .filter((n) => n.startsWith('events_2026')),
      ).toEqual(['events_2026_12_29', 'events_2026_12_30', 'events_2026_12_31']);

      const run = await store.applyRetention(rules, NOW);
      const dropped = [
        'events_2026_12_29',
        'events_2026_12_30',
        'events_2026_12_31',
        'events_2027_02',
      ];
      const deleted = { 'file.modified': 6, 'idle.reminded': 3, 'usb.blocked': 2 };
      expect(run).toMatchObject({ partitionsDropped: dropped, deleted, more: false });
      expect((await store.eventPartitions()).map((p) => p.name)).toEqual([
        'events_2027_01',
        'events_2027_03',
        'events_2027_04',
        'events_2027_05',
        'events_2027_06',
        'events_2027_07',
        'events_2027_08',
        'events_2027_09',
        'events_default',
      ]);
      expect((await everything(store)).map((e) => [e.type, e.ts])).toEqual([
        ['usb.blocked', at(2027, 1, 20)],
        ['agent.started', at(2027, 3, 1)],
        ['idle.reminded', at(2027, 4, 20)],
        ['file.modified', at(2027, 5, 20)],
        ['idle.reminded', at(2027, 7, 10)],
        ['usb.blocked', Date.UTC(2400, 0, 1)],
      ]);
      const trail = await store.listAudit({ limit: 10 });
      expect(trail.map((r) => [r.actor, r.action, r.target, r.details])).toEqual([
        ['system', 'retention.applied', 'events', { partitionsDropped: dropped, deleted }],
      ]);
      expect(await fx.sql('SELECT count(*)::int AS n FROM retention_pending')).toEqual([{ n: 0 }]);
      // Nothing left past its age: the next run removes nothing and writes no row.
      expect((await store.applyRetention(rules, NOW)).audit).toBeNull();
      expect(await store.listAudit({ limit: 10 })).toHaveLength(1);

      // A run cut short after taking a partition out of events, before dropping it: the next
      // run drops it and records it (with the empty months beside it, past every age).
      await store.ensurePartitions('month', Date.UTC(2026, 7, 10));
      const late = log.add({ type: 'idle.reminded', ts: at(2026, 9, 3) });
      await store.ingest('agent-1', [late], NOW);
      await fx.sql('ALTER TABLE events DETACH PARTITION events_2026_09');
      await fx.sql(
        "INSERT INTO retention_pending (kind, name, n) VALUES ('detached', 'events_2026_09', 0)",
      );
      expect(await store.applyRetention(rules, NOW)).toMatchObject({
        partitionsDropped: ['events_2026_08', 'events_2026_09', 'events_2026_10'],
        deleted: { 'idle.reminded': 1 },
      });
      expect(await fx.sql("SELECT to_regclass('events_2026_09') AS t")).toEqual([{ t: null }]);
      expect(await fx.sql('SELECT count(*)::int AS n FROM retention_pending')).toEqual([{ n: 0 }]);
      await fx.cleanup();
    });

    it('ingest, queries, partitions made and partitions dropped all at once: no deadlock, and what is stored plus what the audit trail says was removed is what was ingested', async () => {
      const fx = await fixture();
      const store = await fx.open();
      const other = await fx.open();
      const agents = ['agent-1', 'agent-2'];
      for (const id of agents) await enroll(store, id);
      const logs = agents.map(() => new AgentLog());
      const rules = { default: 2 * D, types: {} };
      let day = 0;
      let done = false;
      let ingested = 0;
      const maintain = async () => {
        for (; day < 12; day++) {
          await other.ensurePartitions('day', T0 + day * D);
          await other.applyRetention(rules, T0 + day * D);
        }
        done = true;
      };
      const ingest = async (i: number) => {
        while (!done) {
          const t = T0 + day * D;
          // Today's events, tomorrow's (into DEFAULT until its partition is made), and late
          // ones of three days ago (into a partition being dropped, or DEFAULT once it is).
          for (const ts of [t, t + 1, t + D, t - 3 * D]) logs[i]!.add({ ts });
          const r = await store.ingest(agents[i]!, logs[i]!.events.slice(-4), t);
          ingested += r.stored;
          await store.queryEvents({ agentId: agents[i]!, since: t - 5 * D, limit: 50 });
        }
      };
      await Promise.all([maintain(), ingest(0), ingest(1)]);
      const removed = (await store.listAudit({ limit: 1000 }))
        .filter((r) => r.action === 'retention.applied')
        .flatMap((r) => Object.values(r.details.deleted as Record<string, number>))
        .reduce((a, b) => a + b, 0);
      expect(ingested).toBe(logs[0]!.events.length + logs[1]!.events.length);
      expect(removed).toBeGreaterThan(0);
      expect((await store.eventPartitions()).length).toBeGreaterThan(3);
      expect((await store.countEvents()) + removed).toBe(ingested);
      await fx.cleanup();
    });

    it('the connection cut in the middle of a batch’s INSERT: 503 CONSOLE_DB_UNAVAILABLE, nothing stored; the retry stores the whole batch', async () => {
      const fx = await fixture();
      const store = await fx.open();
      await store.ensurePartitions('month', T0);
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const agent: TestAgent = {
        id: uuidv7(),
        privateKey,
        publicKeyPem,
        exceptionSecret: '',
        exceptionKey: '',
        host: 'ws-01',
        seq: 0,
        head: GENESIS_HASH,
      };
      await enroll(store, agent.id, publicKeyPem);
      const h = makeConsole({ store });
      const batch = nextEvents(
        agent,
        T0,
        Array.from({ length: 50 }, (_, i) => ({ type: 'file.modified', data: { i } })),
      );
      // Another transaction holds the key of the batch's last event: the console's INSERT has
      // written the other 49 rows in its transaction and waits there when its connection dies.
      const last = batch.at(-1)!;
      const blocker = new pg.Client({ connectionString: fx.url });
      blocker.on('error', () => {});
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO events (agent_id, seq, id, ts, type, severity, host, data, prev_hash, hash, received_at)
       VALUES ($1, $2, 'x', $3, 'x', 'info', 'x', '{}', 'x', 'x', 0)`,
        [agent.id, last.seq, last.ts],
      );
      const answer = sync(h, agent, syncBody(agent, batch));
      let pid: number | undefined;
      for (let i = 0; i < 200 && pid === undefined; i++) {
        const r = await fx.sql(
          `SELECT pid FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'baomi-console'
           AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO events%'`,
        );
        pid = r[0]?.pid as number | undefined;
        if (pid === undefined) await new Promise((res) => setTimeout(res, 25));
      }
      expect(pid, 'the ingest never waited inside its INSERT').toBeDefined();
      await fx.sql('SELECT pg_terminate_backend($1)', [pid]);
      const r = await answer;
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ error: 'CONSOLE_DB_UNAVAILABLE' });
      expect(r.json().retryInMs).toBeGreaterThan(0);
      await blocker.query('ROLLBACK');
      await blocker.end();
      expect(await store.countEvents()).toBe(0);
      expect(await store.agent(agent.id)).toMatchObject({ ackedSeq: 0, headHash: null });

      const retry = await sync(h, agent, syncBody(agent, batch));
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toMatchObject({ ackedSeq: 50 });
      const stored = await everything(store);
      expect(stored.map(({ agentId: _a, receivedAt: _r, ...e }) => e)).toEqual(batch);
      expect(await store.listAlerts({ limit: 10 })).toEqual([]);
      await h.app.close();
      await fx.cleanup();
    });
  },
);
