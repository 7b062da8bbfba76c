// Alert notifications (issue 12 §4; store/notify-types.ts): the outbox of deliveries (one per
// alert and channel, and summaries of quiet periods), the quiet windows per rule and agent,
// and a flag on each alert until the notifier has looked at it. Alerts raised before this
// migration are not notified: the column is added false for them, then defaults to true for
// every alert raised after it. (SQLite's twin is its migration 007.)
import type { SqlMigration } from '../types.js';

export const m006Notify: SqlMigration = {
  version: 6,
  name: 'notify',
  sql: `
ALTER TABLE alerts ADD COLUMN notify_todo boolean NOT NULL DEFAULT false;
ALTER TABLE alerts ALTER COLUMN notify_todo SET DEFAULT true;
CREATE INDEX alerts_notify_todo ON alerts (id) WHERE notify_todo;

-- next_at: when a pending delivery is due, or when the claim of a sending one runs out.
CREATE TABLE notify_deliveries (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id    bigint,
  kind        text   NOT NULL CHECK (kind IN ('alert', 'summary')),
  channel     text   NOT NULL,
  rule        text   NOT NULL,
  agent_key   text COLLATE "C" NOT NULL,
  state       text   NOT NULL
    CHECK (state IN ('held', 'pending', 'sending', 'sent', 'failed', 'named', 'skipped')),
  named_in    bigint,
  created_at  bigint NOT NULL,
  attempts    integer NOT NULL DEFAULT 0,
  next_at     bigint NOT NULL,
  claimed_by  text,
  last_error  text,
  last_detail text,
  sent_at     bigint,
  UNIQUE (alert_id, channel)
);
CREATE INDEX notify_deliveries_due ON notify_deliveries (next_at) WHERE state IN ('pending', 'sending');
CREATE INDEX notify_deliveries_held ON notify_deliveries (rule, agent_key) WHERE state = 'held';
CREATE INDEX notify_deliveries_named ON notify_deliveries (named_in) WHERE named_in IS NOT NULL;

CREATE TABLE notify_quiet (
  rule      text   NOT NULL,
  agent_key text COLLATE "C" NOT NULL,
  until     bigint NOT NULL,
  PRIMARY KEY (rule, agent_key)
);
`,
};
