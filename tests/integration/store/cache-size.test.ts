// SQLite's page cache is bounded on every connection the store keeps (issue 8, "Scale"):
// better-sqlite3 builds SQLite with a 16 MiB default per connection, which a first scan of a
// large folder fills. Read back from each kind of connection: the agent's own, a read-only
// one in a live agent's data dir, and one over an evidence copy.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';
import { CACHE_KIB, openDatabase } from '../../../src/agent/store/open.js';
import { fileEvent, tmpDirs } from './helpers.js';

const tmp = tmpDirs();
afterEach(() => tmp.cleanup());

function cacheSize(dataDir: string, readOnly: boolean): number {
  const { db } = openDatabase(dataDir, readOnly);
  try {
    return db.pragma('cache_size', { simple: true }) as number;
  } finally {
    db.close();
  }
}

describe('store: SQLite page cache', () => {
  it('is bounded to CACHE_KIB on the writer, a live reader and an evidence copy', async () => {
    expect(CACHE_KIB).toBeLessThanOrEqual(2000); // SQLite's own default; better-sqlite3's is 16000
    const dir = tmp.make();
    // A negative cache_size is in KiB.
    expect(cacheSize(dir, false)).toBe(-CACHE_KIB);
    const writer = openStore({ dataDir: dir, host: 'h' });
    await writer.append(fileEvent('/1'));
    expect(cacheSize(dir, true)).toBe(-CACHE_KIB); // no agent.lock: an evidence copy
    writeFileSync(join(dir, 'agent.lock'), `${process.pid}\n`);
    expect(cacheSize(dir, true)).toBe(-CACHE_KIB); // the live data dir, in place
    writer.close();
  });
});
