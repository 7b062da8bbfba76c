// Who moved an alert to its stage, when and why (setAlertState; issue 11 "alert changed").
// The full history is the audit trail (`alert.changed` rows); the row keeps the last change so
// the list of alerts can show it without reading the trail. NULL on alerts nobody has changed.
import type { SqlMigration } from '../types.js';

export const m003AlertStateChange: SqlMigration = {
  version: 3,
  name: 'alert-state-change',
  sql: `
ALTER TABLE alerts ADD COLUMN state_by   TEXT;
ALTER TABLE alerts ADD COLUMN state_at   INTEGER;
ALTER TABLE alerts ADD COLUMN state_note TEXT;
`,
};
