// Feeds the stored chain to the shared walk (src/core/events/verify.ts), which holds the
// rules, including how a `store.pruned` record vouches for a removed prefix.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import type {
  ChainBreak,
  ChainItem,
  HeadClaim,
  VerifyOptions,
  VerifyResult,
} from '../../core/events/verify.js';
import { ChainWalk, headBreaks, verifyChain } from '../../core/events/verify.js';
import { readHeadFile } from './head.js';
import { DB_FILE, openDatabase } from './open.js';
import { EVENT_COLUMNS, type EventRow, rowToEvent } from './rows.js';
import type { Db } from './types.js';

function toItem(row: EventRow): ChainItem {
  try {
    return rowToEvent(row);
  } catch {
    return { seq: row.seq, unreadable: 'data is not valid JSON' };
  }
}

/** Every stored event in seq order, read lazily; a row that does not parse is named, not thrown. */
export function* storedChain(db: Db): Generator<ChainItem> {
  const rows = db.prepare(`SELECT ${EVENT_COLUMNS} FROM events ORDER BY seq ASC`);
  for (const row of rows.iterate() as IterableIterator<EventRow>) yield toItem(row);
}

/** About 10–40 ms of hashing on a workstation: the agent's longest pause during a walk. */
export const SLICE_EVENTS = 1_000;

/**
 * The head rules on a quick look at the database (no walk: the last seq and the hash stored
 * at the head's seq), so a log cut while the agent was stopped is said at start, before the
 * first commit rewrites chain.head. The walk that follows judges the same again, fully.
 */
export function quickHeadCheck(db: Db, claim: HeadClaim): ChainBreak[] {
  const range = db.prepare('SELECT min(seq) AS first, max(seq) AS last FROM events').get() as {
    first: number | null;
    last: number | null;
  };
  const heads = [];
  if (typeof claim === 'object') {
    const row = db.prepare('SELECT hash FROM events WHERE seq = ?').get(claim.seq) as
      | { hash: string }
      | undefined;
    heads.push({ seq: claim.seq, expected: claim.hash, ...(row ? { found: row.hash } : {}) });
  }
  const checked = db
    .prepare("SELECT 1 FROM events WHERE type = 'store.chain-checked' LIMIT 1")
    .get();
  return headBreaks({
    claim,
    heads,
    firstSeq: range.first,
    lastSeq: range.last,
    sawChainCheck: checked !== undefined,
  });
}

/**
 * The same walk, SLICE_EVENTS rows at a time with a turn of the event loop between slices,
 * so the running agent keeps deciding and recording while it checks a long chain. Each
 * slice is its own read; events appended meanwhile are walked too. Retention removing a
 * prefix during the walk would look like a gap, so `generation()` (bumped by every prune)
 * restarts the walk when it changed; after three tries the walk runs in one read. `signal`
 * ends the walk between slices (it rejects with the signal's reason).
 */
export async function walkInSlices(
  db: Db,
  opts: () => VerifyOptions,
  generation: () => number,
  signal?: AbortSignal,
): Promise<VerifyResult> {
  const page = db.prepare(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE seq > ? ORDER BY seq ASC LIMIT ${SLICE_EVENTS}`,
  );
  for (let attempt = 0; attempt < 3; attempt++) {
    const gen = generation();
    const walk = new ChainWalk(opts());
    let after = Number.MIN_SAFE_INTEGER;
    let restarted = false;
    for (;;) {
      const rows = page.all(after) as EventRow[];
      for (const row of rows) walk.push(toItem(row));
      if (rows.length < SLICE_EVENTS) break;
      after = rows[rows.length - 1]!.seq;
      await tick();
      signal?.throwIfAborted(); // the store may be closing: read nothing more
      if (generation() !== gen) {
        restarted = true;
        break;
      }
    }
    if (!restarted) return walk.result();
  }
  const o = opts();
  return db.transaction(() => verifyChain(storedChain(db), o))();
}

/**
 * Verifies a `baomi.db` file, or a data directory holding one, opened read-only (safe while
 * the agent is writing); the read runs in one snapshot, and the chain must reach the
 * `chain.head` of that directory.
 */
export function verifyStore(path: string): VerifyResult {
  const isDir = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  const dataDir = isDir ? path : join(path, '..');
  if (!isDir && !path.endsWith(DB_FILE)) {
    throw new TypeError(`verifyStore expects a data directory or a path ending in ${DB_FILE}`);
  }
  // Read before the database: chain.head is written after each commit, so a head read first
  // is one the database (read after it) has reached, even while an agent is writing.
  const head = readHeadFile(dataDir);
  const { db } = openDatabase(dataDir, true);
  try {
    return db.transaction(() => verifyChain(storedChain(db), { head }))();
  } finally {
    db.close();
  }
}
