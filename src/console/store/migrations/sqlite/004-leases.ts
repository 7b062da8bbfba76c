// Leases (issue 12): work that exactly one console process may do at a time on a shared
// database (a SIEM sink's forwarder, the notifier, retention) is done by the holder of the
// lease of that name. A lease that is not renewed expires, so another process takes over
// when its holder dies. (PostgreSQL's twin is its migration 003.)
import type { SqlMigration } from '../types.js';

export const m004Leases: SqlMigration = {
  version: 4,
  name: 'leases',
  sql: `
CREATE TABLE leases (
  name       TEXT    PRIMARY KEY,
  holder     TEXT    NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
};
