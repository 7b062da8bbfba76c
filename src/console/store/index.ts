// Opens the console's datastore: PostgreSQL when `db` is a postgres:// URL, else the embedded
// SQLite database `<dataDir>/console.db` (the directory is created 0700, the file 0600: it
// holds password hashes, session hashes and every agent's events). Migrations are applied
// before the store is handed out (idempotent; safe when two consoles start together).
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { BaomiError } from '../../core/errors.js';
import { PostgresConsoleStore, type PostgresStoreOptions } from './postgres.js';
import { SqliteConsoleStore, type SqliteStoreOptions } from './sqlite.js';
import type { ConsoleStore } from './types.js';

export { decodeCursor, encodeCursor } from './cursor.js';
export { PostgresConsoleStore } from './postgres.js';
export { SqliteConsoleStore } from './sqlite.js';
export type * from './types.js';

export const CONSOLE_DB_FILE = 'console.db';

export interface OpenConsoleStoreOptions {
  /** postgres://USER:PASSWORD@HOST:PORT/DATABASE; absent: SQLite in dataDir. */
  db?: string;
  dataDir: string;
  /** Apply migrations now (default true). */
  migrate?: boolean;
  sqlite?: SqliteStoreOptions;
  postgres?: PostgresStoreOptions;
}

/** Says whether `db` names PostgreSQL (the only server engine the console speaks). */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The URL with its password replaced, for logs and messages. */
export function redactUrl(db: string): string {
  return db.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

export async function openConsoleStore(o: OpenConsoleStoreOptions): Promise<ConsoleStore> {
  let store: ConsoleStore;
  if (o.db !== undefined) {
    if (!isPostgresUrl(o.db))
      throw new BaomiError('CONSOLE_DB_BAD_URL', { url: redactUrl(o.db) }, 2);
    store = new PostgresConsoleStore(o.db, o.postgres);
  } else {
    const file = join(o.dataDir, CONSOLE_DB_FILE);
    try {
      mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
      // Made 0600 before SQLite opens it: SQLite gives -wal and -shm the main file's mode.
      closeSync(openSync(file, 'a', 0o600));
      chmodSync(file, 0o600);
      store = new SqliteConsoleStore(file, o.sqlite);
    } catch (e) {
      if (e instanceof BaomiError) throw e;
      throw new BaomiError('CONSOLE_DB_UNWRITABLE', {
        dir: o.dataDir,
        reason: e instanceof Error ? e.message : String(e),
      });
    }
  }
  if (o.migrate !== false) {
    try {
      await store.migrate();
    } catch (e) {
      await store.close().catch(() => {});
      throw e;
    }
  }
  return store;
}
