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
// Indexes, from EXPLAIN (ANALYZE) of the console's queries (store/sql.ts eventPageQuery, through
// queryEvents) on 5,000,000 events of 2,000 agents over 90 days (npm run bench:query --explain;
// times on the 2-core machine the bench ran on, warm cache):
// - (agent_id, seq, ts), the key: ingest's lookups of the seqs of a resent batch, per partition;
//   countEvents(agent) is an index-only scan of it.
// - (agent_id, ts, seq): agent + type + range, newest first: Limit → Append (partitions newest
//   first) → Index Scan Backward on each partition's (agent_id, ts, seq) with Index Cond on
//   agent and range, type as a filter, stopping at 101 rows (5 ms; 120 rows read for 49). The
//   6th page, either direction, the same with `ts <= cursor` (or >=) in the Index Cond, so the
//   partitions past the cursor are pruned and the scan starts at it (0.7 ms). An agent's 20th
//   page unfiltered: Merge Append of two partitions, 0.3 ms.
// - (ts, agent_id, seq): no agent, type or user: the newest page is a Merge Append of Index Scan
//   Backward on each partition, 0.1 ms; severity ≥ high or level ≥ AAA over a week is that
//   scan with the filter (7,205 rows read for 101 high ones, 2 ms); text is that scan with
//   ILIKE over the range (a day: 20,891 rows, 61 ms, p95 223 ms: no index serves a substring
//   of the JSON; a search should carry a short range).
// - (type, ts, agent_id, seq): one type across agents over a day: Index Scan Backward with
//   type and range in the Index Cond, 0.3 ms; retention's bounded deletes of one type older
//   than its age and the list of types in a partition (a skip, one probe a type).
// - (user_name, ts, agent_id, seq): a person's week: Bitmap Index Scan, 0.2 ms (without it, a
//   scan of the week's ~390,000 events for ~65; the per-person export reads by it too).
// No OFFSET anywhere: every later page is a keyset cursor (ts, agent_id, seq).
// (SQLite's twin is its migration 005: the type and user indexes and retention's tally.)
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
-- a run cut short is recorded by the next one, never lost. A 'detached' row names a partition
-- taken out of events to be counted and dropped (partitions-pg.ts): a run cut short between
-- the two leaves it for the next to finish.
CREATE TABLE retention_pending (
  kind text   NOT NULL CHECK (kind IN ('partition', 'type', 'detached')),
  name text   NOT NULL,
  n    bigint NOT NULL,
  PRIMARY KEY (kind, name)
);
`,
};
