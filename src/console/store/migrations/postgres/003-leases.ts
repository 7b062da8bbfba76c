// Leases (issue 12): work that exactly one console process may do at a time on a shared
// database (a SIEM sink's forwarder, the notifier, retention) is done by the holder of the
// lease of that name. A lease that is not renewed expires, so another process takes over
// when its holder dies. (SQLite's twin is its migration 004.)
import type { SqlMigration } from '../types.js';

export const m003Leases: SqlMigration = {
  version: 3,
  name: 'leases',
  sql: `
CREATE TABLE leases (
  name       text   PRIMARY KEY,
  holder     text   NOT NULL,
  expires_at bigint NOT NULL
);
`,
};
