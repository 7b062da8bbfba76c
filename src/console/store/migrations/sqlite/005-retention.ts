// Retention on SQLite (issue 12 §6; PostgreSQL's twin is its migration 004, which also
// partitions events by time): an index to find one type's events older than its age in
// order, so each bounded delete reads only what it removes (and the list of stored types is
// a skip through it), and the tally of what was removed and not yet recorded in the audit
// trail (each delete batch adds to it in its own transaction; the run's one audit row takes
// it all, so a run cut short is recorded by the next one, never lost).
//
// And an index for a person's events: EXPLAIN QUERY PLAN of the console's queries on
// 5,000,000 events (npm run bench:query --explain; no ANALYZE, as a console runs):
//   agent + type + range   SEARCH events USING INDEX events_agent_time (agent_id=? AND ts>? AND ts<?)
//   a later page           … (agent_id=? AND ts<?)   (the cursor's ts bound, store/sql.ts)
//   type + range           SEARCH events USING INDEX events_type_time (type=? AND ts>? AND ts<?)
//   user + range           SEARCH events USING INDEX events_user_time (user_name=? AND ts>? AND ts<?)
//   severity, level, text  SEARCH events USING INDEX events_time (ts>? AND ts<?), then a filter
//   newest page            SCAN events USING INDEX events_time (stops after the page)
// Without events_user_time a person's week read the whole week through events_time.
import type { SqlMigration } from '../types.js';

export const m005Retention: SqlMigration = {
  version: 5,
  name: 'retention',
  sql: `
CREATE INDEX events_type_time ON events (type, ts, agent_id, seq);
CREATE INDEX events_user_time ON events (user_name, ts, agent_id, seq);
CREATE TABLE retention_pending (
  kind TEXT    NOT NULL CHECK (kind IN ('partition', 'type')),
  name TEXT    NOT NULL,
  n    INTEGER NOT NULL,
  PRIMARY KEY (kind, name)
) WITHOUT ROWID;
`,
};
