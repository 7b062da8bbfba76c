// The first schema: the hash-chained events and a key/value state table.
import type { Migration } from './types.js';

export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    // seq is the rowid: events append at the right edge of the b-tree, which is what keeps
    // batched fsync'd writes cheap (random UUID keys would scatter them). Every column the
    // hash covers is stored, so the exact event can be rebuilt and rehashed by `verify`;
    // level and user are NULL when absent and left out of the rebuilt event.
    db.exec(`
      CREATE TABLE events (
        seq       INTEGER PRIMARY KEY,
        id        TEXT    NOT NULL,
        ts        INTEGER NOT NULL,
        type      TEXT    NOT NULL,
        severity  TEXT    NOT NULL,
        level     TEXT,
        user      TEXT,
        host      TEXT    NOT NULL,
        data      TEXT    NOT NULL,
        prev_hash TEXT    NOT NULL,
        hash      TEXT    NOT NULL
      );
      CREATE INDEX events_ts ON events (ts);
      CREATE INDEX events_type ON events (type);

      -- Small durable facts: the policy in force, the console's acknowledged seq, and so on.
      CREATE TABLE state (
        key   TEXT PRIMARY KEY,
        value BLOB
      ) WITHOUT ROWID;
    `);
  },
};
