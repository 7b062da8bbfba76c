// GET /healthz on PostgreSQL: 200 while the database answers, 503 while it does not, and 200
// again when it comes back, with no restart. The database is made unreachable for this
// console alone (the cluster is shared with the other e2e files, so it is not stopped): no
// new connection is allowed to its database and every connection the console holds is
// terminated, as a failover or a restart of the server does to it.
import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../../src/console/server/app.js';
import { openConsoleStore } from '../../../src/console/store/index.js';
import type { ConsoleStore } from '../../../src/console/store/types.js';
import {
  type PostgresHandle,
  postgresUnavailableReason,
  withPostgres,
} from '../../helpers/postgres.js';

const why = postgresUnavailableReason();

describe.skipIf(why !== null)(`healthz on PostgreSQL${why ? ` (skipped: ${why})` : ''}`, () => {
  let handle: PostgresHandle;
  let store: ConsoleStore;
  beforeAll(async () => {
    handle = await withPostgres();
    store = await openConsoleStore({
      db: handle.url,
      dataDir: '/nonexistent',
      postgres: { connectTimeoutMs: 1000 },
    });
  });
  afterAll(async () => {
    await store?.close();
    await handle?.cleanup();
  });

  it('is 503 while the database refuses this console, and 200 again when it is back', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    let logged = '';
    const app = buildConsole({
      store,
      exceptionKey: {
        privateKey,
        publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      syncIntervalMs: 60_000,
      timers: false,
      log: {
        stream: new Writable({
          write(c, _e, cb) {
            logged += c;
            cb();
          },
        }),
      },
    });
    const health = () => app.inject({ method: 'GET', url: '/healthz' });
    expect((await health()).json()).toEqual({ ok: true, db: 'ok', engine: 'postgres' });

    // The role owns its database: it may close it and end its own sessions (no superuser).
    const owner = new pg.Client({ connectionString: handle.url.replace(/\/[^/]+$/, '/postgres') });
    await owner.connect();
    try {
      await owner.query(`ALTER DATABASE ${handle.database} ALLOW_CONNECTIONS false`);
      await owner.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [handle.database],
      );
      const down = await health();
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({ ok: false, db: 'unavailable', engine: 'postgres' });
      expect(down.headers['retry-after']).toBe('5');
      expect(logged).toMatch(/healthz: database unavailable/);
      // Nothing of the database's own words reaches the answer.
      expect(down.body).not.toMatch(/accepting|terminat/);
    } finally {
      await owner.query(`ALTER DATABASE ${handle.database} ALLOW_CONNECTIONS true`);
      await owner.end();
    }
    expect((await health()).statusCode).toBe(200);
    await app.close();
  });
});
