// Opens the console's datastore: the embedded SQLite in the data dir, or PostgreSQL with
// `--db postgres://…` (src/console/store/index.ts, written beside this file by the datastore's
// own change). The import is dynamic and typed here by the one function this process calls,
// so the server compiles and is tested against the interface (store/types.ts) alone.
import type { ConsoleStore } from './store/types.js';

export interface OpenStoreOptions {
  /** A postgres:// URL; absent: SQLite at `<dataDir>/console.db`. */
  db?: string;
  dataDir: string;
}

interface StoreModule {
  openConsoleStore(o: OpenStoreOptions): Promise<ConsoleStore>;
}

/** Opens the store and applies its pending migrations (idempotent). */
export async function openStore(o: OpenStoreOptions): Promise<ConsoleStore> {
  // `as string`: the module is another change's; until it is merged tsc must not resolve it.
  const m = (await import('./store/index.js' as string)) as StoreModule;
  const store = await m.openConsoleStore(o.db === undefined ? { dataDir: o.dataDir } : o);
  await store.migrate();
  return store;
}
