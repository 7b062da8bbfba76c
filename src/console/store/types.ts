// The console's one datastore interface (DESIGN.md "Console storage"): a SQLite
// implementation (the embedded default, `<dataDir>/console.db`) and a PostgreSQL one
// (`--db postgres://…`), numbered migrations for each, and one test suite that runs against
// both (tests/console/store.suite.ts). Everything is async because PostgreSQL is.
//
// Nothing a second console process would need lives in a process's memory: sessions, login
// failures, nonces, enrollment-token uses and the audit chain head are all rows here, and
// every multi-row change is one transaction (PostgreSQL: row locks, so two consoles on one
// database serialise on the agent or the audit head they both touch).
//
// A staff action and its audit row are one transaction (issue 11 point 2): every method a
// staff action calls takes an optional last `audit` and appends that row, chained from the
// head, in the transaction that makes the change. Either both are stored or neither is, so a
// database that goes away between them cannot leave an action without its row; when the
// change does nothing (revoking what is revoked, deciding what is decided) no row is written.
// appendAudit alone is for what changes nothing else (login, login.failed, logout).
import type { AlertStage } from '../../core/console/alerts.js';
import type { RequestView } from '../../core/console/api.js';
import type {
  CaseChange,
  CaseDetailRefs,
  CaseFilter,
  CaseOpen,
  CaseRow,
} from '../../core/console/cases.js';
import type { RetentionRules } from '../../core/console/config/retention.js';
import type { HourCount } from '../../core/console/overview.js';
import type { PartitionSize } from '../../core/console/partitions.js';
import type { ExportedCase } from '../../core/console/person-export.js';
import type { GroupCounts, ReportQuery } from '../../core/console/reports.js';
import type { BaomiEvent, Json, Severity } from '../../core/events/types.js';
import type { EventKey } from './cursor.js';
import type {
  ClaimedDelivery,
  DeliveryOutcome,
  DeliveryRow,
  DeliveryState,
  EnqueueResult,
  NotifyRouting,
} from './notify-types.js';

export type Role = 'admin' | 'analyst' | 'auditor';

export interface AlertQuery {
  state?: AlertState;
  agentId?: string;
  types?: readonly string[];
  /** Only alerts with a smaller id (the next page of a newest-first list). */
  beforeId?: number;
  limit: number;
}

export interface StaffUser {
  id: number;
  name: string;
  role: Role;
  /** scrypt, as `scrypt$N$r$p$saltB64$hashB64` (auth/password.ts). */
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
}

export interface Session {
  /** SHA-256 (hex) of the cookie value; the value itself is never stored. */
  idHash: string;
  userId: number;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  ip: string;
}

export interface ApiToken {
  id: string;
  userId: number;
  name: string;
  /** SHA-256 (hex) of the token; the token is shown once. */
  tokenHash: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

/** One staff action (DESIGN.md): append-only, hash-chained like the agents' events. */
export interface AuditInput {
  ts: number;
  /** Staff user name, or `agent:<id>` / `system` for what no person did. */
  actor: string;
  /** Dotted: `login`, `login.failed`, `token.created`, `enroll.token-created`, `agent.enrolled`,
   *  `agent.revoked`, `policy.uploaded`, `request.approved`, `request.denied`, `alert.changed`,
   *  `user.created`, `logout`, … */
  action: string;
  /** Where from (the client's address as the console saw it). */
  ip: string;
  /** What it was done to (a user name, agent id, token id, request id …), or empty. */
  target: string;
  details: { [k: string]: Json };
}

export interface AuditRow extends AuditInput {
  seq: number;
  prevHash: string;
  /** SHA-256 over the JCS of every field but `hash` (core/console/audit.ts auditHash). */
  hash: string;
}

export interface EnrollToken {
  id: string;
  tokenHash: string;
  group: string;
  usesLeft: number;
  expiresAt: number;
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface Group {
  name: string;
  /** Department (部门), optional. */
  department: string | null;
  /** Personnel class of the people at these workstations: 核心 | 重要 | 一般, optional. */
  personnelClass: string | null;
}

/** A group set only while it still reads what the caller saw (createEnrollToken). */
export interface GroupChange {
  set: Group;
  expected: Group | null;
}

/** Whether a group reads as `g` does (department and class; the name is the key). */
export function sameGroup(a: Group | null, b: Group | null): boolean {
  if (a === null || b === null) return a === b;
  return a.department === b.department && a.personnelClass === b.personnelClass;
}

export interface AgentRow {
  id: string;
  /** The agent's Ed25519 public key (SPKI PEM): requests are verified with it. */
  publicKey: string;
  /** Short exception codes derive from it (base64url, 32 bytes). */
  exceptionSecret: string;
  host: string;
  os: string;
  group: string;
  enrolledAt: number;
  revokedAt: number | null;
  /** Flushed from the console's last-seen buffer, so possibly a few seconds old. */
  lastSeen: number | null;
  /** The last heartbeat as sent (wire.ts Heartbeat), null before the first sync. */
  heartbeat: { [k: string]: Json } | null;
  /** Chain state: highest seq stored without an unexplained gap, and that event's hash. */
  ackedSeq: number;
  headHash: string | null;
  /** The etag of the policy last handed to this agent (null: none). */
  policyEtag: string | null;
  /** Set when the agent was flagged silent; cleared when it syncs again. */
  silentSince: number | null;
}

export interface LastSeen {
  agentId: string;
  at: number;
  heartbeat: { [k: string]: Json };
}

export type AlertState = AlertStage;

export interface AlertInput {
  agentId: string | null;
  ts: number;
  /** `sync.gap`, `sync.chain-broken`, `agent.silent`, or an agent's `alert.raised` rule. */
  type: string;
  severity: Severity;
  /** The agent seq it is about, when there is one. */
  seq: number | null;
  data: { [k: string]: Json };
}

export interface AlertRow extends AlertInput {
  id: number;
  state: AlertState;
  /** The user of the event the alert was raised from (the event at agentId and seq), when
   *  that event is stored and names one (migration sqlite 008 / postgres 007); absent else. */
  user?: string;
  /** Who moved it to `state`, when and why (absent until staff first change it). */
  stateBy?: string;
  stateAt?: number;
  stateNote?: string;
}

/** A case with its alerts, attached events and history (GET /api/v1/cases/:id). */
export interface CaseDetail extends CaseRow, CaseDetailRefs {
  alerts: AlertRow[];
}

/** A change of an alert's stage by staff (setAlertState). */
export interface AlertStateChange {
  state: AlertState;
  by: string;
  at: number;
  note: string;
}

/** The filters of `baomi events`, against the console (keyset paging: `after`). */
export interface ConsoleEventFilter {
  agentId?: string;
  user?: string;
  types?: string[];
  /** This level or higher on its scale (core/levels.ts). */
  level?: string;
  /** This severity or higher. */
  severity?: Severity;
  since?: number;
  until?: number;
  /** Substring of the JSON of data, the user or the host. */
  text?: string;
  /** Cursor from the previous page (opaque; encodes (ts, agentId, seq)). */
  after?: string;
  /** Newest first (default) or oldest first. */
  order?: 'desc' | 'asc';
  limit: number;
}

export interface StoredEvent extends BaomiEvent {
  agentId: string;
  receivedAt: number;
}

export interface EventPage {
  events: StoredEvent[];
  /** Cursor for the next page; null when this page is the last. */
  next: string | null;
}

export interface IngestResult {
  ackedSeq: number;
  headHash: string | null;
  stored: number;
  duplicates: number;
  /** Alerts raised by this batch (sync.gap, sync.chain-broken). */
  alerts: AlertRow[];
}

export type RequestState = RequestView['state'];

/** A request as stored: what the API answers (core/console/api.ts RequestView); `id` is the
 *  request id the agent gave it (`usb.exception-requested` data.requestId). */
export type ExceptionRequestRow = RequestView;

export interface Decision {
  approved: boolean;
  by: string;
  at: number;
  note: string;
  token: string | null;
}

/** A signed policy staff uploaded for a target (a group, a department or a personnel class). */
export interface PolicyRow {
  id: number;
  target: { kind: 'group' | 'department' | 'class'; value: string };
  name: string;
  version: number;
  sha256: string;
  bytes: Buffer;
  signature: string;
  etag: string;
  uploadedBy: string;
  uploadedAt: number;
}

/** The chain head the store keeps beside the trail (seq and hash of the last row appended). */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** The agent `enrollAgent` creates; its group is the enrollment token's. */
export interface NewAgent {
  id: string;
  publicKey: string;
  exceptionSecret: string;
  host: string;
  os: string;
  group: string;
  enrolledAt: number;
}

/** What one sync request writes (ConsoleStore.syncRound). */
export interface SyncRound {
  agentId: string;
  /** The signed request's nonce (auth/agent.ts): remembered for 2 × CLOCK_SKEW_MS. */
  nonce: string;
  events: readonly BaomiEvent[];
  now: number;
  /** The etag of the policy this answer hands the agent, when it differs from its own. */
  policyEtag?: string;
}

export type SyncRoundResult =
  | { replay: true }
  | { replay: false; ingest: IngestResult; decisions: ExceptionRequestRow[] };

export interface ConsoleStore {
  readonly engine: 'sqlite' | 'postgres';
  /** Applies the numbered migrations not yet applied (idempotent; safe from two processes). */
  migrate(): Promise<void>;
  /** Resolves when the database answers (healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;

  // Staff
  createUser(
    u: { name: string; role: Role; passwordHash: string; at: number },
    audit?: AuditInput,
  ): Promise<StaffUser>;
  userByName(name: string): Promise<StaffUser | null>;
  userById(id: number): Promise<StaffUser | null>;
  listUsers(): Promise<StaffUser[]>;
  setPassword(userId: number, passwordHash: string): Promise<void>;

  createSession(s: Session): Promise<void>;
  sessionByHash(idHash: string, now: number): Promise<Session | null>;
  deleteSession(idHash: string): Promise<void>;
  deleteUserSessions(userId: number): Promise<number>;

  createApiToken(t: ApiToken, audit?: AuditInput): Promise<void>;
  apiTokenByHash(tokenHash: string, now: number): Promise<ApiToken | null>;
  listApiTokens(userId: number): Promise<ApiToken[]>;
  /** False (and no audit row) when the token was unknown or revoked already. */
  revokeApiToken(id: string, at: number, audit?: AuditInput): Promise<boolean>;

  /** Failed logins are rows, so every console process slows the same name down. */
  recordLoginFailure(name: string, ip: string, at: number): Promise<void>;
  loginFailuresSince(name: string, since: number): Promise<number>;
  clearLoginFailures(name: string): Promise<void>;

  // Audit trail: append computes seq, prevHash and hash inside one transaction that holds the
  // chain head (PostgreSQL: SELECT … FOR UPDATE), so two consoles never fork it.
  appendAudit(a: AuditInput): Promise<AuditRow>;
  listAudit(q: { afterSeq?: number; limit: number }): Promise<AuditRow[]>;
  /** The head appendAudit chains from (null: nothing appended yet). Verification compares it
   *  with the last row listed, so rows deleted from the end of the trail are seen. */
  auditHead(): Promise<AuditHead | null>;

  // Groups and enrollment
  upsertGroup(g: Group): Promise<void>;
  group(name: string): Promise<Group | null>;
  listGroups(): Promise<Group[]>;
  /**
   * Stores a token (and `audit`) in one transaction. With `group`, the token's group is set to
   * `group.set` in the same transaction, but only while it still reads `group.expected` (null:
   * no such group) or already reads `set`: false, with nothing written, when another request
   * changed it in between (the caller re-reads and decides again; DESIGN.md "Console storage").
   */
  createEnrollToken(t: EnrollToken, audit?: AuditInput, group?: GroupChange): Promise<boolean>;
  /** Atomically takes one use of a live token (not expired, not revoked, uses left); null if none. */
  useEnrollToken(tokenHash: string, now: number): Promise<EnrollToken | null>;
  /**
   * Enrollment in one transaction: takes one use of the live token (as useEnrollToken),
   * creates the agent in the token's group and appends `audit(token)`. Null, with nothing
   * changed, when the token gives no use.
   */
  enrollAgent(
    tokenHash: string,
    agent: Omit<NewAgent, 'group'>,
    audit: (token: EnrollToken) => AuditInput,
  ): Promise<{ token: EnrollToken; agent: AgentRow } | null>;
  listEnrollTokens(): Promise<EnrollToken[]>;
  revokeEnrollToken(id: string, at: number, audit?: AuditInput): Promise<boolean>;

  // Agents
  createAgent(a: NewAgent): Promise<AgentRow>;
  agent(id: string): Promise<AgentRow | null>;
  listAgents(q?: { group?: string; text?: string }): Promise<AgentRow[]>;
  /** False (and no audit row) when the agent was unknown or revoked already. */
  revokeAgent(id: string, at: number, audit?: AuditInput): Promise<boolean>;
  /** Remembers a nonce; false when this agent already used it (a replay). Forgets old ones. */
  useNonce(agentId: string, nonce: string, at: number): Promise<boolean>;
  /** Writes buffered last-seen times and heartbeats in one statement/transaction. */
  flushLastSeen(entries: readonly LastSeen[]): Promise<void>;
  /** Agents not seen since `before` and not yet flagged: flags them and raises `agent.silent`. */
  flagSilent(before: number, now: number): Promise<AlertRow[]>;
  setPolicyEtag(agentId: string, etag: string | null): Promise<void>;

  // Events
  /**
   * Stores a batch idempotently in one transaction: checks seq continuity and the hash chain
   * from the agent's stored head with core/sync/ingest.ts planIngest (honouring store.pruned),
   * inserts what is new (an event sent twice is stored once), raises sync.gap /
   * sync.chain-broken alerts, advances the agent's ackedSeq/headHash, creates exception
   * requests from `usb.exception-requested` events and marks decisions delivered from
   * `usb.exception` / `usb.exception-refused` events carrying a requestId. All or nothing.
   */
  ingest(agentId: string, events: readonly BaomiEvent[], now: number): Promise<IngestResult>;
  queryEvents(f: ConsoleEventFilter): Promise<EventPage>;
  countEvents(agentId?: string): Promise<number>;

  // Alerts
  /** Newest first; `types`: only alerts of these types (exact names). */
  listAlerts(q: AlertQuery): Promise<AlertRow[]>;
  /**
   * Moves an alert to another stage (core/console/alerts.ts alertTransitionAllowed) and keeps
   * who, when and why on the row. Null when the id is unknown; the row unchanged, and no audit
   * row, when it is at that stage already; throws CONSOLE_ALERT_BAD_TRANSITION (nothing
   * changed) when the move is not allowed. The stage is read under the write lock, so `audit`
   * is given the row as it was before (its `from`) and its row is appended in the same
   * transaction.
   */
  setAlertState(
    id: number,
    change: AlertStateChange,
    audit?: (before: AlertRow) => AuditInput,
  ): Promise<AlertRow | null>;

  // Cases (issue 13 §5; rules: core/console/cases.ts; SQL of both engines: cases-sql.ts).
  // Each change is one transaction with its history line and its audit row. An alert in a
  // case moves with it: setAlertState refuses it alone (CONSOLE_ALERT_IN_CASE).
  /** Throws CONSOLE_NOT_FOUND (an alert, the assignee), CONSOLE_CASE_ALERT_TAKEN. */
  openCase(o: CaseOpen, audit: (c: CaseRow) => AuditInput): Promise<CaseDetail>;
  /** Newest first; `before` pages on. */
  listCases(f: CaseFilter): Promise<CaseRow[]>;
  getCase(id: number): Promise<CaseDetail | null>;
  /** null when there is no such case; throws checkCaseChange's codes, CONSOLE_NOT_FOUND and
   *  CONSOLE_CASE_ALERT_TAKEN, nothing changed. */
  changeCase(
    id: number,
    change: CaseChange,
    audit: (before: CaseRow) => AuditInput,
  ): Promise<CaseDetail | null>;

  // Exception requests
  listRequests(q: { state?: RequestState; agentId?: string }): Promise<ExceptionRequestRow[]>;
  request(id: string): Promise<ExceptionRequestRow | null>;
  /** Decides a pending request; false when it was not pending (decided already, or unknown). */
  decideRequest(id: string, d: Decision, audit?: AuditInput): Promise<boolean>;
  /** Decided and not yet delivered, for one agent. */
  undeliveredDecisions(agentId: string): Promise<ExceptionRequestRow[]>;

  // Policies
  /** `audit` is given the stored row (its id is assigned by the insert). */
  addPolicy(p: Omit<PolicyRow, 'id'>, audit?: (row: PolicyRow) => AuditInput): Promise<PolicyRow>;
  listPolicies(): Promise<PolicyRow[]>;
  /** The highest-version policy whose target matches this group, its department or its class. */

  policyFor(group: Group): Promise<PolicyRow | null>;
  /** Which agents run which policy (from their heartbeats): one query. */
  policyVersions(): Promise<{ name: string | null; version: number | null; agents: number }[]>;

  // The overview (issue 13 §2; core/console/overview.ts; SQL of both engines: overview-sql.ts).
  /** Events per hour and type from the hour `sinceHour` on (the rollup: exact, not scanned). */
  eventCounts(q: { sinceHour: number; group?: string }): Promise<HourCount[]>;
  /** PostgreSQL: folds ingest's count deltas into event_counts (one console, `rollup` lease);
   *  the number of delta rows folded. SQLite counts in place: 0. */
  foldEventCounts(): Promise<number>;
  /** Alerts still at 预报, by severity. */
  newAlertsBySeverity(): Promise<{ severity: string; n: number }[]>;
  /** The users with the most idle-unlocked minutes: per workstation and agent date the
   *  highest minutes an idle.exposure event reported (they are running totals), summed per
   *  user, over events from `sinceTs` whose date is `sinceDate` or later. */
  idleTop(q: {
    sinceTs: number;
    sinceDate: string;
    limit: number;
  }): Promise<{ user: string; minutes: number }[]>;
  /** The report (issue 13 §9, core/console/reports.ts): its numbers per enrollment group over
   *  the period; groups with nothing to count are left out. */
  reportCounts(q: ReportQuery): Promise<GroupCounts[]>;

  // Leases (issue 12): work only one console process may do at a time (a SIEM sink's
  // forwarder, the notifier, retention) runs in the holder of its lease (src/console/workers.ts).
  /**
   * Takes or renews the lease `name` for `holder` until `now + ttlMs`: true when `holder`
   * holds it afterwards (it was free, expired, or `holder`'s already), false when another
   * live holder has it. One statement, so two processes never both get it.
   */
  tryLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease up (only when `holder` has it), so another process need not wait. */
  releaseLease(name: string, holder: string): Promise<void>;

  // Metrics and per-person export (issue 12 points 5 and 6).
  /** The fleet's figures for /metrics, in one aggregate query over the agents (never one per
   *  agent): states as agentView names them (`online`: seen at or after `onlineSince`) and
   *  the sum of the heartbeats' eventsWaiting over agents not revoked. */
  fleetSummary(onlineSince: number): Promise<FleetSummary>;
  /**
   * Opens one consistent read (a snapshot: PostgreSQL REPEATABLE READ READ ONLY, SQLite a
   * read transaction on a connection of its own) of every record held about the person
   * `user`, matched exactly (case and all): events whose user is them, the exception requests
   * they made, the alerts about their events. Counted and paged in the same snapshot, so the
   * pages hold exactly the counts. The caller must close() it (it holds a connection).
   */
  openPersonExport(user: string): Promise<PersonExportReader>;

  // Alert notifications (issue 12 §4, src/console/notify; rows: notify-types.ts). An alert is
  // looked at once (a flag on its row, set when it is raised and cleared here), so an alert
  // committed by another console process after this one looked is still seen at the next
  // step; each (alert, channel) has at most one delivery (UNIQUE), and every change of a
  // delivery's state is conditional on the state it leaves, so two processes (or a process
  // whose lease ran out) never send one delivery twice.
  /**
   * One transaction: the alerts not looked at yet (oldest first, at most `limit`) are routed
   * and planned against the quiet windows and the held deliveries (core/console/notify/plan.ts
   * planDeliveries); the deliveries, the named held ones, the windows and the flags are written.
   */
  enqueueNotifications(now: number, routing: NotifyRouting, limit: number): Promise<EnqueueResult>;
  /**
   * Claims up to `limit` deliveries due at `now` (pending with nextAt ≤ now, or sending with
   * a claim that ran out) for `holder` until `now + claimMs`, counting an attempt for each.
   */
  claimDeliveries(
    holder: string,
    now: number,
    claimMs: number,
    limit: number,
  ): Promise<ClaimedDelivery[]>;
  /**
   * Records the outcome of a claimed delivery: sent, retried at `retryAt`, or given up (and
   * `raise` raised, in the same transaction). False, with nothing changed, when `holder` no
   * longer holds the claim (it ran out and another took it).
   */
  finishDelivery(id: number, holder: string, outcome: DeliveryOutcome): Promise<boolean>;
  /** Deliveries, newest first, for staff and tests. */
  listDeliveries(q: {
    alertId?: number;
    state?: DeliveryState;
    limit: number;
  }): Promise<DeliveryRow[]>;

  // Partitions and retention (issue 12 §2, §6; src/console/retention/ runs them under leases).
  /**
   * PostgreSQL: creates the event partitions of `size` that the period holding `now` and the
   * next two still lack (core/console/partitions.ts partitionsToCreate: never overlapping an
   * existing one), moving into each what the DEFAULT partition holds of its range. Returns
   * their names. SQLite has no partitions: [].
   */
  ensurePartitions(size: PartitionSize, now: number): Promise<string[]>;
  /** PostgreSQL: the event partitions by `from`, DEFAULT (from/to null) last. SQLite: []. */
  eventPartitions(): Promise<EventPartition[]>;
  /**
   * Removes the events past their type's age at `now` (core/console/config/retention.ts
   * retentionAge: `ts < now - age`; a type without an age is kept). PostgreSQL drops every
   * partition all of whose events are past their age (partitionExpired) and deletes the rest
   * in bounded batches; SQLite deletes in bounded batches only (`batch` rows a statement, each
   * its own short transaction, the event loop free between them, so ingest goes on). Stops after `maxBatches`
   * batches (`more`: call again). Each removal adds to a tally in its own transaction; when
   * the tally is not empty at the end, ONE audit row (actor `system`, action
   * `retention.applied`, details {partitionsDropped, deleted: {type: count}}) takes it, in the
   * transaction that clears it. Never touches an agent's chain state (agents.head_hash).
   */
  applyRetention(
    rules: RetentionRules,
    now: number,
    opts?: RetentionOptions,
  ): Promise<RetentionRun>;

  // SIEM export (issue 12 §3): each sink keeps a position per agent, (sink, agent, seq).
  // Exact with several consoles on one database because an agent's ingest is serialised (its
  // row is locked) and commits its events with its ackedSeq: every event at or below an
  // ackedSeq a reader sees is visible to that reader, so a position never passes an event
  // that is still to commit. (A global insertion counter would not be safe: two
  // transactions commit out of order.) Only `late` events land below an ackedSeq; they are
  // tracked one by one (siem_late). Positions move only forward, and only after delivery.
  /**
   * Makes the sink's row when it is first seen and returns it. `start: 'new'` places the sink
   * at every agent's ackedSeq now (agents enrolled later start at 0) and marks the late events
   * held now as had; `all` starts at the beginning. A sink that exists is left as it is.
   */
  siemOpen(sink: string, start: 'new' | 'all', now: number): Promise<SiemSinkRow>;
  /** The next events for a sink: at most `agents` agents, each with its share of `events`
   *  (rounded up: one agent waiting gets them all), and at most `events` late ones. One
   *  consistent read of positions and events. */
  siemPending(
    sink: string,
    q: { after: string | null; agents: number; events: number },
  ): Promise<SiemPending>;
  /** After a delivery: moves positions on, records the late events had, adds to the counts.
   *  One transaction. */
  siemAdvance(sink: string, a: SiemAdvance): Promise<void>;
  /** A failed attempt (`error`: its code and params; the first of a run sets failingSince)
   *  or, with null, deliveries working again (failingSince and failures cleared). */
  siemSetState(
    sink: string,
    s: { error: { code: string; params: { [k: string]: Json } } | null; at: number },
  ): Promise<void>;
  /** Every sink ever opened, by name. */
  siemSinks(): Promise<SiemSinkRow[]>;

  // Fleet-scale sync (issue 12 point 1): the writes of one sync request in one transaction.
  /**
   * One sync request, all or nothing: remembers its nonce (one this agent used already is a
   * replay: `{replay: true}`, nothing stored), ingests the batch exactly as `ingest` does,
   * records `policyEtag` as the policy handed to the agent when given, and reads the
   * decisions still to deliver. One commit (one fsync) per request instead of one for the
   * nonce and one for the batch; the SQLite store also commits the requests that arrive
   * together in one transaction, each under a savepoint of its own, so a failing request
   * undoes only itself.
   */
  syncRound(r: SyncRound): Promise<SyncRoundResult>;
}

// SIEM export (issue 12 §3): the rows of the siem* methods above.
/** A SIEM sink's row (siemSinks): where it stands, for staff and tests. */
export interface SiemSinkRow {
  name: string;
  /** Where it started when it was first seen (config `start`). */
  start: 'new' | 'all';
  createdAt: number;
  /** Events delivered, and events its filters passed over (they move the position on too). */
  delivered: number;
  skipped: number;
  lastDeliveryAt: number | null;
  /** Set while deliveries fail: since when, how many attempts failed, and the last error. */
  failingSince: number | null;
  failures: number;
  /** The last failure (kept after a recovery): a SIEM_* code and its params. */
  lastError: { code: string; params: { [k: string]: Json } } | null;
  lastErrorAt: number | null;
  /** Seqs the agents acknowledged past the sink's positions (pruned or missing seqs count
   *  too, so it is an upper bound of the events waiting). */
  behind: number;
}

/** An event waiting for a sink; `late`: stored flagged `late` (siemPending). */
export interface SiemItem {
  event: StoredEvent;
  late: boolean;
}

export interface SiemPending {
  /** Agents whose ackedSeq is past the sink's position, from the first after `after` (by id,
   *  wrapping round), each with its next events in seq order. */
  agents: {
    agentId: string;
    /** The events listed are every event the agent has up to `through`: once they are
     *  delivered (or passed over) the position may move to it. */
    through: number;
    items: SiemItem[];
  }[];
  /** Events stored `late` (a seq ingest had acknowledged through a gap arrived after all)
   *  at or below the sink's position that it has not had yet; delivered on their own. */
  late: StoredEvent[];
}

export interface SiemAdvance {
  /** New positions (never moved backwards). */
  positions: { agentId: string; seq: number }[];
  /** Late-flagged events delivered or passed over, from either list of siemPending. */
  late: { agentId: string; seq: number }[];
  delivered: number;
  skipped: number;
  at: number;
}

// Partitions and retention (issue 12 §2, §6).

/** One partition of the events table (PostgreSQL). */
export interface EventPartition {
  name: string;
  /** Its range [from, to) in ms; null for the DEFAULT partition. */
  from: number | null;
  to: number | null;
}

export interface RetentionOptions {
  /** Rows a delete statement removes at most (default 1,000 on SQLite, 5,000 on PostgreSQL:
   *  store/retention.ts RETENTION_BATCH says why). */
  batch?: number;
  /** Delete statements a run makes at most (default 200). */
  maxBatches?: number;
}

export interface RetentionRun {
  /** Partitions dropped whole (PostgreSQL). */
  partitionsDropped: string[];
  /** Events removed by type, partitions dropped included. */
  deleted: { [type: string]: number };
  /** The run stopped at maxBatches with more to remove. */
  more: boolean;
  /** The audit row of this run (null: nothing was removed or left to record). */
  audit: AuditRow | null;
}

/** Agents by state, as /metrics shows them (fleetSummary). */
export interface FleetSummary {
  /** Not revoked. */
  enrolled: number;
  online: number;
  silent: number;
  never: number;
  revoked: number;
  /** Sum of the last heartbeats' eventsWaiting (agents not revoked): the fleet's sync backlog. */
  eventsWaiting: number;
}

/** How many records of each kind one person's export holds (openPersonExport). */
export interface PersonCounts {
  events: number;
  requests: number;
  alerts: number;
  cases: number;
}

/** Keyset position in a person's requests: ordered by (requestedAt, id). */
export interface RequestKey {
  requestedAt: number;
  id: string;
}

/** One snapshot of a person's records, read page by page in a stable order. */
export interface PersonExportReader {
  counts(): Promise<PersonCounts>;
  /** Oldest first by (ts, agentId, seq), after `after`. */
  events(after: EventKey | null, limit: number): Promise<StoredEvent[]>;
  /** By (requestedAt, id), after `after`. */
  requests(after: RequestKey | null, limit: number): Promise<ExceptionRequestRow[]>;
  /** By id, after `afterId`. */
  alerts(afterId: number, limit: number): Promise<AlertRow[]>;
  /** The cases that name the person, by id after `afterId` (cases-sql.ts personCases). */
  cases(afterId: number, limit: number): Promise<ExportedCase[]>;
  /** Ends the snapshot and gives its connection back; safe to call twice. */
  close(): Promise<void>;
}
