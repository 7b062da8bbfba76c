// Who moved an alert to its stage, when and why (setAlertState; issue 11 "alert changed").
// The full history is the audit trail (`alert.changed` rows); the row keeps the last change so
// the list of alerts can show it without reading the trail. NULL on alerts nobody has changed.
// (SQLite's twin is its migration 003: its 002 added the audit head PostgreSQL had from 001.)
import type { SqlMigration } from '../types.js';

export const m002AlertStateChange: SqlMigration = {
  version: 2,
  name: 'alert-state-change',
  sql: `
ALTER TABLE alerts ADD COLUMN state_by   text;
ALTER TABLE alerts ADD COLUMN state_at   bigint;
ALTER TABLE alerts ADD COLUMN state_note text;
`,
};
