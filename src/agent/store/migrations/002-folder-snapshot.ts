// The snapshot of each watched folder tree (never file contents): what the agent last knew
// about every non-directory entry. It is updated in the same transaction as the file event
// that changed it, so after a kill -9 the snapshot and the log agree, and the start-up scan
// records exactly what happened while the agent was down.
import type { Migration } from './types.js';

export const m002FolderSnapshot: Migration = {
  version: 2,
  name: 'folder-snapshot',
  up(db) {
    db.exec(`
      -- A root is listed once it has been scanned: an empty snapshot then means "empty
      -- folder", not "never looked" (which makes the first scan a baseline).
      CREATE TABLE folder_roots (
        root        TEXT PRIMARY KEY,
        recorded_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      -- rel: path relative to the root; a segment that is not valid UTF-8 is stored as
      -- NUL + base64url of its bytes (src/agent/folders/relpath.ts).
      CREATE TABLE folder_snapshot (
        root     TEXT    NOT NULL,
        rel      TEXT    NOT NULL,
        type     TEXT    NOT NULL,
        ino      INTEGER NOT NULL,
        size     INTEGER NOT NULL,
        mtime_ms REAL    NOT NULL,
        uid      INTEGER,
        btime_ms REAL,
        PRIMARY KEY (root, rel)
      ) WITHOUT ROWID;
    `);
  },
};
