// The console's first PostgreSQL schema: the same tables and columns as SQLite's
// (rows.ts reads both). Times are bigint ms since the epoch (UTC); JSON is kept as text,
// exactly as received, so an event can be rehashed from its row (jsonb would reorder and
// renormalise it, and refuses \u0000). Agent ids compare in the "C" collation so keyset
// paging orders the same way on every server.
import type { SqlMigration } from '../types.js';

export const m001Initial: SqlMigration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE users (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text    NOT NULL UNIQUE,
  role          text    NOT NULL CHECK (role IN ('admin', 'analyst', 'auditor')),
  password_hash text    NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    bigint  NOT NULL
);

CREATE TABLE sessions (
  id_hash    text    PRIMARY KEY,
  user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token text    NOT NULL,
  created_at bigint  NOT NULL,
  expires_at bigint  NOT NULL,
  ip         text    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
  id         text    PRIMARY KEY,
  user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name       text    NOT NULL,
  token_hash text    NOT NULL UNIQUE,
  created_at bigint  NOT NULL,
  expires_at bigint,
  revoked_at bigint
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_failures (
  id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text   NOT NULL,
  ip   text   NOT NULL,
  at   bigint NOT NULL
);
CREATE INDEX login_failures_name ON login_failures (name, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- The audit trail: append-only, hash-chained (core/console/audit.ts). audit_head is the one
-- row every append locks (SELECT … FOR UPDATE), so two consoles never fork the chain; the
-- triggers make the database itself refuse to change or remove an audit row.
CREATE TABLE audit (
  seq       bigint PRIMARY KEY,
  ts        bigint NOT NULL,
  actor     text   NOT NULL,
  action    text   NOT NULL,
  ip        text   NOT NULL,
  target    text   NOT NULL,
  details   text   NOT NULL,
  prev_hash text   NOT NULL,
  hash      text   NOT NULL
);
CREATE TABLE audit_head (
  id   integer PRIMARY KEY CHECK (id = 1),
  seq  bigint  NOT NULL,
  hash text    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));
CREATE FUNCTION baomi_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION baomi_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION baomi_audit_append_only();

CREATE TABLE agent_groups (
  name            text PRIMARY KEY,
  department      text,
  personnel_class text
);

CREATE TABLE enroll_tokens (
  id         text    PRIMARY KEY,
  token_hash text    NOT NULL UNIQUE,
  group_name text    NOT NULL,
  uses_left  integer NOT NULL,
  expires_at bigint  NOT NULL,
  created_by text    NOT NULL,
  created_at bigint  NOT NULL,
  revoked_at bigint
);

CREATE TABLE agents (
  id               text COLLATE "C" PRIMARY KEY,
  public_key       text   NOT NULL,
  exception_secret text   NOT NULL,
  host             text   NOT NULL,
  os               text   NOT NULL,
  group_name       text   NOT NULL,
  enrolled_at      bigint NOT NULL,
  revoked_at       bigint,
  last_seen        bigint,
  heartbeat        text,
  acked_seq        bigint NOT NULL DEFAULT 0,
  head_hash        text,
  -- Highest throughSeq of a store.pruned event stored for this agent (core/sync/ingest.ts).
  pruned_through   bigint NOT NULL DEFAULT 0,
  policy_etag      text,
  silent_since     bigint
);
CREATE INDEX agents_group ON agents (group_name);

-- Signed-request nonces, remembered for twice the allowed clock skew (replays).
CREATE TABLE nonces (
  agent_id text COLLATE "C" NOT NULL,
  nonce    text   NOT NULL,
  at       bigint NOT NULL,
  PRIMARY KEY (agent_id, nonce)
);
CREATE INDEX nonces_at ON nonces (at);

-- Every agent's events, stored once per (agent, seq). (ts, agent_id, seq) is the keyset of
-- paging in both directions; flags name what ingest found wrong (core/sync/ingest.ts).
CREATE TABLE events (
  agent_id    text COLLATE "C" NOT NULL,
  seq         bigint NOT NULL,
  id          text   NOT NULL,
  ts          bigint NOT NULL,
  type        text   NOT NULL,
  severity    text   NOT NULL,
  level       text,
  user_name   text,
  host        text   NOT NULL,
  data        text   NOT NULL,
  prev_hash   text   NOT NULL,
  hash        text   NOT NULL,
  received_at bigint NOT NULL,
  flags       text   NOT NULL DEFAULT '',
  PRIMARY KEY (agent_id, seq)
);
CREATE INDEX events_time ON events (ts, agent_id, seq);
CREATE INDEX events_agent_time ON events (agent_id, ts, seq);

-- Alerts (预报 → 调查 → 初步评估 → 处置 → 结案). dedup_key names the break an ingest alert
-- is about, so a retried batch never raises it twice.
CREATE TABLE alerts (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id  text COLLATE "C",
  ts        bigint NOT NULL,
  type      text   NOT NULL,
  severity  text   NOT NULL,
  seq       bigint,
  data      text   NOT NULL,
  state     text   NOT NULL DEFAULT '预报' CHECK (state IN ('预报', '调查', '初步评估', '处置', '结案')),
  dedup_key text,
  UNIQUE (agent_id, dedup_key)
);
CREATE INDEX alerts_state ON alerts (state, id);
CREATE INDEX alerts_agent ON alerts (agent_id, id);

CREATE TABLE requests (
  id           text   PRIMARY KEY,
  agent_id     text COLLATE "C" NOT NULL,
  user_name    text,
  device       text   NOT NULL,
  device_label text,
  reason       text   NOT NULL,
  requested_at bigint NOT NULL,
  state        text   NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'denied')),
  decided_by   text,
  decided_at   bigint,
  note         text,
  token        text,
  delivered_at bigint
);
CREATE INDEX requests_agent ON requests (agent_id, state);
CREATE INDEX requests_state ON requests (state, requested_at);

CREATE TABLE policies (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  target_kind  text   NOT NULL CHECK (target_kind IN ('group', 'department', 'class')),
  target_value text   NOT NULL,
  name         text   NOT NULL,
  version      bigint NOT NULL,
  sha256       text   NOT NULL,
  bytes        bytea  NOT NULL,
  signature    text   NOT NULL,
  etag         text   NOT NULL,
  uploaded_by  text   NOT NULL,
  uploaded_at  bigint NOT NULL
);
CREATE INDEX policies_target ON policies (target_kind, target_value, version);
`,
};
