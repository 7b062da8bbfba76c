// The folder snapshot's rows (tables of migration 002): what the agent last knew about every
// watched file, read back at start and changed only as an append's effect, so a change and
// the file event that records it commit in one transaction (after a kill -9 they agree, and
// nothing is recorded twice or lost).
import { sameFile } from '../folders/diff.js';
import type { SnapshotEntry } from '../folders/types.js';
import type { Db, SnapshotChange } from './types.js';

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
  const e: SnapshotEntry = { type: r.type, ino: r.ino, size: r.size, mtimeMs: r.mtime_ms };
  if (r.uid !== null) e.uid = r.uid;
  if (r.btime_ms !== null) e.btimeMs = r.btime_ms;
  return e;
}

function prepareReads(db: Db) {
  return {
    all: db.prepare(
      'SELECT rel, type, ino, size, mtime_ms, uid, btime_ms FROM folder_snapshot WHERE root = ?',
    ),
    known: db.prepare('SELECT 1 FROM folder_roots WHERE root = ?'),
  };
}

function prepareWrites(db: Db) {
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

/**
 * Statements are prepared once per store (a burst of 5,000 changes should not prepare 15,000
 * times), the writing ones on first use so a read-only store never prepares them.
 */
export class SnapshotTable {
  private reads: ReturnType<typeof prepareReads> | undefined;
  private writes: ReturnType<typeof prepareWrites> | undefined;

  constructor(private readonly db: Db) {}

  /** The root's entries by rel; null when the root was never recorded (a first scan is then a baseline). */
  load(root: string): Map<string, SnapshotEntry> | null {
    this.reads ??= prepareReads(this.db);
    const rows = this.reads.all.all(root) as Row[];
    // Rows without a root record: a first scan was cut short; go on from what it stored.
    if (rows.length === 0 && !this.reads.known.get(root)) return null;
    return new Map(rows.map((r) => [r.rel, toEntry(r)]));
  }

  /** The root's snapshot, even empty, is authoritative from now on. Must run in a transaction. */
  markRoot(root: string, now: number): void {
    this.writes ??= prepareWrites(this.db);
    this.writes.mark.run(root, now);
  }

  /**
   * Applies one change, with the semantics of the folder layer's SnapshotStore.applyChanges:
   * created/modified put `rel`; deleted removes it; renamed removes `oldRel` only if it still
   * holds this very file (a swap may have reused the name), then puts `rel`.
   */
  apply(c: SnapshotChange): void {
    this.writes ??= prepareWrites(this.db);
    const s = this.writes;
    if (c.kind === 'deleted') {
      s.del.run(c.root, c.rel);
      return;
    }
    if (c.kind === 'renamed' && c.oldRel !== undefined) {
      const old = s.get.get(c.root, c.oldRel) as Omit<Row, 'rel'> | undefined;
      if (old && sameFile(toEntry(old), c.entry)) s.del.run(c.root, c.oldRel);
    }
    const e = c.entry;
    s.put.run(c.root, c.rel, e.type, e.ino, e.size, e.mtimeMs, e.uid ?? null, e.btimeMs ?? null);
  }
}
