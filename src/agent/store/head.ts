// `<dataDir>/chain.head`: the chain's head kept outside the database (DESIGN.md "Chain head
// outside the database"), so that cutting rows off the end of the log is seen: the log must
// still reach the head. Written after every commit, without an fsync: the database is fsync'd
// first, so the file can only lag behind it after a power cut, and an older head is harmless
// (the chain still reaches it). Written to a temporary file and renamed, so a reader never
// sees half a file; 0600 like the database.
//
// SECURITY: never write a head the database has not committed (it would accuse an intact log);
// never skip the write on a commit path (a stale head lets a later cut go unseen back to it).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChainHead, HeadClaim } from '../../core/events/verify.js';

export const HEAD_FILE = 'chain.head';

const HEX64 = /^[0-9a-f]{64}$/;

export function headPath(dataDir: string): string {
  return join(dataDir, HEAD_FILE);
}

/** What `chain.head` in dataDir says now. */
export function readHeadFile(dataDir: string): HeadClaim {
  let text: string;
  try {
    text = readFileSync(headPath(dataDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return 'unreadable';
  }
  try {
    const v = JSON.parse(text) as { seq?: unknown; hash?: unknown };
    if (Number.isSafeInteger(v.seq) && (v.seq as number) >= 0 && typeof v.hash === 'string')
      if (HEX64.test(v.hash)) return { seq: v.seq as number, hash: v.hash };
  } catch {
    // below
  }
  return 'unreadable';
}

/**
 * Returns a writer for dataDir's head. One writer per data dir (the agent's lock), so one
 * temporary name is enough. A failed write is reported to `onError` and otherwise ignored:
 * the head then lags, which is harmless, and the next commit writes it again.
 */
export function headWriter(dataDir: string, onError: (e: unknown) => void = () => {}) {
  const file = headPath(dataDir);
  const tmp = `${file}.tmp`;
  return (head: ChainHead): void => {
    try {
      writeFileSync(tmp, `${JSON.stringify({ seq: head.seq, hash: head.hash })}\n`, {
        mode: 0o600,
      });
      renameSync(tmp, file);
    } catch (e) {
      onError(e);
    }
  };
}
