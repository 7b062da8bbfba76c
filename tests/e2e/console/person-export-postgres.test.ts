// PostgreSQL migration 007 on a database that already holds alerts: each alert raised from a
// stored event gets that event's user (the per-person export finds it by it), the others
// none; nothing is lost. And the export's sections are index ranges on the person.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../../src/console/store/migrations/postgres/index.js';
import { personEventsSql } from '../../../src/console/store/person-sql.js';
import { PostgresConsoleStore } from '../../../src/console/store/postgres.js';
import { eventValues } from '../../../src/console/store/rows.js';
import { AgentLog } from '../../console/store.suite.js';
import {
  type PostgresHandle,
  postgresUnavailableReason,
  withPostgres,
} from '../../helpers/postgres.js';

const why = postgresUnavailableReason();

describe.skipIf(why !== null)(`PostgreSQL migration 007${why ? ` (skipped: ${why})` : ''}`, () => {
  let handle: PostgresHandle;
  beforeAll(async () => {
    handle = await withPostgres();
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  it('backfills the user of the event each alert was raised from; others stay without', async () => {
    const old = new PostgresConsoleStore(handle.url, {
      migrations: POSTGRES_MIGRATIONS.filter((m) => m.version < 7),
    });
    await old.migrate();
    await old.createAgent({
      id: 'agent-1',
      publicKey: 'k',
      exceptionSecret: 's',
      host: 'ws-01',
      os: 'linux',
      group: 'g',
      enrolledAt: 1,
    });
    await old.close();
    const log = new AgentLog();
    log.add({ user: 'zhang', type: 'alert.raised', severity: 'high', data: { count: 3 } });
    log.add();
    const raw = new pg.Client({ connectionString: handle.url });
    raw.on('error', () => {}); // terminated by cleanup when an assertion fails first
    await raw.connect();
    for (const e of log.events)
      await raw.query(
        `INSERT INTO events (agent_id, seq, id, ts, type, severity, level, user_name, host, data, prev_hash, hash, received_at, flags)
         VALUES (${Array.from({ length: 14 }, (_, i) => `$${i + 1}`).join(', ')})`,
        eventValues('agent-1', e, 5, []),
      );
    for (const [type, seq] of [
      ['alert.raised', 1],
      ['sync.chain-broken', 2],
      ['sync.gap', 3],
      ['agent.silent', null],
    ] as const)
      await raw.query(
        `INSERT INTO alerts (agent_id, ts, type, severity, seq, data, dedup_key)
         VALUES ('agent-1', 5, $1, 'high', $2, '{}', $3)`,
        [type, seq, seq === null ? null : `${type}:${seq}`],
      );
    const store = new PostgresConsoleStore(handle.url);
    await store.migrate();
    const alerts = await store.listAlerts({ limit: 10 });
    expect(alerts.map((a) => [a.type, a.seq, a.user ?? null])).toEqual([
      ['agent.silent', null, null],
      ['sync.gap', 3, null],
      ['sync.chain-broken', 2, null],
      ['alert.raised', 1, 'zhang'],
    ]);
    const reader = await store.openPersonExport('zhang');
    expect(await reader.counts()).toEqual({ events: 1, requests: 0, alerts: 1, cases: 0 });
    await reader.close();
    await store.close();
    // The events section is a range of the person's index (the planner told not to scan).
    await raw.query('SET enable_seqscan = off');
    const q = personEventsSql('postgres', 'zhang', { ts: 0, agentId: '', seq: 0 }, 1000);
    const plan = (await raw.query(`EXPLAIN ${q.sql}`, q.values)).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    // On the partitioned table the index of each partition has a generated name.
    expect(plan).toMatch(/Index (Only )?Scan using \S*user\S* on /);
    await raw.end();
  });
});
