// Pending hashes survive a stop (issue 8 item 11): on the fake platform and a real store, the
// folders module records changes whose hashes cannot run yet (the tree's reads are held), is
// stopped, and a new module on the same store hashes exactly what was left, once per event.

import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/agent/log.js';
import type { ModuleContext } from '../../../src/agent/module.js';
import { foldersModule } from '../../../src/agent/modules/folders.js';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import type { ReadHandle } from '../../../src/core/ports/tree-source.js';
import { createFakePlatform, type FakePlatform } from '../../../src/platform/fake/index.js';
import { tmpDirs } from '../store/helpers.js';
import { policyInForce, until } from './helpers.js';

const dirs = tmpDirs();
let store: EventStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
  dirs.cleanup();
});

const POLICY = policyInForce('folders:\n  - { path: /srv/finance, level: AAA }\n');

/** Holds every read of the tree until `drop()`, which ends the held ones as if the files had
 *  gone (a hash stage that never got to them before the stop). */
function holdReads(p: FakePlatform) {
  const real = p.tree.openRead.bind(p.tree);
  let drop!: () => void;
  const gate = new Promise<void>((r) => {
    drop = r;
  });
  p.tree.openRead = async (): Promise<ReadHandle> => {
    await gate;
    throw Object.assign(new Error('ENOENT: held'), { code: 'ENOENT' });
  };
  return {
    drop,
    restore() {
      p.tree.openRead = real;
    },
  };
}

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

describe('pending hashes across a stop', () => {
  it('hashes at the next start what was left, once per event, and status counts it', async () => {
    const p = createFakePlatform();
    const dataDir = dirs.make();
    store = openStore({ dataDir, host: 'ws', now: () => p.clock.now(), batchWindowMs: 1 });
    const s = store;
    const ctx = {
      store: s,
      platform: p,
      log: createLogger(null),
      seatUser: () => null,
      notice: () => {},
      applyPolicy: () => {},
    } as unknown as ModuleContext;
    const events = (type: string) => {
      s.flush();
      return s.query({ order: 'asc', types: [type] });
    };
    const t = p.tree;
    t.mkdir('/srv/finance', { recursive: true });

    const first = foldersModule();
    await first.start(ctx);
    first.apply?.(POLICY);
    await first.ready();
    await until('watching', () =>
      ((first.status?.().watched ?? []) as { state: string }[]).every(
        (w) => w.state === 'watching',
      ),
    );
    const held = holdReads(p);
    t.write('/srv/finance/a.txt', 'alpha');
    t.write('/srv/finance/b.txt', 'bravo');
    t.write('/srv/finance/gone.txt', 'soon deleted');
    t.write('/srv/finance/moved.txt', 'moved content');
    t.write('/srv/finance/changed.txt', 'first');
    t.mkdir('/srv/finance/dir');
    await until('five creations', () => events('file.created').length === 5);
    t.unlink('/srv/finance/gone.txt');
    t.rename('/srv/finance/moved.txt', '/srv/finance/dir/moved.txt');
    await until(
      'delete and rename',
      () => events('file.deleted').length + events('file.renamed').length === 2,
    );
    expect(first.status?.().hashesPending).toBe(4); // a, b, changed, dir/moved
    const stopping = first.stop();
    held.drop();
    await stopping;
    held.restore();
    expect(events('file.hashed')).toEqual([]);
    expect(s.hashQueue.list(['/srv/finance']).map((q) => q.rel)).toEqual([
      'a.txt',
      'b.txt',
      'changed.txt',
      'dir/moved.txt',
    ]);

    // While the agent is down, one file changes: its new change is hashed, not the old one.
    p.clock.advance(5000);
    t.write('/srv/finance/changed.txt', 'second, longer');

    const second = foldersModule();
    await second.start(ctx);
    second.apply?.(POLICY);
    await second.ready();
    await until('four hashes', () => events('file.hashed').length === 4);
    await until('nothing pending', () => second.status?.().hashesPending === 0);
    await new Promise((r) => setTimeout(r, 50));
    const hashed = events('file.hashed');
    expect(hashed).toHaveLength(4);
    const seqOf = (type: string, path: string) =>
      events(type).findLast((e) => e.data.path === path)?.seq;
    const byPath = Object.fromEntries(hashed.map((e) => [e.data.path, e.data]));
    expect(byPath).toEqual({
      '/srv/finance/a.txt': expect.objectContaining({
        sha256: sha('alpha'),
        ofSeq: seqOf('file.created', '/srv/finance/a.txt'),
      }),
      '/srv/finance/b.txt': expect.objectContaining({
        sha256: sha('bravo'),
        ofSeq: seqOf('file.created', '/srv/finance/b.txt'),
      }),
      '/srv/finance/dir/moved.txt': expect.objectContaining({
        sha256: sha('moved content'),
        ofSeq: seqOf('file.renamed', '/srv/finance/dir/moved.txt'),
      }),
      '/srv/finance/changed.txt': expect.objectContaining({
        sha256: sha('second, longer'),
        ofSeq: seqOf('file.modified', '/srv/finance/changed.txt'),
      }),
    });
    expect(events('file.modified').at(-1)?.data.offline).toBe(true);
    await second.stop();
  });
});

describe('the hash stage', () => {
  it('does not wait for each hash to commit before it hashes the next file', async () => {
    // With a 200 ms batch window, a stage that held each hashing slot until its event
    // committed needed a window per slot-full of files (40 files, 2 slots: about 4 s).
    const p = createFakePlatform();
    store = openStore({ dataDir: dirs.make(), host: 'ws', batchWindowMs: 200 });
    const s = store;
    const ctx = {
      store: s,
      platform: p,
      log: createLogger(null),
      seatUser: () => null,
      notice: () => {},
      applyPolicy: () => {},
    } as unknown as ModuleContext;
    const count = (type: string) => s.query({ types: [type] }).length;
    p.tree.mkdir('/srv/finance', { recursive: true });
    const m = foldersModule();
    await m.start(ctx);
    m.apply?.(POLICY);
    await m.ready();
    await until('watching', () =>
      ((m.status?.().watched ?? []) as { state: string }[]).every((w) => w.state === 'watching'),
    );
    for (let i = 0; i < 40; i++) p.tree.write(`/srv/finance/f${i}.txt`, `content ${i}`);
    await until('40 creations', () => count('file.created') === 40, 5000);
    const t0 = Date.now();
    await until('40 hashes', () => count('file.hashed') === 40, 5000);
    expect(Date.now() - t0).toBeLessThan(1500);
    await m.stop();
  });
});
