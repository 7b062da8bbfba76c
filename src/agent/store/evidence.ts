// Opening a data dir read-only as evidence (DESIGN.md "Evidence"): SQLite cannot read a WAL
// database without writing its `-shm` beside it (and fails on a read-only mount), and its
// `immutable` flag would silently ignore events still in the `-wal`. So the database and its
// `-wal` are copied into a private temporary folder (0700) and read there: nothing in the
// evidence folder changes, and every committed event counts.
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BaomiError } from '../../core/errors.js';

export interface EvidenceCopy {
  /** The folder holding the private copy (baomi.db, and baomi.db-wal when there was one). */
  dir: string;
  remove(): void;
}

const ATTEMPTS = 5;

function fingerprint(file: string): string {
  const st = statSync(file, { bigint: true, throwIfNoEntry: false });
  return st ? `${st.size}:${st.mtimeNs}:${st.ino}` : 'none';
}

export function copyEvidence(dbFile: string, dbName: string): EvidenceCopy {
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'baomi-evidence-'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new BaomiError(
      'STORE_EVIDENCE_UNREADABLE',
      { file: dbFile, reason: err.code ?? err.message, tmp: tmpdir() },
      1,
    );
  }
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const wal = `${dbFile}-wal`;
  try {
    for (let attempt = 1; ; attempt++) {
      const before = `${fingerprint(dbFile)}|${fingerprint(wal)}`;
      rmSync(join(dir, `${dbName}-wal`), { force: true });
      copyFileSync(dbFile, join(dir, dbName));
      if (statSync(wal, { throwIfNoEntry: false })) copyFileSync(wal, join(dir, `${dbName}-wal`));
      const after = `${fingerprint(dbFile)}|${fingerprint(wal)}`;
      if (before === after) return { dir, remove };
      // A live agent is writing: a copy of the file and its -wal from two moments could mix
      // two states. Try again; refuse rather than read a copy we cannot vouch for.
      if (attempt >= ATTEMPTS) throw new BaomiError('STORE_EVIDENCE_BUSY', { file: dbFile }, 1);
    }
  } catch (e) {
    remove();
    if (e instanceof BaomiError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new BaomiError(
      'STORE_EVIDENCE_UNREADABLE',
      { file: dbFile, reason: err.code ?? err.message, tmp: tmpdir() },
      1,
    );
  }
}

/**
 * True when a running agent has this very database open (Linux: its pid from `agent.lock`
 * holds a file descriptor on it). Then the `-shm` exists and a read-only connection creates
 * nothing, so the live data dir is read in place and follows new commits. A copy of a data
 * dir (evidence), even one whose lock names a live pid, is never in place.
 */
export function hasLiveWriter(dbFile: string): boolean {
  try {
    if (!existsSync(`${dbFile}-shm`)) return false;
    const pid = Number.parseInt(readFileSync(join(dirname(dbFile), 'agent.lock'), 'utf8'), 10);
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    const real = realpathSync(dbFile);
    const fds = `/proc/${pid}/fd`;
    return readdirSync(fds).some((fd) => {
      try {
        return readlinkSync(join(fds, fd)) === real;
      } catch {
        return false;
      }
    });
  } catch {
    return false; // no lock, no /proc, not ours to look at: treat it as evidence
  }
}
