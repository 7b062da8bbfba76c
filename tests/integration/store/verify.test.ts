// verify finds every kind of tampering with the stored chain, and accepts an intact one.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEAD_FILE, openStore, readHeadFile, verifyStore } from '../../../src/agent/store/index.js';
import { seedStore, tamper, tmpDirs } from './helpers.js';

const tmp = tmpDirs();
afterEach(() => tmp.cleanup());

/** Appends `n` more file events through the store (correctly chained). */
async function seedMore(dir: string, n: number): Promise<void> {
  const store = openStore({ dataDir: dir, host: 'seed', batchWindowMs: 1 });
  for (let i = 0; i < n; i++)
    await store.append({ type: 'file.created', severity: 'info', data: { path: `/new/${i}` } });
  store.close();
}

async function seeded(n = 20): Promise<string> {
  const dir = tmp.make();
  await seedStore(dir, n);
  return dir;
}

describe('verifyStore', () => {
  it('is ok on an intact chain, from a data dir or the db file', async () => {
    const dir = await seeded();
    expect(verifyStore(dir)).toEqual({
      ok: true,
      checked: 20,
      firstSeq: 1,
      lastSeq: 20,
      tail: 'checked',
    });
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
    expect(verifyStore(dir)).toMatchObject(broken);
    const store = openStore({ dataDir: dir, host: 'x' });
    expect(store.verify()).toMatchObject(broken);
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

  it('finds a shortened tail: the chain must reach chain.head (issue 8 item 7)', async () => {
    // Removing the newest events leaves a valid shorter chain; the head kept outside the
    // database says how far it had reached.
    const dir = await seeded();
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq > 18').run());
    expect(verifyStore(dir)).toMatchObject({
      ok: false,
      kind: 'truncated',
      brokenAt: 19,
      breaks: [{ kind: 'truncated', seq: 19, params: { seq: 19, last: 18, head: 20 } }],
    });
  });

  it('reports every break, not only the first', async () => {
    const dir = await seeded(30);
    tamper(dir, (db) => {
      db.prepare(`UPDATE events SET data = '{"path":"/x"}' WHERE seq = 5`).run();
      db.prepare('DELETE FROM events WHERE seq = 12').run();
      db.prepare('DELETE FROM events WHERE seq > 27').run();
    });
    const r = verifyStore(dir);
    if (r.ok) throw new Error('expected breaks');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([
      ['hash', 5],
      ['gap', 12],
      ['truncated', 28],
    ]);
  });

  it('finds a rewritten tail (cut, then valid events appended past the head)', async () => {
    const dir = await seeded();
    const head = JSON.parse(readFileSync(join(dir, HEAD_FILE), 'utf8'));
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq > 15').run());
    // The attacker writes new, correctly chained events through the store (it rewrites the
    // head too), then puts the old head back to hide nothing: the head file is what it was.
    await seedMore(dir, 8);
    writeFileSync(join(dir, HEAD_FILE), JSON.stringify(head));
    expect(verifyStore(dir)).toMatchObject({ ok: false, kind: 'head-mismatch', brokenAt: 20 });
  });

  it('a deleted chain.head: reported once an agent that keeps one has checked the chain', async () => {
    const dir = await seeded();
    rmSync(join(dir, HEAD_FILE));
    // A database no agent of this version checked: ok, but the tail is said to be unchecked.
    expect(verifyStore(dir)).toMatchObject({ ok: true, tail: 'unchecked' });
    const store = openStore({ dataDir: dir, host: 'x' });
    await store.append({ type: 'store.chain-checked', severity: 'info', data: { ok: true } });
    store.close();
    rmSync(join(dir, HEAD_FILE));
    expect(verifyStore(dir)).toMatchObject({ ok: false, kind: 'head-missing', brokenAt: 22 });
    writeFileSync(join(dir, HEAD_FILE), 'not a head');
    expect(verifyStore(dir)).toMatchObject({ ok: false, kind: 'head-unreadable' });
  });
});

describe('chain.head', () => {
  it('is written after every commit: {seq, hash} of the last event, mode 0600, no temp left', async () => {
    const dir = tmp.make();
    const store = openStore({ dataDir: dir, host: 'x', batchWindowMs: 1 });
    expect(existsSync(join(dir, HEAD_FILE))).toBe(false);
    const e1 = await store.append({ type: 'agent.started', severity: 'info', data: {} });
    // The rename runs in the background (head.ts says why): at most a moment behind.
    await vi.waitFor(() =>
      expect(JSON.parse(readFileSync(join(dir, HEAD_FILE), 'utf8'))).toEqual({
        seq: 1,
        hash: e1.hash,
      }),
    );
    const e2 = await store.append({ type: 'agent.stopped', severity: 'info', data: {} });
    await vi.waitFor(() => expect(readHeadFile(dir)).toEqual({ seq: 2, hash: e2.hash }));
    expect(statSync(join(dir, HEAD_FILE)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.startsWith(HEAD_FILE))).toEqual([HEAD_FILE]);
    store.close();
  });

  it('close puts the newest head in place at once, even with renames in flight', async () => {
    const dir = tmp.make();
    const store = openStore({ dataDir: dir, host: 'x', batchWindowMs: 1 });
    let last = await store.append({ type: 'agent.started', severity: 'info', data: {} });
    for (let i = 0; i < 50; i++) {
      // One commit each, back to back: renames queue up behind the one in flight.
      last = await store.append({
        type: 'file.created',
        severity: 'info',
        data: { path: `/${i}` },
      });
    }
    store.close();
    expect(readHeadFile(dir)).toEqual({ seq: last.seq, hash: last.hash });
    expect(readdirSync(dir).filter((f) => f.startsWith(HEAD_FILE))).toEqual([HEAD_FILE]);
    // Nothing older lands later.
    await new Promise((r) => setTimeout(r, 50));
    expect(readHeadFile(dir)).toEqual({ seq: last.seq, hash: last.hash });
  });

  it('removes temporary head files a process left behind when it died between write and rename', async () => {
    const dir = await seeded();
    writeFileSync(join(dir, `${HEAD_FILE}.tmp-99999-3`), '{"seq":1');
    const store = openStore({ dataDir: dir, host: 'x' });
    store.close();
    expect(readdirSync(dir).filter((f) => f.startsWith(HEAD_FILE))).toEqual([HEAD_FILE]);
  });

  it('follows retention (its store.pruned record is the new head)', async () => {
    const dir = await seeded();
    const later = Date.now() + 400 * 86_400_000;
    const store = openStore({ dataDir: dir, host: 'h', now: () => later });
    const r = store.prune({ days: 180, consoleConfigured: false, now: later });
    store.close();
    expect(readHeadFile(dir)).toEqual({ seq: r!.event.seq, hash: r!.event.hash });
    expect(verifyStore(dir)).toMatchObject({ ok: true, tail: 'checked' });
  });

  it('a store opened on a truncated log keeps reporting it, and keeps chain.head until the break is on record', async () => {
    const dir = await seeded();
    const found = readHeadFile(dir);
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq > 16').run());
    let store = openStore({ dataDir: dir, host: 'x', batchWindowMs: 1 });
    expect(store.openCheck().breaks).toMatchObject([{ kind: 'truncated', seq: 17 }]);
    await store.append({ type: 'agent.started', severity: 'info', data: {} });
    expect(store.verify()).toMatchObject({ ok: false, kind: 'truncated', brokenAt: 18 });
    expect(await store.verifyInSlices()).toMatchObject({ ok: false, kind: 'truncated' });
    store.close();
    // Died before recording it: the evidence is still there for the next start.
    expect(readHeadFile(dir)).toEqual(found);
    store = openStore({ dataDir: dir, host: 'x', batchWindowMs: 1 });
    expect(store.openCheck().breaks).toMatchObject([{ kind: 'truncated', seq: 18 }]);
    const e = await store.append({ type: 'store.chain-checked', severity: 'critical', data: {} });
    store.releaseHead();
    store.close();
    expect(readHeadFile(dir)).toEqual({ seq: e.seq, hash: e.hash });
  });

  it('rows deleted from the end while the store runs: its own head in memory says so', async () => {
    const dir = await seeded();
    const store = openStore({ dataDir: dir, host: 'x', batchWindowMs: 1 });
    await store.append({ type: 'agent.started', severity: 'info', data: {} });
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq > 19').run());
    expect(store.verify()).toMatchObject({ ok: false, kind: 'truncated', brokenAt: 20 });
    store.close();
  });
});
