// The console's embedded datastore: one better-sqlite3 connection to `<dataDir>/console.db`
// in WAL mode, prepared statements cached by their SQL, every multi-statement change in one
// `BEGIN IMMEDIATE` transaction (so a second console process on the same file waits for the
// write lock instead of interleaving), batched multi-row inserts for events.
//
// better-sqlite3 is synchronous; the methods are async only because the interface is (they
// resolve once the work is done). A failure that means "the database is busy or away"
// becomes CONSOLE_DB_UNAVAILABLE (errors.ts).

import Database from 'better-sqlite3';
import { auditHash } from '../../core/console/audit.js';
import type { CaseChange, CaseFilter, CaseOpen, CaseRow } from '../../core/console/cases.js';
import { type RetentionRules, shortestAge } from '../../core/console/config/retention.js';
import { countDeltas, type HourCount } from '../../core/console/overview.js';
import type { PartitionSize } from '../../core/console/partitions.js';
import type { ExportedCase } from '../../core/console/person-export.js';
import type { GroupCounts, ReportQuery } from '../../core/console/reports.js';
import { BaomiError } from '../../core/errors.js';
import type { BaomiEvent, Json } from '../../core/events/types.js';
import { exceptionEffects, type PlannedAlert, planIngest } from '../../core/sync/ingest.js';
import { CLOCK_SKEW_MS } from '../../core/sync/wire.js';
import {
  alertInCase,
  type CaseProgram,
  caseOfAlert,
  changeCase,
  getCase,
  listCases,
  openCase,
  personCases,
  runCaseSync,
} from './cases-sql.js';
import type { EventKey } from './cursor.js';
import { mapDbError } from './errors.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite/index.js';
import type { SqlMigration } from './migrations/types.js';
import {
  claimSqlite,
  enqueueSqlite,
  finishSqlite,
  listDeliveriesSqlite,
  type SqliteAccess,
} from './notify-sqlite.js';
import type {
  ClaimedDelivery,
  DeliveryOutcome,
  DeliveryRow,
  DeliveryState,
  EnqueueResult,
  NotifyRouting,
} from './notify-types.js';
import { countsSql, idleTopSql, NEW_ALERTS_SQL, SQLITE_ADD_COUNT } from './overview-sql.js';
import {
  fleetSummarySql,
  personAlertsSql,
  personCountsSql,
  personEventsSql,
  personRequestsSql,
  toFleetSummary,
} from './person-sql.js';
import { alertsSql, blockedSql, grantedSql, groupCounts, idleSql } from './reports-sql.js';
import { retentionAudit, retentionLimits, typeCutoffs, yieldToEventLoop } from './retention.js';
import {
  alertMoves,
  assertStorableEvent,
  eventCursor,
  eventValues,
  type Row,
  toAgent,
  toAlert,
  toApiToken,
  toAudit,
  toEnrollToken,
  toEvent,
  toGroup,
  toPolicy,
  toRequest,
  toSession,
  toUser,
} from './rows.js';
import {
  isLate,
  SIEM_BEHIND,
  SIEM_CANDIDATES,
  SIEM_LATE_HELD,
  SIEM_LATE_PENDING,
  siemPerAgent,
  toSiemSink,
} from './siem-sql.js';
import { containsText, eventPageQuery, Params } from './sql.js';
import { defaultWriterUrl, type RoundOutcome, RoundWriter } from './sqlite-rounds.js';
import type {
  AgentRow,
  AlertQuery,
  AlertRow,
  AlertStateChange,
  ApiToken,
  AuditHead,
  AuditInput,
  AuditRow,
  CaseDetail,
  ConsoleEventFilter,
  ConsoleStore,
  Decision,
  EnrollToken,
  EventPage,
  EventPartition,
  ExceptionRequestRow,
  FleetSummary,
  Group,
  GroupChange,
  IngestResult,
  LastSeen,
  NewAgent,
  PersonCounts,
  PersonExportReader,
  PolicyRow,
  RequestKey,
  RetentionOptions,
  RetentionRun,
  Role,
  Session,
  SiemAdvance,
  SiemPending,
  SiemSinkRow,
  StaffUser,
  StoredEvent,
  SyncRound,
  SyncRoundResult,
} from './types.js';
import { sameGroup } from './types.js';

type Statement = Database.Statement<unknown[], unknown>;

/** Rows per multi-row INSERT (14 columns: well under SQLite's parameter limit of 32766). A
 *  shorter tail goes in power-of-two pieces, so a handful of statements serve every size. */
const INSERT_CHUNK = 256;
/** Statements kept prepared; the few dynamic query shapes stay far below it. */
const MAX_CACHED = 256;
/** Login failures older than this are forgotten (the slow-down looks back minutes). */
export const LOGIN_FAILURE_KEEP_MS = 24 * 3600_000;
/** How often, at most, nonces older than 2 × CLOCK_SKEW_MS are deleted. */
const NONCE_PRUNE_EVERY_MS = 60_000;

export interface SqliteStoreOptions {
  /** How long a writer waits for another process's write lock before CONSOLE_DB_UNAVAILABLE. */
  busyTimeoutMs?: number;
  /** Migrations to apply (tests); default: all of this version's. */
  migrations?: readonly SqlMigration[];
  /** Where sync rounds are committed (syncRound): the writer thread's script (default: the
   *  one beside this file, when it is there), or 'inline': in this thread. */
  writer?: URL | 'inline';
}

const EVENT_INSERT_COLUMNS =
  'agent_id, seq, id, ts, type, severity, level, user_name, host, data, prev_hash, hash, received_at, flags';

export class SqliteConsoleStore implements ConsoleStore {
  readonly engine = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly cache = new Map<string, Statement>();
  private readonly migrations: readonly SqlMigration[];
  private lastNoncePrune = Number.NEGATIVE_INFINITY;

  constructor(
    readonly file: string,
    private readonly opts: SqliteStoreOptions = {},
  ) {
    this.migrations = opts.migrations ?? SQLITE_MIGRATIONS;
    try {
      this.db = new Database(file);
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
      this.db.pragma('journal_mode = WAL');
      // FULL: a commit is on disk before the agent is told its events are stored; the agent
      // then forgets them, so a commit lost to a power cut would be events lost.
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
    } catch (e) {
      throw mapDbError('sqlite', e);
    }
  }

  private stmt(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) {
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  private get(sql: string, ...params: unknown[]): Row | undefined {
    return this.stmt(sql).get(...params) as Row | undefined;
  }

  private all(sql: string, ...params: unknown[]): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }

  private run(sql: string, ...params: unknown[]): number {
    return this.stmt(sql).run(...params).changes;
  }

  /** Runs `fn`, mapping database failures; `write` wraps it in BEGIN IMMEDIATE … COMMIT. */
  private async op<T>(fn: () => T, write = false): Promise<T> {
    try {
      return write ? this.db.transaction(fn).immediate() : fn();
    } catch (e) {
      throw mapDbError('sqlite', e);
    }
  }

  /** `fn` and, when it changed something and `audit` is given, the audit row: one BEGIN
   *  IMMEDIATE transaction, so the action is never stored without its row (types.ts). */
  private async audited<T>(
    fn: () => T,
    audit: AuditInput | undefined,
    changed: (out: T) => boolean = () => true,
  ): Promise<T> {
    return this.op(() => {
      const out = fn();
      if (audit && changed(out)) this.appendIn(audit);
      return out;
    }, true);
  }

  async migrate(): Promise<void> {
    await this.op(() => {
      this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    }, true);
    // One transaction per migration; each re-reads what is applied under the write lock, so
    // two consoles starting together apply each version once.
    for (const m of this.migrations) {
      await this.op(() => {
        const versions = this.all('SELECT version FROM schema_migrations').map((r) => r.version);
        const newest = Math.max(0, ...versions);
        if (newest > this.migrations.length)
          throw new BaomiError('CONSOLE_DB_TOO_NEW', {
            found: newest,
            known: this.migrations.length,
          });
        if (versions.includes(m.version)) return;
        this.db.exec(m.sql);
        this.run(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
          m.version,
          m.name,
          Date.now(),
        );
      }, true);
    }
  }

  async ping(): Promise<void> {
    await this.op(() => this.get('SELECT 1 AS one'));
  }

  async close(): Promise<void> {
    await this.closeRounds();
    this.cache.clear();
    if (this.db.open) this.db.close();
  }

  // Staff

  async createUser(
    u: { name: string; role: Role; passwordHash: string; at: number },
    audit?: AuditInput,
  ): Promise<StaffUser> {
    return this.audited(
      () =>
        toUser(
          this.get(
            'INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING *',
            u.name,
            u.role,
            u.passwordHash,
            u.at,
          )!,
        ),
      audit,
    );
  }

  async userByName(name: string): Promise<StaffUser | null> {
    return this.op(() => {
      const r = this.get('SELECT * FROM users WHERE name = ?', name);
      return r ? toUser(r) : null;
    });
  }

  async userById(id: number): Promise<StaffUser | null> {
    return this.op(() => {
      const r = this.get('SELECT * FROM users WHERE id = ?', id);
      return r ? toUser(r) : null;
    });
  }

  async listUsers(): Promise<StaffUser[]> {
    return this.op(() => this.all('SELECT * FROM users ORDER BY id').map(toUser));
  }

  async setPassword(userId: number, passwordHash: string): Promise<void> {
    await this.op(() =>
      this.run('UPDATE users SET password_hash = ? WHERE id = ?', passwordHash, userId),
    );
  }

  async createSession(s: Session): Promise<void> {
    await this.op(() => {
      // Expired sessions go when new ones come, so the table holds live ones only.
      this.run('DELETE FROM sessions WHERE expires_at <= ?', s.createdAt);
      this.run(
        'INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, ip) VALUES (?, ?, ?, ?, ?, ?)',
        s.idHash,
        s.userId,
        s.csrfToken,
        s.createdAt,
        s.expiresAt,
        s.ip,
      );
    }, true);
  }

  async sessionByHash(idHash: string, now: number): Promise<Session | null> {
    return this.op(() => {
      const r = this.get(
        'SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?',
        idHash,
        now,
      );
      return r ? toSession(r) : null;
    });
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.op(() => this.run('DELETE FROM sessions WHERE id_hash = ?', idHash));
  }

  async deleteUserSessions(userId: number): Promise<number> {
    return this.op(() => this.run('DELETE FROM sessions WHERE user_id = ?', userId));
  }

  async createApiToken(t: ApiToken, audit?: AuditInput): Promise<void> {
    await this.audited(
      () =>
        this.run(
          'INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          t.id,
          t.userId,
          t.name,
          t.tokenHash,
          t.createdAt,
          t.expiresAt,
          t.revokedAt,
        ),
      audit,
    );
  }

  async apiTokenByHash(tokenHash: string, now: number): Promise<ApiToken | null> {
    return this.op(() => {
      const r = this.get(
        'SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)',
        tokenHash,
        now,
      );
      return r ? toApiToken(r) : null;
    });
  }

  async listApiTokens(userId: number): Promise<ApiToken[]> {
    return this.op(() =>
      this.all('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at, id', userId).map(
        toApiToken,
      ),
    );
  }

  async revokeApiToken(id: string, at: number, audit?: AuditInput): Promise<boolean> {
    return this.audited(
      () =>
        this.run(
          'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
          at,
          id,
        ) > 0,
      audit,
      (done) => done,
    );
  }

  async recordLoginFailure(name: string, ip: string, at: number): Promise<void> {
    await this.op(() => {
      this.run('DELETE FROM login_failures WHERE at < ?', at - LOGIN_FAILURE_KEEP_MS);
      this.run('INSERT INTO login_failures (name, ip, at) VALUES (?, ?, ?)', name, ip, at);
    }, true);
  }

  async loginFailuresSince(name: string, since: number): Promise<number> {
    return this.op(
      () =>
        this.get(
          'SELECT count(*) AS n FROM login_failures WHERE name = ? AND at >= ?',
          name,
          since,
        )!.n,
    );
  }

  async clearLoginFailures(name: string): Promise<void> {
    await this.op(() => this.run('DELETE FROM login_failures WHERE name = ?', name));
  }

  // Audit

  async appendAudit(a: AuditInput): Promise<AuditRow> {
    return this.op(() => this.appendIn(a), true);
  }

  /** Appends one row from the kept head and moves the head. Only inside a write transaction:
   *  BEGIN IMMEDIATE holds the database's write lock from the read of the head to the
   *  insert, so no other connection or process can append in between. */
  private appendIn(a: AuditInput): AuditRow {
    const head = this.get('SELECT seq, hash FROM audit_head WHERE id = 1');
    if (!head) throw new Error('audit_head row missing (migration 002 not applied?)');
    const fields = {
      seq: Number(head.seq) + 1,
      ts: a.ts,
      actor: a.actor,
      action: a.action,
      ip: a.ip,
      target: a.target,
      details: a.details,
      prevHash: head.hash as string,
    };
    const row: AuditRow = { ...fields, hash: auditHash(fields) };
    this.run(
      'INSERT INTO audit (seq, ts, actor, action, ip, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      row.seq,
      row.ts,
      row.actor,
      row.action,
      row.ip,
      row.target,
      JSON.stringify(row.details),
      row.prevHash,
      row.hash,
    );
    this.run('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1', row.seq, row.hash);
    return row;
  }

  async auditHead(): Promise<AuditHead | null> {
    return this.op(() => {
      const r = this.get('SELECT seq, hash FROM audit_head WHERE id = 1');
      return r && Number(r.seq) > 0 ? { seq: Number(r.seq), hash: r.hash as string } : null;
    });
  }

  async listAudit(q: { afterSeq?: number; limit: number }): Promise<AuditRow[]> {
    return this.op(() =>
      this.all(
        'SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?',
        q.afterSeq ?? 0,
        Math.max(0, Math.trunc(q.limit)),
      ).map(toAudit),
    );
  }

  // Groups and enrollment

  async upsertGroup(g: Group): Promise<void> {
    await this.op(() =>
      this.run(
        `INSERT INTO agent_groups (name, department, personnel_class) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET department = excluded.department, personnel_class = excluded.personnel_class`,
        g.name,
        g.department,
        g.personnelClass,
      ),
    );
  }

  async group(name: string): Promise<Group | null> {
    return this.op(() => {
      const r = this.get('SELECT * FROM agent_groups WHERE name = ?', name);
      return r ? toGroup(r) : null;
    });
  }

  async listGroups(): Promise<Group[]> {
    return this.op(() => this.all('SELECT * FROM agent_groups ORDER BY name').map(toGroup));
  }

  async createEnrollToken(
    t: EnrollToken,
    audit?: AuditInput,
    group?: GroupChange,
  ): Promise<boolean> {
    return this.audited(
      () => {
        // Inside the write transaction: nothing can change the group between this read and
        // the write below.
        if (group) {
          const r = this.get('SELECT * FROM agent_groups WHERE name = ?', group.set.name);
          const now = r ? toGroup(r) : null;
          if (!sameGroup(now, group.set)) {
            if (!sameGroup(now, group.expected)) return false;
            this.run(
              `INSERT INTO agent_groups (name, department, personnel_class) VALUES (?, ?, ?)
               ON CONFLICT (name) DO UPDATE SET department = excluded.department, personnel_class = excluded.personnel_class`,
              group.set.name,
              group.set.department,
              group.set.personnelClass,
            );
          }
        }
        this.run(
          `INSERT INTO enroll_tokens (id, token_hash, group_name, uses_left, expires_at, created_by, created_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          t.id,
          t.tokenHash,
          t.group,
          t.usesLeft,
          t.expiresAt,
          t.createdBy,
          t.createdAt,
          t.revokedAt,
        );
        return true;
      },
      audit,
      (ok) => ok,
    );
  }

  async useEnrollToken(tokenHash: string, now: number): Promise<EnrollToken | null> {
    return this.op(() => this.takeEnrollUse(tokenHash, now));
  }

  private takeEnrollUse(tokenHash: string, now: number): EnrollToken | null {
    // One statement: the check and the decrement cannot be separated. The row returned shows
    // the uses left after this one.
    const r = this.get(
      `UPDATE enroll_tokens SET uses_left = uses_left - 1
       WHERE token_hash = ? AND uses_left > 0 AND expires_at > ? AND revoked_at IS NULL
       RETURNING *`,
      tokenHash,
      now,
    );
    return r ? toEnrollToken(r) : null;
  }

  async enrollAgent(
    tokenHash: string,
    agent: Omit<NewAgent, 'group'>,
    audit: (token: EnrollToken) => AuditInput,
  ): Promise<{ token: EnrollToken; agent: AgentRow } | null> {
    return this.op(() => {
      const token = this.takeEnrollUse(tokenHash, agent.enrolledAt);
      if (!token) return null;
      const row = this.insertAgent({ ...agent, group: token.group });
      this.appendIn(audit(token));
      return { token, agent: row };
    }, true);
  }

  async listEnrollTokens(): Promise<EnrollToken[]> {
    return this.op(() =>
      this.all('SELECT * FROM enroll_tokens ORDER BY created_at, id').map(toEnrollToken),
    );
  }

  async revokeEnrollToken(id: string, at: number, audit?: AuditInput): Promise<boolean> {
    return this.audited(
      () =>
        this.run(
          'UPDATE enroll_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
          at,
          id,
        ) > 0,
      audit,
      (done) => done,
    );
  }

  // Agents

  async createAgent(a: NewAgent): Promise<AgentRow> {
    return this.op(() => this.insertAgent(a));
  }

  private insertAgent(a: NewAgent): AgentRow {
    return toAgent(
      this.get(
        `INSERT INTO agents (id, public_key, exception_secret, host, os, group_name, enrolled_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        a.id,
        a.publicKey,
        a.exceptionSecret,
        a.host,
        a.os,
        a.group,
        a.enrolledAt,
      )!,
    );
  }

  async agent(id: string): Promise<AgentRow | null> {
    return this.op(() => {
      const r = this.get('SELECT * FROM agents WHERE id = ?', id);
      return r ? toAgent(r) : null;
    });
  }

  async listAgents(q: { group?: string; text?: string } = {}): Promise<AgentRow[]> {
    return this.op(() => {
      const p = new Params('sqlite');
      const where: string[] = [];
      if (q.group !== undefined) where.push(`group_name = ${p.add(q.group)}`);
      if (q.text !== undefined && q.text !== '')
        where.push(`(${containsText(p, 'host', q.text)} OR ${containsText(p, 'id', q.text)})`);
      const sql = `SELECT * FROM agents${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY host, id`;
      return this.all(sql, ...p.values).map(toAgent);
    });
  }

  async revokeAgent(id: string, at: number, audit?: AuditInput): Promise<boolean> {
    return this.audited(
      () =>
        this.run('UPDATE agents SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', at, id) >
        0,
      audit,
      (done) => done,
    );
  }

  async useNonce(agentId: string, nonce: string, at: number): Promise<boolean> {
    const prune = at - this.lastNoncePrune >= NONCE_PRUNE_EVERY_MS;
    const fresh = await this.op(() => {
      if (prune) this.run('DELETE FROM nonces WHERE at < ?', at - 2 * CLOCK_SKEW_MS);
      return (
        this.run(
          'INSERT INTO nonces (agent_id, nonce, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
          agentId,
          nonce,
          at,
        ) === 1
      );
    }, prune);
    if (prune) this.lastNoncePrune = at;
    return fresh;
  }

  async flushLastSeen(entries: readonly LastSeen[]): Promise<void> {
    if (entries.length === 0) return;
    await this.op(() => {
      for (const e of latestPerAgent(entries))
        this.stmt(
          `UPDATE agents SET
             heartbeat = CASE WHEN last_seen IS NULL OR @at >= last_seen THEN @hb ELSE heartbeat END,
             last_seen = max(coalesce(last_seen, @at), @at),
             silent_since = CASE WHEN silent_since IS NOT NULL AND @at < silent_since THEN silent_since END
           WHERE id = @id`,
        ).run({ at: e.at, hb: JSON.stringify(e.heartbeat), id: e.agentId });
    }, true);
  }

  async flagSilent(before: number, now: number): Promise<AlertRow[]> {
    return this.op(() => {
      const silent = this.all(
        `UPDATE agents SET silent_since = ?
         WHERE revoked_at IS NULL AND silent_since IS NULL AND coalesce(last_seen, enrolled_at) < ?
         RETURNING id, host, last_seen`,
        now,
        before,
      );
      return silent
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((r) =>
          toAlert(
            this.get(
              `INSERT INTO alerts (agent_id, ts, type, severity, seq, data) VALUES (?, ?, 'agent.silent', 'high', NULL, ?) RETURNING *`,
              r.id,
              now,
              JSON.stringify({ host: r.host, lastSeen: r.last_seen ?? null }),
            )!,
          ),
        );
    }, true);
  }

  async setPolicyEtag(agentId: string, etag: string | null): Promise<void> {
    await this.op(() => this.run('UPDATE agents SET policy_etag = ? WHERE id = ?', etag, agentId));
  }

  // Events

  async ingest(agentId: string, events: readonly BaomiEvent[], now: number): Promise<IngestResult> {
    return this.op(() => this.ingestIn(agentId, events, now), true);
  }

  /** ingest's work, inside a write transaction (ingest; syncRound under a savepoint). The
   *  block keeps the body as it was inside ingest's transaction. */
  private ingestIn(agentId: string, events: readonly BaomiEvent[], now: number): IngestResult {
    {
      const a = this.get(
        'SELECT acked_seq, head_hash, pruned_through, revoked_at, group_name FROM agents WHERE id = ?',
        agentId,
      );
      if (!a) throw new BaomiError('CONSOLE_DB_UNKNOWN_AGENT', { agentId });
      if (a.revoked_at !== null) throw new BaomiError('CONSOLE_DB_AGENT_REVOKED', { agentId });
      for (const e of events) assertStorableEvent(e);
      const held = new Map<number, string>();
      if (events.length > 0) {
        const seqs = JSON.stringify([...new Set(events.map((e) => e.seq))]);
        for (const r of this.all(
          // One primary-key lookup per seq of the batch (the IN list is built once).
          'SELECT seq, hash FROM events WHERE agent_id = ? AND seq IN (SELECT value FROM json_each(?))',
          agentId,
          seqs,
        ))
          held.set(Number(r.seq), r.hash);
      }
      const plan = planIngest({ ackedSeq: Number(a.acked_seq), headHash: a.head_hash }, events, {
        hashOf: (seq) => held.get(seq),
        prunedThrough: () => Number(a.pruned_through),
      });

      let stored = 0;
      for (let i = 0; i < plan.insert.length; ) {
        const left = plan.insert.length - i;
        const n = left >= INSERT_CHUNK ? INSERT_CHUNK : 2 ** Math.floor(Math.log2(left));
        const chunk = plan.insert.slice(i, i + n);
        const values = chunk.flatMap((x) => eventValues(agentId, x.event, now, x.flags));
        stored += this.run(insertEventsSql(n), ...values);
        i += n;
      }
      // The overview's counts, in this transaction: every event of the plan is stored (the
      // plan takes only seqs this transaction read as not held).
      for (const c of countDeltas(plan.insert.map((x) => x.event)))
        this.run(SQLITE_ADD_COUNT, c.hour, a.group_name, c.type, c.n);

      const alerts = this.insertAlerts(agentId, plan.alerts, now);

      const p = plan.position;
      if (
        p.ackedSeq !== Number(a.acked_seq) ||
        p.headHash !== a.head_hash ||
        p.prunedThrough !== Number(a.pruned_through)
      )
        this.run(
          'UPDATE agents SET acked_seq = ?, head_hash = ?, pruned_through = ? WHERE id = ?',
          p.ackedSeq,
          p.headHash,
          p.prunedThrough,
          agentId,
        );

      const fx = exceptionEffects(plan.insert.map((x) => x.event));
      for (const r of fx.requests)
        this.run(
          `INSERT INTO requests (id, agent_id, user_name, device, device_label, reason, requested_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
          r.requestId,
          agentId,
          r.user,
          r.device,
          r.deviceLabel,
          r.reason,
          r.requestedAt,
        );
      for (const id of fx.delivered)
        this.run(
          `UPDATE requests SET delivered_at = ?
           WHERE id = ? AND agent_id = ? AND state <> 'pending' AND delivered_at IS NULL`,
          now,
          id,
          agentId,
        );

      return {
        ackedSeq: p.ackedSeq,
        headHash: p.headHash,
        stored,
        duplicates: plan.duplicates,
        alerts,
      };
    }
  }

  private insertAlerts(agentId: string, planned: readonly PlannedAlert[], now: number): AlertRow[] {
    const out: AlertRow[] = [];
    for (const a of planned) {
      const r = this.get(
        // user_name: the user of the event the alert is about, stored before this insert in
        // the same transaction (the person's export finds the alert by it; migration 008).
        `INSERT INTO alerts (agent_id, ts, type, severity, seq, data, dedup_key, user_name)
         VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT user_name FROM events WHERE agent_id = ? AND seq = ?))
         ON CONFLICT (agent_id, dedup_key) DO NOTHING RETURNING *`,
        agentId,
        now,
        a.type,
        a.severity,
        a.seq,
        JSON.stringify(a.data),
        a.key,
        agentId,
        a.seq,
      );
      if (r) out.push(toAlert(r));
    }
    return out;
  }

  async queryEvents(f: ConsoleEventFilter): Promise<EventPage> {
    return this.op(() => {
      const q = eventPageQuery('sqlite', f);
      const rows = this.all(q.sql, ...q.values).map(toEvent);
      const more = rows.length > q.limit;
      const events = more ? rows.slice(0, q.limit) : rows;
      return { events, next: more ? eventCursor(events[events.length - 1]!) : null };
    });
  }

  async countEvents(agentId?: string): Promise<number> {
    return this.op(() =>
      agentId === undefined
        ? this.get('SELECT count(*) AS n FROM events')!.n
        : this.get('SELECT count(*) AS n FROM events WHERE agent_id = ?', agentId)!.n,
    );
  }

  // Alerts

  async listAlerts(q: AlertQuery): Promise<AlertRow[]> {
    return this.op(() => {
      const p = new Params('sqlite');
      const where: string[] = [];
      if (q.state !== undefined) where.push(`state = ${p.add(q.state)}`);
      if (q.agentId !== undefined) where.push(`agent_id = ${p.add(q.agentId)}`);
      if (q.beforeId !== undefined) where.push(`id < ${p.add(q.beforeId)}`);
      if (q.types !== undefined)
        where.push(q.types.length ? `type IN (${q.types.map((t) => p.add(t)).join(', ')})` : '0');
      const sql = `SELECT * FROM alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${p.add(Math.max(0, Math.trunc(q.limit)))}`;
      return this.all(sql, ...p.values).map(toAlert);
    });
  }

  async setAlertState(
    id: number,
    change: AlertStateChange,
    audit?: (before: AlertRow) => AuditInput,
  ): Promise<AlertRow | null> {
    // Read, checked and changed under the IMMEDIATE lock: no other writer moves it meanwhile.
    return this.op(() => {
      const r = this.get('SELECT * FROM alerts WHERE id = ?', id);
      if (!r) return null;
      const before = toAlert(r);
      const inCase = this.runCase(caseOfAlert(id));
      if (inCase !== null) throw alertInCase(id, inCase);
      if (!alertMoves(before, change.state)) return before;
      const after = toAlert(
        this.get(
          `UPDATE alerts SET state = ?, state_by = ?, state_at = ?, state_note = ?
           WHERE id = ? RETURNING *`,
          change.state,
          change.by,
          change.at,
          change.note,
          id,
        )!,
      );
      if (audit) this.appendIn(audit(before));
      return after;
    }, true);
  }

  // Cases (cases-sql.ts: the statements, shared with PostgreSQL)

  /** Drives a case program inside the caller's transaction (synchronously: better-sqlite3). */
  private runCase<T>(prog: CaseProgram<T>): T {
    let r = prog.next();
    while (!r.done) {
      const step = r.value;
      let rows: Row[] = [];
      if ('audit' in step) this.appendIn(step.audit);
      else {
        const st = this.stmt(step.sql);
        if (st.reader) rows = st.all(...step.params) as Row[];
        else st.run(...step.params);
      }
      r = prog.next(rows);
    }
    return r.value;
  }

  async openCase(o: CaseOpen, audit: (c: CaseRow) => AuditInput): Promise<CaseDetail> {
    return this.op(() => this.runCase(openCase(o, audit)), true);
  }

  async listCases(f: CaseFilter): Promise<CaseRow[]> {
    return this.op(() => this.runCase(listCases(f)));
  }

  async getCase(id: number): Promise<CaseDetail | null> {
    return this.op(() => this.runCase(getCase(id)));
  }

  async changeCase(
    id: number,
    change: CaseChange,
    audit: (before: CaseRow) => AuditInput,
  ): Promise<CaseDetail | null> {
    return this.op(() => this.runCase(changeCase(id, change, audit)), true);
  }

  // Exception requests

  async listRequests(q: { state?: string; agentId?: string }): Promise<ExceptionRequestRow[]> {
    return this.op(() => {
      const p = new Params('sqlite');
      const where: string[] = [];
      if (q.state !== undefined) where.push(`state = ${p.add(q.state)}`);
      if (q.agentId !== undefined) where.push(`agent_id = ${p.add(q.agentId)}`);
      const sql = `SELECT * FROM requests${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY requested_at DESC, id`;
      return this.all(sql, ...p.values).map(toRequest);
    });
  }

  async request(id: string): Promise<ExceptionRequestRow | null> {
    return this.op(() => {
      const r = this.get('SELECT * FROM requests WHERE id = ?', id);
      return r ? toRequest(r) : null;
    });
  }

  async decideRequest(id: string, d: Decision, audit?: AuditInput): Promise<boolean> {
    return this.audited(
      () =>
        this.run(
          `UPDATE requests SET state = ?, decided_by = ?, decided_at = ?, note = ?, token = ?
           WHERE id = ? AND state = 'pending'`,
          d.approved ? 'approved' : 'denied',
          d.by,
          d.at,
          d.note,
          d.approved ? d.token : null,
          id,
        ) > 0,
      audit,
      (done) => done,
    );
  }

  async undeliveredDecisions(agentId: string): Promise<ExceptionRequestRow[]> {
    return this.op(() =>
      this.all(
        `SELECT * FROM requests WHERE agent_id = ? AND state <> 'pending' AND delivered_at IS NULL
         ORDER BY decided_at, id`,
        agentId,
      ).map(toRequest),
    );
  }

  // Policies

  async addPolicy(
    p: Omit<PolicyRow, 'id'>,
    audit?: (row: PolicyRow) => AuditInput,
  ): Promise<PolicyRow> {
    return this.op(() => {
      const row = toPolicy(
        this.get(
          `INSERT INTO policies (target_kind, target_value, name, version, sha256, bytes, signature, etag, uploaded_by, uploaded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
          p.target.kind,
          p.target.value,
          p.name,
          p.version,
          p.sha256,
          p.bytes,
          p.signature,
          p.etag,
          p.uploadedBy,
          p.uploadedAt,
        )!,
      );
      if (audit) this.appendIn(audit(row));
      return row;
    }, true);
  }

  async listPolicies(): Promise<PolicyRow[]> {
    return this.op(() => this.all('SELECT * FROM policies ORDER BY id').map(toPolicy));
  }

  async policyFor(g: Group): Promise<PolicyRow | null> {
    return this.op(() => {
      const r = this.get(
        `SELECT * FROM policies
         WHERE (target_kind = 'group' AND target_value = ?)
            OR (target_kind = 'department' AND target_value = ?)
            OR (target_kind = 'class' AND target_value = ?)
         ORDER BY version DESC, id DESC LIMIT 1`,
        g.name,
        g.department,
        g.personnelClass,
      );
      return r ? toPolicy(r) : null;
    });
  }

  // The overview (overview-sql.ts)

  async eventCounts(q: { sinceHour: number; group?: string }): Promise<HourCount[]> {
    return this.op(() => {
      const p = new Params('sqlite');
      return this.all(countsSql('sqlite', p, q), ...p.values).map((r) => ({
        hour: Number(r.hour),
        type: r.type,
        n: Number(r.n),
      }));
    });
  }

  async foldEventCounts(): Promise<number> {
    return 0;
  }

  async newAlertsBySeverity(): Promise<{ severity: string; n: number }[]> {
    return this.op(() =>
      this.all(NEW_ALERTS_SQL).map((r) => ({ severity: r.severity, n: Number(r.n) })),
    );
  }

  async idleTop(q: {
    sinceTs: number;
    sinceDate: string;
    limit: number;
  }): Promise<{ user: string; minutes: number }[]> {
    return this.op(() => {
      const p = new Params('sqlite');
      return this.all(idleTopSql('sqlite', p, q), ...p.values).map((r) => ({
        user: r.user_name,
        minutes: Math.round(Number(r.minutes)),
      }));
    });
  }

  async reportCounts(q: ReportQuery): Promise<GroupCounts[]> {
    return this.op(() => {
      const run = (f: (p: Params) => string) => {
        const p = new Params('sqlite');
        return this.all(f(p), ...p.values) as Record<string, unknown>[];
      };
      return groupCounts({
        blocked: run((p) => blockedSql('sqlite', p, q)),
        granted: run((p) => grantedSql(p, q)),
        alerts: run((p) => alertsSql(p, q)),
        idle: run((p) => idleSql('sqlite', p, q)),
      });
    });
  }

  async policyVersions(): Promise<
    { name: string | null; version: number | null; agents: number }[]
  > {
    return this.op(() =>
      this.all(
        `SELECT json_extract(heartbeat, '$.policy.name') AS name,
                json_extract(heartbeat, '$.policy.version') AS version,
                count(*) AS agents
         FROM agents WHERE revoked_at IS NULL
         GROUP BY 1, 2 ORDER BY agents DESC, name ASC NULLS FIRST, version DESC NULLS FIRST`,
      ).map((r) => ({
        name: typeof r.name === 'string' ? r.name : null,
        version: typeof r.version === 'number' ? r.version : null,
        agents: Number(r.agents),
      })),
    );
  }

  async tryLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    return this.op(
      () =>
        this.run(
          `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
          name,
          holder,
          now + ttlMs,
          now,
        ) === 1,
      true,
    );
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.op(() => this.run('DELETE FROM leases WHERE name = ? AND holder = ?', name, holder));
  }

  // Metrics and per-person export (issue 12 points 5 and 6)

  async fleetSummary(onlineSince: number): Promise<FleetSummary> {
    return this.op(() => {
      const q = fleetSummarySql('sqlite', onlineSince);
      return toFleetSummary(this.get(q.sql, ...q.values)!);
    });
  }

  async openPersonExport(user: string): Promise<PersonExportReader> {
    return this.op(() => {
      // A connection of its own, so the long read transaction never holds this one (every
      // write of the console goes through it); WAL lets writers go on meanwhile.
      const db = new Database(this.file, { fileMustExist: true });
      try {
        db.pragma('query_only = ON');
        db.pragma(`busy_timeout = ${Number(this.db.pragma('busy_timeout', { simple: true }))}`);
        db.exec('BEGIN');
        return new SqlitePersonExport(db, user);
      } catch (e) {
        db.close();
        throw e;
      }
    });
  }

  // Alert notifications (issue 12 §4): notify-sqlite.ts, each in one IMMEDIATE transaction.

  private get notifyDb(): SqliteAccess {
    return {
      get: (sql, ...p) => this.get(sql, ...p),
      all: (sql, ...p) => this.all(sql, ...p),
      run: (sql, ...p) => this.run(sql, ...p),
    };
  }

  async enqueueNotifications(
    now: number,
    routing: NotifyRouting,
    limit: number,
  ): Promise<EnqueueResult> {
    return this.op(() => enqueueSqlite(this.notifyDb, now, routing, limit), true);
  }

  async claimDeliveries(
    holder: string,
    now: number,
    claimMs: number,
    limit: number,
  ): Promise<ClaimedDelivery[]> {
    return this.op(() => claimSqlite(this.notifyDb, holder, now, claimMs, limit), true);
  }

  async finishDelivery(id: number, holder: string, outcome: DeliveryOutcome): Promise<boolean> {
    return this.op(() => finishSqlite(this.notifyDb, id, holder, outcome), true);
  }

  async listDeliveries(q: {
    alertId?: number;
    state?: DeliveryState;
    limit: number;
  }): Promise<DeliveryRow[]> {
    return this.op(() => listDeliveriesSqlite(this.notifyDb, q));
  }

  // Partitions and retention (issue 12 §2, §6). One file, no partitions: bounded deletes.

  async ensurePartitions(_size: PartitionSize, _now: number): Promise<string[]> {
    return [];
  }

  async eventPartitions(): Promise<EventPartition[]> {
    return [];
  }

  async applyRetention(
    rules: RetentionRules,
    now: number,
    opts?: RetentionOptions,
  ): Promise<RetentionRun> {
    const { batch, maxBatches } = retentionLimits('sqlite', opts);
    let more = false;
    if (shortestAge(rules) !== null) {
      // The stored types: a skip through the (type, ts, …) index, one probe a type.
      const types = await this.op(() =>
        this.all(
          `WITH RECURSIVE t(type) AS (
             SELECT min(type) FROM events
             UNION ALL
             SELECT (SELECT min(type) FROM events WHERE type > t.type) FROM t WHERE t.type IS NOT NULL)
           SELECT type FROM t WHERE type IS NOT NULL`,
        ).map((r) => String(r.type)),
      );
      let batches = 0;
      delete_: for (const { type, cutoff } of typeCutoffs(rules, types, now)) {
        for (;;) {
          if (batches >= maxBatches) {
            more = true;
            break delete_;
          }
          batches++;
          // One short write transaction a batch, the event loop free between them: ingest
          // (another request in this process, or another process) gets the write lock in turn.
          const n = await this.op(() => {
            const gone = this.run(
              `DELETE FROM events WHERE (agent_id, seq) IN (
                 SELECT agent_id, seq FROM events
                 WHERE type = ? AND ts < ? AND received_at < ? LIMIT ?)`,
              type,
              cutoff,
              cutoff,
              batch,
            );
            if (gone > 0)
              this.run(
                `INSERT INTO retention_pending (kind, name, n) VALUES ('type', ?, ?)
                 ON CONFLICT (kind, name) DO UPDATE SET n = n + excluded.n`,
                type,
                gone,
              );
            return gone;
          }, true);
          await yieldToEventLoop();
          if (n < batch) break;
        }
      }
    }
    return this.op(() => {
      const tally = this.all('DELETE FROM retention_pending RETURNING kind, name, n');
      const run = retentionAudit(tally, now);
      if (!run) return { partitionsDropped: [], deleted: {}, more, audit: null };
      const audit = this.appendIn(run.row);
      return { partitionsDropped: run.partitionsDropped, deleted: run.deleted, more, audit };
    }, true);
  }

  // SIEM export (issue 12 §3; types.ts says why positions are per agent)

  async siemOpen(sink: string, start: 'new' | 'all', now: number): Promise<SiemSinkRow> {
    return this.op(() => {
      const made = this.run(
        'INSERT INTO siem_sinks (name, start, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
        sink,
        start,
        now,
      );
      if (made === 1 && start === 'new') {
        this.run(
          'INSERT INTO siem_positions (sink, agent_id, seq) SELECT ?, id, acked_seq FROM agents WHERE acked_seq > 0',
          sink,
        );
        this.run(`INSERT INTO siem_late (sink, agent_id, seq) ${SIEM_LATE_HELD}`, sink);
      }
      return this.siemRows(sink)[0]!;
    }, true);
  }

  async siemPending(
    sink: string,
    q: { after: string | null; agents: number; events: number },
  ): Promise<SiemPending> {
    // One read transaction (deferred: no write lock): positions, ackedSeqs and events from
    // one snapshot, whatever another process commits meanwhile.
    const read = () => {
      const agents: SiemPending['agents'] = [];
      const limit = Math.max(1, Math.trunc(q.events));
      const candidates = this.all(
        `${SIEM_CANDIDATES} ORDER BY a.id > ? DESC, a.id LIMIT ?`,
        sink,
        q.after ?? '',
        Math.max(1, Math.trunc(q.agents)),
      );
      const per = siemPerAgent(limit, candidates.length);
      for (const c of candidates) {
        const rows = this.all(
          'SELECT * FROM events WHERE agent_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
          c.id,
          c.pos,
          c.acked_seq,
          per,
        );
        agents.push({
          agentId: c.id,
          // A list its LIMIT cut may only move the position to its last event.
          through: rows.length < per ? Number(c.acked_seq) : Number(rows.at(-1)!.seq),
          items: rows.map((r) => ({ event: toEvent(r), late: isLate(r) })),
        });
      }
      const late = this.all(
        `${SIEM_LATE_PENDING} ORDER BY e.agent_id, e.seq LIMIT ?`,
        sink,
        sink,
        limit,
      ).map(toEvent);
      return { agents, late };
    };
    try {
      return this.db.transaction(read).deferred();
    } catch (e) {
      throw mapDbError('sqlite', e);
    }
  }

  async siemAdvance(sink: string, a: SiemAdvance): Promise<void> {
    // Without an fsync (synchronous NORMAL for this one commit): a position a power cut takes
    // back is a batch sent again, which the SIEM deduplicates on the event id, never an event
    // lost; the fsync was a third of a batch's time (bench/siem.mjs).
    // All of it synchronous, so no other write on this connection can run between the two
    // pragmas and commit without its fsync.
    await this.op(() => {
      this.db.pragma('synchronous = NORMAL');
      try {
        this.db.transaction(() => this.siemAdvanceIn(sink, a)).immediate();
      } finally {
        this.db.pragma('synchronous = FULL');
      }
    });
  }

  private siemAdvanceIn(sink: string, a: SiemAdvance): void {
    for (const p of a.positions)
      this.run(
        `INSERT INTO siem_positions (sink, agent_id, seq) VALUES (?, ?, ?)
           ON CONFLICT (sink, agent_id) DO UPDATE SET seq = max(seq, excluded.seq)`,
        sink,
        p.agentId,
        p.seq,
      );
    for (const l of a.late)
      this.run(
        'INSERT INTO siem_late (sink, agent_id, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        sink,
        l.agentId,
        l.seq,
      );
    this.run(
      `UPDATE siem_sinks SET delivered = delivered + ?, skipped = skipped + ?,
           last_delivery_at = CASE WHEN ? > 0 THEN ? ELSE last_delivery_at END
         WHERE name = ?`,
      a.delivered,
      a.skipped,
      a.delivered,
      a.at,
      sink,
    );
  }

  async siemSetState(
    sink: string,
    st: { error: { code: string; params: { [k: string]: Json } } | null; at: number },
  ): Promise<void> {
    await this.op(() =>
      st.error === null
        ? this.run('UPDATE siem_sinks SET failing_since = NULL, failures = 0 WHERE name = ?', sink)
        : this.run(
            `UPDATE siem_sinks SET failing_since = coalesce(failing_since, ?), failures = failures + 1,
               last_error = ?, last_error_at = ?
             WHERE name = ?`,
            st.at,
            JSON.stringify(st.error),
            st.at,
            sink,
          ),
    );
  }

  async siemSinks(): Promise<SiemSinkRow[]> {
    return this.op(() => this.siemRows(null));
  }

  private siemRows(name: string | null): SiemSinkRow[] {
    return this.all(
      `SELECT s.*, (${SIEM_BEHIND}) AS behind
       FROM siem_sinks s WHERE ? IS NULL OR s.name = ? ORDER BY s.name`,
      name,
      name,
    ).map(toSiemSink);
  }

  // Fleet-scale sync (issue 12): syncRound with group commit, off the event loop. Rounds are
  // queued; one batch at a time is committed in one BEGIN IMMEDIATE … COMMIT (one fsync), each
  // round under a savepoint of its own (better-sqlite3 nests a transaction as a savepoint), so
  // one that fails is undone alone and answered with its own error. The commit runs in the
  // writer thread (sqlite-rounds.ts, sqlite-writer.ts) while this thread goes on serving; the
  // rounds that arrive meanwhile form the next batch, so batches grow with the disk's latency.
  // Nothing is answered before its commit: an acknowledgement is never ahead of the disk.
  // Without the thread's script (running from the TypeScript sources) or with `writer:
  // 'inline'`, the batch is committed here at the next turn of the event loop.
  private roundQueue: {
    r: SyncRound;
    done: (x: SyncRoundResult) => void;
    fail: (e: unknown) => void;
  }[] = [];
  private roundsBusy = false;
  private roundWriter: RoundWriter | null | undefined;

  async syncRound(r: SyncRound): Promise<SyncRoundResult> {
    return new Promise((done, fail) => {
      this.roundQueue.push({ r, done, fail });
      this.pumpRounds();
    });
  }

  private pumpRounds(): void {
    if (this.roundsBusy || this.roundQueue.length === 0) return;
    // Bounded, so one commit never holds a huge batch: the rest go in the next.
    let events = 0;
    let n = 0;
    while (n < this.roundQueue.length && (n === 0 || events < ROUNDS_EVENTS_PER_COMMIT)) {
      events += this.roundQueue[n]!.r.events.length;
      n++;
    }
    const batch = this.roundQueue.splice(0, n);
    this.roundsBusy = true;
    const settle = (out: RoundOutcome[] | { fail: unknown }) => {
      batch.forEach((x, i) => {
        if ('fail' in out) x.fail(out.fail);
        else {
          const o = out[i]!;
          if ('ok' in o) x.done(o.ok);
          else x.fail(o.err);
        }
      });
      this.roundsBusy = false;
      this.pumpRounds();
    };
    if (this.roundWriter === undefined) {
      const url = this.opts.writer === 'inline' ? null : (this.opts.writer ?? defaultWriterUrl());
      this.roundWriter = url
        ? new RoundWriter(url, this.file, Number(this.db.pragma('busy_timeout', { simple: true })))
        : null;
    }
    const writer = this.roundWriter;
    if (writer)
      writer.commit(batch.map((x) => x.r)).then(settle, (fail: unknown) => settle({ fail }));
    else
      setImmediate(() => {
        try {
          settle(this.commitRoundsNow(batch.map((x) => x.r)));
        } catch (fail) {
          settle({ fail });
        }
      });
  }

  /** Commits `rounds` in one transaction, a savepoint each: an outcome per round (its error
   *  mapped). Throws (mapped) when the transaction itself fails: then none is stored. The
   *  writer thread (sqlite-writer.ts) and the inline path call it. */
  commitRoundsNow(rounds: readonly SyncRound[]): RoundOutcome[] {
    const out: RoundOutcome[] = [];
    try {
      this.db
        .transaction(() => {
          const at = Math.max(...rounds.map((r) => r.now));
          if (at - this.lastNoncePrune >= NONCE_PRUNE_EVERY_MS) {
            this.run('DELETE FROM nonces WHERE at < ?', at - 2 * CLOCK_SKEW_MS);
            this.lastNoncePrune = at;
          }
          for (const r of rounds) {
            try {
              out.push({ ok: this.db.transaction(() => this.roundIn(r))() });
            } catch (err) {
              out.push({ err: mapDbError('sqlite', err) });
            }
          }
        })
        .immediate();
    } catch (e) {
      throw mapDbError('sqlite', e);
    }
    return out;
  }

  private roundIn(r: SyncRound): SyncRoundResult {
    const fresh =
      this.run(
        'INSERT INTO nonces (agent_id, nonce, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        r.agentId,
        r.nonce,
        r.now,
      ) === 1;
    if (!fresh) return { replay: true };
    const ingest = this.ingestIn(r.agentId, r.events, r.now);
    if (r.policyEtag !== undefined)
      this.run('UPDATE agents SET policy_etag = ? WHERE id = ?', r.policyEtag, r.agentId);
    const decisions = this.all(
      `SELECT * FROM requests WHERE agent_id = ? AND state <> 'pending' AND delivered_at IS NULL
       ORDER BY decided_at, id`,
      r.agentId,
    ).map(toRequest);
    return { replay: false, ingest, decisions };
  }

  /** Ends the writer thread (close()). */
  private async closeRounds(): Promise<void> {
    await this.roundWriter?.close();
    this.roundWriter = undefined;
  }
}

/** One person's records in one read transaction (openPersonExport): its first read fixes the
 *  snapshot, so counts() and every page after it see the same database. */
class SqlitePersonExport implements PersonExportReader {
  constructor(
    private readonly db: Database.Database,
    private readonly user: string,
  ) {}

  private all(q: { sql: string; values: unknown[] }): Row[] {
    try {
      return this.db.prepare(q.sql).all(...q.values) as Row[];
    } catch (e) {
      throw mapDbError('sqlite', e);
    }
  }

  async counts(): Promise<PersonCounts> {
    const r = this.all(personCountsSql('sqlite', this.user))[0]!;
    return {
      events: Number(r.events),
      requests: Number(r.requests),
      alerts: Number(r.alerts),
      cases: Number(r.cases),
    };
  }

  async events(after: EventKey | null, limit: number): Promise<StoredEvent[]> {
    return this.all(personEventsSql('sqlite', this.user, after, limit)).map(toEvent);
  }

  async requests(after: RequestKey | null, limit: number): Promise<ExceptionRequestRow[]> {
    return this.all(personRequestsSql('sqlite', this.user, after, limit)).map(toRequest);
  }

  async alerts(afterId: number, limit: number): Promise<AlertRow[]> {
    return this.all(personAlertsSql('sqlite', this.user, afterId, limit)).map(toAlert);
  }

  async cases(afterId: number, limit: number): Promise<ExportedCase[]> {
    return runCaseSync(personCases(this.user, afterId, limit), (sql, values) =>
      this.all({ sql, values }),
    );
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } finally {
      this.db.close();
    }
  }
}

/** Events per group commit of sync rounds (at least one round, whatever its size). */
const ROUNDS_EVENTS_PER_COMMIT = 5000;

function insertEventsSql(rows: number): string {
  const one = `(${Array.from({ length: 14 }, () => '?').join(', ')})`;
  return `INSERT INTO events (${EVENT_INSERT_COLUMNS}) VALUES ${Array.from({ length: rows }, () => one).join(', ')}
          ON CONFLICT (agent_id, seq) DO NOTHING`;
}

/** The newest entry of each agent (a buffer may hold several). */
export function latestPerAgent(entries: readonly LastSeen[]): LastSeen[] {
  const m = new Map<string, LastSeen>();
  for (const e of entries) {
    const had = m.get(e.agentId);
    if (!had || e.at >= had.at) m.set(e.agentId, e);
  }
  return [...m.values()];
}
