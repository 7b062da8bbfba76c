// The console's first SQLite schema. Times are integer ms since the epoch (UTC); JSON is kept
// as text, exactly as received, so an event can be rehashed from its row.
import type { SqlMigration } from '../types.js';

export const m001Initial: SqlMigration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT    NOT NULL UNIQUE,
  role          TEXT    NOT NULL CHECK (role IN ('admin', 'analyst', 'auditor')),
  password_hash TEXT    NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  id_hash    TEXT    PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ip         TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
  id         TEXT    PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name       TEXT    NOT NULL,
  token_hash TEXT    NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_failures (
  id   INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT    NOT NULL,
  ip   TEXT    NOT NULL,
  at   INTEGER NOT NULL
);
CREATE INDEX login_failures_name ON login_failures (name, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- The audit trail: append-only, hash-chained (core/console/audit.ts). The triggers make the
-- database itself refuse to change or remove a row, whatever code asks.
CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY,
  ts        INTEGER NOT NULL,
  actor     TEXT    NOT NULL,
  action    TEXT    NOT NULL,
  ip        TEXT    NOT NULL,
  target    TEXT    NOT NULL,
  details   TEXT    NOT NULL,
  prev_hash TEXT    NOT NULL,
  hash      TEXT    NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE refused'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE refused'); END;

CREATE TABLE agent_groups (
  name            TEXT PRIMARY KEY,
  department      TEXT,
  personnel_class TEXT
) WITHOUT ROWID;

CREATE TABLE enroll_tokens (
  id         TEXT    PRIMARY KEY,
  token_hash TEXT    NOT NULL UNIQUE,
  group_name TEXT    NOT NULL,
  uses_left  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  created_by TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE agents (
  id               TEXT    PRIMARY KEY,
  public_key       TEXT    NOT NULL,
  exception_secret TEXT    NOT NULL,
  host             TEXT    NOT NULL,
  os               TEXT    NOT NULL,
  group_name       TEXT    NOT NULL,
  enrolled_at      INTEGER NOT NULL,
  revoked_at       INTEGER,
  last_seen        INTEGER,
  heartbeat        TEXT,
  acked_seq        INTEGER NOT NULL DEFAULT 0,
  head_hash        TEXT,
  -- Highest throughSeq of a store.pruned event stored for this agent (core/sync/ingest.ts).
  pruned_through   INTEGER NOT NULL DEFAULT 0,
  policy_etag      TEXT,
  silent_since     INTEGER
);
CREATE INDEX agents_group ON agents (group_name);

-- Signed-request nonces, remembered for twice the allowed clock skew (replays).
CREATE TABLE nonces (
  agent_id TEXT    NOT NULL,
  nonce    TEXT    NOT NULL,
  at       INTEGER NOT NULL,
  PRIMARY KEY (agent_id, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_at ON nonces (at);

-- Every agent's events, stored once per (agent, seq). (ts, agent_id, seq) is the keyset of
-- paging in both directions; flags name what ingest found wrong (core/sync/ingest.ts).
CREATE TABLE events (
  agent_id    TEXT    NOT NULL,
  seq         INTEGER NOT NULL,
  id          TEXT    NOT NULL,
  ts          INTEGER NOT NULL,
  type        TEXT    NOT NULL,
  severity    TEXT    NOT NULL,
  level       TEXT,
  user_name   TEXT,
  host        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  prev_hash   TEXT    NOT NULL,
  hash        TEXT    NOT NULL,
  received_at INTEGER NOT NULL,
  flags       TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (agent_id, seq)
) WITHOUT ROWID;
CREATE INDEX events_time ON events (ts, agent_id, seq);
CREATE INDEX events_agent_time ON events (agent_id, ts, seq);

-- Alerts (预报 → 调查 → 初步评估 → 处置 → 结案). dedup_key names the break an ingest alert
-- is about, so a retried batch never raises it twice.
CREATE TABLE alerts (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  agent_id  TEXT,
  ts        INTEGER NOT NULL,
  type      TEXT    NOT NULL,
  severity  TEXT    NOT NULL,
  seq       INTEGER,
  data      TEXT    NOT NULL,
  state     TEXT    NOT NULL DEFAULT '预报' CHECK (state IN ('预报', '调查', '初步评估', '处置', '结案')),
  dedup_key TEXT,
  UNIQUE (agent_id, dedup_key)
);
CREATE INDEX alerts_state ON alerts (state, id);
CREATE INDEX alerts_agent ON alerts (agent_id, id);

CREATE TABLE requests (
  id           TEXT    PRIMARY KEY,
  agent_id     TEXT    NOT NULL,
  user_name    TEXT,
  device       TEXT    NOT NULL,
  device_label TEXT,
  reason       TEXT    NOT NULL,
  requested_at INTEGER NOT NULL,
  state        TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'denied')),
  decided_by   TEXT,
  decided_at   INTEGER,
  note         TEXT,
  token        TEXT,
  delivered_at INTEGER
);
CREATE INDEX requests_agent ON requests (agent_id, state);
CREATE INDEX requests_state ON requests (state, requested_at);

CREATE TABLE policies (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  target_kind  TEXT    NOT NULL CHECK (target_kind IN ('group', 'department', 'class')),
  target_value TEXT    NOT NULL,
  name         TEXT    NOT NULL,
  version      INTEGER NOT NULL,
  sha256       TEXT    NOT NULL,
  bytes        BLOB    NOT NULL,
  signature    TEXT    NOT NULL,
  etag         TEXT    NOT NULL,
  uploaded_by  TEXT    NOT NULL,
  uploaded_at  INTEGER NOT NULL
);
CREATE INDEX policies_target ON policies (target_kind, target_value, version);
`,
};
