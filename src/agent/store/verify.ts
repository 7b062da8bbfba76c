// Feeds the stored chain to the shared walk (src/core/events/verify.ts), which holds the
// rules, including how a `store.pruned` record vouches for a removed prefix.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { ChainItem, VerifyResult } from '../../core/events/verify.js';
import { verifyChain } from '../../core/events/verify.js';
import { DB_FILE, openDatabase } from './open.js';
import { EVENT_COLUMNS, type EventRow, rowToEvent } from './rows.js';
import type { Db } from './types.js';

/** Every stored event in seq order, read lazily; a row that does not parse is named, not thrown. */
export function* storedChain(db: Db): Generator<ChainItem> {
  const rows = db.prepare(`SELECT ${EVENT_COLUMNS} FROM events ORDER BY seq ASC`);
  for (const row of rows.iterate() as IterableIterator<EventRow>) {
    try {
      yield rowToEvent(row);
    } catch {
      yield { seq: row.seq, unreadable: 'data is not valid JSON' };
    }
  }
}

/**
 * Verifies a `baomi.db` file, or a data directory holding one, opened read-only (safe while
 * the agent is writing); the read runs in one snapshot.
 */
export function verifyStore(path: string): VerifyResult {
  const isDir = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  const dataDir = isDir ? path : join(path, '..');
  if (!isDir && !path.endsWith(DB_FILE)) {
    throw new TypeError(`verifyStore expects a data directory or a path ending in ${DB_FILE}`);
  }
  const { db } = openDatabase(dataDir, true);
  try {
    return db.transaction(() => verifyChain(storedChain(db)))();
  } finally {
    db.close();
  }
}
