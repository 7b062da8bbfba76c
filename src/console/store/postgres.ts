// The console's PostgreSQL datastore (`baomi console --db postgres://…`): a `pg` Pool; every
// multi-statement change is one transaction on one client (BEGIN … COMMIT, ROLLBACK on any
// failure), and the rows two console processes could both change are locked first:
// `SELECT … FOR UPDATE` on the agent's row in ingest (two consoles never double-ingest or
// interleave an agent's chain state) and on audit_head in appendAudit (they never fork the
// audit chain). Migrations run under `pg_advisory_xact_lock`, so consoles starting together
// apply each version once.
//
// A connection that is refused, dropped or terminated (57P01, class 08, …) becomes
// CONSOLE_DB_UNAVAILABLE (errors.ts): the transaction was rolled back or never began, so the
// server answers 503 with retryInMs and the agent sends the same batch again.
import pg from 'pg';
import { auditHash } from '../../core/console/audit.js';
import type { CaseChange, CaseFilter, CaseOpen, CaseRow } from '../../core/console/cases.js';
import {
  partitionCutoff,
  partitionExpired,
  type RetentionRules,
  shortestAge,
} from '../../core/console/config/retention.js';
import { countDeltas, type HourCount } from '../../core/console/overview.js';
import { type PartitionSize, partitionsToCreate } from '../../core/console/partitions.js';
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
  caseSql,
  changeCase,
  getCase,
  listCases,
  openCase,
  personCases,
  runCaseAsync,
} from './cases-sql.js';
import type { EventKey } from './cursor.js';
import { isPostgresUnavailable, mapDbError } from './errors.js';
import { POSTGRES_MIGRATIONS } from './migrations/postgres/index.js';
import type { SqlMigration } from './migrations/types.js';
import {
  claimPostgres,
  enqueuePostgres,
  finishPostgres,
  listDeliveriesPostgres,
  type PgRun,
} from './notify-postgres.js';
import type {
  ClaimedDelivery,
  DeliveryOutcome,
  DeliveryRow,
  DeliveryState,
  EnqueueResult,
  NotifyRouting,
} from './notify-types.js';
import { countsSql, idleTopSql, NEW_ALERTS_SQL, PG_ADD_DELTAS, PG_FOLD } from './overview-sql.js';
import {
  createPartitionSql,
  deleteBatchSql,
  LIST_PARTITIONS,
  LOCK_TIMEOUT,
  PARTITION_LOCK,
  type PgPartition,
  receivedSinceSql,
  TALLY_ADD,
  toPartitions,
  typesInSql,
} from './partitions-pg.js';
import {
  fleetSummarySql,
  personAlertsSql,
  personCountsSql,
  personEventsSql,
  personRequestsSql,
  toFleetSummary,
} from './person-sql.js';
import { alertsSql, blockedSql, grantedSql, groupCounts, idleSql } from './reports-sql.js';
import { retentionAudit, retentionLimits, typeCutoffs } from './retention.js';
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
  numbered,
  SIEM_BEHIND,
  SIEM_CANDIDATES,
  SIEM_LATE_HELD,
  SIEM_LATE_PENDING,
  toSiemSink,
} from './siem-sql.js';
import { containsText, eventPageQuery, Params } from './sql.js';
import { LOGIN_FAILURE_KEEP_MS, latestPerAgent } from './sqlite.js';
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

/** Key of the advisory lock migrations take ("baomi" in ASCII). */
const MIGRATION_LOCK = 0x62616f6d69;
const NONCE_PRUNE_EVERY_MS = 60_000;

// bigint (int8) columns hold ms timestamps and seqs, all below 2^53: read them as numbers.
// Per pool, not pg's global parsers, so other users of `pg` in the process are untouched.
const INT8_OID = 20;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (v: string) => Number(v);
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloaded signature
    return (pg.types.getTypeParser as any)(oid, format);
  },
};

export interface PostgresStoreOptions {
  /** Most connections this process holds (default 10). */
  max?: number;
  /** How long to wait for a connection before CONSOLE_DB_UNAVAILABLE (default 5 s). */
  connectTimeoutMs?: number;
  /** An idle pooled connection failed (the database went away); the next query reports it. */
  onPoolError?: (e: Error) => void;
  migrations?: readonly SqlMigration[];
}

type Q = Pick<pg.PoolClient, 'query'>;

export class PostgresConsoleStore implements ConsoleStore {
  readonly engine = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly migrations: readonly SqlMigration[];
  private lastNoncePrune = Number.NEGATIVE_INFINITY;

  constructor(url: string, opts: PostgresStoreOptions = {}) {
    this.migrations = opts.migrations ?? POSTGRES_MIGRATIONS;
    this.pool = new pg.Pool({
      connectionString: url,
      max: opts.max ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
      application_name: 'baomi-console',
      types,
    });
    // Without a listener an idle client's error (the server restarted) would crash the
    // process; the pool drops that client and the next query gets a fresh one or fails.
    this.pool.on('error', (e) => opts.onPoolError?.(e));
  }

  private async q(sql: string, values: unknown[] = [], c: Q = this.pool): Promise<Row[]> {
    try {
      return (await c.query(sql, values)).rows;
    } catch (e) {
      throw mapDbError('postgres', e);
    }
  }

  private async one(
    sql: string,
    values: unknown[] = [],
    c: Q = this.pool,
  ): Promise<Row | undefined> {
    return (await this.q(sql, values, c))[0];
  }

  private async count(sql: string, values: unknown[] = [], c: Q = this.pool): Promise<number> {
    try {
      return (await c.query(sql, values)).rowCount ?? 0;
    } catch (e) {
      throw mapDbError('postgres', e);
    }
  }

  /** BEGIN … COMMIT on one client; ROLLBACK on any failure, and a broken client is dropped. */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let c: pg.PoolClient;
    try {
      c = await this.pool.connect();
    } catch (e) {
      throw mapDbError('postgres', e);
    }
    let broken: Error | undefined;
    // A checked-out client has no listener of the pool's: a session ended by the server
    // between two statements (a restart, pg_terminate_backend) would be an uncaught 'error'
    // and end the console. Kept here; the next statement fails and the client is dropped.
    const lost = (e: Error) => {
      broken ??= e;
    };
    c.on('error', lost);
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      if (
        isPostgresUnavailable(e) ||
        (e instanceof BaomiError && e.code === 'CONSOLE_DB_UNAVAILABLE')
      )
        broken = e instanceof Error ? e : new Error(String(e));
      else {
        try {
          await c.query('ROLLBACK');
        } catch (r) {
          broken = r instanceof Error ? r : new Error(String(r));
        }
      }
      throw mapDbError('postgres', e);
    } finally {
      // A client whose connection failed is destroyed, not returned to the pool.
      c.removeListener('error', lost);
      c.release(broken ?? false);
    }
  }

  /** `fn` and, when it changed something and `audit` is given, the audit row: one BEGIN …
   *  COMMIT on one client, the audit head locked (FOR UPDATE) inside it after the change, so
   *  the action is never stored without its row (types.ts). Without `audit`, `fn` runs on the
   *  pool as one statement. */
  private async audited<T>(
    fn: (c: Q) => Promise<T>,
    audit: AuditInput | undefined,
    changed: (out: T) => boolean = () => true,
  ): Promise<T> {
    if (!audit) return fn(this.pool);
    return this.tx(async (c) => {
      const out = await fn(c);
      if (changed(out)) await this.appendIn(c, audit);
      return out;
    });
  }

  async migrate(): Promise<void> {
    await this.tx(async (c) => {
      // Held until COMMIT: a second console waits here, then finds everything applied.
      await this.q('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK], c);
      await this.q(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`,
        [],
        c,
      );
      const versions = (await this.q('SELECT version FROM schema_migrations', [], c)).map((r) =>
        Number(r.version),
      );
      const newest = Math.max(0, ...versions);
      if (newest > this.migrations.length)
        throw new BaomiError('CONSOLE_DB_TOO_NEW', {
          found: newest,
          known: this.migrations.length,
        });
      for (const m of this.migrations) {
        if (versions.includes(m.version)) continue;
        await this.q(m.sql, [], c);
        await this.q(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          [m.version, m.name, Date.now()],
          c,
        );
      }
    });
  }

  async ping(): Promise<void> {
    await this.q('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  // Staff

  async createUser(
    u: { name: string; role: Role; passwordHash: string; at: number },
    audit?: AuditInput,
  ): Promise<StaffUser> {
    return this.audited(async (c) => {
      const r = await this.one(
        'INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING *',
        [u.name, u.role, u.passwordHash, u.at],
        c,
      );
      return toUser(r!);
    }, audit);
  }

  async userByName(name: string): Promise<StaffUser | null> {
    const r = await this.one('SELECT * FROM users WHERE name = $1', [name]);
    return r ? toUser(r) : null;
  }

  async userById(id: number): Promise<StaffUser | null> {
    if (!Number.isSafeInteger(id) || id > 2 ** 31 - 1 || id < -(2 ** 31)) return null;
    const r = await this.one('SELECT * FROM users WHERE id = $1', [id]);
    return r ? toUser(r) : null;
  }

  async listUsers(): Promise<StaffUser[]> {
    return (await this.q('SELECT * FROM users ORDER BY id')).map(toUser);
  }

  async setPassword(userId: number, passwordHash: string): Promise<void> {
    await this.q('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, userId]);
  }

  async createSession(s: Session): Promise<void> {
    await this.tx(async (c) => {
      await this.q('DELETE FROM sessions WHERE expires_at <= $1', [s.createdAt], c);
      await this.q(
        'INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, ip) VALUES ($1, $2, $3, $4, $5, $6)',
        [s.idHash, s.userId, s.csrfToken, s.createdAt, s.expiresAt, s.ip],
        c,
      );
    });
  }

  async sessionByHash(idHash: string, now: number): Promise<Session | null> {
    const r = await this.one('SELECT * FROM sessions WHERE id_hash = $1 AND expires_at > $2', [
      idHash,
      now,
    ]);
    return r ? toSession(r) : null;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.q('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  async deleteUserSessions(userId: number): Promise<number> {
    return this.count('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }

  async createApiToken(t: ApiToken, audit?: AuditInput): Promise<void> {
    await this.audited(
      (c) =>
        this.q(
          'INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [t.id, t.userId, t.name, t.tokenHash, t.createdAt, t.expiresAt, t.revokedAt],
          c,
        ),
      audit,
    );
  }

  async apiTokenByHash(tokenHash: string, now: number): Promise<ApiToken | null> {
    const r = await this.one(
      'SELECT * FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)',
      [tokenHash, now],
    );
    return r ? toApiToken(r) : null;
  }

  async listApiTokens(userId: number): Promise<ApiToken[]> {
    return (
      await this.q('SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id', [userId])
    ).map(toApiToken);
  }

  async revokeApiToken(id: string, at: number, audit?: AuditInput): Promise<boolean> {
    return this.audited(
      async (c) =>
        (await this.count(
          'UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
          [at, id],
          c,
        )) > 0,
      audit,
      (done) => done,
    );
  }

  async recordLoginFailure(name: string, ip: string, at: number): Promise<void> {
    await this.tx(async (c) => {
      await this.q('DELETE FROM login_failures WHERE at < $1', [at - LOGIN_FAILURE_KEEP_MS], c);
      await this.q(
        'INSERT INTO login_failures (name, ip, at) VALUES ($1, $2, $3)',
        [name, ip, at],
        c,
      );
    });
  }

  async loginFailuresSince(name: string, since: number): Promise<number> {
    const r = await this.one(
      'SELECT count(*)::integer AS n FROM login_failures WHERE name = $1 AND at >= $2',
      [name, since],
    );
    return Number(r!.n);
  }

  async clearLoginFailures(name: string): Promise<void> {
    await this.q('DELETE FROM login_failures WHERE name = $1', [name]);
  }

  // Audit

  async appendAudit(a: AuditInput): Promise<AuditRow> {
    return this.tx((c) => this.appendIn(c, a));
  }

  /** Appends one row inside the caller's transaction on `c`. The head row is locked until
   *  COMMIT: another console's append waits here and then reads the head this one wrote. */
  private async appendIn(c: Q, a: AuditInput): Promise<AuditRow> {
    const head = (await this.one(
      'SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE',
      [],
      c,
    ))!;
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
    await this.q(
      'INSERT INTO audit (seq, ts, actor, action, ip, target, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [
        row.seq,
        row.ts,
        row.actor,
        row.action,
        row.ip,
        row.target,
        JSON.stringify(row.details),
        row.prevHash,
        row.hash,
      ],
      c,
    );
    await this.q('UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1', [row.seq, row.hash], c);
    return row;
  }

  async auditHead(): Promise<AuditHead | null> {
    const r = await this.one('SELECT seq, hash FROM audit_head WHERE id = 1');
    return r && Number(r.seq) > 0 ? { seq: Number(r.seq), hash: r.hash as string } : null;
  }

  async listAudit(q: { afterSeq?: number; limit: number }): Promise<AuditRow[]> {
    return (
      await this.q('SELECT * FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2', [
        q.afterSeq ?? 0,
        Math.max(0, Math.trunc(q.limit)),
      ])
    ).map(toAudit);
  }

  // Groups and enrollment

  async upsertGroup(g: Group): Promise<void> {
    await this.q(
      `INSERT INTO agent_groups (name, department, personnel_class) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET department = excluded.department, personnel_class = excluded.personnel_class`,
      [g.name, g.department, g.personnelClass],
    );
  }

  async group(name: string): Promise<Group | null> {
    const r = await this.one('SELECT * FROM agent_groups WHERE name = $1', [name]);
    return r ? toGroup(r) : null;
  }

  async listGroups(): Promise<Group[]> {
    return (await this.q('SELECT * FROM agent_groups ORDER BY name COLLATE "C"')).map(toGroup);
  }

  async createEnrollToken(
    t: EnrollToken,
    audit?: AuditInput,
    group?: GroupChange,
  ): Promise<boolean> {
    const write = async (c: Q): Promise<boolean> => {
      if (group && !(await this.setGroupIf(c, group))) return false;
      await this.q(
        `INSERT INTO enroll_tokens (id, token_hash, group_name, uses_left, expires_at, created_by, created_at, revoked_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          t.id,
          t.tokenHash,
          t.group,
          t.usesLeft,
          t.expiresAt,
          t.createdBy,
          t.createdAt,
          t.revokedAt,
        ],
        c,
      );
      return true;
    };
    if (audit) return this.audited(write, audit, (ok) => ok);
    // The group check and the token must still be one transaction without an audit row.
    return group ? this.tx(write) : write(this.pool);
  }

  /**
   * Compare-and-set of a group inside `c`'s transaction. A group expected missing is inserted
   * (a concurrent insert of the same name waits on the unique key, then finds it there); an
   * existing one is locked (FOR UPDATE) before it is compared, so two requests cannot both
   * pass the comparison; one expected but gone is not made again (false, as SQLite).
   */
  private async setGroupIf(c: Q, g: GroupChange): Promise<boolean> {
    const { name, department, personnelClass } = g.set;
    if (g.expected === null) {
      const inserted = await this.q(
        `INSERT INTO agent_groups (name, department, personnel_class) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING RETURNING name`,
        [name, department, personnelClass],
        c,
      );
      if (inserted.length > 0) return true;
    }
    const r = await this.one('SELECT * FROM agent_groups WHERE name = $1 FOR UPDATE', [name], c);
    const now = r ? toGroup(r) : null;
    if (sameGroup(now, g.set)) return true;
    if (!sameGroup(now, g.expected)) return false;
    await this.q(
      'UPDATE agent_groups SET department = $2, personnel_class = $3 WHERE name = $1',
      [name, department, personnelClass],
      c,
    );
    return true;
  }

  async useEnrollToken(tokenHash: string, now: number): Promise<EnrollToken | null> {
    return this.takeEnrollUse(this.pool, tokenHash, now);
  }

  private async takeEnrollUse(c: Q, tokenHash: string, now: number): Promise<EnrollToken | null> {
    // One statement: under concurrency PostgreSQL re-checks `uses_left > 0` on the row it
    // waited for, so no use is taken twice. The row returned shows the uses left after this.
    const r = await this.one(
      `UPDATE enroll_tokens SET uses_left = uses_left - 1
       WHERE token_hash = $1 AND uses_left > 0 AND expires_at > $2 AND revoked_at IS NULL
       RETURNING *`,
      [tokenHash, now],
      c,
    );
    return r ? toEnrollToken(r) : null;
  }

  async enrollAgent(
    tokenHash: string,
    agent: Omit<NewAgent, 'group'>,
    audit: (token: EnrollToken) => AuditInput,
  ): Promise<{ token: EnrollToken; agent: AgentRow } | null> {
    return this.tx(async (c) => {
      const token = await this.takeEnrollUse(c, tokenHash, agent.enrolledAt);
      if (!token) return null;
      const row = await this.insertAgent(c, { ...agent, group: token.group });
      await this.appendIn(c, audit(token));
      return { token, agent: row };
    });
  }

  async listEnrollTokens(): Promise<EnrollToken[]> {
    return (await this.q('SELECT * FROM enroll_tokens ORDER BY created_at, id')).map(toEnrollToken);
  }

  async revokeEnrollToken(id: string, at: number, audit?: AuditInput): Promise<boolean> {
    return this.audited(
      async (c) =>
        (await this.count(
          'UPDATE enroll_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
          [at, id],
          c,
        )) > 0,
      audit,
      (done) => done,
    );
  }

  // Agents

  async createAgent(a: NewAgent): Promise<AgentRow> {
    return this.insertAgent(this.pool, a);
  }

  private async insertAgent(c: Q, a: NewAgent): Promise<AgentRow> {
    const r = await this.one(
      `INSERT INTO agents (id, public_key, exception_secret, host, os, group_name, enrolled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [a.id, a.publicKey, a.exceptionSecret, a.host, a.os, a.group, a.enrolledAt],
      c,
    );
    return toAgent(r!);
  }

  async agent(id: string): Promise<AgentRow | null> {
    const r = await this.one('SELECT * FROM agents WHERE id = $1', [id]);
    return r ? toAgent(r) : null;
  }

  async listAgents(q: { group?: string; text?: string } = {}): Promise<AgentRow[]> {
    const p = new Params('postgres');
    const where: string[] = [];
    if (q.group !== undefined) where.push(`group_name = ${p.add(q.group)}`);
    if (q.text !== undefined && q.text !== '')
      where.push(`(${containsText(p, 'host', q.text)} OR ${containsText(p, 'id', q.text)})`);
    const sql = `SELECT * FROM agents${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY host COLLATE "C", id`;
    return (await this.q(sql, p.values)).map(toAgent);
  }

  async revokeAgent(id: string, at: number, audit?: AuditInput): Promise<boolean> {
    return this.audited(
      async (c) =>
        (await this.count(
          'UPDATE agents SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
          [at, id],
          c,
        )) > 0,
      audit,
      (done) => done,
    );
  }

  async useNonce(agentId: string, nonce: string, at: number): Promise<boolean> {
    if (at - this.lastNoncePrune >= NONCE_PRUNE_EVERY_MS) {
      this.lastNoncePrune = at;
      await this.q('DELETE FROM nonces WHERE at < $1', [at - 2 * CLOCK_SKEW_MS]);
    }
    const n = await this.count(
      'INSERT INTO nonces (agent_id, nonce, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [agentId, nonce, at],
    );
    return n === 1;
  }

  async flushLastSeen(entries: readonly LastSeen[]): Promise<void> {
    if (entries.length === 0) return;
    const latest = latestPerAgent(entries);
    // One statement for the whole buffer.
    await this.q(
      `UPDATE agents a SET
         heartbeat = CASE WHEN a.last_seen IS NULL OR v.at >= a.last_seen THEN v.hb ELSE a.heartbeat END,
         last_seen = GREATEST(a.last_seen, v.at),
         silent_since = CASE WHEN a.silent_since IS NOT NULL AND v.at < a.silent_since THEN a.silent_since END
       FROM unnest($1::text[], $2::bigint[], $3::text[]) AS v(id, at, hb)
       WHERE a.id = v.id`,
      [
        latest.map((e) => e.agentId),
        latest.map((e) => e.at),
        latest.map((e) => JSON.stringify(e.heartbeat)),
      ],
    );
  }

  async flagSilent(before: number, now: number): Promise<AlertRow[]> {
    // One statement: the UPDATE takes each row's lock and re-checks `silent_since IS NULL`,
    // so two consoles flag an agent (and raise its alert) once.
    const rows = await this.q(
      `WITH flagged AS (
         UPDATE agents SET silent_since = $1
         WHERE revoked_at IS NULL AND silent_since IS NULL AND coalesce(last_seen, enrolled_at) < $2
         RETURNING id, host, last_seen)
       INSERT INTO alerts (agent_id, ts, type, severity, seq, data)
       SELECT id, $1, 'agent.silent', 'high', NULL,
              json_build_object('host', host, 'lastSeen', last_seen)::text
       FROM flagged ORDER BY id
       RETURNING *`,
      [now, before],
    );
    return rows.map(toAlert).sort((a, b) => a.id - b.id);
  }

  async setPolicyEtag(agentId: string, etag: string | null): Promise<void> {
    await this.q('UPDATE agents SET policy_etag = $1 WHERE id = $2', [etag, agentId]);
  }

  // Events

  async ingest(agentId: string, events: readonly BaomiEvent[], now: number): Promise<IngestResult> {
    return this.tx((c) => this.ingestIn(c, agentId, events, now));
  }

  /** ingest's work on `c`, inside a transaction (ingest, syncRound). The block keeps the body
   *  as it was inside ingest's transaction. */
  private async ingestIn(
    c: pg.PoolClient,
    agentId: string,
    events: readonly BaomiEvent[],
    now: number,
  ): Promise<IngestResult> {
    {
      // The agent's row is held until COMMIT: another console ingesting for this agent waits,
      // then sees these events as stored (duplicates) and this position.
      const a = await this.one(
        'SELECT acked_seq, head_hash, pruned_through, revoked_at, group_name FROM agents WHERE id = $1 FOR UPDATE',
        [agentId],
        c,
      );
      if (!a) throw new BaomiError('CONSOLE_DB_UNKNOWN_AGENT', { agentId });
      if (a.revoked_at !== null) throw new BaomiError('CONSOLE_DB_AGENT_REVOKED', { agentId });
      for (const e of events) assertStorableEvent(e);
      // `events` before its DEFAULT partition, as every transaction takes them (partitions-pg.ts):
      // a partition being made (DEFAULT locked) is waited for here and its range routed to it
      // by the INSERT below; one made after this waits for this COMMIT.
      if (events.length > 0)
        await this.q('LOCK TABLE ONLY events, ONLY events_default IN ROW EXCLUSIVE MODE', [], c);
      const held = new Map<number, string>();
      // Only a seq at or below ackedSeq can be held: every event planIngest stores is at or
      // below the position it returns (core/sync/ingest.ts). So a new batch reads nothing, and
      // a resent one probes each partition's (agent_id, seq, ts) key for its seqs.
      const seqs = [...new Set(events.map((e) => e.seq))].filter((s) => s <= Number(a.acked_seq));
      if (seqs.length > 0) {
        for (const r of await this.q(
          'SELECT seq, hash FROM events WHERE agent_id = $1 AND seq = ANY($2::bigint[])',
          [agentId, seqs],
          c,
        ))
          held.set(Number(r.seq), r.hash);
      }
      const plan = planIngest({ ackedSeq: Number(a.acked_seq), headHash: a.head_hash }, events, {
        hashOf: (seq) => held.get(seq),
        prunedThrough: () => Number(a.pruned_through),
      });

      let stored = 0;
      if (plan.insert.length > 0) {
        // One statement for the batch: a column per array.
        const cols: unknown[][] = Array.from({ length: 14 }, () => []);
        for (const x of plan.insert)
          eventValues(agentId, x.event, now, x.flags).forEach((v, i) => {
            cols[i]!.push(v);
          });
        stored = await this.count(
          `INSERT INTO events (agent_id, seq, id, ts, type, severity, level, user_name, host, data, prev_hash, hash, received_at, flags)
           SELECT $1, seq, id, ts, type, severity, level, user_name, host, data, prev_hash, hash, $14, f
           FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[],
             $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
             AS u(seq, id, ts, type, severity, level, user_name, host, data, prev_hash, hash, f)
           ON CONFLICT (agent_id, seq, ts) DO NOTHING`,
          [
            agentId,
            cols[1],
            cols[2],
            cols[3],
            cols[4],
            cols[5],
            cols[6],
            cols[7],
            cols[8],
            cols[9],
            cols[10],
            cols[11],
            cols[13],
            now,
          ],
          c,
        );
      }

      // The overview's counts, committed with the events (the agent's row is held, so the
      // plan's events are exactly the ones stored): deltas, folded later (overview-sql.ts).
      const deltas = countDeltas(plan.insert.map((x) => x.event));
      if (deltas.length > 0)
        await this.q(
          PG_ADD_DELTAS,
          [
            a.group_name,
            deltas.map((d) => d.hour),
            deltas.map((d) => d.type),
            deltas.map((d) => d.n),
          ],
          c,
        );

      const alerts = await this.insertAlerts(c, agentId, plan.alerts, now);

      const p = plan.position;
      if (
        p.ackedSeq !== Number(a.acked_seq) ||
        p.headHash !== a.head_hash ||
        p.prunedThrough !== Number(a.pruned_through)
      )
        await this.q(
          'UPDATE agents SET acked_seq = $1, head_hash = $2, pruned_through = $3 WHERE id = $4',
          [p.ackedSeq, p.headHash, p.prunedThrough, agentId],
          c,
        );

      const fx = exceptionEffects(plan.insert.map((x) => x.event));
      if (fx.requests.length > 0)
        await this.q(
          `INSERT INTO requests (id, agent_id, user_name, device, device_label, reason, requested_at)
           SELECT id, $1, u, d, l, r, t FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
             AS x(id, u, d, l, r, t)
           ON CONFLICT (id) DO NOTHING`,
          [
            agentId,
            fx.requests.map((r) => r.requestId),
            fx.requests.map((r) => r.user),
            fx.requests.map((r) => r.device),
            fx.requests.map((r) => r.deviceLabel),
            fx.requests.map((r) => r.reason),
            fx.requests.map((r) => r.requestedAt),
          ],
          c,
        );
      if (fx.delivered.length > 0)
        await this.q(
          `UPDATE requests SET delivered_at = $1
           WHERE id = ANY($2::text[]) AND agent_id = $3 AND state <> 'pending' AND delivered_at IS NULL`,
          [now, fx.delivered, agentId],
          c,
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

  private async insertAlerts(
    c: Q,
    agentId: string,
    planned: readonly PlannedAlert[],
    now: number,
  ): Promise<AlertRow[]> {
    if (planned.length === 0) return [];
    const rows = await this.q(
      // user_name: the user of the event the alert is about, stored before this insert in
      // the same transaction (the person's export finds the alert by it; migration 007).
      `INSERT INTO alerts (agent_id, ts, type, severity, seq, data, dedup_key, user_name)
       SELECT $1, $2, t, s, q, d, k,
              (SELECT e.user_name FROM events e WHERE e.agent_id = $1 AND e.seq = x.q LIMIT 1)
       FROM unnest($3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[])
         WITH ORDINALITY AS x(t, s, q, d, k, n)
       ORDER BY n
       ON CONFLICT (agent_id, dedup_key) DO NOTHING
       RETURNING *`,
      [
        agentId,
        now,
        planned.map((a) => a.type),
        planned.map((a) => a.severity),
        planned.map((a) => a.seq),
        planned.map((a) => JSON.stringify(a.data)),
        planned.map((a) => a.key),
      ],
      c,
    );
    return rows.map(toAlert).sort((x, y) => x.id - y.id);
  }

  async queryEvents(f: ConsoleEventFilter): Promise<EventPage> {
    const q = eventPageQuery('postgres', f);
    const rows = (await this.q(q.sql, q.values)).map(toEvent);
    const more = rows.length > q.limit;
    const events = more ? rows.slice(0, q.limit) : rows;
    return { events, next: more ? eventCursor(events[events.length - 1]!) : null };
  }

  async countEvents(agentId?: string): Promise<number> {
    const r =
      agentId === undefined
        ? await this.one('SELECT count(*) AS n FROM events')
        : await this.one('SELECT count(*) AS n FROM events WHERE agent_id = $1', [agentId]);
    return Number(r!.n);
  }

  // Alerts

  async listAlerts(q: AlertQuery): Promise<AlertRow[]> {
    const p = new Params('postgres');
    const where: string[] = [];
    if (q.state !== undefined) where.push(`state = ${p.add(q.state)}`);
    if (q.agentId !== undefined) where.push(`agent_id = ${p.add(q.agentId)}`);
    if (q.beforeId !== undefined) where.push(`id < ${p.add(q.beforeId)}`);
    if (q.types !== undefined)
      where.push(q.types.length ? `type IN (${q.types.map((t) => p.add(t)).join(', ')})` : 'FALSE');
    const sql = `SELECT * FROM alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${p.add(Math.max(0, Math.trunc(q.limit)))}`;
    return (await this.q(sql, p.values)).map(toAlert);
  }

  async setAlertState(
    id: number,
    change: AlertStateChange,
    audit?: (before: AlertRow) => AuditInput,
  ): Promise<AlertRow | null> {
    // The alert's row locked first (two staff moving it at once are serialised, each checking
    // the stage the other left), the audit head last (appendIn), as every audited action does.
    return this.tx(async (c) => {
      const r = await this.one('SELECT * FROM alerts WHERE id = $1 FOR UPDATE', [id], c);
      if (!r) return null;
      const before = toAlert(r);
      const inCase = await this.runCase(c, caseOfAlert(id));
      if (inCase !== null) throw alertInCase(id, inCase);
      if (!alertMoves(before, change.state)) return before;
      const after = toAlert(
        (await this.one(
          `UPDATE alerts SET state = $1, state_by = $2, state_at = $3, state_note = $4
           WHERE id = $5 RETURNING *`,
          [change.state, change.by, change.at, change.note, id],
          c,
        ))!,
      );
      if (audit) await this.appendIn(c, audit(before));
      return after;
    });
  }

  // Cases (cases-sql.ts: the statements, shared with SQLite)

  /** Drives a case program inside transaction `c`. */
  private async runCase<T>(c: Q, prog: CaseProgram<T>): Promise<T> {
    let r = prog.next();
    while (!r.done) {
      const step = r.value;
      let rows: Row[] = [];
      if ('audit' in step) await this.appendIn(c, step.audit);
      else rows = await this.q(caseSql(step.sql, step.lock), step.params, c);
      r = prog.next(rows);
    }
    return r.value;
  }

  async openCase(o: CaseOpen, audit: (c: CaseRow) => AuditInput): Promise<CaseDetail> {
    return this.tx((c) => this.runCase(c, openCase(o, audit)));
  }

  async listCases(f: CaseFilter): Promise<CaseRow[]> {
    return this.tx(async (c) => {
      await this.q(READ_SNAPSHOT, [], c);
      return this.runCase(c, listCases(f));
    });
  }

  async getCase(id: number): Promise<CaseDetail | null> {
    // One snapshot for its several reads (READ COMMITTED would give each its own).
    return this.tx(async (c) => {
      await this.q(READ_SNAPSHOT, [], c);
      return this.runCase(c, getCase(id));
    });
  }

  async changeCase(
    id: number,
    change: CaseChange,
    audit: (before: CaseRow) => AuditInput,
  ): Promise<CaseDetail | null> {
    return this.tx((c) => this.runCase(c, changeCase(id, change, audit)));
  }

  // Exception requests

  async listRequests(q: { state?: string; agentId?: string }): Promise<ExceptionRequestRow[]> {
    const p = new Params('postgres');
    const where: string[] = [];
    if (q.state !== undefined) where.push(`state = ${p.add(q.state)}`);
    if (q.agentId !== undefined) where.push(`agent_id = ${p.add(q.agentId)}`);
    const sql = `SELECT * FROM requests${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY requested_at DESC, id`;
    return (await this.q(sql, p.values)).map(toRequest);
  }

  async request(id: string): Promise<ExceptionRequestRow | null> {
    const r = await this.one('SELECT * FROM requests WHERE id = $1', [id]);
    return r ? toRequest(r) : null;
  }

  async decideRequest(id: string, d: Decision, audit?: AuditInput): Promise<boolean> {
    return this.audited(
      async (c) =>
        (await this.count(
          `UPDATE requests SET state = $1, decided_by = $2, decided_at = $3, note = $4, token = $5
           WHERE id = $6 AND state = 'pending'`,
          [d.approved ? 'approved' : 'denied', d.by, d.at, d.note, d.approved ? d.token : null, id],
          c,
        )) > 0,
      audit,
      (done) => done,
    );
  }

  async undeliveredDecisions(agentId: string): Promise<ExceptionRequestRow[]> {
    return (
      await this.q(
        `SELECT * FROM requests WHERE agent_id = $1 AND state <> 'pending' AND delivered_at IS NULL
         ORDER BY decided_at, id`,
        [agentId],
      )
    ).map(toRequest);
  }

  // Policies

  async addPolicy(
    p: Omit<PolicyRow, 'id'>,
    audit?: (row: PolicyRow) => AuditInput,
  ): Promise<PolicyRow> {
    const insert = async (c: Q) => {
      const r = await this.one(
        `INSERT INTO policies (target_kind, target_value, name, version, sha256, bytes, signature, etag, uploaded_by, uploaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [
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
        ],
        c,
      );
      return toPolicy(r!);
    };
    if (!audit) return insert(this.pool);
    return this.tx(async (c) => {
      const row = await insert(c);
      await this.appendIn(c, audit(row));
      return row;
    });
  }

  async listPolicies(): Promise<PolicyRow[]> {
    return (await this.q('SELECT * FROM policies ORDER BY id')).map(toPolicy);
  }

  async policyFor(g: Group): Promise<PolicyRow | null> {
    const r = await this.one(
      `SELECT * FROM policies
       WHERE (target_kind = 'group' AND target_value = $1)
          OR (target_kind = 'department' AND target_value = $2)
          OR (target_kind = 'class' AND target_value = $3)
       ORDER BY version DESC, id DESC LIMIT 1`,
      [g.name, g.department, g.personnelClass],
    );
    return r ? toPolicy(r) : null;
  }

  // The overview (overview-sql.ts)

  async eventCounts(q: { sinceHour: number; group?: string }): Promise<HourCount[]> {
    const p = new Params('postgres');
    const rows = await this.q(countsSql('postgres', p, q), p.values);
    return rows.map((r) => ({ hour: Number(r.hour), type: r.type, n: Number(r.n) }));
  }

  async foldEventCounts(): Promise<number> {
    return this.count(PG_FOLD, []);
  }

  async newAlertsBySeverity(): Promise<{ severity: string; n: number }[]> {
    const rows = await this.q(NEW_ALERTS_SQL, []);
    return rows.map((r) => ({ severity: r.severity, n: Number(r.n) }));
  }

  async idleTop(q: {
    sinceTs: number;
    sinceDate: string;
    limit: number;
  }): Promise<{ user: string; minutes: number }[]> {
    const p = new Params('postgres');
    const rows = await this.q(idleTopSql('postgres', p, q), p.values);
    return rows.map((r) => ({ user: r.user_name, minutes: Math.round(Number(r.minutes)) }));
  }

  async reportCounts(q: ReportQuery): Promise<GroupCounts[]> {
    const run = (f: (p: Params) => string) => {
      const p = new Params('postgres');
      return this.q(f(p), p.values) as Promise<Record<string, unknown>[]>;
    };
    const [blocked, granted, alerts, idle] = await Promise.all([
      run((p) => blockedSql('postgres', p, q)),
      run((p) => grantedSql(p, q)),
      run((p) => alertsSql(p, q)),
      run((p) => idleSql('postgres', p, q)),
    ]);
    return groupCounts({ blocked, granted, alerts, idle });
  }

  async policyVersions(): Promise<
    { name: string | null; version: number | null; agents: number }[]
  > {
    const rows = await this.q(
      `SELECT p ->> 'name' AS name,
              CASE WHEN json_typeof(p -> 'version') = 'number' THEN (p ->> 'version')::float8 END AS version,
              count(*) AS agents
       FROM (SELECT CASE WHEN json_typeof(heartbeat::json -> 'policy') = 'object'
                         THEN heartbeat::json -> 'policy' END AS p
             FROM agents WHERE revoked_at IS NULL) s
       GROUP BY 1, 2 ORDER BY agents DESC, name ASC NULLS FIRST, version DESC NULLS FIRST`,
    );
    return rows.map((r) => ({
      name: typeof r.name === 'string' ? r.name : null,
      version: r.version === null ? null : Number(r.version),
      agents: Number(r.agents),
    }));
  }

  async tryLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    const rows = await this.q(
      `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= $4
       RETURNING holder`,
      [name, holder, now + ttlMs, now],
    );
    return rows.length === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.q('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  // Metrics and per-person export (issue 12 points 5 and 6)

  async fleetSummary(onlineSince: number): Promise<FleetSummary> {
    const q = fleetSummarySql('postgres', onlineSince);
    return toFleetSummary((await this.one(q.sql, q.values))!);
  }

  async openPersonExport(user: string): Promise<PersonExportReader> {
    let c: pg.PoolClient;
    try {
      c = await this.pool.connect();
    } catch (e) {
      throw mapDbError('postgres', e);
    }
    try {
      // The snapshot is taken at the first query after BEGIN (counts()), and every page reads it.
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (e) {
      c.release(e instanceof Error ? e : true);
      throw mapDbError('postgres', e);
    }
    return new PostgresPersonExport(c, user, (sql, values, client) => this.q(sql, values, client));
  }

  // Alert notifications (issue 12 §4): notify-postgres.ts, each in one transaction.

  private onClient(c: Q): PgRun {
    return (sql, values = []) => this.q(sql, values, c);
  }

  async enqueueNotifications(
    now: number,
    routing: NotifyRouting,
    limit: number,
  ): Promise<EnqueueResult> {
    return this.tx((c) => enqueuePostgres(this.onClient(c), now, routing, limit));
  }

  async claimDeliveries(
    holder: string,
    now: number,
    claimMs: number,
    limit: number,
  ): Promise<ClaimedDelivery[]> {
    return this.tx((c) => claimPostgres(this.onClient(c), holder, now, claimMs, limit));
  }

  async finishDelivery(id: number, holder: string, outcome: DeliveryOutcome): Promise<boolean> {
    return this.tx((c) => finishPostgres(this.onClient(c), id, holder, outcome));
  }

  async listDeliveries(q: {
    alertId?: number;
    state?: DeliveryState;
    limit: number;
  }): Promise<DeliveryRow[]> {
    return listDeliveriesPostgres(this.onClient(this.pool), q);
  }

  // Partitions and retention (issue 12 §2, §6): SQL and locking in partitions-pg.ts.

  private async partitions(c: Q = this.pool): Promise<PgPartition[]> {
    return toPartitions(await this.q(LIST_PARTITIONS, [], c));
  }

  async eventPartitions(): Promise<EventPartition[]> {
    return (await this.partitions()).map((p) => ({ name: p.name, from: p.from, to: p.to }));
  }

  async ensurePartitions(size: PartitionSize, now: number): Promise<string[]> {
    return this.tx(async (c) => {
      await this.q(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`, [], c);
      await this.q('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK], c);
      const all = await this.partitions(c);
      const todo = partitionsToCreate(
        size,
        now,
        all.flatMap((p) => (p.from === null || p.to === null ? [] : [{ from: p.from, to: p.to }])),
      );
      if (todo.length === 0) return [];
      const def = all.find((p) => p.from === null)?.sqlName ?? null;
      // Ingest into DEFAULT waits until COMMIT, so no row of a new range lands there meanwhile.
      await this.q('LOCK TABLE ONLY events IN SHARE UPDATE EXCLUSIVE MODE', [], c);
      if (def !== null) await this.q(`LOCK TABLE ${def} IN ACCESS EXCLUSIVE MODE`, [], c);
      for (const p of todo) for (const sql of createPartitionSql(p, def)) await this.q(sql, [], c);
      return todo.map((p) => p.name);
    });
  }

  async applyRetention(
    rules: RetentionRules,
    now: number,
    opts?: RetentionOptions,
  ): Promise<RetentionRun> {
    const { batch, maxBatches } = retentionLimits('postgres', opts);
    const shortest = shortestAge(rules);
    let more = false;
    if (shortest !== null) {
      // 1. Whole partitions: chosen from their bounds and the types they hold, then taken out
      // of `events` once the types are read again under its lock (a late event of a
      // longer-lived type that arrived meanwhile keeps its partition), then counted and
      // dropped (partitions-pg.ts: the lock is held for milliseconds, not for the count).
      for (const r of await this.q("SELECT name FROM retention_pending WHERE kind = 'detached'"))
        await this.dropDetached(String(r.name));
      for (const p of await this.partitions()) {
        if (p.to === null || p.to > now - shortest) continue;
        const cutoff = partitionCutoff(rules, await this.typesIn(p.sqlName), p.to, now);
        if (cutoff === null) continue;
        // An event that arrived within the age keeps the partition (its bounded delete waits
        // for it too). Checked before the lock, not under it: the scan would hold ingest, and
        // a late event arriving in the milliseconds between is removed by its own clock.
        if ((await this.q(receivedSinceSql(p.sqlName), [cutoff])).length > 0) continue;
        const detached = await this.tx(async (c) => {
          await this.q(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`, [], c);
          await this.q('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK], c);
          await this.q('LOCK TABLE ONLY events IN ACCESS EXCLUSIVE MODE', [], c);
          if (!partitionExpired(rules, await this.typesIn(p.sqlName, c), p.to!, now)) return false;
          await this.q(`ALTER TABLE events DETACH PARTITION ${p.sqlName}`, [], c);
          await this.q(TALLY_ADD, ['detached', p.sqlName, 0], c);
          return true;
        });
        if (detached) await this.dropDetached(p.sqlName);
      }

      // 2. What is past its age in the partitions kept (DEFAULT included): bounded deletes of
      // one type from one partition, each batch and its tally one transaction.
      let batches = 0;
      delete_: for (const p of await this.partitions()) {
        if (p.from !== null && p.from >= now - shortest) continue;
        for (const { type, cutoff } of typeCutoffs(rules, await this.typesIn(p.sqlName), now)) {
          if (p.from !== null && p.from >= cutoff) continue;
          for (;;) {
            if (batches >= maxBatches) {
              more = true;
              break delete_;
            }
            batches++;
            const n = await this.tx(async (c) => {
              const gone = await this.count(deleteBatchSql(p.sqlName), [type, cutoff, batch], c);
              if (gone > 0) await this.q(TALLY_ADD, ['type', type, gone], c);
              return gone;
            });
            if (n < batch) break;
          }
        }
      }
    }

    // 3. One audit row for what the tally holds (this run's, and a run's cut short before it).
    return this.tx(async (c) => {
      const tally = await this.q(
        "DELETE FROM retention_pending WHERE kind <> 'detached' RETURNING kind, name, n",
        [],
        c,
      );
      const run = retentionAudit(tally, now);
      if (!run) return { partitionsDropped: [], deleted: {}, more, audit: null };
      const audit = await this.appendIn(c, run.row);
      return { partitionsDropped: run.partitionsDropped, deleted: run.deleted, more, audit };
    });
  }

  /** The types one partition holds (partitions-pg.ts typesInSql). */
  private async typesIn(sqlName: string, c: Q = this.pool): Promise<string[]> {
    return (await this.q(typesInSql(sqlName), [], c)).map((r) => String(r.type));
  }

  /** Counts by type what a partition detached by retention holds, drops it and moves its
   *  'detached' row to the tally: one transaction, nothing anyone else uses locked. */
  private async dropDetached(sqlName: string): Promise<void> {
    await this.tx(async (c) => {
      // The name as PostgreSQL quotes it, or null when the table is gone.
      const t = (await this.one('SELECT to_regclass($1)::text AS t', [sqlName], c))?.t as
        | string
        | null;
      if (t) {
        const counts = await this.q(`SELECT type, count(*) AS n FROM ${t} GROUP BY type`, [], c);
        const name = (await this.one(
          'SELECT relname FROM pg_class WHERE oid = $1::regclass',
          [t],
          c,
        ))!.relname as string;
        await this.q(`DROP TABLE ${t}`, [], c);
        const total = counts.reduce((n, r) => n + Number(r.n), 0);
        await this.q(TALLY_ADD, ['partition', name, total], c);
        for (const r of counts) await this.q(TALLY_ADD, ['type', r.type, Number(r.n)], c);
      }
      await this.q(
        "DELETE FROM retention_pending WHERE kind = 'detached' AND name = $1",
        [sqlName],
        c,
      );
    });
  }

  // SIEM export (issue 12 §3; types.ts says why positions are per agent)

  async siemOpen(sink: string, start: 'new' | 'all', now: number): Promise<SiemSinkRow> {
    return this.tx(async (c) => {
      const made = await this.q(
        'INSERT INTO siem_sinks (name, start, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING name',
        [sink, start, now],
        c,
      );
      if (made.length === 1 && start === 'new') {
        await this.q(
          'INSERT INTO siem_positions (sink, agent_id, seq) SELECT $1, id, acked_seq FROM agents WHERE acked_seq > 0',
          [sink],
          c,
        );
        await this.q(
          numbered(`INSERT INTO siem_late (sink, agent_id, seq) ${SIEM_LATE_HELD}`),
          [sink],
          c,
        );
      }
      return (await this.siemRows(sink, c))[0]!;
    });
  }

  async siemPending(
    sink: string,
    q: { after: string | null; agents: number; events: number },
  ): Promise<SiemPending> {
    const limit = Math.max(1, Math.trunc(q.events));
    // One statement, one snapshot: the candidates and the next events of each (LATERAL: the
    // primary key range of each agent), `per` each (siemPerAgent), so a step reads about
    // `limit` rows however many agents wait.
    // First a lock that waits for a partition being made to finish moving its rows out of
    // DEFAULT (partitions-pg.ts holds DEFAULT exclusively while it moves them): a statement
    // planned before the move with the old list of partitions and run after it would read
    // neither where the rows were nor where they are, and the positions would pass them.
    return this.tx(async (c) => {
      await this.q('LOCK TABLE ONLY events_default IN ACCESS SHARE MODE', [], c);
      const rows = await this.q(
        `WITH c AS (
         ${numbered(SIEM_CANDIDATES)}
         ORDER BY a.id > $2 DESC, a.id LIMIT $3),
       n AS (SELECT ceil($4::numeric / greatest(count(*), 1))::int AS per FROM c)
       SELECT c.id AS c_id, c.acked_seq AS c_acked, n.per AS c_per, e.*
       FROM c CROSS JOIN n LEFT JOIN LATERAL (
         SELECT * FROM events
         WHERE agent_id = c.id AND seq > c.pos AND seq <= c.acked_seq ORDER BY seq LIMIT n.per) e ON true
       ORDER BY c.id > $2 DESC, c.id, e.seq`,
        [sink, q.after ?? '', Math.max(1, Math.trunc(q.agents)), limit],
        c,
      );
      const agents: SiemPending['agents'] = [];
      for (const r of rows) {
        if (agents.at(-1)?.agentId !== r.c_id)
          agents.push({ agentId: r.c_id, through: Number(r.c_acked), items: [] });
        if (r.seq !== null) agents.at(-1)!.items.push({ event: toEvent(r), late: isLate(r) });
      }
      // A list its LIMIT cut may only move the position to its last event.
      const per = Number(rows[0]?.c_per ?? limit);
      for (const a of agents) if (a.items.length >= per) a.through = a.items.at(-1)!.event.seq;
      const late = (
        await this.q(
          numbered(`${SIEM_LATE_PENDING} ORDER BY e.agent_id, e.seq LIMIT ?`),
          [sink, sink, limit],
          c,
        )
      ).map(toEvent);
      return { agents, late };
    });
  }

  async siemAdvance(sink: string, a: SiemAdvance): Promise<void> {
    // One row per agent (an upsert may not touch a row twice in one statement).
    const top = new Map<string, number>();
    for (const p of a.positions) top.set(p.agentId, Math.max(top.get(p.agentId) ?? 0, p.seq));
    await this.tx(async (c) => {
      if (top.size > 0)
        await this.q(
          `INSERT INTO siem_positions (sink, agent_id, seq)
           SELECT $1, u.a, u.s FROM unnest($2::text[], $3::bigint[]) AS u(a, s)
           ON CONFLICT (sink, agent_id) DO UPDATE SET seq = GREATEST(siem_positions.seq, excluded.seq)`,
          [sink, [...top.keys()], [...top.values()]],
          c,
        );
      if (a.late.length > 0)
        await this.q(
          `INSERT INTO siem_late (sink, agent_id, seq)
           SELECT $1, u.a, u.s FROM unnest($2::text[], $3::bigint[]) AS u(a, s)
           ON CONFLICT DO NOTHING`,
          [sink, a.late.map((l) => l.agentId), a.late.map((l) => l.seq)],
          c,
        );
      await this.q(
        `UPDATE siem_sinks SET delivered = delivered + $1, skipped = skipped + $2,
           last_delivery_at = CASE WHEN $1 > 0 THEN $3 ELSE last_delivery_at END
         WHERE name = $4`,
        [a.delivered, a.skipped, a.at, sink],
        c,
      );
    });
  }

  async siemSetState(
    sink: string,
    st: { error: { code: string; params: { [k: string]: Json } } | null; at: number },
  ): Promise<void> {
    if (st.error === null)
      await this.q('UPDATE siem_sinks SET failing_since = NULL, failures = 0 WHERE name = $1', [
        sink,
      ]);
    else
      await this.q(
        `UPDATE siem_sinks SET failing_since = coalesce(failing_since, $1), failures = failures + 1,
           last_error = $2, last_error_at = $1
         WHERE name = $3`,
        [st.at, JSON.stringify(st.error), sink],
      );
  }

  async siemSinks(): Promise<SiemSinkRow[]> {
    return this.siemRows(null);
  }

  private async siemRows(name: string | null, c: Q = this.pool): Promise<SiemSinkRow[]> {
    return (
      await this.q(
        `SELECT s.*, (${SIEM_BEHIND}) AS behind
         FROM siem_sinks s WHERE $1::text IS NULL OR s.name = $1 ORDER BY s.name`,
        [name],
        c,
      )
    ).map(toSiemSink);
  }
  // Fleet-scale sync (issue 12): syncRound, one transaction on one client: the nonce, the
  // batch (ingestIn: the agent's row locked FOR UPDATE, as ingest), the etag handed out and
  // the decisions to deliver. PostgreSQL commits concurrent transactions of the pool together
  // (one WAL flush for those that commit at once), so rounds are not batched here.
  async syncRound(r: SyncRound): Promise<SyncRoundResult> {
    if (r.now - this.lastNoncePrune >= NONCE_PRUNE_EVERY_MS) {
      this.lastNoncePrune = r.now;
      await this.q('DELETE FROM nonces WHERE at < $1', [r.now - 2 * CLOCK_SKEW_MS]);
    }
    return this.tx(async (c): Promise<SyncRoundResult> => {
      const fresh =
        (await this.count(
          'INSERT INTO nonces (agent_id, nonce, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [r.agentId, r.nonce, r.now],
          c,
        )) === 1;
      if (!fresh) return { replay: true };
      const ingest = await this.ingestIn(c, r.agentId, r.events, r.now);
      if (r.policyEtag !== undefined)
        await this.q(
          'UPDATE agents SET policy_etag = $1 WHERE id = $2',
          [r.policyEtag, r.agentId],
          c,
        );
      const decisions = (
        await this.q(
          `SELECT * FROM requests WHERE agent_id = $1 AND state <> 'pending' AND delivered_at IS NULL
           ORDER BY decided_at, id`,
          [r.agentId],
          c,
        )
      ).map(toRequest);
      return { replay: false, ingest, decisions };
    });
  }
}

/** The first statement of a read that must see one snapshot. */
const READ_SNAPSHOT = 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY';

/** One person's records in one REPEATABLE READ READ ONLY transaction (openPersonExport). */
class PostgresPersonExport implements PersonExportReader {
  private done = false;
  private broken: Error | undefined;

  /** The session ended by the server between two pages: kept, not an uncaught 'error'. */
  private readonly lost = (e: Error) => {
    this.broken ??= e;
  };

  constructor(
    private readonly c: pg.PoolClient,
    private readonly user: string,
    private readonly query: (sql: string, values: unknown[], c: Q) => Promise<Row[]>,
  ) {
    c.on('error', this.lost);
  }

  private async all(q: { sql: string; values: unknown[] }): Promise<Row[]> {
    try {
      return await this.query(q.sql, q.values, this.c);
    } catch (e) {
      this.broken ??= e instanceof Error ? e : new Error(String(e));
      throw e;
    }
  }

  async counts(): Promise<PersonCounts> {
    const r = (await this.all(personCountsSql('postgres', this.user)))[0]!;
    return {
      events: Number(r.events),
      requests: Number(r.requests),
      alerts: Number(r.alerts),
      cases: Number(r.cases),
    };
  }

  async events(after: EventKey | null, limit: number): Promise<StoredEvent[]> {
    return (await this.all(personEventsSql('postgres', this.user, after, limit))).map(toEvent);
  }

  async requests(after: RequestKey | null, limit: number): Promise<ExceptionRequestRow[]> {
    return (await this.all(personRequestsSql('postgres', this.user, after, limit))).map(toRequest);
  }

  async alerts(afterId: number, limit: number): Promise<AlertRow[]> {
    return (await this.all(personAlertsSql('postgres', this.user, afterId, limit))).map(toAlert);
  }

  async cases(afterId: number, limit: number): Promise<ExportedCase[]> {
    return runCaseAsync(personCases(this.user, afterId, limit), (sql, values) =>
      this.all({ sql, values }),
    );
  }

  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (!this.broken) {
      try {
        await this.c.query('ROLLBACK');
      } catch (e) {
        this.broken = e instanceof Error ? e : new Error(String(e));
      }
    }
    // A client whose query failed is destroyed, not returned to the pool (as tx() does).
    this.c.removeListener('error', this.lost);
    this.c.release(this.broken ?? false);
  }
}
