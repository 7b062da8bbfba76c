// The folder snapshot keyed by directory (issue 8, "Scale"): the watcher no longer keeps every
// file in memory, it reads what a change needs from here. A live change asks for one path,
// a scan for one directory's files at a time, a rename whose old path was not reported for
// the files holding one inode. So the rows are keyed (root, dir, name), and an index finds
// them by inode. The rows are copied over from migration 002's (root, rel) table.
import { parentRel } from '../../../core/relpath.js';
import type { Migration } from './types.js';

interface OldRow {
  root: string;
  rel: string;
  type: string;
  ino: number;
  size: number;
  mtime_ms: number;
  uid: number | null;
  btime_ms: number | null;
}

/** Rows copied per read (a big snapshot is never read whole). */
const PAGE = 10_000;

export const m004SnapshotByDir: Migration = {
  version: 4,
  name: 'snapshot-by-dir',
  up(db) {
    db.exec(`
      -- dir: the path of the entry's directory relative to the root ('' for the root itself),
      -- name: its last segment; dir/name (or name alone in the root) is the rel of 002, in the
      -- same encoding (src/agent/folders/relpath.ts).
      CREATE TABLE folder_snapshot_by_dir (
        root     TEXT    NOT NULL,
        dir      TEXT    NOT NULL,
        name     TEXT    NOT NULL,
        type     TEXT    NOT NULL,
        ino      INTEGER NOT NULL,
        size     INTEGER NOT NULL,
        mtime_ms REAL    NOT NULL,
        uid      INTEGER,
        btime_ms REAL,
        PRIMARY KEY (root, dir, name)
      ) WITHOUT ROWID;
    `);
    const page = db.prepare(
      `SELECT root, rel, type, ino, size, mtime_ms, uid, btime_ms FROM folder_snapshot
       WHERE (root, rel) > (?, ?) ORDER BY root, rel LIMIT ${PAGE}`,
    );
    const put = db.prepare(
      `INSERT INTO folder_snapshot_by_dir (root, dir, name, type, ino, size, mtime_ms, uid, btime_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let root = '';
    let rel = '';
    for (;;) {
      const rows = page.all(root, rel) as OldRow[];
      for (const r of rows) {
        const dir = parentRel(r.rel);
        const name = dir === '' ? r.rel : r.rel.slice(dir.length + 1);
        put.run(r.root, dir, name, r.type, r.ino, r.size, r.mtime_ms, r.uid, r.btime_ms);
      }
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1]!;
      root = last.root;
      rel = last.rel;
    }
    db.exec(`
      DROP TABLE folder_snapshot;
      ALTER TABLE folder_snapshot_by_dir RENAME TO folder_snapshot;
      CREATE INDEX folder_snapshot_ino ON folder_snapshot (root, ino);
    `);
  },
};
