// Pending hash work (migration 003): one row per file whose last change has no `file.hashed`
// yet. Rows change only as effects of the events they belong to (AppendEffects.hash and
// .hashed), so after a stop or a kill -9 the queue and the log agree: a change is pending
// exactly when its event is stored and its hash is not.
import type { Db, HashQueueChange, PendingHash } from './types.js';

interface Row {
  root: string;
  rel: string;
  of_seq: number;
  ino: number;
  size: number;
  mtime_ms: number;
}

function prepareWrites(db: Db) {
  return {
    del: db.prepare('DELETE FROM hash_queue WHERE root = ? AND rel = ?'),
    delIfIno: db.prepare('DELETE FROM hash_queue WHERE root = ? AND rel = ? AND ino = ?'),
    delIfSeq: db.prepare('DELETE FROM hash_queue WHERE root = ? AND rel = ? AND of_seq = ?'),
    put: db.prepare(
      `INSERT OR REPLACE INTO hash_queue (root, rel, of_seq, ino, size, mtime_ms)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
  };
}

/** Statements prepared once per store, the writing ones on first use (a read-only store never does). */
export class HashQueueTable {
  private writes: ReturnType<typeof prepareWrites> | undefined;

  constructor(private readonly db: Db) {}

  /** The pending work of these roots, oldest change first. */
  list(roots: readonly string[]): PendingHash[] {
    if (roots.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT root, rel, of_seq, ino, size, mtime_ms FROM hash_queue
         WHERE root IN (${roots.map(() => '?').join(', ')}) ORDER BY of_seq`,
      )
      .all(...roots) as Row[];
    return rows.map((r) => ({
      root: r.root,
      rel: r.rel,
      ofSeq: r.of_seq,
      ino: r.ino,
      size: r.size,
      mtimeMs: r.mtime_ms,
    }));
  }

  count(roots: readonly string[]): number {
    if (roots.length === 0) return 0;
    const r = this.db
      .prepare(
        `SELECT count(*) AS n FROM hash_queue WHERE root IN (${roots.map(() => '?').join(', ')})`,
      )
      .get(...roots) as { n: number };
    return r.n;
  }

  /** A file event's effect; `seq` is that event's. Must run in its transaction. */
  change(c: HashQueueChange, seq: number): void {
    this.writes ??= prepareWrites(this.db);
    const s = this.writes;
    // A rename takes its file's pending work along (the rename's own row below replaces it);
    // the old name keeps a row that belongs to another file (a swap reused the name).
    if (c.oldRel !== undefined) s.delIfIno.run(c.root, c.oldRel, c.ino);
    if (c.pending) s.put.run(c.root, c.rel, seq, c.ino, c.pending.size, c.pending.mtimeMs);
    else s.del.run(c.root, c.rel);
  }

  /** A `file.hashed` event's effect: the work for `ofSeq` is done (a newer change's row stays). */
  done(root: string, rel: string, ofSeq: number): void {
    this.writes ??= prepareWrites(this.db);
    this.writes.delIfSeq.run(root, rel, ofSeq);
  }
}
