// Shared by the store's integration tests.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../../src/agent/store/index.js';

export { fileEvent, tmpDirs } from '../../unit/store/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** A compiled store tool; child-process tests run dist/ (`npm run build` first). */
export function distTool(name: string): string {
  const p = join(ROOT, 'dist', 'agent', 'store', 'tools', `${name}.js`);
  if (!existsSync(p))
    throw new Error(`${p} is missing: run \`npm run build\` before the integration tests`);
  return p;
}

export function sha256File(p: string): string {
  return createHash('sha256').update(readFileSync(p)).digest('hex');
}

/** Fills a store with `n` file events, ts 1000·i, and closes it. */
export async function seedStore(
  dataDir: string,
  n: number,
  ts = (i: number) => 1000 * i,
): Promise<void> {
  const store = openStore({ dataDir, host: 'seed', batchWindowMs: 1 });
  const ps = [];
  for (let i = 1; i <= n; i++) {
    ps.push(
      store.append({
        type: 'file.modified',
        severity: 'info',
        ts: ts(i),
        data: { path: `/seed/${i}` },
      }),
    );
  }
  await Promise.all(ps);
  store.close();
}

/** Opens the database behind the store's back, as an attacker with file access would. */
export function tamper(dataDir: string, fn: (db: Database.Database) => void): void {
  const db = new Database(join(dataDir, 'baomi.db'));
  try {
    fn(db);
  } finally {
    db.close();
  }
}

/** Reads the database on a connection of the test's own (the store never hands out its own). */
export function inspect<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'baomi.db'), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
