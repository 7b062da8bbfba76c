// Retention removes whole prefixes of the log and records what it removed (DESIGN.md
// "Contracts"). It never edits an event and never opens a hole in the middle.
//
// Size is measured as SQLite's pages in use: (page_count − freelist_count) × page_size. Unlike
// a sum of row sizes it counts the indexes and b-tree overhead that really occupy the disk, and
// it drops as soon as rows are deleted (freed pages go to the freelist and are reused), so the
// file stops growing at about the cap without a VACUUM rewriting the whole log.
import type { BaomiEvent, EventInput } from '../../core/events/types.js';
import { readAckedSeq } from './state.js';
import type { Db, PruneOptions, PruneResult } from './types.js';

const DAY_MS = 86_400_000;
/** A size-driven pass may need a few rounds: freed index pages trail the rows. */
const MAX_SIZE_ROUNDS = 50;

export function usedBytes(db: Db): number {
  const pageCount = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  return (pageCount - free) * pageSize;
}

function bounds(db: Db): { first: number; last: number; n: number } | undefined {
  const r = db
    .prepare('SELECT min(seq) AS first, max(seq) AS last, count(*) AS n FROM events')
    .get() as {
    first: number | null;
    last: number | null;
    n: number;
  };
  return r.first === null || r.last === null ? undefined : { first: r.first, last: r.last, n: r.n };
}

/** The last seq of the longest prefix whose events are all older than `cutoff`. */
function ageThrough(db: Db, cutoff: number, first: number, last: number): number {
  const r = db.prepare('SELECT min(seq) AS s FROM events WHERE ts >= ?').get(cutoff) as {
    s: number | null;
  };
  return r.s === null ? last : Math.max(first - 1, r.s - 1);
}

/**
 * Deletes the prefix (and more, for the size cap) inside the caller's transaction and appends
 * `store.pruned` through `add`. Returns null when nothing had to go.
 */
export function pruneInTransaction(
  db: Db,
  opts: PruneOptions,
  add: (input: EventInput) => BaomiEvent,
): PruneResult | null {
  const b = bounds(db);
  if (!b) return null;
  const acked = readAckedSeq(db);
  let through = b.first - 1;

  if (opts.days !== undefined) {
    let t = ageThrough(db, opts.now - opts.days * DAY_MS, b.first, b.last);
    // Age alone never takes what the console has not confirmed it holds.
    if (opts.consoleConfigured) t = Math.min(t, acked);
    through = Math.max(through, t);
  }

  const del = db.prepare('DELETE FROM events WHERE seq <= ?');
  const hashOf = db.prepare('SELECT hash FROM events WHERE seq = ?').pluck();
  const countUnacked = db.prepare('SELECT count(*) FROM events WHERE seq > ? AND seq <= ?').pluck();
  // Read before deleting: the anchor the next event links to.
  let lastHash = through >= b.first ? (hashOf.get(through) as string) : undefined;
  let count = 0;
  let lostUnsynced = 0;
  const remove = (upTo: number) => {
    // Without a console nothing is waiting to be sent, so nothing unsynced is lost.
    if (opts.consoleConfigured) lostUnsynced += countUnacked.get(acked, upTo) as number;
    count += del.run(upTo).changes;
  };
  if (through >= b.first) remove(through);

  if (opts.maxSizeBytes !== undefined) {
    for (let round = 0; round < MAX_SIZE_ROUNDS; round++) {
      const used = usedBytes(db);
      const remaining = b.last - through;
      // Keep the newest event: the chain continues from it and the pruned record links to it.
      if (used <= opts.maxSizeBytes || remaining <= 1) break;
      const perEvent = used / remaining;
      const extra = Math.ceil((used - opts.maxSizeBytes) / perEvent);
      const next = Math.min(b.last - 1, through + Math.max(1, extra));
      lastHash = hashOf.get(next) as string;
      remove(next);
      through = next;
    }
  }

  if (count === 0) return null;
  // A hole at the cut means the log was already tampered with; refuse rather than paper over it.
  if (lastHash === undefined)
    throw new Error(`cannot prune: seq ${through} is missing, run verify`);
  const event = add({
    type: 'store.pruned',
    severity: lostUnsynced > 0 ? 'high' : 'info',
    ts: opts.now,
    data: { throughSeq: through, hash: lastHash, count, lostUnsynced },
  });
  return { throughSeq: through, count, lostUnsynced, event };
}
