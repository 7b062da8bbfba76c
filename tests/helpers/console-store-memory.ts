// An in-memory twin of the console's datastore (src/console/store/types.ts), for the
// server's unit tests (STYLE.md 13: Fleet's mock datastore beside its MySQL one). Every
// method keeps the interface's contract: hashes not secrets, atomic token uses, nonces once,
// the audit chain computed on append, expiry checked against the `now` passed in.
// Transactions are trivial: one process, no awaits inside a change.
//
// INGEST IS SIMPLIFIED: events are stored idempotently by (agent, seq) and ackedSeq is the
// highest contiguous seq; no hash-chain check, no gap/chain-broken alerts. The real ingest
// semantics (planIngest, store.pruned, alerts) are tested in the store suite
// (tests/console/store.suite.ts) against SQLite and PostgreSQL.
//
// `down`: when set, every call rejects with it (the database went away).

import { alertMoves } from '../../src/console/store/rows.js';
import type {
  AgentRow,
  AlertRow,
  AlertStateChange,
  ApiToken,
  AuditHead,
  AuditInput,
  AuditRow,
  ConsoleEventFilter,
  ConsoleStore,
  Decision,
  EnrollToken,
  EventPage,
  ExceptionRequestRow,
  Group,
  IngestResult,
  LastSeen,
  NewAgent,
  PolicyRow,
  Role,
  Session,
  StaffUser,
  StoredEvent,
  SyncRound,
  SyncRoundResult,
} from '../../src/console/store/types.js';
import { auditHash } from '../../src/core/console/audit.js';
import { BaomiError } from '../../src/core/errors.js';
import {
  type BaomiEvent,
  GENESIS_HASH,
  type Json,
  SEVERITIES,
} from '../../src/core/events/types.js';
import { levelsAtOrAbove } from '../../src/core/levels.js';
import { CLOCK_SKEW_MS } from '../../src/core/sync/wire.js';

const copy = <T>(v: T): T => structuredClone(v);

export class MemoryConsoleStore implements ConsoleStore {
  readonly engine = 'sqlite' as const;
  down: Error | null = null;
  closed = false;
  /** Calls of flushLastSeen (the buffer must not write per sync). */
  flushes: LastSeen[][] = [];

  users = new Map<number, StaffUser>();
  sessions = new Map<string, Session>();
  tokens = new Map<string, ApiToken>();
  failures: { name: string; ip: string; at: number }[] = [];
  audit: AuditRow[] = [];
  /** The kept head appends chain from (as the engines' audit_head row). */
  head: AuditHead | null = null;
  /** Set: every audit append fails with it, and the action it goes with is not made. */
  auditDown: Error | null = null;
  groups = new Map<string, Group>();
  enrollTokens = new Map<string, EnrollToken>();
  agents = new Map<string, AgentRow>();
  nonces = new Map<string, number>();
  events = new Map<string, StoredEvent>();
  alerts: AlertRow[] = [];
  requests = new Map<string, ExceptionRequestRow>();
  policies: PolicyRow[] = [];

  private check(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('store closed'));
    return this.down ? Promise.reject(this.down) : Promise.resolve();
  }

  async migrate() {
    await this.check();
  }
  async ping() {
    await this.check();
  }
  async close() {
    this.closed = true;
  }

  // Staff
  async createUser(
    u: { name: string; role: Role; passwordHash: string; at: number },
    audit?: AuditInput,
  ) {
    await this.check();
    this.auditCheck(audit);
    if ([...this.users.values()].some((x) => x.name === u.name))
      throw new Error(`UNIQUE constraint failed: users.name (${u.name})`);
    const user: StaffUser = {
      id: this.users.size + 1,
      name: u.name,
      role: u.role,
      passwordHash: u.passwordHash,
      disabled: false,
      createdAt: u.at,
    };
    this.users.set(user.id, user);
    this.appendIn(audit);
    return copy(user);
  }
  async userByName(name: string) {
    await this.check();
    const u = [...this.users.values()].find((x) => x.name === name);
    return u ? copy(u) : null;
  }
  async userById(id: number) {
    await this.check();
    const u = this.users.get(id);
    return u ? copy(u) : null;
  }
  async listUsers() {
    await this.check();
    return [...this.users.values()].map(copy);
  }
  async setPassword(userId: number, passwordHash: string) {
    await this.check();
    const u = this.users.get(userId);
    if (u) u.passwordHash = passwordHash;
  }

  async createSession(s: Session) {
    await this.check();
    this.sessions.set(s.idHash, copy(s));
  }
  async sessionByHash(idHash: string, now: number) {
    await this.check();
    const s = this.sessions.get(idHash);
    return s && s.expiresAt > now ? copy(s) : null;
  }
  async deleteSession(idHash: string) {
    await this.check();
    this.sessions.delete(idHash);
  }
  async deleteUserSessions(userId: number) {
    await this.check();
    let n = 0;
    for (const [k, s] of this.sessions)
      if (s.userId === userId) {
        this.sessions.delete(k);
        n++;
      }
    return n;
  }

  async createApiToken(t: ApiToken, audit?: AuditInput) {
    await this.check();
    this.auditCheck(audit);
    this.tokens.set(t.id, copy(t));
    this.appendIn(audit);
  }
  async apiTokenByHash(tokenHash: string, now: number) {
    await this.check();
    const t = [...this.tokens.values()].find((x) => x.tokenHash === tokenHash);
    if (!t || t.revokedAt !== null || (t.expiresAt !== null && t.expiresAt <= now)) return null;
    return copy(t);
  }
  async listApiTokens(userId: number) {
    await this.check();
    return [...this.tokens.values()].filter((t) => t.userId === userId).map(copy);
  }
  async revokeApiToken(id: string, at: number, audit?: AuditInput) {
    await this.check();
    const t = this.tokens.get(id);
    if (!t || t.revokedAt !== null) return false;
    this.auditCheck(audit);
    t.revokedAt = at;
    this.appendIn(audit);
    return true;
  }

  async recordLoginFailure(name: string, ip: string, at: number) {
    await this.check();
    this.failures.push({ name, ip, at });
  }
  async loginFailuresSince(name: string, since: number) {
    await this.check();
    return this.failures.filter((f) => f.name === name && f.at > since).length;
  }
  async clearLoginFailures(name: string) {
    await this.check();
    this.failures = this.failures.filter((f) => f.name !== name);
  }

  // Audit
  /** Throws what an engine's failed audit insert would, before the action changes anything
   *  (the engines roll the change back; the twin never makes it). */
  private auditCheck(audit: AuditInput | undefined): void {
    if (audit && this.auditDown) throw this.auditDown;
  }
  private appendIn(a: AuditInput | undefined): AuditRow | undefined {
    if (!a) return undefined;
    this.auditCheck(a);
    const prev = this.head;
    const fields = {
      seq: (prev?.seq ?? 0) + 1,
      ts: a.ts,
      actor: a.actor,
      action: a.action,
      ip: a.ip,
      target: a.target,
      details: copy(a.details),
      prevHash: prev?.hash ?? GENESIS_HASH,
    };
    const row: AuditRow = { ...fields, hash: auditHash(fields) };
    this.audit.push(row);
    this.head = { seq: row.seq, hash: row.hash };
    return row;
  }
  async appendAudit(a: AuditInput) {
    await this.check();
    return copy(this.appendIn(a)!);
  }
  async auditHead() {
    await this.check();
    return this.head ? copy(this.head) : null;
  }
  async listAudit(q: { afterSeq?: number; limit: number }) {
    await this.check();
    return this.audit
      .filter((r) => r.seq > (q.afterSeq ?? 0))
      .slice(0, q.limit)
      .map(copy);
  }

  // Groups and enrollment
  async upsertGroup(g: Group) {
    await this.check();
    this.groups.set(g.name, copy(g));
  }
  async group(name: string) {
    await this.check();
    const g = this.groups.get(name);
    return g ? copy(g) : null;
  }
  async listGroups() {
    await this.check();
    return [...this.groups.values()].map(copy);
  }
  async createEnrollToken(t: EnrollToken, audit?: AuditInput) {
    await this.check();
    this.auditCheck(audit);
    this.enrollTokens.set(t.id, copy(t));
    this.appendIn(audit);
  }
  private liveEnrollToken(tokenHash: string, now: number) {
    const t = [...this.enrollTokens.values()].find((x) => x.tokenHash === tokenHash);
    return !t || t.revokedAt !== null || t.expiresAt <= now || t.usesLeft <= 0 ? null : t;
  }
  async useEnrollToken(tokenHash: string, now: number) {
    await this.check();
    const t = this.liveEnrollToken(tokenHash, now);
    if (!t) return null;
    t.usesLeft--;
    return copy(t);
  }
  async enrollAgent(
    tokenHash: string,
    agent: Omit<NewAgent, 'group'>,
    audit: (token: EnrollToken) => AuditInput,
  ) {
    await this.check();
    const t = this.liveEnrollToken(tokenHash, agent.enrolledAt);
    if (!t) return null;
    if (this.agents.has(agent.id)) throw new Error(`UNIQUE constraint failed: agents.id`);
    this.auditCheck(audit(t));
    t.usesLeft--;
    const row = this.agentRow({ ...agent, group: t.group });
    this.appendIn(audit(copy(t)));
    return { token: copy(t), agent: copy(row) };
  }
  async listEnrollTokens() {
    await this.check();
    return [...this.enrollTokens.values()].map(copy);
  }
  async revokeEnrollToken(id: string, at: number, audit?: AuditInput) {
    await this.check();
    const t = this.enrollTokens.get(id);
    if (!t || t.revokedAt !== null) return false;
    this.auditCheck(audit);
    t.revokedAt = at;
    this.appendIn(audit);
    return true;
  }

  // Agents
  async createAgent(a: NewAgent) {
    await this.check();
    return copy(this.agentRow(a));
  }
  private agentRow(a: NewAgent): AgentRow {
    const row: AgentRow = {
      ...a,
      revokedAt: null,
      lastSeen: null,
      heartbeat: null,
      ackedSeq: 0,
      headHash: null,
      policyEtag: null,
      silentSince: null,
    };
    this.agents.set(a.id, row);
    return row;
  }
  async agent(id: string) {
    await this.check();
    const a = this.agents.get(id);
    return a ? copy(a) : null;
  }
  async listAgents(q: { group?: string; text?: string } = {}) {
    await this.check();
    const text = q.text?.toLowerCase();
    return [...this.agents.values()]
      .filter((a) => q.group === undefined || a.group === q.group)
      .filter(
        (a) =>
          text === undefined ||
          a.host.toLowerCase().includes(text) ||
          a.id.includes(text) ||
          JSON.stringify(a.heartbeat ?? {})
            .toLowerCase()
            .includes(text),
      )
      .map(copy);
  }
  async revokeAgent(id: string, at: number, audit?: AuditInput) {
    await this.check();
    const a = this.agents.get(id);
    if (!a || a.revokedAt !== null) return false;
    this.auditCheck(audit);
    a.revokedAt = at;
    this.appendIn(audit);
    return true;
  }
  async useNonce(agentId: string, nonce: string, at: number) {
    await this.check();
    for (const [k, t] of this.nonces) if (t < at - 2 * CLOCK_SKEW_MS) this.nonces.delete(k);
    const key = `${agentId} ${nonce}`;
    if (this.nonces.has(key)) return false;
    this.nonces.set(key, at);
    return true;
  }
  async flushLastSeen(entries: readonly LastSeen[]) {
    await this.check();
    this.flushes.push(copy([...entries]));
    for (const e of entries) {
      const a = this.agents.get(e.agentId);
      if (!a || (a.lastSeen !== null && a.lastSeen > e.at)) continue;
      a.lastSeen = e.at;
      a.heartbeat = copy(e.heartbeat);
      a.silentSince = null;
    }
  }
  async flagSilent(before: number, now: number) {
    await this.check();
    const raised: AlertRow[] = [];
    for (const a of this.agents.values()) {
      if (a.revokedAt !== null || a.silentSince !== null) continue;
      if ((a.lastSeen ?? a.enrolledAt) >= before) continue;
      a.silentSince = now;
      raised.push(
        this.raise({
          agentId: a.id,
          ts: now,
          type: 'agent.silent',
          severity: 'high',
          seq: null,
          data: { lastSeen: a.lastSeen },
        }),
      );
    }
    return raised.map(copy);
  }
  async setPolicyEtag(agentId: string, etag: string | null) {
    await this.check();
    const a = this.agents.get(agentId);
    if (a) a.policyEtag = etag;
  }

  private raise(a: Omit<AlertRow, 'id' | 'state'>): AlertRow {
    const row: AlertRow = { ...a, id: this.alerts.length + 1, state: '预报' };
    this.alerts.push(row);
    return row;
  }

  // Events (simplified: see the header)
  async ingest(agentId: string, events: readonly BaomiEvent[], now: number): Promise<IngestResult> {
    await this.check();
    const agent = this.agents.get(agentId);
    if (!agent) throw new Error(`no agent ${agentId}`);
    let stored = 0;
    let duplicates = 0;
    for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
      const key = `${agentId} ${e.seq}`;
      if (this.events.has(key)) {
        duplicates++;
        continue;
      }
      this.events.set(key, { ...copy(e), agentId, receivedAt: now });
      stored++;
      const data = e.data as { [k: string]: Json };
      if (e.type === 'usb.exception-requested' && typeof data.requestId === 'string')
        this.requests.set(data.requestId, {
          id: data.requestId,
          agentId,
          user: e.user ?? null,
          device: String(data.device),
          deviceLabel: typeof data.deviceLabel === 'string' ? data.deviceLabel : null,
          reason: String(data.reason),
          requestedAt: e.ts,
          state: 'pending',
          decidedBy: null,
          decidedAt: null,
          note: null,
          token: null,
          deliveredAt: null,
        });
      if (
        (e.type === 'usb.exception' || e.type === 'usb.exception-refused') &&
        typeof data.requestId === 'string'
      ) {
        const r = this.requests.get(data.requestId);
        if (r && r.agentId === agentId && r.state !== 'pending') r.deliveredAt ??= now;
      }
    }
    while (this.events.has(`${agentId} ${agent.ackedSeq + 1}`)) agent.ackedSeq++;
    agent.headHash = this.events.get(`${agentId} ${agent.ackedSeq}`)?.hash ?? agent.headHash;
    return { ackedSeq: agent.ackedSeq, headHash: agent.headHash, stored, duplicates, alerts: [] };
  }

  async queryEvents(f: ConsoleEventFilter): Promise<EventPage> {
    await this.check();
    const levels = f.level === undefined ? null : levelsAtOrAbove(f.level);
    const minSeverity = f.severity === undefined ? 0 : SEVERITIES.indexOf(f.severity);
    const desc = f.order !== 'asc';
    const key = (e: StoredEvent): [number, string, number] => [e.ts, e.agentId, e.seq];
    const cmp = (a: [number, string, number], b: [number, string, number]) =>
      a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2];
    const after = f.after
      ? (JSON.parse(Buffer.from(f.after, 'base64url').toString()) as [number, string, number])
      : null;
    const text = f.text?.toLowerCase();
    const all = [...this.events.values()]
      .filter((e) => f.agentId === undefined || e.agentId === f.agentId)
      .filter((e) => f.user === undefined || e.user === f.user)
      .filter((e) => f.types === undefined || f.types.includes(e.type))
      .filter((e) => levels === null || (e.level !== undefined && levels.includes(e.level)))
      .filter((e) => SEVERITIES.indexOf(e.severity) >= minSeverity)
      .filter((e) => f.since === undefined || e.ts >= f.since)
      .filter((e) => f.until === undefined || e.ts < f.until)
      .filter(
        (e) =>
          text === undefined ||
          JSON.stringify(e.data).toLowerCase().includes(text) ||
          (e.user ?? '').toLowerCase().includes(text) ||
          e.host.toLowerCase().includes(text),
      )
      .sort((a, b) => (desc ? cmp(key(b), key(a)) : cmp(key(a), key(b))))
      .filter((e) => after === null || (desc ? cmp(key(e), after) < 0 : cmp(key(e), after) > 0));
    const events = all.slice(0, f.limit).map(copy);
    const last = events.at(-1);
    const next =
      all.length > f.limit && last
        ? Buffer.from(JSON.stringify(key(last))).toString('base64url')
        : null;
    return { events, next };
  }
  async countEvents(agentId?: string) {
    await this.check();
    return [...this.events.values()].filter((e) => agentId === undefined || e.agentId === agentId)
      .length;
  }

  async listAlerts(q: { state?: AlertRow['state']; agentId?: string; limit: number }) {
    await this.check();
    return this.alerts
      .filter((a) => q.state === undefined || a.state === q.state)
      .filter((a) => q.agentId === undefined || a.agentId === q.agentId)
      .slice(-q.limit)
      .reverse()
      .map(copy);
  }

  async setAlertState(
    id: number,
    change: AlertStateChange,
    audit?: (before: AlertRow) => AuditInput,
  ) {
    await this.check();
    const a = this.alerts.find((x) => x.id === id);
    if (!a) return null;
    const before = copy(a);
    if (!alertMoves(before, change.state)) return before;
    const row = audit?.(before);
    this.auditCheck(row);
    Object.assign(a, {
      state: change.state,
      stateBy: change.by,
      stateAt: change.at,
      stateNote: change.note,
    });
    this.appendIn(row);
    return copy(a);
  }

  // Exception requests
  async listRequests(q: { state?: ExceptionRequestRow['state']; agentId?: string }) {
    await this.check();
    return [...this.requests.values()]
      .filter((r) => q.state === undefined || r.state === q.state)
      .filter((r) => q.agentId === undefined || r.agentId === q.agentId)
      .map(copy);
  }
  async request(id: string) {
    await this.check();
    const r = this.requests.get(id);
    return r ? copy(r) : null;
  }
  async decideRequest(id: string, d: Decision, audit?: AuditInput) {
    await this.check();
    const r = this.requests.get(id);
    if (r?.state !== 'pending') return false;
    this.auditCheck(audit);
    r.state = d.approved ? 'approved' : 'denied';
    r.decidedBy = d.by;
    r.decidedAt = d.at;
    r.note = d.note;
    r.token = d.token;
    this.appendIn(audit);
    return true;
  }
  async undeliveredDecisions(agentId: string) {
    await this.check();
    return [...this.requests.values()]
      .filter((r) => r.agentId === agentId && r.state !== 'pending' && r.deliveredAt === null)
      .map(copy);
  }

  // Policies
  async addPolicy(p: Omit<PolicyRow, 'id'>, audit?: (row: PolicyRow) => AuditInput) {
    await this.check();
    const row: PolicyRow = {
      ...copy(p),
      bytes: Buffer.from(p.bytes),
      id: this.policies.length + 1,
    };
    this.auditCheck(audit?.(row));
    this.policies.push(row);
    this.appendIn(audit?.(row));
    return { ...copy(row), bytes: Buffer.from(row.bytes) };
  }
  async listPolicies() {
    await this.check();
    return this.policies.map((p) => ({ ...copy(p), bytes: Buffer.from(p.bytes) }));
  }
  async policyFor(g: Group) {
    await this.check();
    const matches = this.policies.filter(
      (p) =>
        (p.target.kind === 'group' && p.target.value === g.name) ||
        (p.target.kind === 'department' && p.target.value === g.department) ||
        (p.target.kind === 'class' && p.target.value === g.personnelClass),
    );
    const best = matches.sort((a, b) => b.version - a.version || b.id - a.id)[0];
    return best ? { ...copy(best), bytes: Buffer.from(best.bytes) } : null;
  }
  async policyVersions() {
    await this.check();
    const counts = new Map<
      string,
      { name: string | null; version: number | null; agents: number }
    >();
    for (const a of this.agents.values()) {
      const p = (a.heartbeat?.policy ?? null) as { name: string; version: number } | null;
      const k = JSON.stringify([p?.name ?? null, p?.version ?? null]);
      const c = counts.get(k) ?? { name: p?.name ?? null, version: p?.version ?? null, agents: 0 };
      c.agents++;
      counts.set(k, c);
    }
    return [...counts.values()];
  }

  leases = new Map<string, { holder: string; expiresAt: number }>();
  async tryLease(name: string, holder: string, now: number, ttlMs: number) {
    await this.check();
    const l = this.leases.get(name);
    if (l && l.holder !== holder && l.expiresAt > now) return false;
    this.leases.set(name, { holder, expiresAt: now + ttlMs });
    return true;
  }
  async releaseLease(name: string, holder: string) {
    await this.check();
    if (this.leases.get(name)?.holder === holder) this.leases.delete(name);
  }

  // Fleet-scale sync (issue 12): the nonce, the batch (through `ingest`, so a test that
  // replaces it reaches this too), the etag and the decisions; a failing batch takes its
  // nonce back with it (all or nothing, as the real stores' one transaction).
  async syncRound(r: SyncRound): Promise<SyncRoundResult> {
    if (!(await this.useNonce(r.agentId, r.nonce, r.now))) return { replay: true };
    let ingest: IngestResult;
    try {
      // As the real stores' ingest, under the agent's lock: a revoked agent stores nothing.
      if (this.agents.get(r.agentId)?.revokedAt != null)
        throw new BaomiError('CONSOLE_DB_AGENT_REVOKED', { agentId: r.agentId });
      ingest = await this.ingest(r.agentId, r.events, r.now);
    } catch (e) {
      this.nonces.delete(`${r.agentId} ${r.nonce}`);
      throw e;
    }
    if (r.policyEtag !== undefined) await this.setPolicyEtag(r.agentId, r.policyEtag);
    return { replay: false, ingest, decisions: await this.undeliveredDecisions(r.agentId) };
  }
}
