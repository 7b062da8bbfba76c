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
import { m010Overview } from '../../../src/console/store/migrations/sqlite/010-overview.js';
import { SQLITE_MIGRATIONS } from '../../../src/console/store/migrations/sqlite/index.js';
import {
  personAlertsSql,
  personEventsSql,
  personRequestsSql,
} from '../../../src/console/store/person-sql.js';
import { eventValues } from '../../../src/console/store/rows.js';
import { auditHash, verifyAudit } from '../../../src/core/console/audit.js';
import { BaomiError } from '../../../src/core/errors.js';
import { GENESIS_HASH } from '../../../src/core/events/types.js';
import { overviewSuite } from '../../console/overview.suite.js';
import { reportsSuite } from '../../console/reports.suite.js';
import { AgentLog, agentInput, type StoreFixture, storeSuite } from '../../console/store.suite.js';

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
overviewSuite('sqlite', make);
reportsSuite('sqlite', make);

describe('console store: sqlite only', () => {
  it('the overview migration counts the events stored before it, exactly as ingest would', async () => {
    const fx = await make();
    try {
      const { store } = fx;
      for (const [id, group] of [
        ['agent-1', 'finance'],
        ['agent-2', 'rd'],
      ] as const)
        await store.createAgent(agentInput(id, group, 1));
      const l1 = new AgentLog('ws-01', 1_800_000_000_000);
      const l2 = new AgentLog('ws-02', 1_800_000_000_000);
      for (let i = 0; i < 300; i++)
        (i % 3 ? l1 : l2).add({
          ts: 1_800_000_000_000 + i * 97_000,
          type: i % 4 ? 'file.modified' : 'usb.blocked',
        });
      await store.ingest('agent-1', l1.events, 1);
      await store.ingest('agent-2', l2.events, 1);
      const byIngest = await store.eventCounts({ sinceHour: 0 });
      const rows = await fx.sql(
        'SELECT group_name, sum(n) AS n FROM event_counts GROUP BY 1 ORDER BY 1',
      );
      expect(rows).toEqual([
        { group_name: 'finance', n: 200 },
        { group_name: 'rd', n: 100 },
      ]);
      // As a database from before the migration: no rollup; the migration's SQL makes it.
      await fx.sql('DROP TABLE event_counts');
      for (const stmt of m010Overview.sql
        .split(';')
        .map((x) => x.trim())
        .filter(Boolean))
        await fx.sql(stmt);
      expect(await store.eventCounts({ sinceHour: 0 })).toEqual(byIngest);
    } finally {
      await fx.cleanup();
    }
  });

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
    // The gap alert as the code of that time stored it (today's ingest writes columns of
    // later migrations, so it is written here by hand).
    const raw = new Database(join(dataDir, 'console.db'));
    raw
      .prepare(
        `INSERT INTO alerts (agent_id, ts, type, severity, seq, data, dedup_key)
         VALUES ('agent-1', 5, 'sync.gap', 'high', 2, '{"from":2,"to":2}', 'gap:2-2')`,
      )
      .run();
    raw.close();
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

  it('migration 008 names the user of the event each older alert was raised from, and indexes by person', async () => {
    const dataDir = tmp();
    const old = await openConsoleStore({
      dataDir,
      sqlite: { migrations: SQLITE_MIGRATIONS.filter((m) => m.version < 8) },
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
    await old.close();
    const log = new AgentLog();
    log.add({ user: 'zhang', type: 'alert.raised', severity: 'high', data: { count: 3 } });
    log.add();
    const raw = new Database(join(dataDir, 'console.db'));
    const insertEvent = raw.prepare(
      `INSERT INTO events (agent_id, seq, id, ts, type, severity, level, user_name, host, data, prev_hash, hash, received_at, flags)
       VALUES (${Array.from({ length: 14 }, () => '?').join(', ')})`,
    );
    for (const e of log.events) insertEvent.run(...eventValues('agent-1', e, 5, []));
    const insertAlert = raw.prepare(
      `INSERT INTO alerts (agent_id, ts, type, severity, seq, data, dedup_key) VALUES (?, 5, ?, 'high', ?, '{}', ?)`,
    );
    insertAlert.run('agent-1', 'alert.raised', 1, 'raised:1');
    insertAlert.run('agent-1', 'sync.chain-broken', 2, 'broken:2');
    insertAlert.run('agent-1', 'sync.gap', 3, 'gap:3-3');
    insertAlert.run('agent-1', 'agent.silent', null, null);
    insertAlert.run(null, 'agent.silent', null, null);
    raw.close();
    const store = await openConsoleStore({ dataDir });
    const alerts = await store.listAlerts({ limit: 10 });
    expect(alerts.map((a) => [a.type, a.seq, a.user ?? null])).toEqual([
      ['agent.silent', null, null],
      ['agent.silent', null, null],
      ['sync.gap', 3, null],
      ['sync.chain-broken', 2, null],
      ['alert.raised', 1, 'zhang'],
    ]);
    const reader = await store.openPersonExport('zhang');
    expect(await reader.counts()).toEqual({ events: 1, requests: 0, alerts: 1, cases: 0 });
    await reader.close();
    await store.close();
    const db = new Database(join(dataDir, 'console.db'), { readonly: true });
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((r) => r.detail)
        .join('; ');
    // Each section of an export is a range of an index on the person, not a scan.
    expect(plan(personEventsSql('sqlite', 'zhang', null, 10).sql.replace(/\?/g, "'x'"))).toMatch(
      /USING (COVERING )?INDEX events_user/,
    );
    expect(plan(personAlertsSql('sqlite', 'zhang', 0, 10).sql.replace(/\?/g, '1'))).toMatch(
      /INDEX alerts_user/,
    );
    expect(plan(personRequestsSql('sqlite', 'zhang', null, 10).sql.replace(/\?/g, "'x'"))).toMatch(
      /INDEX requests_user/,
    );
    db.close();
  });

  it('migration 006 (siem) on a database with events: a new sink sees none of them, an `all` sink each once', async () => {
    const dataDir = tmp();
    const old = await openConsoleStore({
      dataDir,
      sqlite: { migrations: SQLITE_MIGRATIONS.slice(0, 4) },
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
    log.many(5);
    // Contiguous: a gap would raise an alert, which today's ingest writes with a column of a
    // later migration (alerts.user_name, 008). Late events after a gap: the shared suite.
    // Today's ingest also counts into a later table (event_counts, 010): lent for the ingest.
    const raw = new Database(join(dataDir, 'console.db'));
    raw.exec(m010Overview.sql.slice(0, m010Overview.sql.indexOf('INSERT')));
    await old.ingest('agent-1', log.events, 5);
    raw.exec('DROP TABLE event_counts');
    raw.close();
    await old.close();
    const store = await openConsoleStore({ dataDir });
    expect(await store.siemOpen('fresh', 'new', 7)).toMatchObject({ behind: 0 });
    expect(await store.siemPending('fresh', { after: null, agents: 8, events: 8 })).toEqual({
      agents: [],
      late: [],
    });
    await store.siemOpen('all', 'all', 7);
    const p = await store.siemPending('all', { after: null, agents: 8, events: 8 });
    expect(p.agents[0]!.items.map((i) => [i.event.seq, i.late])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
    ]);
    expect(p.agents[0]!.items.map((i) => i.event.id)).toEqual(log.events.map((e) => e.id));
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
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
      SQLITE_MIGRATIONS.map((m) => ({ version: m.version })),
    );
    db.close();
  });
});
