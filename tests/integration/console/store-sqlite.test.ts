// The console's embedded datastore (SQLite, `<dataDir>/console.db`) against the shared suite,
// plus what only SQLite has: the file's permissions and a writer lock held by another process.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openConsoleStore } from '../../../src/console/store/index.js';
import { m001Initial } from '../../../src/console/store/migrations/sqlite/001-initial.js';
import { m002AuditHead } from '../../../src/console/store/migrations/sqlite/002-audit-head.js';
import { auditHash, verifyAudit } from '../../../src/core/console/audit.js';
import { BaomiError } from '../../../src/core/errors.js';
import { GENESIS_HASH } from '../../../src/core/events/types.js';
import { AgentLog, type StoreFixture, storeSuite } from '../../console/store.suite.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'baomi-cstore-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Sync rounds are committed in the writer thread, as in the console (its script is built:
// `npm test` builds first; from the sources alone the store would commit inline).
const WRITER = new URL('../../../dist/console/store/sqlite-writer.js', import.meta.url);

async function make(): Promise<StoreFixture> {
  const dataDir = join(tmp(), 'console');
  const store = await openConsoleStore({ dataDir, sqlite: { writer: WRITER } });
  const raw = new Database(join(dataDir, 'console.db'));
  return {
    store,
    another: () => openConsoleStore({ dataDir, sqlite: { writer: WRITER } }),
    async sql(text) {
      const s = raw.prepare(text);
      if (s.reader) return s.all() as Record<string, unknown>[];
      s.run();
      return [];
    },
    async cleanup() {
      raw.close();
      await store.close();
    },
  };
}

storeSuite('sqlite', make);

describe('console store: sqlite only', () => {
  it('sync rounds committed inline (no writer thread): together, each all or nothing', async () => {
    const dataDir = join(tmp(), 'inline');
    const store = await openConsoleStore({ dataDir, sqlite: { writer: 'inline' } });
    try {
      for (const id of ['agent-1', 'agent-2'])
        await store.createAgent({
          id,
          publicKey: 'k',
          exceptionSecret: 's',
          host: id,
          os: 'linux',
          group: 'g',
          enrolledAt: 1,
        });
      await store.revokeAgent('agent-2', 2);
      const log = new AgentLog();
      const got = await Promise.allSettled([
        store.syncRound({ agentId: 'agent-1', nonce: 'a', events: log.many(3), now: 10 }),
        store.syncRound({ agentId: 'agent-2', nonce: 'b', events: [], now: 10 }),
        store.syncRound({ agentId: 'agent-1', nonce: 'a', events: log.many(1), now: 11 }),
      ]);
      expect(got.map((g) => (g.status === 'fulfilled' ? g.value.replay : g.reason.code))).toEqual([
        false,
        'CONSOLE_DB_AGENT_REVOKED',
        true,
      ]);
      expect(await store.countEvents('agent-1')).toBe(3);
      expect(await store.useNonce('agent-2', 'b', 12)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('makes its data dir 0700 and console.db 0600', async () => {
    const dataDir = join(tmp(), 'a', 'console');
    const store = await openConsoleStore({ dataDir });
    await store.ping();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'console.db')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'console.db-wal')).mode & 0o777).toBe(0o600);
    await store.close();
  });

  it('names a data dir it cannot use, and refuses a --db that is not PostgreSQL', async () => {
    const file = join(tmp(), 'file');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'x');
    await expect(openConsoleStore({ dataDir: join(file, 'sub') })).rejects.toMatchObject({
      code: 'CONSOLE_DB_UNWRITABLE',
    });
    await expect(
      openConsoleStore({ dataDir: tmp(), db: 'mysql://root:hunter2@db/x' }),
    ).rejects.toMatchObject({
      code: 'CONSOLE_DB_BAD_URL',
      params: { url: 'mysql://root:hunter2@db/x' },
    });
    const e = await openConsoleStore({ dataDir: tmp(), db: 'sqlite:///tmp/x' }).catch((x) => x);
    expect(e).toBeInstanceOf(BaomiError);
  });

  it('a writer lock held past busy_timeout is CONSOLE_DB_UNAVAILABLE, with nothing stored', async () => {
    const dataDir = tmp();
    const store = await openConsoleStore({ dataDir, sqlite: { busyTimeoutMs: 50 } });
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
    log.many(10);
    const other = new Database(join(dataDir, 'console.db'));
    other.exec('BEGIN IMMEDIATE');
    await expect(store.ingest('agent-1', log.events, 5)).rejects.toMatchObject({
      code: 'CONSOLE_DB_UNAVAILABLE',
      params: { engine: 'sqlite' },
    });
    other.exec('ROLLBACK');
    other.close();
    expect(await store.countEvents()).toBe(0);
    expect((await store.ingest('agent-1', log.events, 6)).stored).toBe(10);
    await store.close();
  });

  it('migration 002 seeds the audit head from a trail written before it; appends go on from it', async () => {
    const dataDir = tmp();
    const old = await openConsoleStore({ dataDir, sqlite: { migrations: [m001Initial] } });
    await old.close();
    // Two rows as the code before 002 appended them (chained from the last row).
    const row = { ts: 1, actor: 'a', action: 'login', ip: 'local', target: 'a', details: {} };
    const first = { ...row, seq: 1, prevHash: GENESIS_HASH };
    const f1 = { ...first, hash: auditHash(first) };
    const second = { ...row, ts: 2, seq: 2, prevHash: f1.hash };
    const f2 = { ...second, hash: auditHash(second) };
    const raw = new Database(join(dataDir, 'console.db'));
    for (const r of [f1, f2])
      raw
        .prepare(
          'INSERT INTO audit (seq, ts, actor, action, ip, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(r.seq, r.ts, r.actor, r.action, r.ip, r.target, '{}', r.prevHash, r.hash);
    raw.close();
    const store = await openConsoleStore({ dataDir });
    expect(await store.auditHead()).toEqual({ seq: 2, hash: f2.hash });
    expect((await store.appendAudit({ ...row, ts: 3 })).prevHash).toBe(f2.hash);
    expect(verifyAudit(await store.listAudit({ limit: 10 }), await store.auditHead())).toEqual({
      ok: true,
      checked: 3,
      breaks: [],
    });
    await store.close();
    const empty = await openConsoleStore({ dataDir: tmp() });
    expect(await empty.auditHead()).toBeNull();
    await empty.close();
  });

  it('migration 003 keeps alerts raised before it; they read unchanged and can be moved', async () => {
    const dataDir = tmp();
    const old = await openConsoleStore({
      dataDir,
      sqlite: { migrations: [m001Initial, m002AuditHead] },
    });
    await old.createAgent({
      id: 'agent-1',
      publicKey: 'k',
      exceptionSecret: 's',
      host: 'ws-01',
      os: 'linux',
      group: 'finance',
      enrolledAt: 1,
    });
    const log = new AgentLog();
    log.many(3);
    await old.ingest('agent-1', [log.events[0]!, log.events[2]!], 5);
    const [raised] = await old.listAlerts({ limit: 10 });
    await old.close();
    const store = await openConsoleStore({ dataDir });
    const [alert] = await store.listAlerts({ limit: 10 });
    expect(alert).toEqual(raised);
    expect(alert).not.toHaveProperty('stateBy');
    expect(
      await store.setAlertState(alert!.id, { state: '结案', by: 'alice', at: 6, note: '误报' }),
    ).toEqual({ ...raised, state: '结案', stateBy: 'alice', stateAt: 6, stateNote: '误报' });
    await store.close();
  });

  it('two processes starting on one new file apply the schema once', async () => {
    const dataDir = tmp();
    const { spawn } = await import('node:child_process');
    const script = `
      import { openConsoleStore } from ${JSON.stringify(join(process.cwd(), 'dist/console/store/index.js'))};
      const s = await openConsoleStore({ dataDir: ${JSON.stringify(dataDir)} });
      await s.close();
    `;
    const runs = [0, 1, 2].map(
      () =>
        new Promise<number | null>((resolve) => {
          const c = spawn(process.execPath, ['--input-type=module', '-e', script], {
            stdio: 'inherit',
          });
          c.on('exit', resolve);
        }),
    );
    expect(await Promise.all(runs)).toEqual([0, 0, 0]);
    const db = new Database(join(dataDir, 'console.db'), { readonly: true });
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
    ]);
    db.close();
  });
});
