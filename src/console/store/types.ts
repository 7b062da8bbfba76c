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
import type { BaomiEvent, Json, Severity } from '../../core/events/types.js';

export type Role = 'admin' | 'analyst' | 'auditor';

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
  /** Who moved it to `state`, when and why (absent until staff first change it). */
  stateBy?: string;
  stateAt?: number;
  stateNote?: string;
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

export type RequestState = 'pending' | 'approved' | 'denied';

export interface ExceptionRequestRow {
  /** The request id the agent gave it (`usb.exception-requested` data.requestId). */
  id: string;
  agentId: string;
  user: string | null;
  /** Device hash or vid:pid:serial (core/exceptions/token.ts). */
  device: string;
  deviceLabel: string | null;
  reason: string;
  requestedAt: number;
  state: RequestState;
  decidedBy: string | null;
  decidedAt: number | null;
  note: string | null;
  /** Approved: the BMX1 token handed to the agent. */
  token: string | null;
  /** The agent recorded the outcome (usb.exception / usb.exception-refused with this id). */
  deliveredAt: number | null;
}

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
  createEnrollToken(t: EnrollToken, audit?: AuditInput): Promise<void>;
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
  listAlerts(q: { state?: AlertState; agentId?: string; limit: number }): Promise<AlertRow[]>;
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
