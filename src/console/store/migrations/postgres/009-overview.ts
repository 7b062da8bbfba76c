// The overview's rollup (core/console/overview.ts): events per hour, agent group and type.
// Ingest appends what it stored to event_count_deltas (an INSERT that never waits on another
// console's); one console folds the deltas into event_counts under the `rollup` lease. The
// overview reads both, so it is exact before a fold too. The events already stored are
// counted once here.
import type { SqlMigration } from '../types.js';

export const m009Overview: SqlMigration = {
  version: 9,
  name: 'overview',
  sql: `
CREATE TABLE event_counts (
  hour       bigint NOT NULL,
  group_name text   NOT NULL,
  type       text   NOT NULL,
  n          bigint NOT NULL,
  PRIMARY KEY (hour, group_name, type)
);
CREATE TABLE event_count_deltas (
  hour       bigint NOT NULL,
  group_name text   NOT NULL,
  type       text   NOT NULL,
  n          bigint NOT NULL
);
CREATE INDEX event_count_deltas_hour ON event_count_deltas (hour);
INSERT INTO event_counts (hour, group_name, type, n)
  SELECT floor(e.ts / 3600000.0)::bigint, a.group_name, e.type, count(*)
  FROM events e JOIN agents a ON a.id = e.agent_id
  GROUP BY 1, 2, 3;
`,
};
