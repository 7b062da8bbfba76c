// Per-person export (issue 12 point 6, PIPL access requests) reads everything the console
// holds about one employee: events whose user is them, the exception requests they made and
// the alerts about their events. Alerts had no user: this adds one, filled by ingest for an
// alert raised from an event (the user of the event at the alert's agent and seq: an agent's
// `alert.raised`, a `sync.chain-broken` on a stored event) and backfilled here from the
// events for alerts raised before it. An alert about no stored event (a gap, a silent agent)
// has none. The indexes make each section a keyset range on the person's name (on a
// partitioned events table the index is made on every partition; the events one,
// events_user_time, is the partitions migration’s, 004).
// (SQLite's twin is its migration 008.)
import type { SqlMigration } from '../types.js';

export const m007PersonExport: SqlMigration = {
  version: 7,
  name: 'person-export',
  sql: `
ALTER TABLE alerts ADD COLUMN user_name text;
UPDATE alerts a SET user_name = (
  SELECT e.user_name FROM events e WHERE e.agent_id = a.agent_id AND e.seq = a.seq LIMIT 1)
WHERE a.agent_id IS NOT NULL AND a.seq IS NOT NULL;
CREATE INDEX alerts_user ON alerts (user_name, id);
CREATE INDEX requests_user ON requests (user_name, requested_at, id);
`,
};
