// The console app of console-app.ts (inject, staff, signed agents) on a REAL datastore: the
// embedded SQLite in a temporary data dir, so what a route does to the database is real.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsoleOptions } from '../../src/console/server/app.js';
import { openConsoleStore } from '../../src/console/store/index.js';
import type { ConsoleStore } from '../../src/console/store/types.js';
import { type Harness, makeConsole } from './console-app.js';
import type { MemoryConsoleStore } from './console-store-memory.js';

export interface RealHarness extends Harness {
  real: ConsoleStore;
  dataDir: string;
  /** Closes the app and the store, and removes the data dir. */
  close(): Promise<void>;
}

export async function makeRealConsole(
  o: Partial<ConsoleOptions> & { wrap?: (s: ConsoleStore) => ConsoleStore } = {},
): Promise<RealHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'baomi-real-console-'));
  const real = await openConsoleStore({ dataDir });
  const { wrap, ...opts } = o;
  const h = makeConsole({ ...opts, store: wrap ? wrap(real) : real });
  return {
    ...h,
    // The helpers that reach the store directly (addUser) use the real one.
    store: real as unknown as MemoryConsoleStore,
    real,
    dataDir,
    async close() {
      await h.app.close();
      await real.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
