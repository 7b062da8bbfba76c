// The folder snapshot in the event database (migration 002). Each change is applied by the
// `apply` hook of the event that records it, so the event and the snapshot row commit in one
// transaction: after a kill -9 they agree, and nothing is recorded twice or lost.
import type Database from 'better-sqlite3';
import { sameFile } from '../folders/diff.js';
import type { FileChange, SnapshotEntry, SnapshotStore } from '../folders/types.js';
import type { EventStore } from '../store/index.js';

type Db = Database.Database;

interface Row {
  rel: string;
  type: SnapshotEntry['type'];
  ino: number;
  size: number;
  mtime_ms: number;
  uid: number | null;
  btime_ms: number | null;
}

function toEntry(r: Omit<Row, 'rel'>): SnapshotEntry {
  return {
    type: r.type,
    ino: r.ino,
    size: r.size,
    mtimeMs: r.mtime_ms,
    ...(r.uid !== null ? { uid: r.uid } : {}),
    ...(r.btime_ms !== null ? { btimeMs: r.btime_ms } : {}),
  };
}

/** Prepared once per connection: a burst of 5,000 changes should not prepare 15,000 times. */
const statements = new WeakMap<Db, ReturnType<typeof prepare>>();
function prepare(db: Db) {
  return {
    del: db.prepare('DELETE FROM folder_snapshot WHERE root = ? AND rel = ?'),
    get: db.prepare(
      'SELECT type, ino, size, mtime_ms, uid, btime_ms FROM folder_snapshot WHERE root = ? AND rel = ?',
    ),
    put: db.prepare(
      `INSERT OR REPLACE INTO folder_snapshot (root, rel, type, ino, size, mtime_ms, uid, btime_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    mark: db.prepare('INSERT OR IGNORE INTO folder_roots (root, recorded_at) VALUES (?, ?)'),
  };
}
function stmts(db: Db) {
  let s = statements.get(db);
  if (!s) {
    s = prepare(db);
    statements.set(db, s);
  }
  return s;
}

export class SqliteSnapshotStore implements SnapshotStore {
  constructor(private readonly store: EventStore) {}

  load(root: string): Map<string, SnapshotEntry> | null {
    return this.store.withDb((db) => {
      const rows = db
        .prepare(
          'SELECT rel, type, ino, size, mtime_ms, uid, btime_ms FROM folder_snapshot WHERE root = ?',
        )
        .all(root) as Row[];
      const known = db.prepare('SELECT 1 FROM folder_roots WHERE root = ?').get(root);
      // Rows without a root record: a first scan was cut short; go on from what it stored.
      if (!known && rows.length === 0) return null;
      return new Map(rows.map((r) => [r.rel, toEntry(r)]));
    });
  }

  /** The layer calls this after onChanges; the rows were already written with the events. */
  applyChanges(): void {}

  /** Marks a root as recorded (its snapshot, even empty, is now authoritative). */
  static markRoot(db: Db, root: string, now: number): void {
    stmts(db).mark.run(root, now);
  }

  /** Applies one change (SnapshotStore.applyChanges semantics); runs inside the event's transaction. */
  static applyOne(db: Db, c: FileChange): void {
    const s = stmts(db);
    if (c.kind === 'deleted') {
      s.del.run(c.root, c.rel);
      return;
    }
    if (c.kind === 'renamed' && c.oldRel !== undefined) {
      const old = s.get.get(c.root, c.oldRel) as Omit<Row, 'rel'> | undefined;
      // Only if the old name still holds this very file (a swap may have reused it).
      if (old && sameFile(toEntry(old), c.entry)) s.del.run(c.root, c.oldRel);
    }
    const e = c.entry;
    s.put.run(c.root, c.rel, e.type, e.ino, e.size, e.mtimeMs, e.uid ?? null, e.btimeMs ?? null);
  }
}
