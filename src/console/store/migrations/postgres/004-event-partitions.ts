// Events partitioned by time (issue 12 §2): `events` becomes a table PARTITIONED BY RANGE (ts),
// one partition per UTC month or day named by its range (core/console/partitions.ts), and a
// DEFAULT partition that takes any event no partition covers (a clock in 1970 or 2400): an
// event is never refused for its timestamp. Retention drops whole partitions (store.ts
// applyRetention); the retention worker creates them ahead of time.
//
// The rows already stored move into the new table in this migration's transaction: each month
// that holds rows between 2000 and three months from now gets its partition (so the DEFAULT
// partition stays small: attaching a partition scans it), the rest go to DEFAULT. Nothing is
// lost; the count is the same before and after (tests/e2e/console/partitions-postgres.test.ts).
//
// A unique constraint of a partitioned table must include the partition key, so the key is
// (agent_id, seq, ts). "An event is stored once per (agent, seq)" still holds: ingest locks
// the agent's row (SELECT … FOR UPDATE) and looks up every seq it could already hold before
// inserting, so two consoles ingesting one agent's batch take turns and the second finds the
// first's rows; the key makes the same event sent twice (its hash covers ts) a no-op
// ON CONFLICT (agent_id, seq, ts) as a last guard.
//
// Indexes, from the plans of the console's queries (README "Events on PostgreSQL" has them):
// - (agent_id, seq, ts), the key: ingest's lookups of the seqs of a batch, per partition;
// - (agent_id, ts, seq): one agent's events in keyset order, with or without types and a range;
// - (ts, agent_id, seq): everyone's events in keyset order (unfiltered, severity, level, text,
//   user), read backwards or forwards, stopping after a page;
// - (type, ts, agent_id, seq): one type across all agents in keyset order, and retention's
//   bounded deletes of one type older than its age (and the list of types in a partition).
// (SQLite's twin is its migration 005: the type index and retention's tally.)
import type { SqlMigration } from '../types.js';

export const m004EventPartitions: SqlMigration = {
  version: 4,
  name: 'event-partitions',
  sql: `
ALTER TABLE events RENAME TO events_v3;
ALTER INDEX events_pkey RENAME TO events_v3_pkey;
ALTER INDEX events_time RENAME TO events_v3_time;
ALTER INDEX events_agent_time RENAME TO events_v3_agent_time;

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
  PRIMARY KEY (agent_id, seq, ts)
) PARTITION BY RANGE (ts);
CREATE INDEX events_time ON events (ts, agent_id, seq);
CREATE INDEX events_agent_time ON events (agent_id, ts, seq);
CREATE INDEX events_type_time ON events (type, ts, agent_id, seq);
CREATE INDEX events_user_time ON events (user_name, ts, agent_id, seq);
CREATE TABLE events_default PARTITION OF events DEFAULT;

DO $migrate$
DECLARE
  m timestamp;
  lo bigint;
  hi bigint;
BEGIN
  FOR m IN
    SELECT DISTINCT date_trunc('month', to_timestamp(ts / 1000.0) AT TIME ZONE 'UTC')
    FROM events_v3
    WHERE ts >= 946684800000
      AND ts < extract(epoch FROM now() + interval '3 months') * 1000
  LOOP
    lo := (extract(epoch FROM m AT TIME ZONE 'UTC') * 1000)::bigint;
    hi := (extract(epoch FROM (m + interval '1 month') AT TIME ZONE 'UTC') * 1000)::bigint;
    EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%s) TO (%s)',
                   'events_' || to_char(m, 'YYYY_MM'), lo, hi);
  END LOOP;
END
$migrate$;

INSERT INTO events SELECT * FROM events_v3;
DROP TABLE events_v3;

-- What retention removed and has not yet recorded in the audit trail: each removal adds to it
-- in its own transaction, and the run's one audit row takes it all (store applyRetention), so
-- a run cut short is recorded by the next one, never lost.
CREATE TABLE retention_pending (
  kind text   NOT NULL CHECK (kind IN ('partition', 'type')),
  name text   NOT NULL,
  n    bigint NOT NULL,
  PRIMARY KEY (kind, name)
);
`,
};
