// The audit chain's head as a row of its own, as PostgreSQL has had from its first schema:
// appendAudit chains from it and moves it in the same transaction, and verification compares
// it with the last row of the trail, so rows deleted from the end are seen (a chain walk
// alone cannot tell a trail cut short from one that ends there). Seeded from the trail as it
// stands when this migration runs.
import type { SqlMigration } from '../types.js';

export const m002AuditHead: SqlMigration = {
  version: 2,
  name: 'audit-head',
  sql: `
CREATE TABLE audit_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,
  hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
SELECT 1,
       coalesce((SELECT seq FROM audit ORDER BY seq DESC LIMIT 1), 0),
       coalesce((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1), '${'0'.repeat(64)}');
`,
};
