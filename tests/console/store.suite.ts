// One suite for the console's datastore, run against both engines (STYLE.md 13): SQLite in
// tests/integration/console/store-sqlite.test.ts, PostgreSQL in
// tests/e2e/console/store-postgres.test.ts. Every method of ConsoleStore is exercised here,
// with the cases a second console process or a hostile workstation would bring: two store
// instances on one database ingesting and auditing at once, retries, hostile strings.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventKey } from '../../src/console/store/cursor.js';
import { POSTGRES_MIGRATIONS } from '../../src/console/store/migrations/postgres/index.js';
import { SQLITE_MIGRATIONS } from '../../src/console/store/migrations/sqlite/index.js';
import type { NotifyRouting } from '../../src/console/store/notify-types.js';
import type {
  AlertRow,
  AlertState,
  ConsoleStore,
  ExceptionRequestRow,
  RequestKey,
  StoredEvent,
} from '../../src/console/store/types.js';
import { verifyAudit } from '../../src/core/console/audit.js';
import { BaomiError } from '../../src/core/errors.js';
import { eventHash } from '../../src/core/events/chain.js';
import {
  type BaomiEvent,
  GENESIS_HASH,
  type Json,
  type Severity,
} from '../../src/core/events/types.js';
import { CLOCK_SKEW_MS } from '../../src/core/sync/wire.js';

export interface StoreFixture {
  store: ConsoleStore;
  /** Another store on the same database, as a second console process would open it. */
  another(): Promise<ConsoleStore>;
  /** One statement straight to the database, past the store (rows as the driver gives them). */
  sql(text: string): Promise<Record<string, unknown>[]>;
  cleanup(): Promise<void>;
}

export const HOSTILE = [
  "'; DROP TABLE events; --",
  "Robert'); DROP TABLE users;--",
  '<script>alert("x")</script>',
  '%_\\ 100% _under_ back\\slash',
  '机密 文件 👀 \u202eevil\u202c ñ é',
  '" OR 1=1 --',
  '$1 $$ ?? :name @x',
];

/** Chained events of one agent, as its store would have written them. */
/** createAgent's input for an agent of `group` (host: its id). */
export const agentInput = (id: string, group: string, enrolledAt: number) => ({
  id,
  publicKey: 'k',
  exceptionSecret: 's',
  host: id,
  os: 'linux',
  group,
  enrolledAt,
});

export class AgentLog {
  readonly events: BaomiEvent[] = [];
  private prev = GENESIS_HASH;
  constructor(
    readonly host = 'ws-01',
    private ts0 = 1_700_000_000_000,
  ) {}

  add(
    spec: {
      type?: BaomiEvent['type'];
      data?: { [k: string]: Json };
      ts?: number;
      severity?: Severity;
      level?: string;
      user?: string;
    } = {},
  ): BaomiEvent {
    const seq = this.events.length + 1;
    const e: Omit<BaomiEvent, 'hash'> = {
      id: `0190a000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
      seq,
      ts: spec.ts ?? this.ts0 + seq * 1000,
      type: spec.type ?? 'file.modified',
      severity: spec.severity ?? 'info',
      host: this.host,
      data: spec.data ?? { path: `/srv/finance/${seq}.xlsx` },
      prevHash: this.prev,
    };
    if (spec.level !== undefined) e.level = spec.level;
    if (spec.user !== undefined) e.user = spec.user;
    const full = { ...e, hash: eventHash(e) } as BaomiEvent;
    this.events.push(full);
    this.prev = full.hash;
    return full;
  }

  many(n: number): BaomiEvent[] {
    return Array.from({ length: n }, () => this.add());
  }

  range(from: number, to: number): BaomiEvent[] {
    return this.events.slice(from - 1, to);
  }
}

function rehash(e: BaomiEvent): BaomiEvent {
  const { hash: _, ...rest } = e;
  return { ...rest, hash: eventHash(rest) };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BaomiError) return e.code;
    return `raw: ${(e as Error).message}`;
  }
  return 'resolved';
}

function strip(e: StoredEvent): BaomiEvent {
  const { agentId: _a, receivedAt: _r, ...rest } = e;
  return rest;
}

const T = 1_800_000_000_000;

/** A staff action's audit row as the routes pass it (a hostile note in its details). */
const act = (action: string, target: string) => ({
  ts: T,
  actor: 'alice',
  action,
  ip: '10.0.0.1',
  target,
  details: { note: HOSTILE[0]! },
});

export function storeSuite(name: string, make: () => Promise<StoreFixture>): void {
  describe(`console store: ${name}`, () => {
    let fx: StoreFixture;
    let store: ConsoleStore;
    const extra: ConsoleStore[] = [];
    const another = async () => {
      const s = await fx.another();
      extra.push(s);
      return s;
    };

    beforeEach(async () => {
      fx = await make();
      store = fx.store;
    });
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      await fx.cleanup();
    });

    async function enroll(id = 'agent-1', group = 'finance', host = 'ws-01') {
      return store.createAgent({
        id,
        publicKey: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n',
        exceptionSecret: 'c2VjcmV0',
        host,
        os: 'linux',
        group,
        enrolledAt: T,
      });
    }

    describe('schema', () => {
      it('migrate is idempotent, also from two instances at once, and ping answers', async () => {
        const other = await another();
        await Promise.all([store.migrate(), other.migrate(), store.migrate()]);
        const rows = await fx.sql('SELECT version, name FROM schema_migrations ORDER BY version');
        const all = name === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS;
        expect(rows.map((r) => Number(r.version))).toEqual(all.map((m) => m.version));
        await store.ping();
        expect(store.engine).toBe(name);
      });

      it('refuses a database with a migration newer than it knows, changing nothing', async () => {
        await fx.sql(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)",
        );
        expect(await codeOf(store.migrate())).toBe('CONSOLE_DB_TOO_NEW');
      });
    });

    describe('staff', () => {
      it('creates, finds and lists users; a second user of the same name is refused', async () => {
        const u = await store.createUser({
          name: 'alice',
          role: 'admin',
          passwordHash: 'scrypt$1',
          at: T,
        });
        expect(u).toEqual({
          id: u.id,
          name: 'alice',
          role: 'admin',
          passwordHash: 'scrypt$1',
          disabled: false,
          createdAt: T,
        });
        const b = await store.createUser({
          name: 'bob',
          role: 'auditor',
          passwordHash: 'x',
          at: T,
        });
        expect(await store.userByName('alice')).toEqual(u);
        expect(await store.userById(b.id)).toEqual(b);
        expect(await store.userByName('carol')).toBeNull();
        expect(await store.userById(987654)).toBeNull();
        expect(await store.userById(2 ** 40)).toBeNull();
        expect((await store.listUsers()).map((x) => x.name)).toEqual(['alice', 'bob']);
        expect(
          await codeOf(
            store.createUser({ name: 'alice', role: 'analyst', passwordHash: 'y', at: T }),
          ),
        ).toBe('CONSOLE_DB_DUPLICATE');
        await store.setPassword(u.id, 'scrypt$2');
        expect((await store.userById(u.id))!.passwordHash).toBe('scrypt$2');
      });

      it('sessions: live ones are found, expired ones not; deleted one by one or per user', async () => {
        const u = await store.createUser({ name: 'a', role: 'admin', passwordHash: 'h', at: T });
        const s = {
          userId: u.id,
          csrfToken: 'csrf',
          createdAt: T,
          expiresAt: T + 1000,
          ip: '10.0.0.1',
        };
        await store.createSession({ ...s, idHash: 'h1' });
        await store.createSession({ ...s, idHash: 'h2' });
        await store.createSession({ ...s, idHash: 'h3' });
        expect(await store.sessionByHash('h1', T + 999)).toEqual({ ...s, idHash: 'h1' });
        expect(await store.sessionByHash('h1', T + 1000)).toBeNull();
        expect(await store.sessionByHash('nope', T)).toBeNull();
        await store.deleteSession('h1');
        expect(await store.sessionByHash('h1', T)).toBeNull();
        expect(await store.deleteUserSessions(u.id)).toBe(2);
        expect(await store.sessionByHash('h2', T)).toBeNull();
        expect(await store.deleteUserSessions(u.id)).toBe(0);
        // A new session sweeps expired ones away.
        await store.createSession({ ...s, idHash: 'old', expiresAt: T + 10 });
        await store.createSession({ ...s, idHash: 'new', createdAt: T + 20, expiresAt: T + 5000 });
        expect(await fx.sql("SELECT id_hash FROM sessions WHERE id_hash = 'old'")).toEqual([]);
      });

      it('api tokens: found while live, not when revoked or expired; listed per user', async () => {
        const u = await store.createUser({ name: 'a', role: 'analyst', passwordHash: 'h', at: T });
        const t = {
          id: 't1',
          userId: u.id,
          name: 'ci',
          tokenHash: 'th1',
          createdAt: T,
          expiresAt: T + 100,
          revokedAt: null,
        };
        await store.createApiToken(t);
        await store.createApiToken({ ...t, id: 't2', tokenHash: 'th2', expiresAt: null });
        expect(await store.apiTokenByHash('th1', T + 99)).toEqual(t);
        expect(await store.apiTokenByHash('th1', T + 100)).toBeNull();
        expect((await store.apiTokenByHash('th2', T + 10 ** 9))!.id).toBe('t2');
        expect((await store.listApiTokens(u.id)).map((x) => x.id)).toEqual(['t1', 't2']);
        expect(await store.listApiTokens(u.id + 1)).toEqual([]);
        expect(await store.revokeApiToken('t2', T + 5)).toBe(true);
        expect(await store.revokeApiToken('t2', T + 6)).toBe(false);
        expect(await store.revokeApiToken('nope', T)).toBe(false);
        expect(await store.apiTokenByHash('th2', T + 7)).toBeNull();
        expect((await store.listApiTokens(u.id))[1]!.revokedAt).toBe(T + 5);
      });

      it('login failures are counted per name since a time, cleared, and forgotten after a day', async () => {
        for (let i = 0; i < 4; i++) await store.recordLoginFailure('alice', '10.0.0.9', T + i);
        await store.recordLoginFailure('bob', '10.0.0.9', T);
        expect(await store.loginFailuresSince('alice', T)).toBe(4);
        expect(await store.loginFailuresSince('alice', T + 2)).toBe(2);
        await store.clearLoginFailures('alice');
        expect(await store.loginFailuresSince('alice', 0)).toBe(0);
        expect(await store.loginFailuresSince('bob', 0)).toBe(1);
        await store.recordLoginFailure('carol', '::1', T + 25 * 3600_000);
        expect(await store.loginFailuresSince('bob', 0)).toBe(0);
      });
    });

    describe('audit trail', () => {
      const entry = (i: number) => ({
        ts: T + i,
        actor: 'alice',
        action: 'policy.uploaded',
        ip: '10.0.0.1',
        target: `policy-${i}`,
        details: { version: i, note: HOSTILE[i % HOSTILE.length]!, nested: { a: [1, 'b', null] } },
      });

      it('appends a hash chain from the genesis that verifies; lists it in pages', async () => {
        const rows = [];
        for (let i = 0; i < 5; i++) rows.push(await store.appendAudit(entry(i)));
        expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
        const listed = await store.listAudit({ limit: 100 });
        expect(listed).toEqual(rows);
        expect(verifyAudit(listed)).toEqual({ ok: true, checked: 5, breaks: [] });
        expect((await store.listAudit({ afterSeq: 2, limit: 2 })).map((r) => r.seq)).toEqual([
          3, 4,
        ]);
        expect(listed[0]!.details.note).toBe(HOSTILE[0]);
      });

      it('two instances appending at once never fork the chain', async () => {
        const other = await another();
        await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 ? store : other).appendAudit(entry(i))),
        );
        const listed = await store.listAudit({ limit: 1000 });
        expect(listed).toHaveLength(40);
        expect(verifyAudit(listed)).toMatchObject({ ok: true, checked: 40 });
      });

      it('the database itself refuses UPDATE and DELETE of audit rows', async () => {
        await store.appendAudit(entry(1));
        await store.appendAudit(entry(2));
        await expect(fx.sql("UPDATE audit SET actor = 'mallory' WHERE seq = 1")).rejects.toThrow(
          /append-only/,
        );
        await expect(fx.sql('DELETE FROM audit WHERE seq = 2')).rejects.toThrow(/append-only/);
        await expect(fx.sql('DELETE FROM audit')).rejects.toThrow(/append-only/);
        const listed = await store.listAudit({ limit: 10 });
        expect(listed.map((r) => r.actor)).toEqual(['alice', 'alice']);
        expect(verifyAudit(listed).ok).toBe(true);
      });
    });

    describe('staff actions and their audit rows: one transaction', () => {
      /** Makes every audit insert fail (a trigger, as a full disk or a lost connection would
       *  fail it), and undoes that. */
      async function breakAudit(): Promise<void> {
        if (name === 'sqlite')
          await fx.sql(`CREATE TRIGGER audit_fail BEFORE INSERT ON audit
                        BEGIN SELECT RAISE(ABORT, 'audit insert failed'); END`);
        else {
          await fx.sql(`CREATE FUNCTION audit_fail() RETURNS trigger LANGUAGE plpgsql AS $f$
                        BEGIN RAISE EXCEPTION 'audit insert failed'; END $f$`);
          await fx.sql(
            'CREATE TRIGGER audit_fail BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_fail()',
          );
        }
      }
      async function mendAudit(): Promise<void> {
        await fx.sql(
          name === 'sqlite' ? 'DROP TRIGGER audit_fail' : 'DROP TRIGGER audit_fail ON audit',
        );
      }
      const rejects = async (p: Promise<unknown>) => expect(await codeOf(p)).not.toBe('resolved');

      it('each action appends its row with it; an action that changes nothing appends none', async () => {
        await enroll('agent-1');
        expect(await store.auditHead()).toBeNull();
        expect(await store.revokeAgent('agent-1', T + 1, act('agent.revoked', 'agent-1'))).toBe(
          true,
        );
        expect(await store.revokeAgent('agent-1', T + 2, act('agent.revoked', 'agent-1'))).toBe(
          false,
        );
        expect(await store.revokeAgent('nobody', T + 2, act('agent.revoked', 'nobody'))).toBe(
          false,
        );
        const user = await store.createUser(
          { name: 'bob', role: 'analyst', passwordHash: 'h', at: T },
          act('user.created', 'bob'),
        );
        const tok = {
          id: 'tok-1',
          userId: user.id,
          name: 'ci',
          tokenHash: 'th',
          createdAt: T,
          expiresAt: null,
          revokedAt: null,
        };
        await store.createApiToken(tok, act('token.created', 'tok-1'));
        expect(await store.revokeApiToken('tok-1', T + 3, act('token.revoked', 'tok-1'))).toBe(
          true,
        );
        expect(await store.revokeApiToken('tok-1', T + 4, act('token.revoked', 'tok-1'))).toBe(
          false,
        );
        const et = {
          id: 'et-1',
          tokenHash: 'eth',
          group: 'finance',
          usesLeft: 1,
          expiresAt: T + 1000,
          createdBy: 'alice',
          createdAt: T,
          revokedAt: null,
        };
        await store.createEnrollToken(et, act('enroll.token-created', 'et-1'));
        const enrolled = await store.enrollAgent(
          'eth',
          {
            id: 'agent-2',
            publicKey: 'k',
            exceptionSecret: 's',
            host: 'ws-02',
            os: 'linux',
            enrolledAt: T + 5,
          },
          (t) => ({
            ...act('agent.enrolled', 'agent-2'),
            details: { token: t.id, group: t.group },
          }),
        );
        expect(enrolled).toMatchObject({
          token: { id: 'et-1', usesLeft: 0 },
          agent: { id: 'agent-2', group: 'finance' },
        });
        // Used up: nothing happens, nothing is recorded.
        expect(
          await store.enrollAgent(
            'eth',
            {
              id: 'agent-3',
              publicKey: 'k',
              exceptionSecret: 's',
              host: 'h',
              os: 'linux',
              enrolledAt: T + 6,
            },
            () => act('agent.enrolled', 'agent-3'),
          ),
        ).toBeNull();
        expect(await store.agent('agent-3')).toBeNull();
        expect(
          await store.revokeEnrollToken('et-1', T + 7, act('enroll.token-revoked', 'et-1')),
        ).toBe(true);
        expect(
          await store.revokeEnrollToken('et-1', T + 8, act('enroll.token-revoked', 'et-1')),
        ).toBe(false);
        const pol = await store.addPolicy(
          {
            target: { kind: 'group', value: 'finance' },
            name: 'P1',
            version: 1,
            sha256: 'ab'.repeat(32),
            bytes: Buffer.from('version: 1\n'),
            signature: 'c2ln',
            etag: 'etag-1',
            uploadedBy: 'alice',
            uploadedAt: T,
          },
          (row) => ({ ...act('policy.uploaded', 'group:finance'), details: { id: row.id } }),
        );
        const rows = await store.listAudit({ limit: 100 });
        expect(rows.map((r) => `${r.action} ${r.target}`)).toEqual([
          'agent.revoked agent-1',
          'user.created bob',
          'token.created tok-1',
          'token.revoked tok-1',
          'enroll.token-created et-1',
          'agent.enrolled agent-2',
          'enroll.token-revoked et-1',
          'policy.uploaded group:finance',
        ]);
        expect(rows[5]!.details).toEqual({ token: 'et-1', group: 'finance' });
        expect(rows[7]!.details).toEqual({ id: pol.id });
        const head = await store.auditHead();
        expect(head).toEqual({ seq: 8, hash: rows[7]!.hash });
        expect(verifyAudit(rows, head)).toEqual({ ok: true, checked: 8, breaks: [] });
      });

      it('an alert change is made with its alert.changed row, or not at all', async () => {
        await enroll('agent-1');
        const log = new AgentLog();
        log.many(3);
        await store.ingest('agent-1', [log.events[0]!, log.events[2]!], T);
        const [alert] = await store.listAlerts({ limit: 10 });
        expect(alert).toMatchObject({ type: 'sync.gap', state: '预报' });
        const changed = (to: string) => (before: { state: string }) => ({
          ...act('alert.changed', String(alert!.id)),
          details: { from: before.state, to, note: HOSTILE[1]! },
        });
        const change = { state: '调查' as const, by: 'alice', at: T + 1, note: HOSTILE[1]! };

        await breakAudit();
        await rejects(store.setAlertState(alert!.id, change, changed('调查')));
        await mendAudit();
        expect((await store.listAlerts({ limit: 10 }))[0]).toEqual(alert);
        expect(await store.auditHead()).toBeNull();

        const after = await store.setAlertState(alert!.id, change, changed('调查'));
        expect(after).toEqual({
          ...alert,
          state: '调查',
          stateBy: 'alice',
          stateAt: T + 1,
          stateNote: HOSTILE[1],
        });
        expect((await store.listAlerts({ limit: 10 }))[0]).toEqual(after);
        // At that stage already: nothing changes, nothing is recorded.
        expect(
          await store.setAlertState(alert!.id, { ...change, at: T + 2 }, changed('调查')),
        ).toEqual(after);
        const rows = await store.listAudit({ limit: 10 });
        expect(rows.map((r) => [r.action, r.target, r.details])).toEqual([
          ['alert.changed', String(alert!.id), { from: '预报', to: '调查', note: HOSTILE[1] }],
        ]);
        expect(verifyAudit(rows, await store.auditHead()).ok).toBe(true);
      });

      it('an action whose audit row cannot be appended is not made either', async () => {
        await enroll('agent-1');
        const log = new AgentLog();
        log.add({
          type: 'usb.exception-requested',
          user: 'zhang.san',
          data: { requestId: 'req-1', device: 'ab'.repeat(32), reason: '审计' },
        });
        await store.ingest('agent-1', log.events, T + 10);
        await store.createEnrollToken({
          id: 'et-1',
          tokenHash: 'eth',
          group: 'finance',
          usesLeft: 1,
          expiresAt: T + 1000,
          createdBy: 'alice',
          createdAt: T,
          revokedAt: null,
        });
        await store.createApiToken({
          id: 'tok-1',
          userId: (await store.createUser({ name: 'bob', role: 'admin', passwordHash: 'h', at: T }))
            .id,
          name: 'ci',
          tokenHash: 'th',
          createdAt: T,
          expiresAt: null,
          revokedAt: null,
        });
        await store.appendAudit(act('login', 'bob'));
        const before = await store.listAudit({ limit: 100 });

        await breakAudit();
        await rejects(store.revokeAgent('agent-1', T + 20, act('agent.revoked', 'agent-1')));
        await rejects(
          store.decideRequest(
            'req-1',
            { approved: true, by: 'alice', at: T + 20, note: 'ok', token: 'BMX1.t' },
            act('request.approved', 'req-1'),
          ),
        );
        await rejects(
          store.addPolicy(
            {
              target: { kind: 'group', value: 'finance' },
              name: 'P1',
              version: 1,
              sha256: 'ab'.repeat(32),
              bytes: Buffer.from('x'),
              signature: 'c2ln',
              etag: 'e',
              uploadedBy: 'alice',
              uploadedAt: T,
            },
            () => act('policy.uploaded', 'group:finance'),
          ),
        );
        await rejects(
          store.createUser(
            { name: 'carol', role: 'admin', passwordHash: 'h', at: T },
            act('user.created', 'carol'),
          ),
        );
        await rejects(
          store.createApiToken(
            {
              id: 'tok-2',
              userId: 1,
              name: 'x',
              tokenHash: 'th2',
              createdAt: T,
              expiresAt: null,
              revokedAt: null,
            },
            act('token.created', 'tok-2'),
          ),
        );
        await rejects(store.revokeApiToken('tok-1', T + 20, act('token.revoked', 'tok-1')));
        await rejects(
          store.createEnrollToken(
            {
              id: 'et-2',
              tokenHash: 'eth2',
              group: 'g',
              usesLeft: 1,
              expiresAt: T + 1000,
              createdBy: 'alice',
              createdAt: T,
              revokedAt: null,
            },
            act('enroll.token-created', 'et-2'),
          ),
        );
        await rejects(store.revokeEnrollToken('et-1', T + 20, act('enroll.token-revoked', 'et-1')));
        await rejects(
          store.enrollAgent(
            'eth',
            {
              id: 'agent-2',
              publicKey: 'k',
              exceptionSecret: 's',
              host: 'h',
              os: 'linux',
              enrolledAt: T + 20,
            },
            () => act('agent.enrolled', 'agent-2'),
          ),
        );
        await mendAudit();

        // Nothing of any action was stored, and the trail is as it was.
        expect((await store.agent('agent-1'))!.revokedAt).toBeNull();
        expect(await store.request('req-1')).toMatchObject({ state: 'pending', token: null });
        expect(await store.listPolicies()).toEqual([]);
        expect(await store.userByName('carol')).toBeNull();
        expect((await store.listApiTokens(1)).map((t) => [t.id, t.revokedAt])).toEqual([
          ['tok-1', null],
        ]);
        expect(
          (await store.listEnrollTokens()).map((t) => [t.id, t.usesLeft, t.revokedAt]),
        ).toEqual([['et-1', 1, null]]);
        expect(await store.agent('agent-2')).toBeNull();
        expect(await store.listAudit({ limit: 100 })).toEqual(before);
        expect(await store.auditHead()).toEqual({ seq: 1, hash: before[0]!.hash });

        // The retry does it, with its row.
        expect(await store.revokeAgent('agent-1', T + 30, act('agent.revoked', 'agent-1'))).toBe(
          true,
        );
        const after = await store.listAudit({ limit: 100 });
        expect(after.map((r) => r.action)).toEqual(['login', 'agent.revoked']);
        expect(verifyAudit(after, await store.auditHead()).ok).toBe(true);
      });

      it('rows deleted from the end of the trail are seen against the kept head', async () => {
        for (let i = 0; i < 5; i++) await store.appendAudit(act('login', `u${i}`));
        const all = await store.listAudit({ limit: 100 });
        expect(verifyAudit(all, await store.auditHead()).ok).toBe(true);
        // A tamperer with the database drops the append-only trigger and cuts the tail: what
        // is left is a valid chain from the genesis, so only the head can tell.
        await fx.sql(
          name === 'sqlite'
            ? 'DROP TRIGGER audit_no_delete'
            : 'DROP TRIGGER audit_no_change ON audit',
        );
        await fx.sql('DELETE FROM audit WHERE seq > 3');
        const left = await store.listAudit({ limit: 100 });
        expect(verifyAudit(left).ok).toBe(true);
        expect(verifyAudit(left, await store.auditHead())).toEqual({
          ok: false,
          checked: 3,
          breaks: [{ seq: 5, kind: 'truncated' }],
        });
        // The next append chains from the kept head, so the cut stays visible in the chain.
        await store.appendAudit(act('login', 'u5'));
        const v = verifyAudit(await store.listAudit({ limit: 100 }), await store.auditHead());
        expect(v.ok).toBe(false);
        expect(v.breaks).toEqual([
          { seq: 4, kind: 'gap' },
          { seq: 6, kind: 'link' },
        ]);
      });
    });

    describe('groups and enrollment tokens', () => {
      it('upserts, reads and lists groups', async () => {
        await store.upsertGroup({ name: 'finance', department: '财务部', personnelClass: '核心' });
        await store.upsertGroup({ name: 'eng', department: null, personnelClass: null });
        await store.upsertGroup({
          name: 'finance',
          department: '财务二部',
          personnelClass: '重要',
        });
        expect(await store.group('finance')).toEqual({
          name: 'finance',
          department: '财务二部',
          personnelClass: '重要',
        });
        expect(await store.group('nope')).toBeNull();
        expect((await store.listGroups()).map((g) => g.name)).toEqual(['eng', 'finance']);
      });

      const token = (over: Partial<Parameters<ConsoleStore['createEnrollToken']>[0]> = {}) => ({
        id: 'e1',
        tokenHash: 'eh1',
        group: 'finance',
        usesLeft: 2,
        expiresAt: T + 1000,
        createdBy: 'alice',
        createdAt: T,
        revokedAt: null,
        ...over,
      });

      it('takes uses of a live token until none are left; expired and revoked ones give none', async () => {
        await store.createEnrollToken(token());
        await store.createEnrollToken(token({ id: 'e2', tokenHash: 'eh2', usesLeft: 5 }));
        expect(await store.useEnrollToken('eh1', T + 1)).toEqual(token({ usesLeft: 1 }));
        expect((await store.useEnrollToken('eh1', T + 2))!.usesLeft).toBe(0);
        expect(await store.useEnrollToken('eh1', T + 3)).toBeNull();
        expect(await store.useEnrollToken('eh2', T + 1000)).toBeNull(); // expired
        expect(await store.revokeEnrollToken('e2', T + 4)).toBe(true);
        expect(await store.revokeEnrollToken('e2', T + 5)).toBe(false);
        expect(await store.useEnrollToken('eh2', T + 6)).toBeNull();
        expect(await store.useEnrollToken('unknown', T)).toBeNull();
        const listed = await store.listEnrollTokens();
        expect(listed.map((t) => [t.id, t.usesLeft, t.revokedAt])).toEqual([
          ['e1', 0, null],
          ['e2', 5, T + 4],
        ]);
      });

      it("sets the token's group only while it reads what the caller saw: else nothing is written", async () => {
        const fin = { name: 'finance', department: '财务部', personnelClass: '核心' };
        const act0 = act('enroll.token-created', 'e1');
        // No group yet, expected none: made with the token.
        expect(await store.createEnrollToken(token(), act0, { set: fin, expected: null })).toBe(
          true,
        );
        expect(await store.group('finance')).toEqual(fin);
        // Someone saw "no group" too and wants another department: refused, nothing written.
        const other = { ...fin, department: '研发部' };
        const before = (await store.listAudit({ limit: 100 })).length;
        expect(
          await store.createEnrollToken(
            token({ id: 'e2', tokenHash: 'eh2' }),
            act('enroll.token-created', 'e2'),
            { set: other, expected: null },
          ),
        ).toBe(false);
        expect(await store.group('finance')).toEqual(fin);
        expect((await store.listEnrollTokens()).map((t) => t.id)).toEqual(['e1']);
        expect(await store.listAudit({ limit: 100 })).toHaveLength(before);
        // One that saw the group as it is moves it; one that asks for what it reads already passes.
        expect(
          await store.createEnrollToken(token({ id: 'e3', tokenHash: 'eh3' }), undefined, {
            set: other,
            expected: fin,
          }),
        ).toBe(true);
        expect(await store.group('finance')).toEqual(other);
        expect(
          await store.createEnrollToken(token({ id: 'e4', tokenHash: 'eh4' }), undefined, {
            set: other,
            expected: null,
          }),
        ).toBe(true);
        expect((await store.listEnrollTokens()).map((t) => t.id).sort()).toEqual([
          'e1',
          'e3',
          'e4',
        ]);
      });

      it('two instances setting a new group at once with different departments: exactly one wins', async () => {
        const other = await another();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 ? store : other).createEnrollToken(
              token({ id: `r${i}`, tokenHash: `rh${i}` }),
              act('enroll.token-created', `r${i}`),
              {
                set: { name: 'race', department: `部门${i}`, personnelClass: null },
                expected: null,
              },
            ),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const won = results.indexOf(true);
        expect((await store.group('race'))!.department).toBe(`部门${won}`);
        expect((await store.listEnrollTokens()).map((t) => t.id)).toEqual([`r${won}`]);
      });

      it('two instances moving an existing group at once from what both saw: exactly one wins', async () => {
        const other = await another();
        const seen = { name: 'race', department: '财务部', personnelClass: null };
        await store.upsertGroup(seen);
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 ? store : other).createEnrollToken(
              token({ id: `m${i}`, tokenHash: `mh${i}` }),
              act('enroll.token-created', `m${i}`),
              { set: { ...seen, department: `部门${i}` }, expected: seen },
            ),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const won = results.indexOf(true);
        expect((await store.group('race'))!.department).toBe(`部门${won}`);
        expect((await store.listEnrollTokens()).map((t) => t.id)).toEqual([`m${won}`]);
        // Expected but gone (never made): not made again.
        expect(
          await store.createEnrollToken(token({ id: 'g1', tokenHash: 'gh1' }), undefined, {
            set: { name: 'gone', department: null, personnelClass: null },
            expected: { name: 'gone', department: 'x', personnelClass: null },
          }),
        ).toBe(false);
        expect(await store.group('gone')).toBeNull();
      });

      it('uses are taken atomically: two instances racing take exactly the uses there are', async () => {
        const other = await another();
        await store.createEnrollToken(token({ usesLeft: 5 }));
        const got = await Promise.all(
          Array.from({ length: 24 }, (_, i) =>
            (i % 2 ? store : other).useEnrollToken('eh1', T + 1),
          ),
        );
        expect(got.filter((g) => g !== null)).toHaveLength(5);
        expect(
          got
            .filter((g) => g !== null)
            .map((g) => g!.usesLeft)
            .sort(),
        ).toEqual([0, 1, 2, 3, 4]);
        expect((await store.listEnrollTokens())[0]!.usesLeft).toBe(0);
      });
    });

    describe('agents', () => {
      it('creates an agent with an empty chain state; finds, lists, filters and revokes', async () => {
        const a = await enroll('agent-1', 'finance', 'ws-01');
        expect(a).toMatchObject({
          id: 'agent-1',
          host: 'ws-01',
          os: 'linux',
          group: 'finance',
          enrolledAt: T,
          revokedAt: null,
          lastSeen: null,
          heartbeat: null,
          ackedSeq: 0,
          headHash: null,
          policyEtag: null,
          silentSince: null,
        });
        await enroll('agent-2', 'eng', 'build_01%');
        await enroll('agent-3', 'eng', 'build-02');
        expect(await store.agent('agent-1')).toEqual(a);
        expect(await store.agent('none')).toBeNull();
        // By host, byte order on both engines ('-' < '_').
        expect((await store.listAgents()).map((x) => x.id)).toEqual([
          'agent-3',
          'agent-2',
          'agent-1',
        ]);
        expect((await store.listAgents({ group: 'eng' })).map((x) => x.id)).toEqual([
          'agent-3',
          'agent-2',
        ]);
        // `_` and `%` are literal in text search.
        expect((await store.listAgents({ text: 'd_0' })).map((x) => x.id)).toEqual(['agent-2']);
        expect((await store.listAgents({ text: '1%' })).map((x) => x.id)).toEqual(['agent-2']);
        expect((await store.listAgents({ text: 'BUILD' })).map((x) => x.id)).toHaveLength(2);
        expect((await store.listAgents({ text: 'agent-3' })).map((x) => x.id)).toEqual(['agent-3']);
        expect(await codeOf(enroll('agent-1'))).toBe('CONSOLE_DB_DUPLICATE');
        expect(await store.revokeAgent('agent-1', T + 9)).toBe(true);
        expect(await store.revokeAgent('agent-1', T + 10)).toBe(false);
        expect((await store.agent('agent-1'))!.revokedAt).toBe(T + 9);
        await store.setPolicyEtag('agent-2', 'etag-1');
        expect((await store.agent('agent-2'))!.policyEtag).toBe('etag-1');
        await store.setPolicyEtag('agent-2', null);
        expect((await store.agent('agent-2'))!.policyEtag).toBeNull();
      });

      it('a nonce is used once per agent, and forgotten after twice the clock skew', async () => {
        expect(await store.useNonce('agent-1', 'n1', T)).toBe(true);
        expect(await store.useNonce('agent-1', 'n1', T + 1)).toBe(false);
        expect(await store.useNonce('agent-2', 'n1', T + 2)).toBe(true);
        expect(await store.useNonce('agent-1', 'n1', T + 2 * CLOCK_SKEW_MS - 1)).toBe(false);
        expect(await store.useNonce('agent-1', 'n1', T + 2 * CLOCK_SKEW_MS + 120_000)).toBe(true);
      });

      it('flushes last-seen and heartbeats; an older entry does not move them back', async () => {
        await enroll('agent-1');
        await enroll('agent-2');
        const hb = (v: number) => ({ agentVersion: '0.2.0', policy: { name: 'HQ', version: v } });
        await store.flushLastSeen([
          { agentId: 'agent-1', at: T + 10, heartbeat: hb(1) },
          { agentId: 'agent-1', at: T + 20, heartbeat: hb(2) },
          { agentId: 'agent-2', at: T + 5, heartbeat: hb(1) },
          { agentId: 'unknown', at: T + 5, heartbeat: hb(1) },
        ]);
        expect(await store.agent('agent-1')).toMatchObject({ lastSeen: T + 20, heartbeat: hb(2) });
        await store.flushLastSeen([{ agentId: 'agent-1', at: T + 15, heartbeat: hb(9) }]);
        expect(await store.agent('agent-1')).toMatchObject({ lastSeen: T + 20, heartbeat: hb(2) });
        await store.flushLastSeen([]);
      });

      it('flags silent agents once per silence, with an agent.silent alert; a sync clears it', async () => {
        await enroll('agent-1');
        await enroll('agent-2');
        await enroll('agent-3');
        await store.flushLastSeen([
          { agentId: 'agent-1', at: T + 100, heartbeat: {} },
          { agentId: 'agent-2', at: T + 900, heartbeat: {} },
        ]);
        await store.revokeAgent('agent-3', T + 1);
        const alerts = await store.flagSilent(T + 500, T + 1000);
        expect(alerts).toMatchObject([
          { agentId: 'agent-1', type: 'agent.silent', ts: T + 1000, state: '预报', seq: null },
        ]);
        expect(alerts[0]!.data).toMatchObject({ lastSeen: T + 100, host: 'ws-01' });
        expect((await store.agent('agent-1'))!.silentSince).toBe(T + 1000);
        expect(await store.flagSilent(T + 500, T + 1100)).toEqual([]);
        await store.flushLastSeen([{ agentId: 'agent-1', at: T + 1200, heartbeat: {} }]);
        expect((await store.agent('agent-1'))!.silentSince).toBeNull();
        expect(await store.flagSilent(T + 1300, T + 2000)).toHaveLength(2);
      });

      it('two instances flagging at once raise one alert per agent', async () => {
        const other = await another();
        await enroll('agent-1');
        await enroll('agent-2');
        const [a, b] = await Promise.all([
          store.flagSilent(T + 10, T + 20),
          other.flagSilent(T + 10, T + 20),
        ]);
        expect([...a!, ...b!].map((x) => x.agentId).sort()).toEqual(['agent-1', 'agent-2']);
      });
    });

    describe('ingest', () => {
      it('stores a chain, acknowledges it, and a batch sent twice is stored once', async () => {
        await enroll();
        const log = new AgentLog();
        const batch = log.many(50);
        const r1 = await store.ingest('agent-1', batch, T + 1);
        expect(r1).toEqual({
          ackedSeq: 50,
          headHash: batch[49]!.hash,
          stored: 50,
          duplicates: 0,
          alerts: [],
        });
        const r2 = await store.ingest('agent-1', batch, T + 2);
        expect(r2).toEqual({ ...r1, stored: 0, duplicates: 50 });
        expect(await store.countEvents('agent-1')).toBe(50);
        expect(await store.agent('agent-1')).toMatchObject({
          ackedSeq: 50,
          headHash: batch[49]!.hash,
        });
        // Events come back exactly as hashed.
        const page = await store.queryEvents({ agentId: 'agent-1', order: 'asc', limit: 100 });
        expect(page.events.map(strip)).toEqual(batch);
        expect(page.events[0]).toMatchObject({ agentId: 'agent-1', receivedAt: T + 1 });
        for (const e of page.events) expect(eventHash(strip(e))).toBe(e.hash);
        expect(await store.ingest('agent-1', [], T + 3)).toMatchObject({ ackedSeq: 50, stored: 0 });
      });

      it('a gap is one sync.gap alert, acknowledged through; the same batch again adds none', async () => {
        await enroll();
        const log = new AgentLog();
        log.many(20);
        const sent = log.events.filter((e) => e.seq < 8 || e.seq > 10);
        const r = await store.ingest('agent-1', sent, T);
        expect(r.ackedSeq).toBe(20);
        expect(r.alerts).toMatchObject([
          {
            agentId: 'agent-1',
            type: 'sync.gap',
            severity: 'high',
            seq: 8,
            data: { from: 8, to: 10 },
            state: '预报',
            ts: T,
          },
        ]);
        const again = await store.ingest('agent-1', sent, T + 1);
        expect(again.alerts).toEqual([]);
        expect(await store.listAlerts({ limit: 10 })).toHaveLength(1);
      });

      it('a gap explained by store.pruned raises nothing', async () => {
        await enroll();
        const log = new AgentLog();
        log.many(10);
        log.add({
          type: 'store.pruned',
          data: { throughSeq: 10, hash: log.events[9]!.hash, count: 10, lostUnsynced: 0 },
        });
        log.many(5);
        const r = await store.ingest('agent-1', log.range(11, 16), T);
        expect(r).toMatchObject({ ackedSeq: 16, stored: 6, alerts: [] });
      });

      it('an edited event is stored, flagged, alerted (critical) and acknowledged', async () => {
        await enroll();
        const log = new AgentLog();
        const batch = log.many(5);
        const edited = [...batch];
        edited[2] = { ...edited[2]!, data: { path: '/srv/finance/innocent.txt' } };
        const r = await store.ingest('agent-1', edited, T);
        expect(r.ackedSeq).toBe(5);
        expect(r.stored).toBe(5);
        expect(r.alerts).toMatchObject([
          { type: 'sync.chain-broken', severity: 'critical', seq: 3, data: { kind: 'hash' } },
        ]);
        expect(
          (await fx.sql("SELECT seq, flags FROM events WHERE flags <> '' ORDER BY seq")).map(
            (x) => [Number(x.seq), x.flags],
          ),
        ).toEqual([[3, 'hash']]);
      });

      it('a duplicate with another hash is a rewritten break; the stored original stays', async () => {
        await enroll();
        const log = new AgentLog();
        const batch = log.many(5);
        await store.ingest('agent-1', batch, T);
        const forged = rehash({ ...batch[1]!, data: { path: '/nothing' } });
        const r = await store.ingest('agent-1', [forged], T + 1);
        expect(r).toMatchObject({ stored: 0, duplicates: 1, ackedSeq: 5 });
        expect(r.alerts).toMatchObject([
          { type: 'sync.chain-broken', data: { kind: 'rewritten' } },
        ]);
        expect((await store.ingest('agent-1', [forged], T + 2)).alerts).toEqual([]);
        const page = await store.queryEvents({ agentId: 'agent-1', order: 'asc', limit: 10 });
        expect(strip(page.events[1]!)).toEqual(batch[1]);
      });

      it('lists alerts by type (exact names), newest first, a page at a time, with the agent filter; no type asked for is no alert', async () => {
        await enroll('agent-1');
        await enroll('agent-2');
        const log = new AgentLog();
        const edited = log.many(5);
        edited[2] = { ...edited[2]!, data: { path: '/srv/finance/innocent.txt' } };
        await store.ingest('agent-1', edited, T);
        await store.flagSilent(T + 500, T + 1000);
        const all = await store.listAlerts({ limit: 100 });
        expect(all.map((a) => [a.agentId, a.type]).sort()).toEqual([
          ['agent-1', 'agent.silent'],
          ['agent-1', 'sync.chain-broken'],
          ['agent-2', 'agent.silent'],
        ]);
        const broken = await store.listAlerts({
          types: ['sync.chain-broken', 'sync.gap'],
          limit: 100,
        });
        expect(broken.map((a) => a.type)).toEqual(['sync.chain-broken']);
        const silent = await store.listAlerts({ types: ['agent.silent'], limit: 100 });
        expect(silent.map((a) => a.agentId).sort()).toEqual(['agent-1', 'agent-2']);
        expect(silent[0]!.id).toBeGreaterThan(silent[1]!.id);
        expect(
          await store.listAlerts({ types: ['agent.silent'], agentId: 'agent-2', limit: 100 }),
        ).toEqual([silent.find((a) => a.agentId === 'agent-2')]);
        expect(await store.listAlerts({ types: ['agent.*'], limit: 100 })).toEqual([]);
        // Newest first, a page at a time by the last id: each alert once.
        const first = await store.listAlerts({ limit: 2 });
        const rest = await store.listAlerts({ beforeId: first.at(-1)!.id, limit: 2 });
        expect([...first, ...rest]).toEqual(all.sort((a, b) => b.id - a.id));
        expect(
          await store.listAlerts({ types: ['agent.silent'], beforeId: silent[0]!.id, limit: 9 }),
        ).toEqual([silent[1]]);
        expect(await store.listAlerts({ types: [], limit: 100 })).toEqual([]);
      });

      it('an alert.raised event becomes an alert row', async () => {
        await enroll();
        const log = new AgentLog();
        log.add();
        log.add({ type: 'alert.raised', severity: 'critical', level: 'AAA', data: { count: 100 } });
        const r = await store.ingest('agent-1', log.events, T);
        expect(r.alerts).toMatchObject([{ type: 'alert.raised', severity: 'critical', seq: 2 }]);
      });

      it('refuses a batch with text the database could not keep exactly, storing none of it', async () => {
        await enroll();
        for (const bad of [{ user: 'a\u0000b' }, { host: 'ws\ud800' }, { level: '\udc00' }]) {
          const log = new AgentLog();
          log.many(2);
          const e = log.add();
          const forged = rehash({ ...e, ...bad } as BaomiEvent);
          expect(await codeOf(store.ingest('agent-1', [...log.range(1, 2), forged], T))).toBe(
            'CONSOLE_DB_BAD_TEXT',
          );
        }
        expect(await store.countEvents()).toBe(0);
        // NUL and lone surrogates inside data are JSON-escaped: stored and rehashed exactly.
        const log = new AgentLog();
        log.add({ data: { path: 'a\u0000b\ud800', 'k\u0000': '\udfff' } });
        expect((await store.ingest('agent-1', log.events, T)).alerts).toEqual([]);
        const [got] = (await store.queryEvents({ limit: 1 })).events;
        expect(strip(got!)).toEqual(log.events[0]);
      });

      it('refuses an unknown or revoked agent, storing nothing', async () => {
        const log = new AgentLog();
        log.many(3);
        expect(await codeOf(store.ingest('nobody', log.events, T))).toBe(
          'CONSOLE_DB_UNKNOWN_AGENT',
        );
        await enroll();
        await store.revokeAgent('agent-1', T);
        expect(await codeOf(store.ingest('agent-1', log.events, T))).toBe(
          'CONSOLE_DB_AGENT_REVOKED',
        );
        expect(await store.countEvents()).toBe(0);
      });

      // Several agents race at once so that, without the row lock, some interleaving would
      // regress an agent's ackedSeq or store a seq twice.
      const AGENTS = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];

      it('two instances ingesting the same agent at once: no duplicate, no fork, no chain alert', async () => {
        const other = await another();
        const logs = new Map(AGENTS.map((id) => [id, new AgentLog(id)]));
        for (const [id, log] of logs) {
          await enroll(id);
          log.many(600);
        }
        const results = await Promise.all(
          [...logs].flatMap(([id, log]) => [
            store.ingest(id, log.range(1, 300), T),
            other.ingest(id, log.range(1, 300), T),
            other.ingest(id, log.range(201, 450), T),
            store.ingest(id, log.range(301, 600), T),
            other.ingest(id, log.range(301, 600), T),
          ]),
        );
        const storedTotal = results.reduce((n, r) => n + r.stored, 0);
        expect(storedTotal).toBe(await store.countEvents());
        expect(await store.countEvents()).toBe(600 * AGENTS.length);
        // Which batch lands first decides whether there are gaps; a gap is then filled late.
        // Never a chain break: nothing was forked.
        for (const a of await store.listAlerts({ limit: 1000 })) expect(a.type).toBe('sync.gap');
        for (const [id, log] of logs)
          expect(await store.agent(id)).toMatchObject({
            ackedSeq: 600,
            headHash: log.events[599]!.hash,
          });
      });

      it('two instances sending contiguous batches in any interleaving store all, with no alert', async () => {
        const other = await another();
        for (let round = 0; round < 3; round++) {
          const logs = new Map(AGENTS.map((id) => [`${id}-${round}`, new AgentLog(id)]));
          for (const [id, log] of logs) {
            await enroll(id);
            log.many(400);
          }
          // Each batch starts at 1, so whichever commits first, the others add only their tail.
          await Promise.all(
            [...logs].flatMap(([id, log]) => [
              store.ingest(id, log.range(1, 250), T),
              other.ingest(id, log.range(1, 400), T),
              store.ingest(id, log.range(1, 100), T),
              other.ingest(id, log.range(1, 300), T),
            ]),
          );
          for (const [id] of logs) {
            expect(await store.countEvents(id)).toBe(400);
            expect((await store.agent(id))!.ackedSeq).toBe(400);
          }
        }
        expect(await store.listAlerts({ limit: 10 })).toEqual([]);
      });
    });

    describe('exception requests', () => {
      async function requestFlow() {
        await enroll('agent-1');
        await enroll('agent-2', 'finance', 'ws-02');
        const log = new AgentLog();
        log.add({
          type: 'usb.exception-requested',
          user: 'zhang.san',
          data: {
            requestId: 'req-1',
            device: '0781:5581:4C530001',
            deviceLabel: 'SanDisk Cruzer',
            reason: HOSTILE[0]!,
          },
        });
        log.add({
          type: 'usb.exception-requested',
          data: { requestId: 'req-2', device: 'ab'.repeat(32), reason: '审计' },
        });
        await store.ingest('agent-1', log.events, T + 10);
        return log;
      }

      it('ingest makes requests; staff decide once; decisions wait until the agent records them', async () => {
        const log = await requestFlow();
        const r1 = await store.request('req-1');
        expect(r1).toEqual({
          id: 'req-1',
          agentId: 'agent-1',
          user: 'zhang.san',
          device: '0781:5581:4C530001',
          deviceLabel: 'SanDisk Cruzer',
          reason: HOSTILE[0],
          requestedAt: log.events[0]!.ts,
          state: 'pending',
          decidedBy: null,
          decidedAt: null,
          note: null,
          token: null,
          deliveredAt: null,
        });
        expect(await store.request('nope')).toBeNull();
        expect((await store.listRequests({ state: 'pending' })).map((r) => r.id).sort()).toEqual([
          'req-1',
          'req-2',
        ]);
        expect(await store.listRequests({ agentId: 'agent-2' })).toEqual([]);
        expect(await store.undeliveredDecisions('agent-1')).toEqual([]);

        const ok = await store.decideRequest('req-1', {
          approved: true,
          by: 'alice',
          at: T + 20,
          note: '同意 <b>',
          token: 'BMX1.p.s',
        });
        expect(ok).toBe(true);
        expect(
          await store.decideRequest('req-1', {
            approved: false,
            by: 'bob',
            at: T + 21,
            note: '',
            token: null,
          }),
        ).toBe(false);
        expect(
          await store.decideRequest('req-2', {
            approved: false,
            by: 'bob',
            at: T + 22,
            note: 'no',
            token: 'ignored',
          }),
        ).toBe(true);
        expect(
          await store.decideRequest('nope', {
            approved: true,
            by: 'a',
            at: 0,
            note: '',
            token: null,
          }),
        ).toBe(false);
        const undelivered = await store.undeliveredDecisions('agent-1');
        expect(undelivered.map((r) => [r.id, r.state, r.token, r.decidedBy])).toEqual([
          ['req-1', 'approved', 'BMX1.p.s', 'alice'],
          ['req-2', 'denied', null, 'bob'],
        ]);
        expect(await store.undeliveredDecisions('agent-2')).toEqual([]);

        // Another agent cannot mark agent-1's decision delivered.
        const other = new AgentLog('ws-02');
        other.add({ type: 'usb.exception', data: { requestId: 'req-1', device: 'x' } });
        await store.ingest('agent-2', other.events, T + 30);
        expect(await store.undeliveredDecisions('agent-1')).toHaveLength(2);

        log.add({ type: 'usb.exception', data: { requestId: 'req-1', device: 'x' } });
        log.add({ type: 'usb.exception-refused', data: { requestId: 'req-2' } });
        await store.ingest('agent-1', log.range(3, 4), T + 40);
        expect(await store.undeliveredDecisions('agent-1')).toEqual([]);
        expect((await store.request('req-1'))!.deliveredAt).toBe(T + 40);
        expect((await store.listRequests({ state: 'approved' })).map((r) => r.id)).toEqual([
          'req-1',
        ]);
      });

      it('an outcome recorded before the decision does not mark a pending request', async () => {
        const log = await requestFlow();
        log.add({ type: 'usb.exception-refused', data: { requestId: 'req-1' } });
        await store.ingest('agent-1', log.range(3, 3), T + 40);
        await store.decideRequest('req-1', {
          approved: false,
          by: 'a',
          at: T + 50,
          note: '',
          token: null,
        });
        expect((await store.undeliveredDecisions('agent-1')).map((r) => r.id)).toEqual(['req-1']);
      });
    });

    describe('queryEvents', () => {
      async function fleet() {
        await enroll('agent-a', 'g', 'ws-a');
        await enroll('agent-b', 'g', 'ws-b');
        await enroll('agent-c', 'g', 'ws-c');
        const logs = {
          'agent-a': new AgentLog('ws-a', 0),
          'agent-b': new AgentLog('ws-b', 0),
          'agent-c': new AgentLog('ws-c', 0),
        };
        // Many ties in ts, within and across agents.
        for (let i = 0; i < 40; i++)
          for (const [k, log] of Object.entries(logs))
            log.add({
              ts: T + Math.floor(i / 3) * 1000,
              severity: (['info', 'low', 'medium', 'high', 'critical'] as const)[i % 5],
              level: [undefined, 'A', 'AA', 'AAA', '秘密', '机密', '绝密'][i % 7],
              user:
                i % 4 === 0 ? 'zhang.san' : i % 4 === 1 ? HOSTILE[i % HOSTILE.length] : undefined,
              type: i % 6 === 0 ? 'usb.blocked' : i % 6 === 1 ? 'file.created' : 'file.modified',
              data: { path: `/srv/${k}/${i}/${HOSTILE[i % HOSTILE.length]}`, i },
            });
        for (const [k, log] of Object.entries(logs)) await store.ingest(k, log.events, T);
        return logs;
      }

      async function all(
        f: Omit<Parameters<ConsoleStore['queryEvents']>[0], 'limit' | 'after'>,
        limit: number,
      ) {
        const out: StoredEvent[] = [];
        let after: string | undefined;
        for (let pages = 0; pages < 1000; pages++) {
          const page = await store.queryEvents({ ...f, limit, ...(after ? { after } : {}) });
          expect(page.events.length).toBeLessThanOrEqual(limit);
          out.push(...page.events);
          if (page.next === null) return out;
          after = page.next;
        }
        throw new Error('paging does not end');
      }

      const key = (e: StoredEvent) => `${e.agentId}/${e.seq}`;
      const cmp = (a: StoredEvent, b: StoredEvent) =>
        a.ts - b.ts ||
        (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0) ||
        a.seq - b.seq;

      it('keyset paging returns every row exactly once, in order, both ways', async () => {
        await fleet();
        for (const order of ['asc', 'desc'] as const)
          for (const limit of [1, 7, 119, 120, 500]) {
            const rows = await all({ order }, limit);
            expect(rows).toHaveLength(120);
            expect(new Set(rows.map(key)).size).toBe(120);
            const sorted = [...rows].sort(cmp);
            expect(rows.map(key)).toEqual((order === 'asc' ? sorted : sorted.reverse()).map(key));
          }
        // Default order: newest first.
        const first = await store.queryEvents({ limit: 1 });
        expect(first.events[0]).toMatchObject({ agentId: 'agent-c', seq: 40 });
      });

      it('filters by agent, user, type (exact and glob), level and up, severity and up, time', async () => {
        const logs = await fleet();
        const everything = Object.entries(logs).flatMap(([k, l]) =>
          l.events.map((e) => ({ ...e, agentId: k })),
        );
        const expectSame = async (
          f: Parameters<typeof all>[0],
          pred: (e: BaomiEvent & { agentId: string }) => boolean,
        ) => {
          const got = (await all(f, 13)).map(key).sort();
          const want = everything
            .filter(pred)
            .map((e) => `${e.agentId}/${e.seq}`)
            .sort();
          expect(want.length).toBeGreaterThan(0);
          expect(got).toEqual(want);
        };
        await expectSame({ agentId: 'agent-b' }, (e) => e.agentId === 'agent-b');
        await expectSame({ user: 'zhang.san' }, (e) => e.user === 'zhang.san');
        await expectSame({ user: HOSTILE[1]! }, (e) => e.user === HOSTILE[1]);
        await expectSame({ types: ['usb.blocked'] }, (e) => e.type === 'usb.blocked');
        await expectSame({ types: ['file.*'] }, (e) => e.type.startsWith('file.'));
        await expectSame(
          { types: ['usb.blocked', 'file.created'] },
          (e) => e.type === 'usb.blocked' || e.type === 'file.created',
        );
        await expectSame({ level: 'AA' }, (e) => e.level === 'AA' || e.level === 'AAA');
        await expectSame({ level: '机密' }, (e) => e.level === '机密' || e.level === '绝密');
        await expectSame(
          { severity: 'high' },
          (e) => e.severity === 'high' || e.severity === 'critical',
        );
        await expectSame(
          { since: T + 5000, until: T + 8000 },
          (e) => e.ts >= T + 5000 && e.ts < T + 8000,
        );
        await expectSame(
          { agentId: 'agent-a', severity: 'medium', types: ['file.*'], order: 'asc' },
          (e) =>
            e.agentId === 'agent-a' &&
            ['medium', 'high', 'critical'].includes(e.severity) &&
            e.type.startsWith('file.'),
        );
        expect((await store.queryEvents({ types: ['file*x'], limit: 5 })).events).toEqual([]);
        expect((await store.queryEvents({ agentId: "x' OR '1'='1", limit: 5 })).events).toEqual([]);
      });

      it('text search matches data, user or host literally: hostile strings are data', async () => {
        const logs = await fleet();
        const everything = Object.entries(logs).flatMap(([k, l]) =>
          l.events.map((e) => ({ ...e, agentId: k })),
        );
        for (const h of [...HOSTILE, '%', '_', '\\', 'ws-b', 'ZHANG']) {
          const got = (await all({ text: h }, 50)).map(key).sort();
          const lower = h.toLowerCase();
          const want = everything
            .filter(
              (e) =>
                JSON.stringify(e.data)
                  .toLowerCase()
                  .includes(JSON.stringify(h).slice(1, -1).toLowerCase()) ||
                (e.user ?? '').toLowerCase().includes(lower) ||
                e.host.toLowerCase().includes(lower),
            )
            .map((e) => `${e.agentId}/${e.seq}`)
            .sort();
          expect(got, h).toEqual(want);
          expect(want.length, h).toBeGreaterThan(0);
        }
        expect((await all({ text: 'no such text anywhere' }, 10)).length).toBe(0);
        // The tables are all still there.
        expect(await store.countEvents()).toBe(120);
        expect(await store.listUsers()).toEqual([]);
      });

      it('refuses a cursor it did not make', async () => {
        await fleet();
        const bad = [
          'not-base64!',
          Buffer.from('[1,2]').toString('base64url'),
          Buffer.from('{"a":1}').toString('base64url'),
          Buffer.from('[1.5,"a",1]').toString('base64url'),
          Buffer.from('[1,"a\'; DROP TABLE events; --","1"]').toString('base64url'),
          'x'.repeat(1000),
          '',
        ];
        for (const after of bad)
          expect(await codeOf(store.queryEvents({ after, limit: 5 })), after).toBe(
            after === '' ? 'resolved' : 'CONSOLE_DB_BAD_CURSOR',
          );
      });

      it('counts events overall and per agent', async () => {
        await fleet();
        expect(await store.countEvents()).toBe(120);
        expect(await store.countEvents('agent-a')).toBe(40);
        expect(await store.countEvents('nobody')).toBe(0);
      });
    });

    describe('alerts', () => {
      it('lists alerts newest first, by state and agent, up to a limit', async () => {
        await enroll('agent-1');
        await enroll('agent-2');
        const l1 = new AgentLog();
        l1.many(10);
        await store.ingest(
          'agent-1',
          l1.events.filter((e) => e.seq !== 3 && e.seq !== 7),
          T,
        );
        const l2 = new AgentLog();
        l2.many(4);
        await store.ingest(
          'agent-2',
          l2.events.filter((e) => e.seq !== 2),
          T,
        );
        const all = await store.listAlerts({ limit: 10 });
        expect(all.map((a) => [a.agentId, a.seq])).toEqual([
          ['agent-2', 2],
          ['agent-1', 7],
          ['agent-1', 3],
        ]);
        expect(
          (await store.listAlerts({ agentId: 'agent-1', limit: 10 })).map((a) => a.seq),
        ).toEqual([7, 3]);
        expect(await store.listAlerts({ limit: 1 })).toHaveLength(1);
        expect(await store.listAlerts({ state: '预报', limit: 10 })).toHaveLength(3);
        expect(await store.listAlerts({ state: '结案', limit: 10 })).toEqual([]);
      });
      it('moves an alert forward, or back to 调查; refuses anything else and unknown ids', async () => {
        await enroll('agent-1');
        const log = new AgentLog();
        log.many(3);
        await store.ingest('agent-1', [log.events[0]!, log.events[2]!], T);
        const [{ id }] = (await store.listAlerts({ limit: 10 })) as [AlertRow];
        const to = (state: AlertState, at = T) =>
          store.setAlertState(id, { state, by: 'bob', at, note: `to ${state}` });
        expect(
          await store.setAlertState(id + 1000, { state: '调查', by: 'b', at: T, note: 'n' }),
        ).toBeNull();
        // A stage may be skipped.
        expect(await to('初步评估', T + 1)).toMatchObject({
          state: '初步评估',
          stateBy: 'bob',
          stateAt: T + 1,
          stateNote: 'to 初步评估',
        });
        expect(await codeOf(to('预报', T + 9))).toBe('CONSOLE_ALERT_BAD_TRANSITION');
        // The same stage again is no change: the last change stays as it was.
        expect(await to('初步评估', T + 9)).toMatchObject({ state: '初步评估', stateAt: T + 1 });
        expect((await store.listAlerts({ limit: 1 }))[0]).toMatchObject({
          state: '初步评估',
          stateAt: T + 1,
        });
        expect((await to('结案', T + 2))!.state).toBe('结案');
        for (const back of ['预报', '初步评估', '处置'] as const)
          expect(await codeOf(to(back))).toBe('CONSOLE_ALERT_BAD_TRANSITION');
        // Re-opened: back to 调查 from any stage, then forward again.
        expect((await to('调查', T + 3))!.state).toBe('调查');
        expect((await to('处置', T + 4))!.state).toBe('处置');
        expect((await to('调查', T + 5))!.state).toBe('调查');
        expect(await codeOf(to('预报'))).toBe('CONSOLE_ALERT_BAD_TRANSITION');
        expect(await store.listAlerts({ state: '调查', limit: 10 })).toMatchObject([
          { id, stateAt: T + 5, stateNote: 'to 调查' },
        ]);
        // Without an audit input nothing is appended (the caller's choice, as elsewhere).
        expect(await store.auditHead()).toBeNull();
      });
    });

    describe('cases', () => {
      const H = 3_600_000;
      /** Three gap alerts: agent-1 seq 2 and 4, agent-2 seq 2; ids ascending in that order. */
      async function threeAlerts(): Promise<AlertRow[]> {
        await enroll('agent-1');
        await enroll('agent-2', 'finance', 'ws-02');
        const a = new AgentLog();
        a.many(5);
        await store.ingest('agent-1', [a.events[0]!, a.events[2]!], T);
        await store.ingest('agent-1', [a.events[4]!], T);
        const b = new AgentLog('ws-02');
        b.many(3);
        await store.ingest('agent-2', [b.events[0]!, b.events[2]!], T);
        const alerts = (await store.listAlerts({ limit: 10 })).sort((x, y) => x.id - y.id);
        expect(alerts).toHaveLength(3);
        await store.createUser({ name: 'ana', role: 'analyst', passwordHash: 'h', at: T });
        return alerts;
      }
      const audit = (action: string) => (c: { id: number }) => ({
        ts: T,
        actor: 'bob',
        action,
        ip: '127.0.0.1',
        target: `case:${c.id}`,
        details: {},
      });

      it('opens a case from alerts (found, in no other case): its stage, severity, due time, history line and audit row; the alerts follow it', async () => {
        const [a1, a2, a3] = await threeAlerts();
        expect(
          await codeOf(
            store.openCase(
              { title: 't', alertIds: [a1!.id, 999_999], by: 'bob', at: T },
              audit('case.opened'),
            ),
          ),
        ).toBe('CONSOLE_NOT_FOUND');
        expect(
          await codeOf(
            store.openCase(
              { title: 't', alertIds: [a1!.id], by: 'bob', at: T, assignee: 'nobody' },
              audit('case.opened'),
            ),
          ),
        ).toBe('CONSOLE_NOT_FOUND');
        expect(await store.listCases({ limit: 10 })).toEqual([]);
        expect(await store.auditHead()).toBeNull();

        const c = await store.openCase(
          {
            title: '外发 <b>x</b>',
            alertIds: [a2!.id, a1!.id, a1!.id],
            by: 'bob',
            at: T,
            assignee: 'ana',
            note: '同一人',
          },
          audit('case.opened'),
        );
        expect(c).toMatchObject({
          title: '外发 <b>x</b>',
          stage: '预报',
          severity: a1!.severity,
          openedBy: 'bob',
          openedAt: T,
          assignee: 'ana',
          dueAt: T + 24 * H,
          outcome: null,
          alertIds: [a1!.id, a2!.id],
          events: [],
        });
        expect(c.alerts.map((a) => [a.id, a.state])).toEqual([
          [a1!.id, '预报'],
          [a2!.id, '预报'],
        ]);
        expect(c.entries).toMatchObject([
          {
            caseId: c.id,
            ts: T,
            actor: 'bob',
            kind: 'opened',
            data: { alerts: [a1!.id, a2!.id], assignee: 'ana', note: '同一人' },
          },
        ]);
        // An alert is in one case at most.
        expect(
          await codeOf(
            store.openCase(
              { title: 'u', alertIds: [a3!.id, a2!.id], by: 'bob', at: T },
              audit('case.opened'),
            ),
          ),
        ).toBe('CONSOLE_CASE_ALERT_TAKEN');
        expect((await store.listCases({ limit: 10 })).map((x) => x.id)).toEqual([c.id]);
        const trail = await store.listAudit({ limit: 10 });
        expect(trail.map((r) => [r.action, r.target])).toEqual([['case.opened', `case:${c.id}`]]);
        expect(await store.getCase(c.id + 1000)).toBeNull();
        // An alert moved on alone (here to 处置) opens its case at 调查, re-opened with it: a
        // case reaches 初步评估 and 处置 only through their checks.
        await store.setAlertState(a3!.id, { state: '处置', by: 'x', at: T, note: 'n' });
        const later = await store.openCase(
          { title: 'later', alertIds: [a3!.id], by: 'bob', at: T },
          audit('case.opened'),
        );
        expect([later.stage, later.alerts[0]!.state, later.dueAt]).toEqual([
          '调查',
          '调查',
          T + 72 * H,
        ]);
        expect(
          await store.changeCase(
            c.id + 1000,
            { kind: 'note', text: 'x', by: 'b', at: T },
            audit('case.note'),
          ),
        ).toBeNull();
      });

      it('works a case from 预报 to 结案: each move with its note, 初步评估 with the severity found, 处置 with what was done; alerts move with it and not alone; re-opened to 调查', async () => {
        const [a1, a2, a3] = await threeAlerts();
        const c = await store.openCase(
          { title: 'c', alertIds: [a1!.id, a2!.id], by: 'bob', at: T },
          audit('case.opened'),
        );
        const move = (
          stage: '预报' | '调查' | '初步评估' | '处置' | '结案',
          at: number,
          more = {},
        ) =>
          store.changeCase(
            c.id,
            { kind: 'stage', stage, note: `to ${stage}`, by: 'ana', at, ...more },
            audit('case.stage'),
          );

        const inv = await move('调查', T + H);
        expect(inv).toMatchObject({ stage: '调查', dueAt: T + H + 72 * H, updatedAt: T + H });
        expect(inv!.alerts.map((a) => [a.state, a.stateBy, a.stateNote])).toEqual([
          ['调查', 'ana', 'to 调查'],
          ['调查', 'ana', 'to 调查'],
        ]);
        expect(
          await codeOf(store.setAlertState(a1!.id, { state: '处置', by: 'x', at: T, note: 'n' })),
        ).toBe('CONSOLE_ALERT_IN_CASE');
        expect(
          (await store.setAlertState(a3!.id, { state: '调查', by: 'x', at: T, note: 'n' }))!.state,
        ).toBe('调查');

        expect(await codeOf(move('初步评估', T + 2 * H))).toBe('CONSOLE_CASE_NEEDS_SEVERITY');
        const assessed = await move('初步评估', T + 2 * H, { severity: 'low' });
        expect(assessed).toMatchObject({ stage: '初步评估', severity: 'low' });
        expect(assessed!.entries.at(-1)).toMatchObject({
          kind: 'stage',
          data: {
            from: '调查',
            to: '初步评估',
            severity: 'low',
            assessment: 'downgraded',
            was: a1!.severity,
            note: 'to 初步评估',
          },
        });
        expect(await codeOf(move('预报', T + 3 * H))).toBe('CONSOLE_CASE_BAD_TRANSITION');
        expect(await codeOf(move('处置', T + 3 * H))).toBe('CONSOLE_CASE_NEEDS_OUTCOME');
        expect(await codeOf(move('处置', T + 3 * H, { outcome: '  ' }))).toBe(
          'CONSOLE_CASE_NEEDS_OUTCOME',
        );
        const handled = await move('处置', T + 3 * H, { outcome: '约谈，收回U盘' });
        expect(handled).toMatchObject({
          stage: '处置',
          outcome: '约谈，收回U盘',
          dueAt: T + 3 * H + 168 * H,
        });
        const closed = await move('结案', T + 4 * H);
        expect(closed).toMatchObject({ stage: '结案', dueAt: null, outcome: '约谈，收回U盘' });
        expect(closed!.alerts.every((a) => a.state === '结案')).toBe(true);
        // Closed: notes only, until re-opened.
        expect(
          await codeOf(
            store.changeCase(
              c.id,
              { kind: 'assign', assignee: 'ana', by: 'bob', at: T + 5 * H },
              audit('case.assigned'),
            ),
          ),
        ).toBe('CONSOLE_CASE_CLOSED');
        expect(
          await codeOf(
            store.changeCase(
              c.id,
              { kind: 'alerts', alertIds: [a3!.id], by: 'bob', at: T + 5 * H },
              audit('case.alerts'),
            ),
          ),
        ).toBe('CONSOLE_CASE_CLOSED');
        expect(
          (await store.changeCase(
            c.id,
            { kind: 'note', text: '复核 ok', by: 'bob', at: T + 5 * H },
            audit('case.note'),
          ))!.entries.at(-1),
        ).toMatchObject({ kind: 'note', actor: 'bob', data: { text: '复核 ok' } });
        expect(await codeOf(move('处置', T + 6 * H, { outcome: 'x' }))).toBe(
          'CONSOLE_CASE_BAD_TRANSITION',
        );
        const reopened = await move('调查', T + 6 * H);
        expect(reopened).toMatchObject({ stage: '调查', dueAt: T + 6 * H + 72 * H });
        expect(reopened!.entries.map((e) => e.kind)).toEqual([
          'opened',
          'stage',
          'stage',
          'stage',
          'stage',
          'note',
          'stage',
        ]);
        // Every change its audit row, in one chain; refused ones none.
        const trail = await store.listAudit({ limit: 50 });
        expect(trail.map((r) => r.action)).toEqual([
          'case.opened',
          'case.stage',
          'case.stage',
          'case.stage',
          'case.stage',
          'case.note',
          'case.stage',
        ]);
        expect(verifyAudit(trail, await store.auditHead()).ok).toBe(true);
      });

      it('gathers more alerts, attaches events (each found, once), assigns; lists by stage, assignee, overdue, newest first with paging', async () => {
        const [a1, a2, a3] = await threeAlerts();
        const c1 = await store.openCase(
          { title: 'one', alertIds: [a1!.id], by: 'bob', at: T },
          audit('case.opened'),
        );
        await store.changeCase(
          c1.id,
          { kind: 'stage', stage: '调查', note: 'n', by: 'bob', at: T + 1 },
          audit('case.stage'),
        );
        const gathered = await store.changeCase(
          c1.id,
          { kind: 'alerts', alertIds: [a3!.id, a1!.id], by: 'bob', at: T + 2 },
          audit('case.alerts'),
        );
        expect(gathered!.alertIds).toEqual([a1!.id, a3!.id]);
        expect(gathered!.alerts.map((a) => a.state)).toEqual(['调查', '调查']);
        expect(gathered!.entries.at(-1)).toMatchObject({
          kind: 'alerts',
          data: { added: [a3!.id] },
        });

        const ev = (agentId: string, seq: number) => ({ agentId, seq });
        expect(
          await codeOf(
            store.changeCase(
              c1.id,
              {
                kind: 'events',
                events: [ev('agent-1', 1), ev('agent-1', 2)],
                by: 'bob',
                at: T + 3,
              },
              audit('case.events'),
            ),
          ),
        ).toBe('CONSOLE_NOT_FOUND');
        expect((await store.getCase(c1.id))!.events).toEqual([]);
        const linked = await store.changeCase(
          c1.id,
          { kind: 'events', events: [ev('agent-1', 3), ev('agent-1', 1)], by: 'bob', at: T + 3 },
          audit('case.events'),
        );
        expect(linked!.events).toEqual([ev('agent-1', 1), ev('agent-1', 3)]);
        const again = await store.changeCase(
          c1.id,
          { kind: 'events', events: [ev('agent-1', 1)], by: 'bob', at: T + 4 },
          audit('case.events'),
        );
        expect(again!.events).toHaveLength(2);
        expect(again!.entries.at(-1)).toMatchObject({ kind: 'events', data: { added: [] } });

        expect(
          await codeOf(
            store.changeCase(
              c1.id,
              { kind: 'assign', assignee: 'nobody', by: 'bob', at: T + 5 },
              audit('case.assigned'),
            ),
          ),
        ).toBe('CONSOLE_NOT_FOUND');
        const assigned = await store.changeCase(
          c1.id,
          { kind: 'assign', assignee: 'ana', by: 'bob', at: T + 5 },
          audit('case.assigned'),
        );
        expect(assigned).toMatchObject({ assignee: 'ana' });
        expect(assigned!.entries.at(-1)).toMatchObject({
          kind: 'assigned',
          data: { from: null, to: 'ana' },
        });

        const c2 = await store.openCase(
          { title: 'two', alertIds: [a2!.id], by: 'bob', at: T + 100 * H },
          audit('case.opened'),
        );
        expect((await store.listCases({ limit: 10 })).map((c) => c.id)).toEqual([c2.id, c1.id]);
        expect((await store.listCases({ limit: 1 })).map((c) => c.id)).toEqual([c2.id]);
        expect((await store.listCases({ limit: 10, before: c2.id })).map((c) => c.id)).toEqual([
          c1.id,
        ]);
        expect((await store.listCases({ limit: 10, stage: '预报' })).map((c) => c.id)).toEqual([
          c2.id,
        ]);
        expect(
          (await store.listCases({ limit: 10, assignee: 'ana' })).map((c) => [c.id, c.alertIds]),
        ).toEqual([[c1.id, [a1!.id, a3!.id]]]);
        // c1 entered 调查 at T + 1: due 72 h later; c2 entered 预报 at T + 100 h: due 24 h later.
        expect(
          (await store.listCases({ limit: 10, overdueAt: T + 73 * H })).map((c) => c.id),
        ).toEqual([c1.id]);
        expect(
          (await store.listCases({ limit: 10, overdueAt: T + 125 * H })).map((c) => c.id),
        ).toEqual([c2.id, c1.id]);
        expect(await store.listCases({ limit: 10, overdueAt: T + 72 * H })).toEqual([]);
      });
    });

    describe('metrics and per-person export', () => {
      it('fleetSummary counts agents by state and sums the backlog, in one aggregate', async () => {
        for (const id of ['a-online', 'a-silent', 'a-never', 'a-revoked', 'a-string'])
          await enroll(id);
        expect(await store.fleetSummary(T)).toEqual({
          enrolled: 5,
          online: 0,
          silent: 0,
          never: 5,
          revoked: 0,
          eventsWaiting: 0,
        });
        await store.flushLastSeen([
          { agentId: 'a-online', at: T + 100, heartbeat: { eventsWaiting: 5 } },
          { agentId: 'a-silent', at: T - 100, heartbeat: { eventsWaiting: 7 } },
          { agentId: 'a-revoked', at: T + 100, heartbeat: { eventsWaiting: 1000 } },
          // A number in a string is not a number: not summed.
          { agentId: 'a-string', at: T, heartbeat: { eventsWaiting: '9' } },
        ]);
        await store.revokeAgent('a-revoked', T + 1);
        expect(await store.fleetSummary(T)).toEqual({
          enrolled: 4,
          online: 2,
          silent: 1,
          never: 1,
          revoked: 1,
          eventsWaiting: 12,
        });
      });

      it('an alert raised from an event names its user; one about no stored event names none', async () => {
        await enroll();
        const log = new AgentLog();
        log.add({ user: 'zhang' });
        log.add({ user: 'zhang', type: 'alert.raised', severity: 'high', data: { count: 5 } });
        log.add({ user: 'li' });
        log.add({ user: 'li' });
        const r = await store.ingest('agent-1', [...log.range(1, 2), log.events[3]!], T);
        expect(r.alerts.map((a) => [a.type, a.user])).toEqual([
          ['alert.raised', 'zhang'],
          ['sync.gap', undefined],
        ]);
        const edited = { ...log.events[2]!, data: { path: '/x' } };
        const broken = await store.ingest('agent-1', [edited], T + 1);
        expect(broken.alerts.map((a) => [a.type, a.user])).toEqual([['sync.chain-broken', 'li']]);
        const listed = await store.listAlerts({ limit: 10 });
        expect(listed.map((a) => [a.type, a.user])).toEqual([
          ['sync.chain-broken', 'li'],
          ['sync.gap', undefined],
          ['alert.raised', 'zhang'],
        ]);
        expect(listed[1]).not.toHaveProperty('user');
      });

      /** Every page of a section, `size` at a time, through the reader's keyset. */
      async function drain<T, K>(
        page: (after: K | null, n: number) => Promise<T[]>,
        key: (t: T) => K,
        size: number,
      ): Promise<T[]> {
        const all: T[] = [];
        for (let after = null as K | null; ; ) {
          const p = await page(after, size);
          all.push(...p);
          if (p.length < size) return all;
          after = key(p.at(-1)!);
        }
      }

      it('a person export holds exactly that person’s records, hostile names and prefixes included, from one snapshot', async () => {
        await enroll('agent-1');
        await enroll('agent-2', 'finance', 'ws-02');
        const names = [HOSTILE[0]!, HOSTILE[3]!, 'zhang', 'zhang.san', 'Zhang', 'zhan', 'zhang '];
        const logs = [new AgentLog('ws-01'), new AgentLog('ws-02', 1_700_000_000_500)];
        const expected = new Map<string, BaomiEvent[]>(names.map((n) => [n, []]));
        for (let i = 0; i < 30; i++) {
          const user = names[i % names.length]!;
          const log = logs[i % 2]!;
          const e = log.add({ user, data: { path: `/srv/${i}` } });
          expected.get(user)!.push(e);
        }
        const zhangRaised = logs[0]!.add({
          user: 'zhang',
          type: 'alert.raised',
          severity: 'critical',
          data: { rule: 'file.*' },
        });
        expected.get('zhang')!.push(zhangRaised);
        logs[0]!.add({ type: 'file.modified' }); // no user
        for (const [i, user] of ['zhang', 'zhang.san', HOSTILE[0]!].entries())
          logs[1]!.add({
            user,
            type: 'usb.exception-requested',
            data: { requestId: `req-${i}`, device: 'ab'.repeat(32), reason: HOSTILE[i]! },
          });
        expected.get('zhang')!.push(logs[1]!.events.at(-3)!);
        expected.get('zhang.san')!.push(logs[1]!.events.at(-2)!);
        expected.get(HOSTILE[0]!)!.push(logs[1]!.events.at(-1)!);
        await store.ingest('agent-1', logs[0]!.events, T);
        await store.ingest('agent-2', logs[1]!.events, T);

        const byKey = (e: { ts: number; agentId?: string; seq: number }, agentId: string) =>
          `${String(e.ts).padStart(16, '0')} ${agentId} ${String(e.seq).padStart(8, '0')}`;
        for (const name of names) {
          const reader = await store.openPersonExport(name);
          try {
            const want = expected.get(name)!;
            const wantRequests = name === 'zhang' || name === 'zhang.san' || name === HOSTILE[0];
            const wantAlerts = name === 'zhang' ? 1 : 0;
            expect(await reader.counts()).toEqual({
              events: want.length,
              requests: wantRequests ? 1 : 0,
              alerts: wantAlerts,
              cases: 0,
            });
            const events = await drain<StoredEvent, EventKey>(
              (after, n) => reader.events(after, n),
              (e) => ({ ts: e.ts, agentId: e.agentId, seq: e.seq }),
              2,
            );
            const agentOf = (e: BaomiEvent) => (e.host === 'ws-01' ? 'agent-1' : 'agent-2');
            expect(events.map((e) => byKey(e, e.agentId))).toEqual(
              want.map((e) => byKey(e, agentOf(e))).sort(),
            );
            expect(events.map(strip)).toEqual(
              [...want].sort((a, b) => (byKey(a, agentOf(a)) < byKey(b, agentOf(b)) ? -1 : 1)),
            );
            const requests = await drain<ExceptionRequestRow, RequestKey>(
              (after, n) => reader.requests(after, n),
              (r) => ({ requestedAt: r.requestedAt, id: r.id }),
              1,
            );
            expect(requests.map((r) => r.user)).toEqual(wantRequests ? [name] : []);
            const alerts = await drain<AlertRow, number>(
              (after, n) => reader.alerts(after ?? 0, n),
              (a) => a.id,
              1,
            );
            expect(alerts.map((a) => [a.type, a.user, a.seq])).toEqual(
              wantAlerts ? [['alert.raised', 'zhang', zhangRaised.seq]] : [],
            );
          } finally {
            await reader.close();
          }
        }

        // One snapshot: what is stored after counts() is not in that export's pages.
        const reader = await store.openPersonExport('zhang');
        const before = await reader.counts();
        await store.ingest('agent-1', [logs[0]!.add({ user: 'zhang' })], T + 1);
        const later = await drain<StoredEvent, EventKey>(
          (after, n) => reader.events(after, n),
          (e) => ({ ts: e.ts, agentId: e.agentId, seq: e.seq }),
          1000,
        );
        expect(later).toHaveLength(before.events);
        await reader.close();
        await reader.close(); // twice is harmless
        const next = await store.openPersonExport('zhang');
        expect((await next.counts()).events).toBe(before.events + 1);
        await next.close();
        // Nobody of that name: an empty export, not an error.
        const nobody = await store.openPersonExport('nobody');
        expect(await nobody.counts()).toEqual({ events: 0, requests: 0, alerts: 0, cases: 0 });
        expect(await nobody.events(null, 10)).toEqual([]);
        await nobody.close();
      });
    });

    describe('notifications', () => {
      // Alerts are raised the real way: an agent's usb.enforcement-lost events, ingested.
      const logs = new Map<string, AgentLog>();
      const lost = async (agentId: string, n: number, at: number): Promise<AlertRow[]> => {
        const log = logs.get(agentId) ?? new AgentLog(agentId);
        logs.set(agentId, log);
        const events = Array.from({ length: n }, () =>
          log.add({ type: 'usb.enforcement-lost', severity: 'high', data: { open: ['usb1'] } }),
        );
        return (await store.ingest(agentId, events, at)).alerts;
      };
      const routing = (quietMs = 0, maxAgeMs = 3_600_000): NotifyRouting => ({
        route: (a) =>
          a.type === 'usb.enforcement-lost'
            ? [
                { channel: 'mail', rule: 'r1', quietMs },
                { channel: 'hook', rule: 'r1', quietMs },
              ]
            : [],
        quietMsOf: (rule) => (rule === 'r1' ? quietMs : 0),
        maxAgeMs,
      });
      beforeEach(() => logs.clear());

      it('looks at each alert once: one delivery per routed channel; nothing twice', async () => {
        await enroll('agent-1');
        const [a1] = await lost('agent-1', 1, T);
        expect(await store.enqueueNotifications(T, routing(), 10)).toEqual({
          alerts: 1,
          pending: 2,
          held: 0,
          skipped: 0,
          summaries: 0,
        });
        expect(await store.enqueueNotifications(T + 1, routing(), 10)).toMatchObject({
          alerts: 0,
          pending: 0,
        });
        const rows = await store.listDeliveries({ alertId: a1!.id, limit: 10 });
        expect(rows.map((d) => [d.channel, d.state, d.kind, d.agentId, d.attempts])).toEqual([
          ['hook', 'pending', 'alert', 'agent-1', 0],
          ['mail', 'pending', 'alert', 'agent-1', 0],
        ]);
        expect(rows[0]).toMatchObject({ createdAt: T, nextAt: T, lastError: null, sentAt: null });
        // An alert no rule routes is looked at, and makes nothing.
        const log = logs.get('agent-1')!;
        log.many(1);
        await store.ingest('agent-1', [log.add()], T + 2); // a gap: sync.gap
        expect(await store.enqueueNotifications(T + 2, routing(), 10)).toMatchObject({
          alerts: 1,
          pending: 0,
        });
        expect(await store.listDeliveries({ limit: 10 })).toHaveLength(2);
        expect(await store.listDeliveries({ state: 'sent', limit: 10 })).toEqual([]);
      });

      it('an alert committed after a later one was looked at is still seen', async () => {
        await enroll('agent-1');
        await lost('agent-1', 1, T);
        if (store.engine === 'postgres') {
          // Raised in another console's transaction that commits after this one looked.
          await fx.sql('BEGIN');
          await fx.sql(
            `INSERT INTO alerts (agent_id, ts, type, severity, seq, data)
             VALUES ('agent-1', ${T}, 'usb.enforcement-lost', 'high', NULL, '{}')`,
          );
          expect((await store.enqueueNotifications(T, routing(), 10)).alerts).toBe(1);
          await fx.sql('COMMIT');
        } else {
          expect((await store.enqueueNotifications(T, routing(), 10)).alerts).toBe(1);
          // A lower id than one already looked at (a cursor would pass it by).
          await fx.sql(
            `INSERT INTO alerts (id, agent_id, ts, type, severity, seq, data)
             VALUES (0, 'agent-1', ${T}, 'usb.enforcement-lost', 'high', NULL, '{}')`,
          );
        }
        expect((await store.enqueueNotifications(T + 1, routing(), 10)).alerts).toBe(1);
        expect(await store.listDeliveries({ limit: 10 })).toHaveLength(4);
      });

      it('quiet period: the first is sent, the rest held, then named in a summary (per agent)', async () => {
        await enroll('agent-1', 'finance', HOSTILE[4]);
        await enroll('agent-2');
        const q = 60_000;
        const a = await lost('agent-1', 5, T);
        const [b] = await lost('agent-2', 1, T);
        expect(await store.enqueueNotifications(T, routing(q), 10)).toMatchObject({
          alerts: 6,
          pending: 4,
          held: 8,
        });
        // Nothing more while the window lasts.
        expect(await store.enqueueNotifications(T + q - 1, routing(q), 10)).toMatchObject({
          summaries: 0,
        });
        const done = await store.enqueueNotifications(T + q, routing(q), 10);
        expect(done).toMatchObject({ alerts: 0, summaries: 2 });
        const rows = (await store.listDeliveries({ limit: 100 })).reverse();
        const summaries = rows.filter((d) => d.kind === 'summary');
        expect(summaries.map((d) => [d.channel, d.agentId, d.state, d.alertId])).toEqual([
          ['mail', 'agent-1', 'pending', null],
          ['hook', 'agent-1', 'pending', null],
        ]);
        const named = rows.filter((d) => d.state === 'named');
        expect(named.map((d) => [d.alertId, d.channel, d.namedIn])).toEqual(
          a.slice(1).flatMap((x) => [
            [x.id, 'mail', summaries[0]!.id],
            [x.id, 'hook', summaries[1]!.id],
          ]),
        );
        expect(rows.filter((d) => d.alertId === b!.id).map((d) => d.state)).toEqual([
          'pending',
          'pending',
        ]);
        const claimed = await store.claimDeliveries('c1', T + q, 90_000, 100);
        const mailSummary = claimed.find((d) => d.id === summaries[0]!.id)!;
        expect(mailSummary).toMatchObject({
          kind: 'summary',
          alert: null,
          host: HOSTILE[4],
          namedCount: 4,
          interrupted: false,
        });
        expect(mailSummary.named.map((x) => x.id)).toEqual(a.slice(1).map((x) => x.id));
        expect(claimed.find((d) => d.alertId === a[0]!.id)).toMatchObject({
          kind: 'alert',
          alert: { id: a[0]!.id, type: 'usb.enforcement-lost', state: '预报' },
          named: [],
          namedCount: 0,
        });
        // The summary opened a new window; a match in it is held again.
        await lost('agent-1', 1, T + q + 1);
        expect(await store.enqueueNotifications(T + q + 1, routing(q), 10)).toMatchObject({
          held: 2,
          pending: 0,
        });
      });

      it('after a window ends, the next match names what was held instead of a summary', async () => {
        await enroll('agent-1');
        const q = 60_000;
        const first = await lost('agent-1', 3, T);
        await store.enqueueNotifications(T, routing(q), 10);
        const [next] = await lost('agent-1', 1, T + q);
        expect(await store.enqueueNotifications(T + q, routing(q), 10)).toMatchObject({
          pending: 2,
          held: 0,
          summaries: 0,
        });
        const mine = await store.listDeliveries({ alertId: next!.id, limit: 10 });
        for (const d of mine) {
          const named = (await store.listDeliveries({ state: 'named', limit: 100 })).filter(
            (x) => x.namedIn === d.id,
          );
          expect(named.map((x) => [x.alertId, x.channel]).sort()).toEqual(
            first
              .slice(1)
              .map((x) => [x.id, d.channel])
              .sort(),
          );
        }
        const claimed = await store.claimDeliveries('c1', T + q, 90_000, 100);
        expect(claimed.find((d) => d.alertId === next!.id)).toMatchObject({ namedCount: 2 });
        // A window with nothing held ends quietly: no summary, and the next match is sent.
        expect(await store.enqueueNotifications(T + 2 * q, routing(q), 10)).toMatchObject({
          summaries: 0,
        });
        await lost('agent-1', 1, T + 2 * q);
        expect(await store.enqueueNotifications(T + 2 * q, routing(q), 10)).toMatchObject({
          pending: 2,
        });
      });

      it('an alert older than maxAge when first seen is recorded skipped, not sent', async () => {
        await enroll('agent-1');
        await lost('agent-1', 1, T);
        expect(await store.enqueueNotifications(T + 10_001, routing(0, 10_000), 10)).toMatchObject({
          skipped: 2,
          pending: 0,
        });
        expect(
          (await store.listDeliveries({ limit: 10 })).map((d) => [d.state, d.lastError]),
        ).toEqual([
          ['skipped', 'NOTIFY_TOO_OLD'],
          ['skipped', 'NOTIFY_TOO_OLD'],
        ]);
        expect(await store.claimDeliveries('c1', T + 20_000, 90_000, 10)).toEqual([]);
      });

      it('claims, retries with a back-off, gives up and raises notify.failed once', async () => {
        await enroll('agent-1');
        const [a] = await lost('agent-1', 1, T);
        await store.enqueueNotifications(T, routing(), 10);
        const other = await another();
        const [mine, theirs] = await Promise.all([
          store.claimDeliveries('c1', T, 90_000, 1),
          other.claimDeliveries('c2', T, 90_000, 1),
        ]);
        expect(mine!.length + theirs!.length).toBe(2);
        expect(new Set([...mine!, ...theirs!].map((d) => d.id)).size).toBe(2);
        const [d] = mine!.length ? mine! : theirs!;
        const holder = mine!.length ? 'c1' : 'c2';
        expect(d).toMatchObject({ state: 'sending', attempts: 1, nextAt: T + 90_000 });
        // Not the holder: nothing changes.
        expect(await store.finishDelivery(d!.id, 'c9', { sent: true, at: T })).toBe(false);
        const fail = (at: number, retryAt: number | null) =>
          store.finishDelivery(d!.id, holder, {
            sent: false,
            at,
            code: 'NOTIFY_SMTP_REFUSED',
            detail: `550 ${HOSTILE[0]}`,
            retryAt,
            raise: {
              agentId: 'agent-1',
              ts: at,
              type: 'notify.failed',
              severity: 'high',
              seq: null,
              data: { deliveryId: d!.id, channel: d!.channel },
            },
          });
        expect(await fail(T + 5, T + 30_000)).toBe(true);
        expect(await fail(T + 6, T + 30_000)).toBe(false); // no longer claimed
        expect(
          (await store.listDeliveries({ alertId: a!.id, limit: 10 })).find((x) => x.id === d!.id),
        ).toMatchObject({
          state: 'pending',
          nextAt: T + 30_000,
          lastError: 'NOTIFY_SMTP_REFUSED',
          lastDetail: `550 ${HOSTILE[0]}`,
        });
        expect(await store.claimDeliveries(holder, T + 29_999, 90_000, 10)).toEqual([]);
        const [again] = await store.claimDeliveries(holder, T + 30_000, 90_000, 10);
        expect(again).toMatchObject({ id: d!.id, attempts: 2, lastError: 'NOTIFY_SMTP_REFUSED' });
        expect(await fail(T + 30_001, null)).toBe(true);
        const failed = (await store.listAlerts({ limit: 10 })).filter(
          (x) => x.type === 'notify.failed',
        );
        expect(failed).toMatchObject([
          { agentId: 'agent-1', severity: 'high', data: { deliveryId: d!.id }, state: '预报' },
        ]);
        expect(
          (await store.listDeliveries({ state: 'failed', limit: 10 })).map((x) => x.id),
        ).toEqual([d!.id]);
        // The new alert is looked at like any other.
        expect((await store.enqueueNotifications(T + 30_002, routing(), 10)).alerts).toBe(1);
      });

      it('a claim that ran out is taken over (NOTIFY_INTERRUPTED); the old holder cannot finish', async () => {
        await enroll('agent-1');
        await lost('agent-1', 1, T);
        await store.enqueueNotifications(T, routing(), 10);
        const first = await store.claimDeliveries('c1', T, 1000, 10);
        expect(first).toHaveLength(2);
        const other = await another();
        expect(await other.claimDeliveries('c2', T + 999, 1000, 10)).toEqual([]);
        const taken = await other.claimDeliveries('c2', T + 1000, 1000, 10);
        expect(taken.map((d) => [d.interrupted, d.attempts, d.lastError])).toEqual([
          [true, 2, 'NOTIFY_INTERRUPTED'],
          [true, 2, 'NOTIFY_INTERRUPTED'],
        ]);
        expect(taken[0]!.lastDetail).toMatch(/the claim of c1 ran out/);
        expect(await store.finishDelivery(first[0]!.id, 'c1', { sent: true, at: T + 1001 })).toBe(
          false,
        );
        expect(await other.finishDelivery(first[0]!.id, 'c2', { sent: true, at: T + 1002 })).toBe(
          true,
        );
        expect((await store.listDeliveries({ state: 'sent', limit: 10 }))[0]).toMatchObject({
          id: first[0]!.id,
          sentAt: T + 1002,
          attempts: 2,
        });
      });

      it('two consoles planning and claiming at once: each delivery made and claimed once', async () => {
        for (const id of ['a1', 'a2', 'a3']) {
          await enroll(id);
          await lost(id, 4, T);
        }
        const other = await another();
        await Promise.all([
          store.enqueueNotifications(T, routing(), 5),
          other.enqueueNotifications(T, routing(), 5),
          store.enqueueNotifications(T, routing(), 5),
        ]);
        await other.enqueueNotifications(T, routing(), 100);
        const rows = await store.listDeliveries({ limit: 100 });
        expect(rows).toHaveLength(24);
        expect(new Set(rows.map((d) => `${d.alertId} ${d.channel}`)).size).toBe(24);
        const claims = await Promise.all([
          store.claimDeliveries('c1', T, 90_000, 7),
          other.claimDeliveries('c2', T, 90_000, 7),
          store.claimDeliveries('c1', T, 90_000, 7),
          other.claimDeliveries('c2', T, 90_000, 7),
        ]);
        const ids = claims.flat().map((d) => d.id);
        expect(ids).toHaveLength(24);
        expect(new Set(ids).size).toBe(24);
      });
    });

    describe('retention and partitions', () => {
      const D = 86_400_000;
      const NOW = T + 400 * D;

      async function typesLeft(): Promise<Record<string, number>> {
        const page = await store.queryEvents({ order: 'asc', limit: 10_000 });
        const n: Record<string, number> = {};
        for (const e of page.events)
          n[`${e.agentId} ${e.type}`] = (n[`${e.agentId} ${e.type}`] ?? 0) + 1;
        return n;
      }

      it("removes the events past their type's age (the most specific pattern wins), keeps a type without one, and records each run in one audit row", async () => {
        await enroll('agent-a', 'g', 'ws-a');
        await enroll('agent-b', 'g', 'ws-b');
        const logs = { 'agent-a': new AgentLog('ws-a'), 'agent-b': new AgentLog('ws-b') };
        for (const log of Object.values(logs))
          for (const type of [
            'usb.blocked',
            'usb.connected',
            'idle.reminded',
            'file.modified',
            'agent.started',
          ] as const)
            for (const days of [500, 200, 40, 5]) log.add({ type, ts: NOW - days * D });
        // At the edge: exactly the age is kept, a millisecond more goes. Agent a's last event.
        logs['agent-a'].add({ type: 'idle.locked', ts: NOW - 30 * D });
        logs['agent-a'].add({ type: 'idle.locked', ts: NOW - 30 * D - 1 });
        for (const [id, log] of Object.entries(logs)) await store.ingest(id, log.events, T);
        const before = (await store.listAudit({ limit: 100 })).length;

        const rules = {
          types: { 'usb.*': 365 * D, 'usb.blocked': 730 * D, 'idle.*': 30 * D, 'file.*': 180 * D },
        };
        const run = await store.applyRetention(rules, NOW);
        const deleted = {
          'file.modified': 4,
          'idle.locked': 1,
          'idle.reminded': 6,
          'usb.connected': 2,
        };
        expect(run).toMatchObject({ partitionsDropped: [], deleted, more: false });
        for (const a of ['agent-a', 'agent-b'])
          expect(await typesLeft()).toMatchObject({
            [`${a} usb.blocked`]: 4,
            [`${a} usb.connected`]: 3,
            [`${a} idle.reminded`]: 1,
            [`${a} file.modified`]: 2,
            [`${a} agent.started`]: 4,
          });
        expect((await typesLeft())['agent-a idle.locked']).toBe(1);
        expect(await store.countEvents()).toBe(2 * 20 + 2 - 13);

        const trail = await store.listAudit({ limit: 100 });
        expect(trail).toHaveLength(before + 1);
        expect(trail.at(-1)).toMatchObject({
          actor: 'system',
          action: 'retention.applied',
          ts: NOW,
          details: { partitionsDropped: [], deleted },
        });
        expect(run.audit).toEqual(trail.at(-1));
        expect(verifyAudit(trail, await store.auditHead()).ok).toBe(true);

        // Nothing more to remove: no row.
        expect(await store.applyRetention(rules, NOW)).toEqual({
          partitionsDropped: [],
          deleted: {},
          more: false,
          audit: null,
        });
        expect(await store.listAudit({ limit: 100 })).toHaveLength(before + 1);
        // No rule at all: nothing goes.
        expect((await store.applyRetention({ types: {} }, NOW + 9999 * D)).audit).toBeNull();
        expect(await store.countEvents()).toBe(29);

        // Agent a's last event is gone; its chain goes on from the head kept on its row.
        const next = logs['agent-a'].add({ type: 'agent.started', ts: NOW });
        expect(await store.ingest('agent-a', [next], NOW)).toMatchObject({
          ackedSeq: next.seq,
          stored: 1,
          alerts: [],
        });
      });

      it('deletes in bounded batches: a run stops after maxBatches and the next goes on, each with its audit row', async () => {
        await enroll();
        const log = new AgentLog();
        for (let i = 0; i < 30; i++) log.add({ type: 'file.modified', ts: T - 100 * D + i });
        for (let i = 0; i < 5; i++) log.add({ type: 'usb.blocked', ts: T - 100 * D });
        await store.ingest('agent-1', log.events, T - 99 * D);
        const rules = { types: { 'file.*': 30 * D } };
        const first = await store.applyRetention(rules, T, { batch: 7, maxBatches: 2 });
        expect(first).toMatchObject({ deleted: { 'file.modified': 14 }, more: true });
        expect(await store.countEvents()).toBe(21);
        const second = await store.applyRetention(rules, T, { batch: 7, maxBatches: 100 });
        expect(second).toMatchObject({ deleted: { 'file.modified': 16 }, more: false });
        expect(await store.countEvents()).toBe(5);
        const rows = (await store.listAudit({ limit: 10 })).filter(
          (r) => r.action === 'retention.applied',
        );
        expect(rows.map((r) => r.details.deleted)).toEqual([
          { 'file.modified': 14 },
          { 'file.modified': 16 },
        ]);
      });

      it("judges an event's age by its own clock and by when the console received it: an agent's 1970 clock or a return after months offline is kept for the whole age after arrival", async () => {
        await enroll();
        const log = new AgentLog();
        log.add({ type: 'file.modified', ts: NOW - 60 * D }); // old and received long ago
        log.add({ type: 'file.modified', ts: 1000 }); // a clock at 1970
        log.add({ type: 'file.modified', ts: NOW - 90 * D }); // written offline 90 days ago
        await store.ingest('agent-1', log.events.slice(0, 1), NOW - 59 * D);
        await store.ingest('agent-1', log.events.slice(1), NOW - D);
        const rules = { types: { 'file.*': 30 * D } };
        expect(await store.countEvents()).toBe(3);
        const first = await store.applyRetention(rules, NOW);
        expect(first.deleted).toEqual({ 'file.modified': 1 });
        const left = await store.queryEvents({ order: 'asc', limit: 10 });
        expect(left.events.map((e) => e.ts)).toEqual([1000, NOW - 90 * D]);
        // 29 days later they are still within their age since arrival; 31 days later gone.
        expect((await store.applyRetention(rules, NOW + 28 * D)).audit).toBeNull();
        expect(await store.countEvents()).toBe(2);
        expect((await store.applyRetention(rules, NOW + 30 * D)).deleted).toEqual({
          'file.modified': 2,
        });
        expect(await store.countEvents()).toBe(0);
      });

      it('an event from 1970 or 2400 is stored and found; two consoles ingesting one batch store it once', async () => {
        const made = await store.ensurePartitions('month', T);
        expect(made).toEqual(
          name === 'postgres' ? ['events_2027_01', 'events_2027_02', 'events_2027_03'] : [],
        );
        await enroll();
        const log = new AgentLog();
        const Y2400 = Date.UTC(2400, 0, 1);
        log.add({ ts: 1000, type: 'agent.started' });
        for (let i = 0; i < 30; i++) log.add({ ts: T + i * 3 * D });
        log.add({ ts: Y2400, type: 'agent.stopped' });
        log.add({ ts: T - 400 * D });
        const other = await another();
        const results = await Promise.all([
          store.ingest('agent-1', log.events, T),
          other.ingest('agent-1', log.events, T),
          other.ingest('agent-1', log.events.slice(10), T),
          store.ingest('agent-1', log.events, T),
        ]);
        expect(results.reduce((n, r) => n + r.stored, 0)).toBe(33);
        expect(await store.countEvents()).toBe(33);
        expect(await store.listAlerts({ limit: 10 })).toEqual([]);
        const old = await store.queryEvents({ until: Date.UTC(1971, 0, 1), limit: 10 });
        expect(old.events.map(strip)).toEqual([log.events[0]]);
        const future = await store.queryEvents({ since: Date.UTC(2300, 0, 1), limit: 10 });
        expect(future.events.map(strip)).toEqual([log.events[31]]);

        // Its partition made later (PostgreSQL moves the row out of DEFAULT): still found once.
        expect((await store.ensurePartitions('month', Y2400)).length).toBe(
          name === 'postgres' ? 3 : 0,
        );
        const again = await store.queryEvents({ since: Date.UTC(2300, 0, 1), limit: 10 });
        expect(again.events.map(strip)).toEqual([log.events[31]]);
        expect(await store.countEvents()).toBe(33);
        const pages: StoredEvent[] = [];
        let after: string | undefined;
        do {
          const p = await store.queryEvents({
            limit: 4,
            order: 'asc',
            ...(after ? { after } : {}),
          });
          pages.push(...p.events);
          after = p.next ?? undefined;
        } while (after);
        expect(pages.map((e) => e.ts)).toEqual(
          [...log.events.map((e) => e.ts)].sort((a, b) => a - b),
        );
      });
    });

    describe('siem positions', () => {
      type Pending = Awaited<ReturnType<ConsoleStore['siemPending']>>;
      /** What a forwarder does after delivering everything listed: each agent to `through`,
       *  the late events had. */
      const advanceAll = (s: ConsoleStore, sink: string, p: Pending, at = T) =>
        s.siemAdvance(sink, {
          positions: p.agents.map((a) => ({ agentId: a.agentId, seq: a.through })),
          late: [
            ...p.agents.flatMap((a) => a.items.filter((i) => i.late).map((i) => i.event)),
            ...p.late,
          ].map((e) => ({ agentId: e.agentId, seq: e.seq })),
          delivered: p.agents.reduce((n, a) => n + a.items.length, 0) + p.late.length,
          skipped: 0,
          at,
        });
      const listed = (p: Pending) => [
        ...p.agents.flatMap((a) => a.items.map((i) => `${a.agentId}:${i.event.seq}`)),
        ...p.late.map((e) => `${e.agentId}:${e.seq}:late`),
      ];
      /** Reads and advances until nothing is left; every event listed, in order. */
      async function drain(s: ConsoleStore, sink: string, q = { agents: 8, events: 7 }) {
        const out: string[] = [];
        let after: string | null = null;
        for (let i = 0; i < 1000; i++) {
          const p = await s.siemPending(sink, { after, ...q });
          if (p.agents.length === 0 && p.late.length === 0) return out;
          out.push(...listed(p));
          after = p.agents.at(-1)?.agentId ?? after;
          await advanceAll(s, sink, p);
        }
        throw new Error('did not drain');
      }

      it('a sink opened `all` has every event; `new` only what comes after; opening again changes nothing', async () => {
        await enroll('a1');
        await enroll('a2');
        const l1 = new AgentLog('h1');
        const l2 = new AgentLog('h2');
        await store.ingest('a1', l1.many(3), T);
        await store.ingest('a2', l2.many(2), T);
        expect(await store.siemOpen('all', 'all', T)).toMatchObject({
          name: 'all',
          start: 'all',
          createdAt: T,
          delivered: 0,
          failingSince: null,
          lastError: null,
          behind: 5,
        });
        expect(await store.siemOpen('new', 'new', T + 1)).toMatchObject({
          start: 'new',
          behind: 0,
        });
        // Read once: a later start (or time) changes nothing.
        expect(await store.siemOpen('new', 'all', T + 2)).toMatchObject({
          start: 'new',
          createdAt: T + 1,
        });
        await store.ingest('a1', [l1.add()], T);
        await enroll('a3'); // enrolled after the sink: all of its events are new
        const l3 = new AgentLog('h3');
        await store.ingest('a3', l3.many(2), T);
        // (Agents interleave; each agent's events come in seq order.)
        expect((await drain(store, 'new')).sort()).toEqual(['a1:4', 'a3:1', 'a3:2']);
        expect((await drain(store, 'all')).sort()).toEqual([
          'a1:1',
          'a1:2',
          'a1:3',
          'a1:4',
          'a2:1',
          'a2:2',
          'a3:1',
          'a3:2',
        ]);
        expect((await store.siemSinks()).map((r) => [r.name, r.delivered, r.behind])).toEqual([
          ['all', 8, 0],
          ['new', 3, 0],
        ]);
      });

      it("lists each agent's next events in seq order, bounded, starting after `after` and wrapping", async () => {
        for (const id of ['a1', 'a2', 'a3']) {
          await enroll(id);
          await store.ingest(id, new AgentLog(id).many(4), T);
        }
        await store.siemOpen('soc', 'all', T);
        const p = await store.siemPending('soc', { after: 'a1', agents: 2, events: 6 });
        expect(
          p.agents.map((a) => [a.agentId, a.through, a.items.map((i) => i.event.seq)]),
        ).toEqual([
          // `events` shared: 3 each, so each list is cut and may only move to its last seq.
          ['a2', 3, [1, 2, 3]],
          ['a3', 3, [1, 2, 3]],
        ]);
        // One agent waiting gets them all.
        const one = await store.siemPending('soc', { after: 'a2', agents: 1, events: 6 });
        expect(one.agents.map((a) => [a.agentId, a.through, a.items.length])).toEqual([
          ['a3', 4, 4],
        ]);
        expect(p.agents[0]!.items[0]!.event).toMatchObject({ agentId: 'a2', seq: 1, host: 'a2' });
        expect(p.late).toEqual([]);
        const w = await store.siemPending('soc', { after: 'a3', agents: 5, events: 100 });
        expect(w.agents.map((a) => a.agentId)).toEqual(['a1', 'a2', 'a3']);
        // Nothing moves until siemAdvance, and then only forward.
        await store.siemAdvance('soc', {
          positions: [{ agentId: 'a1', seq: 3 }],
          late: [],
          delivered: 3,
          skipped: 0,
          at: T + 5,
        });
        await store.siemAdvance('soc', {
          positions: [{ agentId: 'a1', seq: 1 }],
          late: [],
          delivered: 0,
          skipped: 1,
          at: T + 6,
        });
        const q = await store.siemPending('soc', { after: null, agents: 1, events: 100 });
        expect(q.agents.map((a) => [a.agentId, a.items.map((i) => i.event.seq)])).toEqual([
          ['a1', [4]],
        ]);
        expect(await store.siemSinks()).toMatchObject([
          { name: 'soc', delivered: 3, skipped: 1, lastDeliveryAt: T + 5, behind: 9 },
        ]);
      });

      it('moves past seqs with no event (pruned, or a gap) so the agent is not listed forever', async () => {
        await enroll('a1');
        const log = new AgentLog();
        log.many(10);
        await store.ingest(
          'a1',
          log.events.filter((e) => e.seq < 3 || e.seq > 8),
          T,
        );
        await store.siemOpen('soc', 'all', T);
        expect(await drain(store, 'soc', { agents: 8, events: 2 })).toEqual([
          'a1:1',
          'a1:2',
          'a1:9',
          'a1:10',
        ]);
        expect(await store.siemPending('soc', { after: null, agents: 8, events: 2 })).toEqual({
          agents: [],
          late: [],
        });
      });

      it('a position survives a restart and is the same for another console on the database', async () => {
        await enroll('a1');
        const log = new AgentLog();
        await store.ingest('a1', log.many(5), T);
        await store.siemOpen('soc', 'all', T);
        const p = await store.siemPending('soc', { after: null, agents: 8, events: 3 });
        await advanceAll(store, 'soc', p);
        const other = await another();
        expect(await other.siemOpen('soc', 'new', T + 9)).toMatchObject({
          start: 'all',
          delivered: 3,
          behind: 2,
        });
        expect(await drain(other, 'soc')).toEqual(['a1:4', 'a1:5']);
      });

      it('failures are recorded per run; a recovery clears the run and keeps the last error', async () => {
        await store.siemOpen('soc', 'new', T);
        const err = { code: 'SIEM_UNREACHABLE', params: { url: 'tcp://x:1', reason: HOSTILE[4]! } };
        await store.siemSetState('soc', { error: err, at: T + 1 });
        await store.siemSetState('soc', { error: { ...err, code: 'SIEM_TIMEOUT' }, at: T + 2 });
        expect((await store.siemSinks())[0]).toMatchObject({
          failingSince: T + 1,
          failures: 2,
          lastError: { ...err, code: 'SIEM_TIMEOUT' },
          lastErrorAt: T + 2,
        });
        await store.siemSetState('soc', { error: null, at: T + 3 });
        expect((await store.siemSinks())[0]).toMatchObject({
          failingSince: null,
          failures: 0,
          lastError: { ...err, code: 'SIEM_TIMEOUT' },
        });
      });

      it('a late event (stored below ackedSeq after its gap was acknowledged) reaches every sink once', async () => {
        await enroll('a1');
        const log = new AgentLog();
        log.many(6);
        await store.ingest(
          'a1',
          log.events.filter((e) => e.seq !== 3),
          T,
        ); // gap at 3, acked to 6
        await store.siemOpen('early', 'all', T);
        expect(await drain(store, 'early')).toEqual(['a1:1', 'a1:2', 'a1:4', 'a1:5', 'a1:6']);
        await store.ingest('a1', [log.events[2]!], T + 1); // 3 arrives after all: late
        expect(await drain(store, 'early')).toEqual(['a1:3:late']);
        // A sink from the beginning gets it in order, once; a new one never had it.
        await store.siemOpen('later', 'all', T);
        await store.siemOpen('fresh', 'new', T);
        expect(await drain(store, 'later')).toEqual([
          'a1:1',
          'a1:2',
          'a1:3',
          'a1:4',
          'a1:5',
          'a1:6',
        ]);
        expect(await drain(store, 'fresh')).toEqual([]);
        expect(await drain(store, 'early')).toEqual([]);
      });

      it('exact while two consoles ingest at once: every event listed once, none skipped', async () => {
        const other = await another();
        const ids = ['a1', 'a2', 'a3'];
        const logs = new Map(ids.map((id) => [id, new AgentLog(id)]));
        for (const id of ids) await enroll(id);
        await store.siemOpen('soc', 'new', T);
        let writing = true;
        const writers = [store, other].map(async (s, w) => {
          for (let i = 0; i < 30; i++) {
            const id = ids[(i + w) % ids.length]!;
            const log = logs.get(id)!;
            // Both write every agent, so batches of one agent race between the two; a batch
            // that lost the race is a duplicate or (sent after its successor) acknowledged
            // through, and the first one is the one stored.
            const batch = log.many(3);
            await s.ingest(id, batch, T + i);
          }
        });
        const seen: string[] = [];
        const reader = (async () => {
          let after: string | null = null;
          for (;;) {
            const done = !writing;
            const p = await other.siemPending('soc', { after, agents: 2, events: 5 });
            seen.push(...listed(p));
            after = p.agents.at(-1)?.agentId ?? after;
            await advanceAll(other, 'soc', p);
            if (done && p.agents.length === 0 && p.late.length === 0) return;
            await new Promise((r) => setTimeout(r, 1));
          }
        })();
        await Promise.all(writers);
        writing = false;
        await reader;
        const stored: string[] = [];
        for (const id of ids)
          for (const e of (await store.queryEvents({ agentId: id, order: 'asc', limit: 1000 }))
            .events)
            stored.push(`${id}:${e.seq}`);
        const plain = seen.map((x) => x.replace(/:late$/, ''));
        expect(new Set(plain).size).toBe(plain.length);
        expect([...plain].sort()).toEqual([...stored].sort());
      });
    });

    describe('syncRound (fleet scale: one sync request, one transaction)', () => {
      it('stores the batch with its nonce; the nonce again is a replay that stores nothing', async () => {
        await enroll('agent-1');
        const log = new AgentLog();
        const r = await store.syncRound({
          agentId: 'agent-1',
          nonce: 'n-1',
          events: log.many(3),
          now: T + 10,
        });
        expect(r).toMatchObject({ replay: false, ingest: { ackedSeq: 3, stored: 3 } });
        expect(r.replay === false && r.decisions).toEqual([]);
        const again = await store.syncRound({
          agentId: 'agent-1',
          nonce: 'n-1',
          events: log.many(2),
          now: T + 20,
        });
        expect(again).toEqual({ replay: true });
        expect(await store.countEvents('agent-1')).toBe(3);
        expect((await store.agent('agent-1'))!.ackedSeq).toBe(3);
        // A nonce is the agent's: another agent may use the same text; useNonce sees it used.
        await enroll('agent-2', 'finance', 'ws-02');
        expect(
          await store.syncRound({ agentId: 'agent-2', nonce: 'n-1', events: [], now: T + 30 }),
        ).toMatchObject({ replay: false });
        expect(await store.useNonce('agent-1', 'n-1', T + 40)).toBe(false);
      });

      it('records the etag handed out and returns the decisions still to deliver', async () => {
        await enroll('agent-1');
        const log = new AgentLog();
        log.add({
          type: 'usb.exception-requested',
          data: { requestId: 'req-9', device: 'ab'.repeat(32), reason: '审计' },
        });
        await store.syncRound({ agentId: 'agent-1', nonce: 'a', events: log.events, now: T });
        await store.decideRequest('req-9', {
          approved: false,
          by: 'ana',
          at: T + 1,
          note: 'no',
          token: null,
        });
        const r = await store.syncRound({
          agentId: 'agent-1',
          nonce: 'b',
          events: [],
          now: T + 2,
          policyEtag: 'etag-7',
        });
        expect(r.replay === false && r.decisions.map((d) => [d.id, d.state])).toEqual([
          ['req-9', 'denied'],
        ]);
        expect((await store.agent('agent-1'))!.policyEtag).toBe('etag-7');
        log.add({ type: 'usb.exception-refused', data: { requestId: 'req-9' } });
        const done = await store.syncRound({
          agentId: 'agent-1',
          nonce: 'c',
          events: log.range(2, 2),
          now: T + 3,
        });
        expect(done.replay === false && done.decisions).toEqual([]);
        expect((await store.agent('agent-1'))!.policyEtag).toBe('etag-7');
      });

      it('rounds arriving together: each all or nothing, a failing one undoes only itself', async () => {
        await enroll('agent-1');
        await enroll('agent-2', 'finance', 'ws-02');
        await enroll('agent-3', 'finance', 'ws-03');
        await store.revokeAgent('agent-3', T);
        const l1 = new AgentLog('ws-01');
        const l2 = new AgentLog('ws-02');
        const l3 = new AgentLog('ws-03');
        const b1 = l1.many(5);
        const b2 = l2.many(4);
        // Issued together (the SQLite store commits them in one transaction; PostgreSQL runs
        // them side by side, in any order).
        const got = await Promise.allSettled([
          store.syncRound({ agentId: 'agent-1', nonce: 'x1', events: b1.slice(0, 3), now: T + 1 }),
          store.syncRound({ agentId: 'agent-3', nonce: 'x3', events: l3.many(2), now: T + 1 }),
          store.syncRound({ agentId: 'agent-2', nonce: 'x2', events: b2, now: T + 1 }),
          // The same agent again in the same moment, with the whole batch.
          store.syncRound({ agentId: 'agent-1', nonce: 'x1b', events: b1, now: T + 2 }),
          // The same request again (its nonce): one of the two is a replay.
          store.syncRound({ agentId: 'agent-2', nonce: 'x2', events: b2, now: T + 2 }),
        ]);
        expect(got.map((g) => g.status)).toEqual([
          'fulfilled',
          'rejected',
          'fulfilled',
          'fulfilled',
          'fulfilled',
        ]);
        expect(
          await codeOf(
            got[1]!.status === 'rejected' ? Promise.reject(got[1].reason) : Promise.resolve(),
          ),
        ).toBe('CONSOLE_DB_AGENT_REVOKED');
        const value = (i: number) =>
          (got[i] as PromiseFulfilledResult<Awaited<ReturnType<ConsoleStore['syncRound']>>>).value;
        const stored = (i: number) => {
          const v = value(i);
          return v.replay ? 0 : v.ingest.stored;
        };
        expect(stored(0) + stored(3)).toBe(5);
        expect(value(3)).toMatchObject({ replay: false, ingest: { ackedSeq: 5 } });
        expect([value(2).replay, value(4).replay].sort()).toEqual([false, true]);
        expect(await store.countEvents('agent-1')).toBe(5);
        expect(await store.countEvents('agent-2')).toBe(4);
        expect(await store.countEvents('agent-3')).toBe(0);
        // The refused round left nothing, not even its nonce.
        const n = await fx.sql("SELECT count(*) AS n FROM nonces WHERE agent_id = 'agent-3'");
        expect(Number(n[0]!.n)).toBe(0);
      });

      it('two store instances (two consoles) with rounds of one agent: each event once', async () => {
        await enroll('agent-1');
        const other = await another();
        const log = new AgentLog();
        const batch = log.many(40);
        const out = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            (i % 2 ? other : store).syncRound({
              agentId: 'agent-1',
              nonce: `nn-${i}`,
              events: batch.slice(0, 10 + i * 6),
              now: T + i,
            }),
          ),
        );
        expect(out.every((o) => o.replay === false)).toBe(true);
        expect(await store.countEvents('agent-1')).toBe(40);
        const stored = out.reduce((k, o) => k + (o.replay === false ? o.ingest.stored : 0), 0);
        expect(stored).toBe(40);
        expect((await store.agent('agent-1'))!.ackedSeq).toBe(40);
      });
    });

    describe('leases', () => {
      it('one holder at a time; renewed by its holder; taken over when expired or released', async () => {
        const other = await another();
        const got = await Promise.all([
          store.tryLease('siem:soc', 'a', T, 30_000),
          other.tryLease('siem:soc', 'b', T, 30_000),
        ]);
        expect(got.filter(Boolean)).toHaveLength(1);
        const [winner, loser] = got[0] ? ['a', 'b'] : ['b', 'a'];
        expect(await store.tryLease('siem:soc', loser!, T + 29_999, 30_000)).toBe(false);
        expect(await store.tryLease('siem:soc', winner!, T + 20_000, 30_000)).toBe(true);
        // Renewed to T + 50 000: still the winner's at T + 40 000.
        expect(await store.tryLease('siem:soc', loser!, T + 40_000, 30_000)).toBe(false);
        expect(await store.tryLease('siem:soc', loser!, T + 50_000, 30_000)).toBe(true);
        expect(await store.tryLease('notify', winner!, T, 30_000)).toBe(true);
        await store.releaseLease('notify', loser!);
        expect(await store.tryLease('notify', loser!, T + 1, 30_000)).toBe(false);
        await store.releaseLease('notify', winner!);
        expect(await store.tryLease('notify', loser!, T + 1, 30_000)).toBe(true);
      });
    });

    describe('policies', () => {
      const policy = (
        kind: 'group' | 'department' | 'class',
        value: string,
        version: number,
        bytes = `version: ${version}\n`,
      ) => ({
        target: { kind, value },
        name: `P${version}`,
        version,
        sha256: 'ab'.repeat(32),
        bytes: Buffer.from(bytes),
        signature: 'c2ln',
        etag: `etag-${version}`,
        uploadedBy: 'alice',
        uploadedAt: T,
      });

      it('adds and lists policies; picks the highest version matching group, department or class', async () => {
        const p1 = await store.addPolicy(policy('group', 'finance', 3, HOSTILE.join('\n')));
        expect(p1).toEqual({ id: p1.id, ...policy('group', 'finance', 3, HOSTILE.join('\n')) });
        await store.addPolicy(policy('department', '财务部', 5));
        await store.addPolicy(policy('class', '核心', 4));
        await store.addPolicy(policy('group', 'eng', 9));
        expect((await store.listPolicies()).map((p) => p.version)).toEqual([3, 5, 4, 9]);
        const fin = { name: 'finance', department: '财务部', personnelClass: '核心' };
        expect((await store.policyFor(fin))!.version).toBe(5);
        expect((await store.policyFor({ ...fin, department: null }))!.version).toBe(4);
        expect(
          (await store.policyFor({ ...fin, department: null, personnelClass: null }))!.bytes,
        ).toEqual(Buffer.from(HOSTILE.join('\n')));
        expect(
          await store.policyFor({ name: 'hr', department: null, personnelClass: null }),
        ).toBeNull();
        expect(
          await store.policyFor({ name: 'hr', department: '核心', personnelClass: null }),
        ).toBeNull();
      });

      it('says which agents run which policy, from their heartbeats, in one query', async () => {
        for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) await enroll(id);
        await store.flushLastSeen([
          { agentId: 'a1', at: T, heartbeat: { policy: { name: 'HQ', version: 3 } } },
          { agentId: 'a2', at: T, heartbeat: { policy: { name: 'HQ', version: 3 } } },
          { agentId: 'a3', at: T, heartbeat: { policy: { name: 'HQ', version: 2 } } },
          { agentId: 'a4', at: T, heartbeat: { policy: null } },
        ]);
        await enroll('a6');
        await store.revokeAgent('a6', T);
        expect(await store.policyVersions()).toEqual([
          { name: null, version: null, agents: 2 },
          { name: 'HQ', version: 3, agents: 2 },
          { name: 'HQ', version: 2, agents: 1 },
        ]);
      });
    });

    it('hostile strings round-trip as data in every field that takes text', async () => {
      for (const [i, h] of HOSTILE.entries()) {
        const u = await store.createUser({ name: h, role: 'analyst', passwordHash: h, at: T });
        expect(await store.userByName(h)).toEqual(u);
        await store.upsertGroup({ name: h, department: h, personnelClass: h });
        expect(await store.group(h)).toEqual({ name: h, department: h, personnelClass: h });
        const a = await enroll(`agent-${i}`, h, h);
        expect(a.host).toBe(h);
        const log = new AgentLog(h);
        log.add({ user: h, level: h, data: { [h]: h, list: [h, { h }] } });
        await store.ingest(a.id, log.events, T);
        const page = await store.queryEvents({ agentId: a.id, user: h, limit: 5 });
        expect(page.events.map(strip)).toEqual(log.events);
        await store.flushLastSeen([{ agentId: a.id, at: T, heartbeat: { seatUser: h } }]);
        expect((await store.agent(a.id))!.heartbeat).toEqual({ seatUser: h });
        const row = await store.appendAudit({
          ts: T,
          actor: h,
          action: h,
          ip: h,
          target: h,
          details: { h },
        });
        expect((await store.listAudit({ afterSeq: row.seq - 1, limit: 1 }))[0]).toEqual(row);
        await store.recordLoginFailure(h, h, T);
        expect(await store.loginFailuresSince(h, T)).toBe(1);
        expect(await store.useNonce(a.id, h, T)).toBe(true);
        expect(await store.useNonce(a.id, h, T)).toBe(false);
      }
      expect((await store.listUsers()).map((u) => u.name).sort()).toEqual([...HOSTILE].sort());
      expect(verifyAudit(await store.listAudit({ limit: 100 })).ok).toBe(true);
      expect(await store.countEvents()).toBe(HOSTILE.length);
    });
  });
}
