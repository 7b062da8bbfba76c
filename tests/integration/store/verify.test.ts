// verify finds every kind of tampering with the stored chain, and accepts an intact one.
import { afterEach, describe, expect, it } from 'vitest';
import { verifyStore } from '../../../src/agent/store/index.js';
import { seedStore, tamper, tmpDirs } from './helpers.js';

const tmp = tmpDirs();
afterEach(() => tmp.cleanup());

async function seeded(n = 20): Promise<string> {
  const dir = tmp.make();
  await seedStore(dir, n);
  return dir;
}

describe('verifyStore', () => {
  it('is ok on an intact chain, from a data dir or the db file', async () => {
    const dir = await seeded();
    expect(verifyStore(dir)).toEqual({ ok: true, checked: 20, firstSeq: 1, lastSeq: 20 });
    expect(verifyStore(`${dir}/baomi.db`)).toMatchObject({ ok: true, checked: 20 });
  });

  it('finds an edited row', async () => {
    const dir = await seeded();
    tamper(dir, (db) =>
      db.prepare(`UPDATE events SET data = '{"path":"/harmless"}' WHERE seq = 7`).run(),
    );
    expect(verifyStore(dir)).toMatchObject({ ok: false, kind: 'hash', brokenAt: 7, checked: 6 });
  });

  it('names a row whose data no longer parses, through the store and from a path', async () => {
    const dir = await seeded();
    tamper(dir, (db) => db.prepare(`UPDATE events SET data = '{"path":' WHERE seq = 4`).run());
    const broken = {
      ok: false,
      checked: 3,
      brokenAt: 4,
      kind: 'hash',
      detail: 'seq 4: data is not valid JSON',
    };
    expect(verifyStore(dir)).toEqual(broken);
    const { openStore } = await import('../../../src/agent/store/index.js');
    const store = openStore({ dataDir: dir, host: 'x' });
    expect(store.verify()).toEqual(broken);
    store.close();
  });

  it('finds an edited optional column (user added where there was none)', async () => {
    const dir = await seeded();
    tamper(dir, (db) => db.prepare(`UPDATE events SET user = 'someone' WHERE seq = 3`).run());
    expect(verifyStore(dir)).toMatchObject({ ok: false, kind: 'hash', brokenAt: 3 });
  });

  it('finds an edited row whose hash was recomputed (the next link breaks)', async () => {
    const dir = await seeded();
    const { eventHash } = await import('../../../src/core/events/chain.js');
    const { openStore } = await import('../../../src/agent/store/index.js');
    const ro = openStore({ dataDir: dir, host: 'x', readOnly: true });
    const [e] = ro.query({ afterSeq: 6, limit: 1 });
    ro.close();
    const forged = { ...e!, data: { path: '/harmless' } };
    const hash = eventHash(forged);
    tamper(dir, (db) =>
      db
        .prepare(`UPDATE events SET data = '{"path":"/harmless"}', hash = ? WHERE seq = 7`)
        .run(hash),
    );
    expect(verifyStore(dir)).toMatchObject({ ok: false, kind: 'link', brokenAt: 8 });
  });

  it('finds a deleted row', async () => {
    const dir = await seeded();
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq = 12').run());
    expect(verifyStore(dir)).toMatchObject({ ok: false, kind: 'gap', brokenAt: 12 });
  });

  it('finds two rows whose contents were swapped', async () => {
    const dir = await seeded();
    tamper(dir, (db) => {
      const cols = 'id, ts, type, severity, level, user, host, data, prev_hash, hash';
      db.transaction(() => {
        db.exec(`CREATE TEMP TABLE t AS SELECT seq, ${cols} FROM events WHERE seq IN (9, 10)`);
        db.exec(`DELETE FROM events WHERE seq IN (9, 10)`);
        db.exec(`INSERT INTO events (seq, ${cols}) SELECT 19 - seq, ${cols} FROM t`);
      })();
    });
    expect(verifyStore(dir)).toMatchObject({ ok: false, kind: 'link', brokenAt: 9 });
  });

  it('finds a deleted prefix that no store.pruned event records', async () => {
    const dir = await seeded();
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq <= 5').run());
    expect(verifyStore(dir)).toMatchObject({ ok: false, kind: 'missing-prefix', brokenAt: 6 });
  });

  it('accepts a shortened tail: a limit of any local chain, caught by sync instead', async () => {
    // Documented limit: removing the newest events leaves a valid shorter chain. The console's
    // copy (sync) and the acked seq are what catch that, not verify.
    const dir = await seeded();
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq > 18').run());
    expect(verifyStore(dir)).toMatchObject({ ok: true, lastSeq: 18 });
  });
});
