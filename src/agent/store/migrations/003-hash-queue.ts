// Pending hash work (issue 8 item 11): a file's SHA-256 is computed after its event is stored,
// so the work still to do must survive a stop or a crash. One row per file whose last
// change (created, modified or renamed) has no `file.hashed` yet; it is written in the same
// transaction as that event and removed in the same transaction as the `file.hashed` that
// completes it (AppendEffects.hash / hashed). After a restart the recorder hashes what is
// left. Kept beside the folder snapshot rather than derived from the log at start: deriving
// means finding, for every watched file, its last change event and any `file.hashed` pointing
// at it, a walk of the whole log (JSON paths, no index) at every start.
import type { Migration } from './types.js';

export const m003HashQueue: Migration = {
  version: 3,
  name: 'hash-queue',
  up(db) {
    db.exec(`
      -- root, rel: as in folder_snapshot. of_seq: the event the hash will complete (its
      -- file.hashed carries it as ofSeq). ino, size, mtime_ms: the file that event saw; a
      -- file that is no longer that file is not hashed for it (a newer change is).
      CREATE TABLE hash_queue (
        root     TEXT    NOT NULL,
        rel      TEXT    NOT NULL,
        of_seq   INTEGER NOT NULL,
        ino      INTEGER NOT NULL,
        size     INTEGER NOT NULL,
        mtime_ms REAL    NOT NULL,
        PRIMARY KEY (root, rel)
      ) WITHOUT ROWID;
    `);
  },
};
