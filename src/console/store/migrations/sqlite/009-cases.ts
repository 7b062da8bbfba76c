// Cases of the early-warning process (issue 13 §5, core/console/cases.ts): alerts gathered into
// a case worked through the stages, its attached events and its history (who did what when).
// An alert is in at most one case (case_alerts' key). The SQL of both engines is one
// (cases-sql.ts); PostgreSQL's twin is its migration 008.
import type { SqlMigration } from '../types.js';

export const m009Cases: SqlMigration = {
  version: 9,
  name: 'cases',
  sql: `
CREATE TABLE cases (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  title      TEXT    NOT NULL,
  stage      TEXT    NOT NULL DEFAULT '预报' CHECK (stage IN ('预报', '调查', '初步评估', '处置', '结案')),
  severity   TEXT    NOT NULL,
  opened_by  TEXT    NOT NULL,
  opened_at  INTEGER NOT NULL,
  assignee   TEXT,
  due_at     INTEGER,
  updated_at INTEGER NOT NULL,
  outcome    TEXT
);
CREATE INDEX cases_stage ON cases (stage, id);
CREATE INDEX cases_due ON cases (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX cases_assignee ON cases (assignee, id);
CREATE TABLE case_alerts (
  alert_id INTEGER PRIMARY KEY,
  case_id  INTEGER NOT NULL REFERENCES cases (id)
);
CREATE INDEX case_alerts_case ON case_alerts (case_id, alert_id);
CREATE TABLE case_events (
  case_id  INTEGER NOT NULL REFERENCES cases (id),
  agent_id TEXT    NOT NULL,
  seq      INTEGER NOT NULL,
  -- The event's user when it was attached: the case keeps naming that person (per-person
  -- export) after retention removes the event itself.
  user_name TEXT,
  PRIMARY KEY (case_id, agent_id, seq)
);
CREATE INDEX case_events_user ON case_events (user_name, case_id);
CREATE TABLE case_entries (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  ts      INTEGER NOT NULL,
  actor   TEXT    NOT NULL,
  kind    TEXT    NOT NULL,
  data    TEXT    NOT NULL
);
CREATE INDEX case_entries_case ON case_entries (case_id, id);
`,
};
