// Alert notifications (issue 12 §4; store/notify-types.ts): the outbox of deliveries (one per
// alert and channel, and summaries of quiet periods), the quiet windows per rule and agent,
// and a flag on each alert until the notifier has looked at it. Alerts raised before this
// migration are not notified (their flag is cleared here): notification starts with the
// alerts raised after it. (PostgreSQL's twin is its migration 006.)
import type { SqlMigration } from '../types.js';

export const m007Notify: SqlMigration = {
  version: 7,
  name: 'notify',
  sql: `
ALTER TABLE alerts ADD COLUMN notify_todo INTEGER NOT NULL DEFAULT 1;
UPDATE alerts SET notify_todo = 0;
CREATE INDEX alerts_notify_todo ON alerts (id) WHERE notify_todo = 1;

-- next_at: when a pending delivery is due, or when the claim of a sending one runs out.
CREATE TABLE notify_deliveries (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id    INTEGER,
  kind        TEXT    NOT NULL CHECK (kind IN ('alert', 'summary')),
  channel     TEXT    NOT NULL,
  rule        TEXT    NOT NULL,
  agent_key   TEXT    NOT NULL,
  state       TEXT    NOT NULL
    CHECK (state IN ('held', 'pending', 'sending', 'sent', 'failed', 'named', 'skipped')),
  named_in    INTEGER,
  created_at  INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  next_at     INTEGER NOT NULL,
  claimed_by  TEXT,
  last_error  TEXT,
  last_detail TEXT,
  sent_at     INTEGER,
  UNIQUE (alert_id, channel)
);
CREATE INDEX notify_deliveries_due ON notify_deliveries (next_at) WHERE state IN ('pending', 'sending');
CREATE INDEX notify_deliveries_held ON notify_deliveries (rule, agent_key) WHERE state = 'held';
CREATE INDEX notify_deliveries_named ON notify_deliveries (named_in) WHERE named_in IS NOT NULL;

CREATE TABLE notify_quiet (
  rule      TEXT    NOT NULL,
  agent_key TEXT    NOT NULL,
  until     INTEGER NOT NULL,
  PRIMARY KEY (rule, agent_key)
) WITHOUT ROWID;
`,
};
