// The hash queue (migration 003) changes only as effects of the events it belongs to.
import { afterEach, describe, expect, it } from 'vitest';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import { fileEvent, tmpDirs } from './helpers.js';

const dirs = tmpDirs();
let store: EventStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
  dirs.cleanup();
});

const R = '/srv/f';
const pending = (size = 1) => ({ size, mtimeMs: 5.5 });

describe('hash queue effects', () => {
  it('keeps one row per file, names the event it completes, and survives a reopen', async () => {
    const dataDir = dirs.make();
    store = openStore({ dataDir, host: 'h', batchWindowMs: 1 });
    const s = store;
    const put = (rel: string, ino: number, extra: { oldRel?: string } = {}, size = 1) =>
      s.append(fileEvent(`${R}/${rel}`), {
        hash: { root: R, rel, ino, pending: pending(size), ...extra },
      });
    const a1 = await put('a', 1);
    const a2 = await put('a', 1, {}, 2); // modified before its hash: the newer change waits
    expect(s.hashQueue.list([R])).toEqual([
      { root: R, rel: 'a', ofSeq: a2.seq, ino: 1, size: 2, mtimeMs: 5.5 },
    ]);
    // The old change's hash arrives late: it does not take the newer change's row out.
    await s.append(fileEvent(`${R}/a`, { type: 'file.hashed' }), {
      hashed: { root: R, rel: 'a', ofSeq: a1.seq },
    });
    expect(s.hashQueue.count([R])).toBe(1);
    // A rename moves the work; the old name's row goes only when it was this file.
    await put('b', 2);
    const moved = await put('c', 2, { oldRel: 'b' });
    await put('d', 3);
    await put('e', 4, { oldRel: 'd' }); // 'd' holds another file (a swap reused the name)
    expect(s.hashQueue.list([R]).map((p) => [p.rel, p.ofSeq === moved.seq || p.rel])).toEqual([
      ['a', 'a'],
      ['c', true],
      ['d', 'd'],
      ['e', 'e'],
    ]);
    // Deleted, or no longer hashable: nothing waits.
    await s.append(fileEvent(`${R}/d`, { type: 'file.deleted' }), {
      hash: { root: R, rel: 'd', ino: 3, pending: null },
    });
    await s.append(fileEvent(`${R}/a`, { type: 'file.hashed' }), {
      hashed: { root: R, rel: 'a', ofSeq: a2.seq },
    });
    expect(s.hashQueue.list([R]).map((p) => p.rel)).toEqual(['c', 'e']);
    expect(s.hashQueue.count(['/elsewhere'])).toBe(0);
    s.close();
    store = openStore({ dataDir, host: 'h', readOnly: true });
    expect(store.hashQueue.count([R])).toBe(2);
  });

  it('rolls the row back with its event when another effect fails', async () => {
    store = openStore({ dataDir: dirs.make(), host: 'h', batchWindowMs: 1 });
    const s = store;
    // A rename's snapshot effect with a bad entry fails inside the savepoint.
    const bad = s.append(fileEvent(`${R}/x`), {
      hash: { root: R, rel: 'x', ino: 9, pending: pending() },
      snapshot: {
        change: { kind: 'created', root: R, rel: 'x', entry: { type: 'file' } as never },
      },
    });
    await expect(bad).rejects.toThrow();
    expect(s.hashQueue.count([R])).toBe(0);
    expect(s.head().seq).toBe(0);
  });
});
