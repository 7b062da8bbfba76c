// `baomi verify` as security staff run it: exit 0 on an intact log (also after retention
// pruned a prefix), exit 1 naming the first broken link for an edited, deleted or swapped row.
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';
import { runCli } from '../../helpers/agent.js';
import { seedStore, tamper, tmpDirs } from '../store/helpers.js';

const tmp = tmpDirs();
afterEach(() => tmp.cleanup());

async function seeded(): Promise<string> {
  const dir = tmp.make();
  await seedStore(dir, 12);
  return dir;
}

function verify(dir: string) {
  return runCli(['verify', '--data-dir', dir]);
}

describe('baomi verify', () => {
  it('exits 0 on an intact chain', async () => {
    const r = verify(await seeded());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/12 events checked/);
  });

  it('names an edited row', async () => {
    const dir = await seeded();
    tamper(dir, (db) => db.prepare(`UPDATE events SET data = '{"path":"/x"}' WHERE seq = 5`).run());
    const r = verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/seq 5 \(hash\)/);
  });

  it('names a deleted row', async () => {
    const dir = await seeded();
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq = 8').run());
    const r = verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/seq 8 \(gap\)/);
  });

  it('names two swapped rows', async () => {
    const dir = await seeded();
    tamper(dir, (db) => {
      db.prepare('UPDATE events SET seq = -3 WHERE seq = 3').run();
      db.prepare('UPDATE events SET seq = 3 WHERE seq = 4').run();
      db.prepare('UPDATE events SET seq = 4 WHERE seq = -3').run();
    });
    const r = verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/seq 3 \(/);
  });

  it('still exits 0 after retention pruned a prefix', async () => {
    const dir = await seeded();
    const store = openStore({ dataDir: dir, host: 'h', now: () => Date.now() + 400 * 86_400_000 });
    const pruned = store.prune({
      days: 180,
      consoleConfigured: false,
      now: Date.now() + 400 * 86_400_000,
    });
    store.close();
    expect(pruned?.throughSeq).toBe(12);
    const r = verify(dir);
    expect(r.code, r.stderr).toBe(0);
  });
});
