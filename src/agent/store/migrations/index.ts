// Numbered schema migrations, tracked in PRAGMA user_version. Add a file per step
// (002-folders.ts, …) and list it here; each needs a test in tests/unit/store/migrations/.
import type { Db } from '../types.js';
import { m001Initial } from './001-initial.js';
import { m002FolderSnapshot } from './002-folder-snapshot.js';
import { m003HashQueue } from './003-hash-queue.js';
import { m004SnapshotByDir } from './004-snapshot-by-dir.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

export const MIGRATIONS: readonly Migration[] = [
  m001Initial,
  m002FolderSnapshot,
  m003HashQueue,
  m004SnapshotByDir,
];

export const LATEST_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema up to `target` (default: latest), one transaction per migration so a
 * crash leaves the database at a whole version. Returns the versions applied.
 */
export function migrate(db: Db, target = LATEST_VERSION, migrations = MIGRATIONS): number[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} must have version ${i + 1}`);
  });
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version > target || m.version <= schemaVersion(db)) continue;
    db.transaction(() => {
      m.up(db);
      // user_version lives in the database header, so it commits or rolls back with `up`.
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    applied.push(m.version);
  }
  return applied;
}
