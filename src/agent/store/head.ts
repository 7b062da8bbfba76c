// `<dataDir>/chain.head`: the chain's head kept outside the database (DESIGN.md "Chain head
// outside the database"), so that cutting rows off the end of the log is seen: the log must
// still reach the head. Written after every commit, without an fsync: the database is fsync'd
// first, so the file can only lag behind it after a power cut, and an older head is harmless
// (the chain still reaches it). Written to a temporary file and renamed, so a reader never
// sees half a file; 0600 like the database.
//
// SECURITY: never write a head the database has not committed (it would accuse an intact log);
// never skip the write on a commit path (a stale head lets a later cut go unseen back to it).
import { readdirSync, readFileSync, rename, renameSync, rmSync, writeFileSync } from 'node:fs';
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

function body(head: ChainHead): string {
  return `${JSON.stringify({ seq: head.seq, hash: head.hash })}\n`;
}

/**
 * Writes dataDir's head. One writer per data dir (the agent's lock).
 *
 * Cost: replacing a file by rename makes ext4 (auto_da_alloc) push the new file's data out
 * first, about 1 ms, as long as a commit's fsync; on the commit path that was a tenth of the
 * store's throughput (bench:store). So each head is written to its own temporary file at once
 * (about 50 µs) and the rename runs in the background, one at a time; a head that arrives
 * meanwhile waits, and only the newest waiting one is written. `close()` ends it: the newest
 * head is renamed into place synchronously, and the rename still in flight, if any, loses
 * its source first, so nothing older can land after it.
 *
 * A failed write goes to `onError` and is otherwise ignored: the head then lags, which is
 * harmless, and the next commit writes it again.
 */
export class HeadFile {
  private readonly file: string;
  private n = 0;
  private inFlight: { tmp: string; head: ChainHead } | null = null;
  private next: ChainHead | null = null;
  private closed = false;

  constructor(
    dataDir: string,
    private readonly onError: (e: unknown) => void = () => {},
  ) {
    this.file = headPath(dataDir);
    // Temporary files of a process that died between writing and renaming one.
    try {
      for (const f of readdirSync(dataDir))
        if (f.startsWith(`${HEAD_FILE}.tmp`)) rmSync(join(dataDir, f), { force: true });
    } catch {
      // nothing to clean, or nowhere to clean it: the writes below say what fails
    }
  }

  write(head: ChainHead): void {
    if (this.closed) return;
    if (this.inFlight) this.next = head;
    else this.start(head);
  }

  private start(head: ChainHead): void {
    const tmp = `${this.file}.tmp-${process.pid}-${++this.n}`;
    try {
      writeFileSync(tmp, body(head), { mode: 0o600 });
    } catch (e) {
      this.onError(e);
      return;
    }
    const mine = { tmp, head };
    this.inFlight = mine;
    rename(tmp, this.file, (err) => {
      if (this.inFlight !== mine) return; // close() wrote a newer head in its place
      this.inFlight = null;
      if (err) {
        this.onError(err);
        rmSync(tmp, { force: true });
      }
      const next = this.next;
      this.next = null;
      if (next && !this.closed) this.start(next);
    });
  }

  /** Puts the newest head in place now; nothing is written after. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const flying = this.inFlight;
    if (!flying) return; // the newest head is in place (or its write failed and was said)
    const newest = this.next ?? flying.head;
    this.inFlight = null;
    this.next = null;
    // Unlinking the source makes a rename not yet done fail (ENOENT); one already done is
    // replaced by the rename below. Either way the newest head is what stays.
    rmSync(flying.tmp, { force: true });
    const tmp = `${this.file}.tmp-${process.pid}-close`;
    try {
      writeFileSync(tmp, body(newest), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (e) {
      this.onError(e);
    }
  }
}
