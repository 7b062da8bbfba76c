// Batching and durability semantics of append: nothing is reported before it is committed.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';
import { eventHash } from '../../../src/core/events/chain.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import { GENESIS_HASH } from '../../../src/core/events/types.js';
import { fileEvent, tmpDirs } from './helpers.js';

const tmp = tmpDirs();
afterEach(() => tmp.cleanup());

/** Opens the file on a connection of the test's own (the store never hands out its own). */
function inspect<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'baomi.db'));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Rows visible to another connection, i.e. committed. */
function committedSeqs(dataDir: string): number[] {
  const db = new Database(join(dataDir, 'baomi.db'), { readonly: true });
  try {
    return (db.prepare('SELECT seq FROM events ORDER BY seq').all() as { seq: number }[]).map(
      (r) => r.seq,
    );
  } finally {
    db.close();
  }
}

describe('append', () => {
  it('assigns gap-free seq from 1, UUIDv7 ids, the injected clock, host and a hash chain', async () => {
    const dir = tmp.make();
    const store = openStore({ dataDir: dir, host: 'ws-01', now: () => 1_700_000_000_000 });
    const events = await Promise.all([1, 2, 3].map((i) => store.append(fileEvent(`/f/${i}`))));
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    for (const e of events) {
      expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(e.ts).toBe(1_700_000_000_000);
      expect(e.host).toBe('ws-01');
      expect(eventHash(e)).toBe(e.hash);
      // Absent fields stay absent, never null.
      expect('level' in e).toBe(false);
      expect('user' in e).toBe(false);
    }
    store.close();
  });

  it('does not commit within the batch window, and resolves only after the commit', async () => {
    const dir = tmp.make();
    const store = openStore({ dataDir: dir, host: 'h', batchWindowMs: 200, batchMax: 1000 });
    let resolved = false;
    const p = store.append(fileEvent('/a')).then((e) => {
      resolved = true;
      return e;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toBe(false);
    expect(committedSeqs(dir)).toEqual([]);
    const e = await p;
    // By the time the promise resolved, another connection already sees the row.
    expect(committedSeqs(dir)).toEqual([e.seq]);
    store.close();
  });

  it('commits at once when a batch is full', () => {
    const dir = tmp.make();
    const store = openStore({ dataDir: dir, host: 'h', batchWindowMs: 60_000, batchMax: 3 });
    store.append(fileEvent('/1'));
    store.append(fileEvent('/2'));
    expect(committedSeqs(dir)).toEqual([]);
    store.append(fileEvent('/3'));
    expect(committedSeqs(dir)).toEqual([1, 2, 3]);
    store.close();
  });

  it('calls onCommitted only after the rows are committed, once per batch', async () => {
    const dir = tmp.make();
    const store = openStore({ dataDir: dir, host: 'h', batchWindowMs: 5 });
    const seen: { seqs: number[]; visible: number[] }[] = [];
    store.onCommitted((events) =>
      seen.push({ seqs: events.map((e) => e.seq), visible: committedSeqs(dir) }),
    );
    await Promise.all([store.append(fileEvent('/1')), store.append(fileEvent('/2'))]);
    expect(seen).toEqual([{ seqs: [1, 2], visible: [1, 2] }]);
    store.close();
  });

  it('a throwing listener neither loses events nor stops other listeners', async () => {
    const store = openStore({ dataDir: tmp.make(), host: 'h' });
    const got: number[] = [];
    store.onCommitted(() => {
      throw new Error('subscriber bug');
    });
    store.onCommitted((es) => got.push(...es.map((e) => e.seq)));
    await store.append(fileEvent('/x'));
    expect(got).toEqual([1]);
    expect(store.counts().stored).toBe(1);
    store.close();
  });

  it('writes effects in the same transaction; a failing effect takes back only its own event', async () => {
    const dir = tmp.make();
    const store = openStore({ dataDir: dir, host: 'h', batchWindowMs: 50 });
    // A real SQLite failure inside the effect, after part of it was written, set up on the
    // test's own connection while the store is open.
    inspect(dir, (db) =>
      db.exec(`CREATE TRIGGER poison BEFORE INSERT ON state WHEN NEW.key = 'test.poison'
               BEGIN SELECT RAISE(ABORT, 'side effect failed'); END`),
    );
    const a = store.append(fileEvent('/a'), { state: { 'test.a': 'one' } });
    const b = store.append(fileEvent('/b'), {
      state: { 'test.partial': 'written first', 'test.poison': 'x' },
    });
    const c = store.append(fileEvent('/c'));
    await expect(b).rejects.toThrow('side effect failed');
    const [ea, ec] = await Promise.all([a, c]);
    expect([ea.seq, ec.seq]).toEqual([1, 2]);
    expect(ec.prevHash).toBe(ea.hash);
    expect(store.getState('test.a')).toBe('one');
    expect(store.getState('test.partial')).toBeUndefined();
    expect(committedSeqs(dir)).toEqual([1, 2]);
    expect(store.verify()).toMatchObject({ ok: true, checked: 2 });
    store.close();
  });

  it('replaces the policy in force with its event (policy and state effects)', async () => {
    const dir = tmp.make();
    const store = openStore({ dataDir: dir, host: 'h' });
    const policy = {
      bytes: Buffer.from('version: 2\n'),
      signature: Buffer.alloc(64, 2),
      version: 2,
      sha256: 'ab',
    };
    const e = await store.append(
      { type: 'policy.applied', severity: 'info', data: { version: 2 } },
      { policy, state: { 'policy.summary': '{"version":2}' } },
    );
    store.close();
    const ro = openStore({ dataDir: dir, host: 'h', readOnly: true });
    expect(ro.getPolicy()).toEqual(policy);
    expect(ro.getState('policy.summary')).toBe('{"version":2}');
    expect(ro.query().map((x) => x.seq)).toEqual([e.seq]);
    ro.close();
  });

  it('close() commits what is pending; the chain continues after reopening', async () => {
    const dir = tmp.make();
    const s1 = openStore({ dataDir: dir, host: 'h', batchWindowMs: 60_000 });
    const p = s1.append(fileEvent('/pending'));
    s1.close();
    const first: BaomiEvent = await p;
    await expect(s1.append(fileEvent('/late'))).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    const s2 = openStore({ dataDir: dir, host: 'h' });
    const second = await s2.append(fileEvent('/next'));
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.hash);
    expect(s2.verify()).toMatchObject({ ok: true, checked: 2 });
    s2.close();
  });

  it('rejects malformed input without consuming a seq', async () => {
    const store = openStore({ dataDir: tmp.make(), host: 'h' });
    // @ts-expect-error: an unknown type is what is being tested
    await expect(store.append({ type: 'nope', severity: 'info', data: {} })).rejects.toThrow(
      TypeError,
    );
    expect((await store.append(fileEvent('/ok'))).seq).toBe(1);
    store.close();
  });

  it('stores the outbox position and the policy in force', async () => {
    const dir = tmp.make();
    const store = openStore({ dataDir: dir, host: 'h' });
    for (let i = 0; i < 5; i++) await store.append(fileEvent(`/${i}`));
    expect(store.getAckedSeq()).toBe(0);
    store.setAckedSeq(3);
    expect(() => store.setAckedSeq(6)).toThrow(RangeError);
    expect(store.counts()).toEqual({ stored: 5, unsynced: 2 });
    store.setPolicy({
      bytes: Buffer.from('version: 1\n'),
      signature: Buffer.alloc(64, 1),
      version: 1,
      sha256: 'cd',
    });
    store.close();
    const ro = openStore({ dataDir: dir, host: 'h', readOnly: true });
    expect(ro.getAckedSeq()).toBe(3);
    expect(ro.getPolicy()?.bytes.toString()).toBe('version: 1\n');
    expect(() => ro.setAckedSeq(4)).toThrow(expect.objectContaining({ code: 'STORE_READ_ONLY' }));
    await expect(ro.append(fileEvent('/no'))).rejects.toMatchObject({ code: 'STORE_READ_ONLY' });
    ro.close();
  });
});
