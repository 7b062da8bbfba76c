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

import { interruptedDetail, MAX_NAMED } from '../../src/console/store/notify-rows.js';
import type {
  ClaimedDelivery,
  DeliveryOutcome,
  DeliveryRow,
  DeliveryState,
  EnqueueResult,
  NotifyRouting,
} from '../../src/console/store/notify-types.js';
import { alertMoves } from '../../src/console/store/rows.js';
import type {
  AgentRow,
  AlertQuery,
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
  EventPartition,
  ExceptionRequestRow,
  FleetSummary,
  Group,
  GroupChange,
  IngestResult,
  LastSeen,
  NewAgent,
  PersonExportReader,
  PolicyRow,
  RetentionOptions,
  Role,
  Session,
  SiemAdvance,
  SiemPending,
  SiemSinkRow,
  StaffUser,
  StoredEvent,
  SyncRound,
  SyncRoundResult,
} from '../../src/console/store/types.js';
import { sameGroup } from '../../src/console/store/types.js';
import { auditHash } from '../../src/core/console/audit.js';
import { type RetentionRules, retentionAge } from '../../src/core/console/config/retention.js';
import { planDeliveries } from '../../src/core/console/notify/plan.js';
import { countDeltas, type HourCount, isIdleDate } from '../../src/core/console/overview.js';
import type { PartitionSize } from '../../src/core/console/partitions.js';
import type { GroupCounts } from '../../src/core/console/reports.js';
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
  async createEnrollToken(t: EnrollToken, audit?: AuditInput, group?: GroupChange) {
    await this.check();
    this.auditCheck(audit);
    if (group) {
      const now = this.groups.get(group.set.name) ?? null;
      if (!sameGroup(now, group.set)) {
        if (!sameGroup(now, group.expected)) return false;
        this.groups.set(group.set.name, copy(group.set));
      }
    }
    this.enrollTokens.set(t.id, copy(t));
    this.appendIn(audit);
    return true;
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

  async listAlerts(q: AlertQuery) {
    await this.check();
    return this.alerts
      .filter((a) => q.state === undefined || a.state === q.state)
      .filter((a) => q.agentId === undefined || a.agentId === q.agentId)
      .filter((a) => q.types === undefined || q.types.includes(a.type))
      .filter((a) => q.beforeId === undefined || a.id < q.beforeId)
      .slice(-q.limit)
      .reverse()
      .map(copy);
  }

  // Cases: not twinned. Their SQL is one program for both engines (src/console/store/
  // cases-sql.ts); tests of cases use the real SQLite store (real-console-app.ts) and the
  // shared store suite, so a twin here would be a third copy to keep in step.
  async openCase(): Promise<never> {
    throw new Error('cases: use the SQLite store (tests/helpers/real-console-app.ts)');
  }
  async listCases(): Promise<never> {
    throw new Error('cases: use the SQLite store (tests/helpers/real-console-app.ts)');
  }
  async getCase(): Promise<never> {
    throw new Error('cases: use the SQLite store (tests/helpers/real-console-app.ts)');
  }
  async changeCase(): Promise<never> {
    throw new Error('cases: use the SQLite store (tests/helpers/real-console-app.ts)');
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

  /** The overview, computed from the events held (the real stores keep a rollup). */
  async eventCounts(q: { sinceHour: number; group?: string }): Promise<HourCount[]> {
    await this.check();
    const out = new Map<string, HourCount>();
    for (const e of this.events.values()) {
      if (q.group !== undefined && this.agents.get(e.agentId)?.group !== q.group) continue;
      for (const c of countDeltas([e])) {
        if (c.hour < q.sinceHour) continue;
        const k = `${c.hour} ${c.type}`;
        const had = out.get(k);
        if (had) had.n += c.n;
        else out.set(k, c);
      }
    }
    return [...out.values()].sort((a, b) => a.hour - b.hour || (a.type < b.type ? -1 : 1));
  }
  async foldEventCounts() {
    return 0;
  }
  async newAlertsBySeverity() {
    await this.check();
    const m = new Map<string, number>();
    for (const a of this.alerts)
      if (a.state === '预报') m.set(a.severity, (m.get(a.severity) ?? 0) + 1);
    return [...m]
      .map(([severity, n]) => ({ severity, n }))
      .sort((a, b) => (a.severity < b.severity ? -1 : 1));
  }
  async idleTop(q: { sinceTs: number; sinceDate: string; limit: number }) {
    await this.check();
    const best = new Map<string, { user: string; minutes: number }>();
    for (const e of this.events.values()) {
      const d = e.data as Record<string, unknown>;
      if (e.type !== 'idle.exposure' || e.ts < q.sinceTs || e.user === undefined) continue;
      if (!isIdleDate(d.date) || typeof d.minutes !== 'number' || d.date < q.sinceDate) continue;
      const k = JSON.stringify([e.agentId, e.user, d.date]);
      const had = best.get(k);
      if (!had || had.minutes < d.minutes) best.set(k, { user: e.user, minutes: d.minutes });
    }
    const sum = new Map<string, number>();
    for (const b of best.values()) sum.set(b.user, (sum.get(b.user) ?? 0) + b.minutes);
    return [...sum]
      .filter(([, m]) => m > 0)
      .map(([user, minutes]) => ({ user, minutes: Math.round(minutes) }))
      .sort((a, b) => b.minutes - a.minutes || (a.user < b.user ? -1 : 1))
      .slice(0, q.limit);
  }

  async reportCounts(): Promise<GroupCounts[]> {
    // Four SQL queries per engine; their twin here would only test itself. The report is
    // tested on SQLite and PostgreSQL (tests/console/reports.suite.ts).
    throw new Error('the memory store has no report: use SQLite (tests/console/reports.suite.ts)');
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

  // Metrics and per-person export (issue 12 points 5 and 6)
  async fleetSummary(onlineSince: number): Promise<FleetSummary> {
    await this.check();
    const live = [...this.agents.values()].filter((a) => a.revokedAt === null);
    return {
      enrolled: live.length,
      online: live.filter((a) => a.lastSeen !== null && a.lastSeen >= onlineSince).length,
      silent: live.filter((a) => a.lastSeen !== null && a.lastSeen < onlineSince).length,
      never: live.filter((a) => a.lastSeen === null).length,
      revoked: this.agents.size - live.length,
      eventsWaiting: live.reduce((n, a) => {
        const w = a.heartbeat?.eventsWaiting;
        return n + (typeof w === 'number' ? w : 0);
      }, 0),
    };
  }

  /** The snapshot is a copy of the person's records taken now (the engines: a transaction). */
  async openPersonExport(user: string): Promise<PersonExportReader> {
    await this.check();
    const key = (e: StoredEvent) => [e.ts, e.agentId, e.seq] as const;
    const after3 = (a: readonly [number, string, number], b: readonly [number, string, number]) =>
      a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2];
    const events = [...this.events.values()]
      .filter((e) => e.user === user)
      .map(copy)
      .sort((a, b) => after3(key(a), key(b)));
    const requests = [...this.requests.values()]
      .filter((r) => r.user === user)
      .map(copy)
      .sort((a, b) => a.requestedAt - b.requestedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const alerts = this.alerts
      .filter((a) => a.user === user)
      .map(copy)
      .sort((a, b) => a.id - b.id);
    const check = () => this.check();
    return {
      async counts() {
        await check();
        // No cases in the twin (see openCase above): none name anyone.
        return {
          events: events.length,
          requests: requests.length,
          alerts: alerts.length,
          cases: 0,
        };
      },
      async events(after, limit) {
        await check();
        const from = after ? ([after.ts, after.agentId, after.seq] as const) : null;
        return events.filter((e) => from === null || after3(key(e), from) > 0).slice(0, limit);
      },
      async requests(after, limit) {
        await check();
        return requests
          .filter(
            (r) =>
              after === null ||
              r.requestedAt > after.requestedAt ||
              (r.requestedAt === after.requestedAt && r.id > after.id),
          )
          .slice(0, limit);
      },
      async cases() {
        await check();
        return [];
      },
      async alerts(afterId, limit) {
        await check();
        return alerts.filter((a) => a.id > afterId).slice(0, limit);
      },
      async close() {},
    };
  }

  // Alert notifications (issue 12 §4): the same plan (core planDeliveries) and the same
  // conditional state changes as notify-sqlite.ts. An alert is looked at once: `notified`
  // holds the ids looked at (alerts raised before a test starts notifying count as new).
  deliveries: DeliveryRow[] = [];
  notifyQuiet = new Map<string, { rule: string; agentKey: string; until: number }>();
  notified = new Set<number>();
  private claimedBy = new Map<number, string>();

  async enqueueNotifications(
    now: number,
    routing: NotifyRouting,
    limit: number,
  ): Promise<EnqueueResult> {
    await this.check();
    const alerts = this.alerts.filter((a) => !this.notified.has(a.id)).slice(0, Math.max(0, limit));
    const plan = planDeliveries({
      now,
      maxAgeMs: routing.maxAgeMs,
      alerts: alerts.map((a) => ({
        id: a.id,
        agentId: a.agentId,
        ts: a.ts,
        routes: routing.route(copy(a)),
      })),
      windows: [...this.notifyQuiet.values()],
      held: this.deliveries
        .filter((d) => d.state === 'held')
        .map((d) => ({ id: d.id, rule: d.rule, agentKey: d.agentId ?? '', channel: d.channel })),
      quietMsOf: routing.quietMsOf,
    });
    const out: EnqueueResult = {
      alerts: alerts.length,
      pending: 0,
      held: 0,
      skipped: 0,
      summaries: 0,
    };
    for (const p of plan.deliveries) {
      if (
        p.alertId !== null &&
        this.deliveries.some((d) => d.alertId === p.alertId && d.channel === p.channel)
      )
        continue;
      const row: DeliveryRow = {
        id: this.deliveries.length + 1,
        alertId: p.alertId,
        kind: p.alertId === null ? 'summary' : 'alert',
        channel: p.channel,
        rule: p.rule,
        agentId: p.agentKey === '' ? null : p.agentKey,
        state: p.state,
        namedIn: null,
        createdAt: now,
        attempts: 0,
        nextAt: now,
        lastError: p.error,
        lastDetail: null,
        sentAt: null,
      };
      this.deliveries.push(row);
      if (p.alertId === null) out.summaries++;
      else out[p.state]++;
      for (const d of this.deliveries)
        if (d.state === 'held' && p.names.includes(d.id)) {
          d.state = 'named';
          d.namedIn = row.id;
        }
    }
    for (const w of plan.windows) this.notifyQuiet.set(JSON.stringify([w.rule, w.agentKey]), w);
    for (const [k, w] of this.notifyQuiet)
      if (
        w.until <= now &&
        !this.deliveries.some(
          (d) => d.state === 'held' && d.rule === w.rule && (d.agentId ?? '') === w.agentKey,
        )
      )
        this.notifyQuiet.delete(k);
    for (const a of alerts) this.notified.add(a.id);
    return out;
  }

  async claimDeliveries(
    holder: string,
    now: number,
    claimMs: number,
    limit: number,
  ): Promise<ClaimedDelivery[]> {
    await this.check();
    const due = this.deliveries
      .filter((d) => (d.state === 'pending' || d.state === 'sending') && d.nextAt <= now)
      .sort((a, b) => a.nextAt - b.nextAt || a.id - b.id)
      .slice(0, Math.max(0, limit));
    return due.map((d) => {
      const interrupted = d.state === 'sending';
      if (interrupted) {
        d.lastError = 'NOTIFY_INTERRUPTED';
        d.lastDetail = interruptedDetail(this.claimedBy.get(d.id), d.nextAt);
      }
      d.state = 'sending';
      d.nextAt = now + claimMs;
      d.attempts++;
      this.claimedBy.set(d.id, holder);
      const alert = this.alerts.find((a) => a.id === d.alertId);
      const named = this.deliveries
        .filter((x) => x.namedIn === d.id)
        .map((x) => this.alerts.find((a) => a.id === x.alertId)!)
        .sort((a, b) => a.id - b.id);
      return copy({
        ...d,
        host: d.agentId === null ? null : (this.agents.get(d.agentId)?.host ?? null),
        alert: alert ?? null,
        named: named.slice(0, MAX_NAMED),
        namedCount: named.length,
        interrupted,
      });
    });
  }

  async finishDelivery(id: number, holder: string, o: DeliveryOutcome): Promise<boolean> {
    await this.check();
    const d = this.deliveries.find((x) => x.id === id);
    if (d?.state !== 'sending' || this.claimedBy.get(id) !== holder) return false;
    this.claimedBy.delete(id);
    if (o.sent) {
      d.state = 'sent';
      d.sentAt = o.at;
      if (o.partly) {
        d.lastError = o.partly.code;
        d.lastDetail = o.partly.detail;
      }
      return true;
    }
    d.state = o.retryAt === null ? 'failed' : 'pending';
    d.nextAt = o.retryAt ?? o.at;
    d.lastError = o.code;
    d.lastDetail = o.detail;
    if (o.retryAt === null && o.raise) this.raise(copy(o.raise));
    return true;
  }

  async listDeliveries(q: { alertId?: number; state?: DeliveryState; limit: number }) {
    await this.check();
    return copy(
      this.deliveries
        .filter(
          (d) =>
            (q.alertId === undefined || d.alertId === q.alertId) &&
            (q.state === undefined || d.state === q.state),
        )
        .sort((a, b) => b.id - a.id)
        .slice(0, Math.max(0, q.limit)),
    );
  }

  // Partitions and retention: no partitions; deletes by type and age, `batch` at a time, the
  // tally kept as the engines keep it (a run cut short is recorded by the next).
  /** Calls of applyRetention, with their arguments. */
  retentionRuns: { rules: RetentionRules; now: number; opts?: RetentionOptions }[] = [];
  retentionTally = new Map<string, number>();
  async ensurePartitions(_size: PartitionSize, _now: number) {
    await this.check();
    return [];
  }
  async eventPartitions(): Promise<EventPartition[]> {
    await this.check();
    return [];
  }
  async applyRetention(rules: RetentionRules, now: number, opts?: RetentionOptions) {
    await this.check();
    this.retentionRuns.push({ rules: copy(rules), now, ...(opts ? { opts } : {}) });
    const batch = opts?.batch ?? 1000;
    const maxBatches = opts?.maxBatches ?? 200;
    let batches = 0;
    let more = false;
    const types = [...new Set([...this.events.values()].map((e) => e.type))].sort();
    out: for (const type of types) {
      const age = retentionAge(rules, type);
      if (age === null) continue;
      for (;;) {
        if (batches >= maxBatches) {
          more = true;
          break out;
        }
        batches++;
        const gone = [...this.events]
          .filter(([, e]) => e.type === type && e.ts < now - age && e.receivedAt < now - age)
          .slice(0, batch);
        for (const [k] of gone) this.events.delete(k);
        if (gone.length > 0)
          this.retentionTally.set(type, (this.retentionTally.get(type) ?? 0) + gone.length);
        if (gone.length < batch) break;
      }
    }
    const deleted = Object.fromEntries([...this.retentionTally].sort());
    this.retentionTally.clear();
    if (Object.keys(deleted).length === 0)
      return { partitionsDropped: [], deleted: {}, more, audit: null };
    const audit = this.appendIn({
      ts: now,
      actor: 'system',
      action: 'retention.applied',
      ip: '',
      target: 'events',
      details: { partitionsDropped: [], deleted },
    })!;
    return { partitionsDropped: [], deleted, more, audit: copy(audit) };
  }

  // SIEM export (issue 12 §3): positions per (sink, agent). This ingest flags nothing, so
  // there are never late events here (the engines' are in the store suite).
  siemRows = new Map<string, Omit<SiemSinkRow, 'behind'>>();
  /** `${sink} ${agentId}` → the seq the sink has had every event up to. */
  siemPositions = new Map<string, number>();
  private siemPos(sink: string, agentId: string): number {
    return this.siemPositions.get(`${sink} ${agentId}`) ?? 0;
  }
  private siemRow(name: string): SiemSinkRow {
    const behind = [...this.agents.values()].reduce(
      (n, a) => n + Math.max(0, a.ackedSeq - this.siemPos(name, a.id)),
      0,
    );
    return { ...copy(this.siemRows.get(name)!), behind };
  }
  async siemOpen(sink: string, start: 'new' | 'all', now: number) {
    await this.check();
    if (!this.siemRows.has(sink)) {
      this.siemRows.set(sink, {
        name: sink,
        start,
        createdAt: now,
        delivered: 0,
        skipped: 0,
        lastDeliveryAt: null,
        failingSince: null,
        failures: 0,
        lastError: null,
        lastErrorAt: null,
      });
      if (start === 'new')
        for (const a of this.agents.values())
          if (a.ackedSeq > 0) this.siemPositions.set(`${sink} ${a.id}`, a.ackedSeq);
    }
    return this.siemRow(sink);
  }
  async siemPending(sink: string, q: { after: string | null; agents: number; events: number }) {
    await this.check();
    const after = q.after ?? '';
    const lagging = [...this.agents.values()]
      .filter((a) => a.ackedSeq > this.siemPos(sink, a.id))
      .sort((a, b) => Number(b.id > after) - Number(a.id > after) || (a.id < b.id ? -1 : 1))
      .slice(0, Math.max(1, q.agents));
    const agents: SiemPending['agents'] = [];
    const per = Math.ceil(Math.max(1, q.events) / Math.max(1, lagging.length));
    for (const a of lagging) {
      const pos = this.siemPos(sink, a.id);
      const all = [...this.events.values()]
        .filter((e) => e.agentId === a.id && e.seq > pos && e.seq <= a.ackedSeq)
        .sort((x, y) => x.seq - y.seq);
      const items = all.slice(0, per).map((e) => ({ event: copy(e), late: false }));
      agents.push({
        agentId: a.id,
        through: items.length < all.length ? items.at(-1)!.event.seq : a.ackedSeq,
        items,
      });
    }
    return { agents, late: [] };
  }
  async siemAdvance(sink: string, a: SiemAdvance) {
    await this.check();
    for (const p of a.positions)
      this.siemPositions.set(
        `${sink} ${p.agentId}`,
        Math.max(this.siemPos(sink, p.agentId), p.seq),
      );
    const row = this.siemRows.get(sink);
    if (row) {
      row.delivered += a.delivered;
      row.skipped += a.skipped;
      if (a.delivered > 0) row.lastDeliveryAt = a.at;
    }
  }
  async siemSetState(
    sink: string,
    st: { error: { code: string; params: { [k: string]: Json } } | null; at: number },
  ) {
    await this.check();
    const row = this.siemRows.get(sink);
    if (!row) return;
    if (st.error === null) {
      row.failingSince = null;
      row.failures = 0;
    } else {
      row.failingSince ??= st.at;
      row.failures++;
      row.lastError = copy(st.error);
      row.lastErrorAt = st.at;
    }
  }
  async siemSinks() {
    await this.check();
    return [...this.siemRows.keys()].sort().map((n) => this.siemRow(n));
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
