// The console's staff API under /api/v1 (JSON), shared by the server's routes, the staff CLI
// (`baomi console …`) and later the web UI. Staff authenticate with a session cookie
// (`baomi_session`, HttpOnly, SameSite=Strict, Secure over TLS) plus the `x-csrf-token` header
// on every state-changing request, or with `Authorization: Bearer <API token>` (no CSRF: no
// cookie is involved). Roles (DESIGN.md): admin everything; analyst alerts, cases, exception
// requests and reading; auditor reads everything including the audit trail, changes nothing.
//
// Routes (method path → response; role):
//   GET  /healthz                              → {ok, db}                       (none; 503 when the db is away)
//   POST /api/v1/login {name,password}         → LoginResponse + cookie         (none; slowed after 5 failures)
//   POST /api/v1/logout                        → {ok}                           (any)
//   POST /api/v1/logout-all                    → {ok, sessions}                 (any: ends all own sessions)
//   GET  /api/v1/me                            → Me (+ csrfToken for a session)  (any)
//   POST /api/v1/tokens {name, days?}          → {id, token, expiresAt}         (any: a token with the caller's role)
//   GET  /api/v1/enrollment-tokens             → {tokens: EnrollTokenView[]}    (admin)
//   POST /api/v1/enrollment-tokens {group, uses?, hours?, department?, personnelClass?}
//                                              → {id, token, group, usesLeft, expiresAt} (admin)
//   DELETE /api/v1/enrollment-tokens/:id       → {ok}                           (admin)
//   POST /api/v1/enroll  (wire.ts EnrollRequest → EnrollResponse)               (enrollment token)
//   POST /api/v1/sync    (wire.ts SyncRequest → SyncResponse)                   (agent signature)
//   GET  /api/v1/agents?group&text             → {agents: AgentView[]}          (any)
//   GET  /api/v1/agents/:id                    → AgentView                      (any)
//   POST /api/v1/agents/:id/revoke             → {ok}                           (admin)
//   GET  /api/v1/events?agent&user&type(repeatable or comma)&level&severity&since&until&text&after&limit&order
//                                              → {events: StoredEvent[], next}  (any)
//   GET  /api/v1/alerts?state&agent&limit      → {alerts: AlertRow[]}           (any)
//   POST /api/v1/alerts/:id/state {state, note (1..2000)}
//                                              → AlertRow                       (admin, analyst;
//        forward to a later stage or back to 调查, else 409 CONSOLE_ALERT_BAD_TRANSITION;
//        audit row alert.changed {from, to, note};
//        409 CONSOLE_ALERT_IN_CASE when the alert is in a case: it moves with the case)
//   GET  /api/v1/cases?stage&assignee&overdue=true&before&limit
//                                              → {cases: CaseRow[], next}       (any; newest first)
//   GET  /api/v1/cases/:id                     → CaseDetail (alerts, events, entries) (any)
//   POST /api/v1/cases {title, alertIds, assignee?, note?}
//                                              → CaseDetail                     (admin, analyst;
//        audit row case.opened; 404 an alert or the assignee, 409 CONSOLE_CASE_ALERT_TAKEN)
//   POST /api/v1/cases/:id/stage {stage, note, severity?, outcome?}
//   POST /api/v1/cases/:id/notes {text}
//   POST /api/v1/cases/:id/assign {assignee | null}
//   POST /api/v1/cases/:id/alerts {alertIds}
//   POST /api/v1/cases/:id/events {events: [{agentId, seq}]}
//                                              → CaseDetail                     (admin, analyst;
//        core/console/cases.ts checkCaseChange; audit row case.changed {kind, …, from})
//   GET  /api/v1/requests?state&agent          → {requests: ExceptionRequestRow[]} (any)
//   POST /api/v1/requests/:id/decision {approve, note, hours?}
//                                              → ExceptionRequestRow            (admin, analyst)
//   GET  /api/v1/policies                      → {policies: PolicyView[]}       (any)
//   POST /api/v1/policies {target:{kind,value}, policy (base64 bytes), signature (.sig text)}
//                                              → PolicyView                     (admin)
//   GET  /api/v1/policies/versions             → {versions: [{name, version, agents}]} (any)
//   GET  /api/v1/audit?after&limit             → {rows: AuditRow[], next}       (admin, auditor)
//   GET  /api/v1/audit/verify                  → {ok, checked, breaks}          (admin, auditor)
//   GET  /api/v1/people/:user/export?format=json|csv
//                                              → the person's records, streamed (admin, auditor;
//        core/console/person-export.ts; one audit row person.exported {format, counts} first)
//   GET  /api/v1/events/export?format=csv|json&<the filters of /api/v1/events>
//                                              → every match, oldest first, streamed (any;
//        core/console/events-export.ts; one audit row events.exported {format, filter} first)
//   GET  /api/v1/overview?since=MS&idleSince=YYYY-MM-DD
//                                              → OverviewView (core/console/overview.ts) (any;
//        kept 15 s per process and query)
//   GET  /api/v1/reports/departments?from=MS&to=MS&fromDate=D&toDate=D[&format=json|csv]
//                                              → ReportView (core/console/reports.ts), or its
//        CSV (any; at most 93 days)
//   GET  /metrics                              → Prometheus text format         (any: API token
//        or session; server/metrics.ts lists the series)
//
// Errors: wire.ts WireError {error: CODE, message} with 400 (bad input), 401 (not logged in /
// bad signature), 403 (role, CSRF, revoked), 404, 409 (replay, already decided, alert stage), 413 (body),
// 415 (content type), 429 (rate limit, with retryInMs), 503 (database away, with retryInMs).
export type { WireError } from '../sync/wire.js';

export type StaffRole = 'admin' | 'analyst' | 'auditor';

export interface Me {
  name: string;
  role: StaffRole;
  /** How the request authenticated. */
  via: 'session' | 'token';
  /** Session only: when it ends (ms). */
  expiresAt?: number;
  /** Session only: its CSRF token (as the login answered it), for pages opened later. */
  csrfToken?: string;
}

export interface LoginResponse extends Me {
  csrfToken: string;
  expiresAt: number;
}

export interface EnrollTokenView {
  id: string;
  group: string;
  usesLeft: number;
  expiresAt: number;
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface AgentView {
  id: string;
  host: string;
  os: string;
  group: string;
  department: string | null;
  personnelClass: string | null;
  enrolledAt: number;
  revokedAt: number | null;
  lastSeen: number | null;
  /** online: seen within three sync intervals; silent: not since; never: never synced. */
  state: 'online' | 'silent' | 'never' | 'revoked';
  seatUser: string | null;
  agentVersion: string | null;
  policy: { name: string; version: number } | null;
  usbEnforcing: boolean | null;
  /** Why it does not enforce, as the agent reported it (a short code, e.g. `no-udev`). */
  usbReason: string | null;
  eventsWaiting: number | null;
  ackedSeq: number;
}

export interface PolicyView {
  id: number;
  target: { kind: 'group' | 'department' | 'class'; value: string };
  name: string;
  version: number;
  sha256: string;
  etag: string;
  uploadedBy: string;
  uploadedAt: number;
}

/** An alert as GET /alerts and GET /alerts/:id answer it (the web UI and the CLI read it). */
export interface AlertView {
  id: number;
  agentId: string | null;
  ts: number;
  /** `sync.gap`, `sync.chain-broken`, `agent.silent`, or an agent's `alert.raised` rule. */
  type: string;
  severity: string;
  seq: number | null;
  data: Record<string, unknown>;
  /** 预报, 调查, 初步评估, 处置 or 结案. */
  state: string;
  /** The user of the event it was raised from, when known. */
  user?: string;
  stateBy?: string;
  stateAt?: number;
  stateNote?: string;
}

/** A USB exception request as GET /requests answers it. */
export interface RequestView {
  id: string;
  agentId: string;
  user: string | null;
  device: string;
  deviceLabel: string | null;
  reason: string;
  requestedAt: number;
  state: 'pending' | 'approved' | 'denied';
  decidedBy: string | null;
  decidedAt: number | null;
  note: string | null;
  /** Approved: the BMX1 token handed to the agent. */
  token: string | null;
  /** When the agent recorded the outcome (usb.exception / usb.exception-refused). */
  deliveredAt: number | null;
}
