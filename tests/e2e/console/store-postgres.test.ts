// The console's PostgreSQL datastore against the shared suite, on a real PostgreSQL over TCP
// (tests/helpers/postgres.ts), plus what only a server database has: it can go away in the
// middle of a request. Each test gets a schema of its own in this file's throwaway database
// (search_path in the URL), so the suite's tests never see each other's rows.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsoleStore } from '../../../src/console/store/index.js';
import { overviewSuite } from '../../console/overview.suite.js';
import { reportsSuite } from '../../console/reports.suite.js';
import { AgentLog, type StoreFixture, storeSuite } from '../../console/store.suite.js';
import {
  type PostgresHandle,
  postgresUnavailableReason,
  withPostgres,
} from '../../helpers/postgres.js';

const why = postgresUnavailableReason();
let handle: PostgresHandle;
let schemas = 0;

/** The handle's URL with its search_path set to `schema`. */
function urlFor(schema: string): string {
  return `${handle.url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

async function make(): Promise<StoreFixture> {
  const schema = `s${++schemas}_${process.pid}`;
  const url = urlFor(schema);
  const raw = new pg.Client({ connectionString: url });
  raw.on('error', () => {}); // dropped with the database at the end; queries still report errors
  await raw.connect();
  await raw.query(`CREATE SCHEMA ${schema}`);
  const store = await openConsoleStore({ db: url, dataDir: '/nonexistent' });
  return {
    store,
    another: () => openConsoleStore({ db: url, dataDir: '/nonexistent' }),
    async sql(text) {
      return (await raw.query(text)).rows;
    },
    async cleanup() {
      await store.close();
      await raw.query(`DROP SCHEMA ${schema} CASCADE`);
      await raw.end();
    },
  };
}

describe.skipIf(why !== null)(`PostgreSQL datastore${why ? ` (skipped: ${why})` : ''}`, () => {
  beforeAll(async () => {
    handle = await withPostgres();
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  storeSuite('postgres', make);
  overviewSuite('postgres', make);
  reportsSuite('postgres', make);

  it('text PostgreSQL cannot hold (NUL) is a bad-input error, not a crash', async () => {
    const fx = await make();
    await expect(
      fx.store.createUser({ name: 'a\u0000b', role: 'admin', passwordHash: 'h', at: 1 }),
    ).rejects.toMatchObject({ code: 'CONSOLE_DB_BAD_TEXT', exit: 2 });
    await fx.cleanup();
  });

  describe('the database going away', () => {
    it('a server that does not answer is CONSOLE_DB_UNAVAILABLE', async () => {
      const store = await openConsoleStore({
        db: 'postgres://nobody:x@127.0.0.1:1/none',
        dataDir: '/nonexistent',
        migrate: false,
      });
      await expect(store.ping()).rejects.toMatchObject({
        code: 'CONSOLE_DB_UNAVAILABLE',
        params: { engine: 'postgres' },
      });
      await expect(store.ingest('a', [], 1)).rejects.toMatchObject({
        code: 'CONSOLE_DB_UNAVAILABLE',
      });
      await expect(
        openConsoleStore({ db: 'postgres://nobody:x@127.0.0.1:1/none', dataDir: '/x' }),
      ).rejects.toMatchObject({ code: 'CONSOLE_DB_UNAVAILABLE' });
      await store.close();
    });

    it('a connection terminated mid-ingest stores nothing, and the retry stores the batch once', async () => {
      const fx = await make();
      const { store } = fx;
      await store.createAgent({
        id: 'agent-1',
        publicKey: 'k',
        exceptionSecret: 's',
        host: 'h',
        os: 'linux',
        group: 'g',
        enrolledAt: 1,
      });
      const log = new AgentLog();
      log.many(20);
      const batch = log.events.filter((e) => e.seq !== 3); // its gap alert is where ingest will wait
      // Another transaction holds the alert key this ingest will insert: the ingest has stored
      // its events in its transaction and waits there, when its connection is terminated.
      const schemaUrl = urlFor(`s${schemas}_${process.pid}`);
      const blocker = new pg.Client({ connectionString: schemaUrl });
      blocker.on('error', () => {});
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO alerts (agent_id, ts, type, severity, seq, data, dedup_key)
         VALUES ('agent-1', 0, 'sync.gap', 'high', 3, '{}', 'gap:3-3')`,
      );
      const pending = store.ingest('agent-1', batch, 10);
      const caught = pending.catch((e) => e);
      // Watched from outside any transaction: pg_stat_activity is a snapshot within one.
      const watcher = new pg.Client({ connectionString: schemaUrl });
      watcher.on('error', () => {});
      await watcher.connect();
      let pid: number | undefined;
      for (let i = 0; i < 200 && pid === undefined; i++) {
        const r = await watcher.query(
          `SELECT pid FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'baomi-console'
             AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO alerts%'`,
        );
        pid = r.rows[0]?.pid;
        if (pid === undefined) await new Promise((res) => setTimeout(res, 50));
      }
      expect(pid, 'the ingest never waited on the alert row').toBeDefined();
      const inTx = await watcher.query(
        'SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND relation = $2::regclass',
        [pid, 'events'],
      );
      expect(inTx.rows[0].n, 'the ingest had written its events when it was cut').toBeGreaterThan(
        0,
      );
      await watcher.query('SELECT pg_terminate_backend($1)', [pid]);
      await watcher.end();
      expect(await caught).toMatchObject({ code: 'CONSOLE_DB_UNAVAILABLE' });
      await blocker.query('ROLLBACK');
      await blocker.end();

      expect(await store.countEvents()).toBe(0);
      expect(await store.agent('agent-1')).toMatchObject({ ackedSeq: 0, headHash: null });
      const retry = await store.ingest('agent-1', batch, 11);
      expect(retry).toMatchObject({ ackedSeq: 20, stored: 19 });
      expect(retry.alerts).toMatchObject([{ type: 'sync.gap', data: { from: 3, to: 3 } }]);
      await fx.cleanup();
    });
  });
});
