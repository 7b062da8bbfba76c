// Opening the database file, with the checks that keep an audit log honest: a damaged file is
// refused and left byte-identical for inspection (never repaired, overwritten or deleted), an
// unwritable directory is named, and a read-only open never writes.
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BaomiError } from '../../core/errors.js';
import { copyEvidence, hasLiveWriter } from './evidence.js';
import { LATEST_VERSION, migrate, schemaVersion } from './migrations/index.js';
import type { Db } from './types.js';

export const DB_FILE = 'baomi.db';

const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX']);
const UNWRITABLE_CODES = new Set([
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  'SQLITE_PERM',
  'SQLITE_IOERR_WRITE',
]);

/**
 * SQLite's page cache per connection, in KiB (the negative form of PRAGMA cache_size).
 * better-sqlite3 builds SQLite with SQLITE_DEFAULT_CACHE_SIZE=-16000 (its deps/defines.gypi),
 * so every connection could grow to 16 MiB; the agent's fills it within its first scan of a
 * large folder (the snapshot and the events it writes), and a full rescan every scan interval
 * fills it again: about 160 bytes per watched file at 100,000 files (issue 8, "Scale": at
 * most 150 in all). 2,000 KiB is SQLite's own default: the write path touches the right edge
 * of its indexes and commits in batches smaller than that, and what misses the cache is one
 * read from the OS's page cache (measured: the same CPU time with either size for 200,000
 * appends, and for a first scan of 1,000,000 files).
 */
export const CACHE_KIB = 2000;

/** Every connection the store opens, read-only ones included, comes through here. */
function connect(file: string, options?: Database.Options): Db {
  const db = new Database(file, options);
  try {
    db.pragma(`cache_size = -${CACHE_KIB}`);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

function sqliteCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function corrupt(file: string, why: string): BaomiError {
  return new BaomiError('STORE_CORRUPT', { file, reason: why }, 1);
}

function unwritable(dir: string, why: string): BaomiError {
  return new BaomiError('STORE_UNWRITABLE', { dir, reason: why }, 1);
}

/** Maps SQLite failures that mean "damaged file" or "cannot write" to their BaomiError. */
export function mapSqliteError(e: unknown, file: string, dir: string): unknown {
  const code = sqliteCode(e);
  if (CORRUPT_CODES.has(code) || code.startsWith('SQLITE_CORRUPT')) return corrupt(file, reason(e));
  if (UNWRITABLE_CODES.has(code) || code.startsWith('SQLITE_READONLY'))
    return unwritable(dir, reason(e));
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR'))
    return new BaomiError('STORE_WRITE_FAILED', { file, reason: reason(e) }, 1);
  return e;
}

/**
 * Reads the whole file through a read-only connection. Read-only on purpose: closing a
 * read-write connection checkpoints the WAL into the main file, which would change a damaged
 * file we promised to leave untouched.
 */
function checkIntegrity(file: string, dir: string): void {
  let db: Db | undefined;
  try {
    db = connect(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((s) => s !== 'ok');
    if (problems.length > 0) throw corrupt(file, problems.slice(0, 3).join('; '));
    // A file SQLite accepts but that never held our schema is not ours to take over.
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name = 'events'")
      .all();
    if (tables.length === 0 || schemaVersion(db) === 0) throw corrupt(file, 'no Baomi schema');
  } catch (e) {
    if (e instanceof BaomiError) throw e;
    const mapped = mapSqliteError(e, file, dir);
    // Anything else while merely reading a file we did not create means we cannot trust it.
    throw mapped instanceof BaomiError ? mapped : corrupt(file, reason(e));
  } finally {
    db?.close();
  }
}

function configure(db: Db): void {
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is fsync'd at every commit, so a committed event survives a power cut.
  // Batching many events per commit is what makes this affordable.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Keep the WAL file from staying large after a burst.
  db.pragma('journal_size_limit = 67108864');
}

/**
 * Flushes a file to disk. Opened for writing: Windows flushes (FlushFileBuffers) only a handle
 * that may write, and refuses a read-only one (EPERM), which stopped every first start there.
 */
function syncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a folder's entries (a rename) where the OS can: Windows has no folder fsync (EPERM),
 *  and NTFS journals the rename itself. */
export function syncDir(dir: string, os: NodeJS.Platform = process.platform): void {
  if (os === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates a new database beside its final name and renames it into place once the schema is
 * committed, so `baomi.db` is never a half-made file: an empty or short `baomi.db` is always
 * damage, and refusing it is always right.
 */
function createFresh(file: string, dir: string): void {
  const tmp = `${file}.init-${process.pid}`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  const db = connect(tmp);
  try {
    configure(db);
    migrate(db);
  } finally {
    db.close(); // checkpoints the WAL into `tmp` and removes it
  }
  // The log names people and paths: owner-only, whatever the umask or the directory's mode.
  // SQLite gives the -wal and -shm files the same mode.
  chmodSync(tmp, 0o600);
  syncFile(tmp);
  renameSync(tmp, file);
  syncDir(dir);
}

function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw unwritable(dir, reason(e));
  }
}

/** The live agent's own data dir: read in place (it follows new commits). */
function openInPlaceReadOnly(file: string, dataDir: string): { db: Db; file: string } {
  checkIntegrity(file, dataDir);
  const db = connect(file, { readonly: true, fileMustExist: true });
  const found = schemaVersion(db);
  if (found !== LATEST_VERSION) {
    db.close();
    const code = found > LATEST_VERSION ? 'STORE_TOO_NEW' : 'STORE_TOO_OLD';
    throw new BaomiError(code, { file, found, known: LATEST_VERSION }, 1);
  }
  return { db, file };
}

export function openDatabase(dataDir: string, readOnly: boolean): { db: Db; file: string } {
  const file = join(dataDir, DB_FILE);
  if (readOnly) {
    if (!existsSync(file)) throw new BaomiError('STORE_MISSING', { file }, 1);
    if (hasLiveWriter(file)) {
      try {
        return openInPlaceReadOnly(file, dataDir);
      } catch {
        // e.g. a read-only mount: read a copy instead
      }
    }
    // Evidence: read a private copy, so nothing in dataDir changes (evidence.ts says why).
    const copy = copyEvidence(file, DB_FILE);
    const copied = join(copy.dir, DB_FILE);
    let db: Db | undefined;
    try {
      // Messages name the original file, never the temporary copy.
      try {
        checkIntegrity(copied, copy.dir);
      } catch (e) {
        throw e instanceof BaomiError && e.code === 'STORE_CORRUPT'
          ? corrupt(file, String(e.params.reason))
          : e;
      }
      db = connect(copied, { readonly: true, fileMustExist: true });
      const found = schemaVersion(db);
      if (found !== LATEST_VERSION) {
        const code = found > LATEST_VERSION ? 'STORE_TOO_NEW' : 'STORE_TOO_OLD';
        throw new BaomiError(code, { file, found, known: LATEST_VERSION }, 1);
      }
    } catch (e) {
      db?.close();
      copy.remove();
      throw e;
    }
    const close = db.close.bind(db);
    // The copy goes when the connection does.
    db.close = () => {
      try {
        return close();
      } finally {
        copy.remove();
      }
    };
    return { db, file };
  }

  ensureWritableDir(dataDir);
  try {
    if (existsSync(file)) checkIntegrity(file, dataDir);
    else if ((statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0) {
      // The log was removed but its write-ahead log was not: SQLite would replay those pages
      // onto a new file. Keep both for inspection instead.
      throw corrupt(file, 'the database file is missing but its -wal file is not');
    } else createFresh(file, dataDir);
    const db = connect(file, { fileMustExist: true });
    try {
      const found = schemaVersion(db);
      if (found > LATEST_VERSION) {
        throw new BaomiError('STORE_TOO_NEW', { file, found, known: LATEST_VERSION }, 1);
      }
      configure(db);
      migrate(db);
      return { db, file };
    } catch (e) {
      db.close();
      throw e;
    }
  } catch (e) {
    throw mapSqliteError(e, file, dataDir);
  }
}
