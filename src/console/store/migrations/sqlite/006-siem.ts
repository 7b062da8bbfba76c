// SIEM export (issue 12 §3): each sink's state, its position in every agent's chain, and the
// late events it has had (store/types.ts "SIEM export" says why positions are per agent).
// (PostgreSQL's twin is its migration 005.)
import type { SqlMigration } from '../types.js';

export const m006Siem: SqlMigration = {
  version: 6,
  name: 'siem',
  sql: `
CREATE TABLE siem_sinks (
  name             TEXT    PRIMARY KEY,
  start            TEXT    NOT NULL CHECK (start IN ('new', 'all')),
  created_at       INTEGER NOT NULL,
  delivered        INTEGER NOT NULL DEFAULT 0,
  skipped          INTEGER NOT NULL DEFAULT 0,
  last_delivery_at INTEGER,
  failing_since    INTEGER,
  failures         INTEGER NOT NULL DEFAULT 0,
  -- JSON {code, params} of the last failure (kept after a recovery).
  last_error       TEXT,
  last_error_at    INTEGER
) WITHOUT ROWID;

-- The sink has had every event of the agent up to seq (an agent without a row: none).
CREATE TABLE siem_positions (
  sink     TEXT    NOT NULL,
  agent_id TEXT    NOT NULL,
  seq      INTEGER NOT NULL,
  PRIMARY KEY (sink, agent_id)
) WITHOUT ROWID;

-- Late events (flags 'late…': stored below the agent's ackedSeq) the sink has had.
CREATE TABLE siem_late (
  sink     TEXT    NOT NULL,
  agent_id TEXT    NOT NULL,
  seq      INTEGER NOT NULL,
  PRIMARY KEY (sink, agent_id, seq)
) WITHOUT ROWID;

-- Late events are rare (each is a sync.gap alert's missing seq arriving after all): a
-- partial index finds them without reading the others.
CREATE INDEX events_late ON events (agent_id, seq) WHERE flags LIKE 'late%';
`,
};
