// The overview's rollup (core/console/overview.ts): events per hour, agent group and type,
// added to by ingest in the transaction that stores the events. The events already stored
// are counted once here, so the counts hold from the first overview on.
import type { SqlMigration } from '../types.js';

export const m010Overview: SqlMigration = {
  version: 10,
  name: 'overview',
  sql: `
CREATE TABLE event_counts (
  hour       INTEGER NOT NULL,
  group_name TEXT    NOT NULL,
  type       TEXT    NOT NULL,
  n          INTEGER NOT NULL,
  PRIMARY KEY (hour, group_name, type)
) WITHOUT ROWID;
INSERT INTO event_counts (hour, group_name, type, n)
  SELECT e.ts / 3600000, a.group_name, e.type, count(*)
  FROM events e JOIN agents a ON a.id = e.agent_id
  GROUP BY 1, 2, 3;
`,
};
