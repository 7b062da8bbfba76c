// SIEM export (issue 12 §3): each sink's state, its position in every agent's chain, and the
// late events it has had (store/types.ts "SIEM export" says why positions are per agent).
// (SQLite's twin is its migration 006.)
import type { SqlMigration } from '../types.js';

export const m005Siem: SqlMigration = {
  version: 5,
  name: 'siem',
  sql: `
CREATE TABLE siem_sinks (
  name             text   PRIMARY KEY,
  start            text   NOT NULL CHECK (start IN ('new', 'all')),
  created_at       bigint NOT NULL,
  delivered        bigint NOT NULL DEFAULT 0,
  skipped          bigint NOT NULL DEFAULT 0,
  last_delivery_at bigint,
  failing_since    bigint,
  failures         bigint NOT NULL DEFAULT 0,
  -- JSON {code, params} of the last failure (kept after a recovery).
  last_error       text,
  last_error_at    bigint
);

-- The sink has had every event of the agent up to seq (an agent without a row: none).
CREATE TABLE siem_positions (
  sink     text   NOT NULL,
  agent_id text COLLATE "C" NOT NULL,
  seq      bigint NOT NULL,
  PRIMARY KEY (sink, agent_id)
);

-- Late events (flags 'late…': stored below the agent's ackedSeq) the sink has had.
CREATE TABLE siem_late (
  sink     text   NOT NULL,
  agent_id text COLLATE "C" NOT NULL,
  seq      bigint NOT NULL,
  PRIMARY KEY (sink, agent_id, seq)
);

-- Late events are rare (each is a sync.gap alert's missing seq arriving after all): a
-- partial index finds them without reading the others.
CREATE INDEX events_late ON events (agent_id, seq) WHERE flags LIKE 'late%';
`,
};
