// Cases of the early-warning process: SQLite's migration 009 says what and why.
import type { SqlMigration } from '../types.js';

export const m008Cases: SqlMigration = {
  version: 8,
  name: 'cases',
  sql: `
CREATE TABLE cases (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title      text   NOT NULL,
  stage      text   NOT NULL DEFAULT '预报' CHECK (stage IN ('预报', '调查', '初步评估', '处置', '结案')),
  severity   text   NOT NULL,
  opened_by  text   NOT NULL,
  opened_at  bigint NOT NULL,
  assignee   text,
  due_at     bigint,
  updated_at bigint NOT NULL,
  outcome    text
);
CREATE INDEX cases_stage ON cases (stage, id);
CREATE INDEX cases_due ON cases (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX cases_assignee ON cases (assignee, id);
CREATE TABLE case_alerts (
  alert_id bigint PRIMARY KEY,
  case_id  bigint NOT NULL REFERENCES cases (id)
);
CREATE INDEX case_alerts_case ON case_alerts (case_id, alert_id);
CREATE TABLE case_events (
  case_id  bigint NOT NULL REFERENCES cases (id),
  agent_id text COLLATE "C" NOT NULL,
  seq      bigint NOT NULL,
  user_name text,
  PRIMARY KEY (case_id, agent_id, seq)
);
CREATE INDEX case_events_user ON case_events (user_name, case_id);
CREATE TABLE case_entries (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id bigint NOT NULL REFERENCES cases (id),
  ts      bigint NOT NULL,
  actor   text   NOT NULL,
  kind    text   NOT NULL,
  data    text   NOT NULL
);
CREATE INDEX case_entries_case ON case_entries (case_id, id);
`,
};
