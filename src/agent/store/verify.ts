// Walks the stored chain in seq order and reports the first place it does not hold.
//
// SECURITY: this is what lets a reader trust the log. The walk starts at seq 1 from
// GENESIS_HASH, or, after retention, from an anchor whose claim (throughSeq, hash) must be
// confirmed by a `store.pruned` event found *later in the verified chain*: the anchor is then
// itself covered by the hashes that follow it, and a prefix deleted by hand has no such record.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { checkLink } from '../../core/events/chain.js';
import { GENESIS_HASH } from '../../core/events/types.js';
import { DB_FILE, openDatabase } from './open.js';
import { EVENT_COLUMNS, type EventRow, rowToEvent } from './rows.js';
import type { Db, VerifyResult } from './types.js';

export function verifyDb(db: Db): VerifyResult {
  const rows = db.prepare(`SELECT ${EVENT_COLUMNS} FROM events ORDER BY seq ASC`);
  let prev: { seq: number; hash: string } | undefined;
  let firstSeq: number | null = null;
  // Set when the walk starts after seq 1; cleared by the store.pruned event that vouches for it.
  let unconfirmed: { throughSeq: number; hash: string } | undefined;
  let checked = 0;

  for (const row of rows.iterate() as IterableIterator<EventRow>) {
    let event: ReturnType<typeof rowToEvent>;
    try {
      event = rowToEvent(row);
    } catch {
      return {
        ok: false,
        checked,
        brokenAt: row.seq,
        kind: 'hash',
        detail: `seq ${row.seq}: data is not valid JSON`,
      };
    }
    if (prev === undefined) {
      firstSeq = event.seq;
      if (event.seq === 1) prev = { seq: 0, hash: GENESIS_HASH };
      else {
        unconfirmed = { throughSeq: event.seq - 1, hash: event.prevHash };
        prev = { seq: event.seq - 1, hash: event.prevHash };
      }
    }
    const broken = checkLink(prev, event);
    if (broken) {
      switch (broken.kind) {
        case 'gap':
          return {
            ok: false,
            checked,
            brokenAt: broken.expectedSeq,
            kind: 'gap',
            detail: `seq ${broken.expectedSeq} is missing (next stored is ${broken.seq})`,
          };
        case 'link':
          return {
            ok: false,
            checked,
            brokenAt: broken.seq,
            kind: 'link',
            detail: `seq ${broken.seq}: prevHash ${broken.actualPrev} does not match the hash of seq ${broken.seq - 1} (${broken.expectedPrev})`,
          };
        case 'hash':
          return {
            ok: false,
            checked,
            brokenAt: broken.seq,
            kind: 'hash',
            detail: `seq ${broken.seq}: content does not match its hash`,
          };
      }
    }
    checked++;
    if (unconfirmed && event.type === 'store.pruned') {
      const d = event.data;
      if (d.throughSeq === unconfirmed.throughSeq && d.hash === unconfirmed.hash)
        unconfirmed = undefined;
    }
    prev = { seq: event.seq, hash: event.hash };
  }

  if (unconfirmed) {
    return {
      ok: false,
      checked,
      brokenAt: unconfirmed.throughSeq + 1,
      kind: 'missing-prefix',
      detail: `events 1…${unconfirmed.throughSeq} are missing and no store.pruned event records their removal`,
    };
  }
  return { ok: true, checked, firstSeq, lastSeq: prev?.seq ?? null };
}

/**
 * Verifies an open database, a `baomi.db` file, or a data directory holding one. A path is
 * opened read-only (safe while the agent is writing); the read runs in one snapshot.
 */
export function verifyStore(dbOrPath: Db | string): VerifyResult {
  if (typeof dbOrPath !== 'string') return verifyDb(dbOrPath);
  const isDir = statSync(dbOrPath, { throwIfNoEntry: false })?.isDirectory() ?? false;
  const dataDir = isDir ? dbOrPath : join(dbOrPath, '..');
  if (!isDir && !dbOrPath.endsWith(DB_FILE)) {
    throw new TypeError(`verifyStore expects a data directory or a path ending in ${DB_FILE}`);
  }
  const { db } = openDatabase(dataDir, true);
  try {
    return db.transaction(() => verifyDb(db))();
  } finally {
    db.close();
  }
}
