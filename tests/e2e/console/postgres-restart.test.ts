// Issue 12, bad input: "PostgreSQL restarted in the middle of a batch (a retry, never half a
// batch)". A cluster of the test's own (tests/helpers/postgres.ts withPostgres({ own: true }))
// is stopped with `pg_ctlcluster … stop -m fast` (what an administrator's restart does to
// open sessions) while the console's INSERT of a 50-event batch is inside its transaction;
// while it is down /healthz and every sync answer 503 with a retry time, and the console
// process lives on; started again, the same pool reconnects and the agent's retry stores the
// whole batch once. The shared cluster other test files use is never touched.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsoleStore } from '../../../src/console/store/index.js';
import type { ConsoleStore } from '../../../src/console/store/types.js';
import { GENESIS_HASH } from '../../../src/core/events/types.js';
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

describe.skipIf(why !== null)(
  `PostgreSQL restarted under the console${why ? ` (skipped: ${why})` : ''}`,
  () => {
    let handle: PostgresHandle;
    let store: ConsoleStore;

    beforeAll(async () => {
      handle = await withPostgres({ own: true });
      store = await openConsoleStore({ db: handle.url, dataDir: '/nonexistent' });
    }, 120_000);
    afterAll(async () => {
      await store?.close().catch(() => {});
      await handle?.cleanup();
    }, 60_000);

    it('stopped in the middle of a batch’s INSERT: 503 and nothing stored, /healthz fails while it is down, and after the restart the retry stores the whole batch once', async () => {
      const cluster = handle.cluster!;
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
      await store.createAgent({
        id: agent.id,
        publicKey: publicKeyPem,
        exceptionSecret: randomBytes(32).toString('base64url'),
        host: 'ws-01',
        os: 'linux',
        group: 'finance',
        enrolledAt: 1,
      });
      const h = makeConsole({ store });
      const healthy = await h.app.inject({ method: 'GET', url: '/healthz' });
      expect(healthy.statusCode).toBe(200);
      const batch = nextEvents(
        agent,
        T0,
        Array.from({ length: 50 }, (_, i) => ({ type: 'file.modified', data: { i } })),
      );

      // Another transaction holds the key of the batch's last event, so the console's INSERT
      // has written 49 rows inside its transaction and waits there when the server goes down.
      const last = batch.at(-1)!;
      const blocker = new pg.Client({ connectionString: handle.url });
      blocker.on('error', () => {});
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO events (agent_id, seq, id, ts, type, severity, host, data, prev_hash, hash, received_at)
         VALUES ($1, $2, 'x', $3, 'x', 'info', 'x', '{}', 'x', 'x', 0)`,
        [agent.id, last.seq, last.ts],
      );
      const answer = sync(h, agent, syncBody(agent, batch));
      let waiting = false;
      for (let i = 0; i < 200 && !waiting; i++) {
        const r = handle.admin(
          `SELECT count(*) FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'baomi-console'
             AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO events%'`,
        );
        waiting = r === '1';
        if (!waiting) await new Promise((res) => setTimeout(res, 25));
      }
      expect(waiting, 'the ingest never waited inside its INSERT').toBe(true);

      cluster.stop();
      const r = await answer;
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ error: 'CONSOLE_DB_UNAVAILABLE' });
      expect(r.json().retryInMs).toBeGreaterThan(0);
      // Down: the health check fails (a balancer takes this console out), a sync is refused
      // with a retry time, and the process is still serving.
      const down = await h.app.inject({ method: 'GET', url: '/healthz' });
      expect(down.statusCode).toBe(503);
      const refused = await sync(h, agent, syncBody(agent, batch));
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({ error: 'CONSOLE_DB_UNAVAILABLE' });

      await cluster.start();
      // The same pool, its dead connections replaced: healthy again, nothing half-stored.
      const up = await h.app.inject({ method: 'GET', url: '/healthz' });
      expect(up.statusCode).toBe(200);
      expect(await store.countEvents()).toBe(0);
      expect(await store.agent(agent.id)).toMatchObject({ ackedSeq: 0, headHash: null });

      const retry = await sync(h, agent, syncBody(agent, batch));
      expect(retry.statusCode, retry.body).toBe(200);
      expect(retry.json()).toMatchObject({ ackedSeq: 50 });
      const stored = (await store.queryEvents({ order: 'asc', limit: 100 })).events;
      expect(stored.map(({ agentId: _a, receivedAt: _r, ...e }) => e)).toEqual(batch);
      // Sent once more (the agent never saw the 200): duplicates, nothing stored twice.
      const again = await sync(h, agent, syncBody(agent, batch));
      expect(again.json()).toMatchObject({ ackedSeq: 50 });
      expect(await store.countEvents()).toBe(50);
      expect(await store.listAlerts({ limit: 10 })).toEqual([]);
      await blocker.end().catch(() => {});
      await h.app.close();
    }, 120_000);
  },
);
