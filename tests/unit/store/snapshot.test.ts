// The folder snapshot as the store keeps it (migrations 002 and 004): written only as effects
// of the events that record the changes, read back with store.snapshot.load, and read by
// the folder layer one path, directory or inode at a time.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteSnapshotStore } from '../../../src/agent/files/snapshot-sqlite.js';
import type { FileChange, SnapshotEntry } from '../../../src/agent/folders/types.js';
import { type EventStore, openStore, type SnapshotChange } from '../../../src/agent/store/index.js';
import { migrate } from '../../../src/agent/store/migrations/index.js';
import { WITH_INO_SQL } from '../../../src/agent/store/snapshot.js';
import { fileEvent, tmpDirs } from './helpers.js';

const tmp = tmpDirs();
afterEach(() => tmp.cleanup());

const ROOT = '/srv/finance';

function entry(ino: number, extra: Partial<SnapshotEntry> = {}): SnapshotEntry {
  return { type: 'file', ino, size: 10 * ino, mtimeMs: 1_000.5 * ino, ...extra };
}

function change(
  kind: FileChange['kind'],
  rel: string,
  e: SnapshotEntry,
  oldRel?: string,
): SnapshotChange {
  return { kind, root: ROOT, rel, entry: e, ...(oldRel !== undefined ? { oldRel } : {}) };
}

/** Appends one file event per change, each with its snapshot row, and waits for all. */
async function record(
  store: ReturnType<typeof openStore>,
  changes: SnapshotChange[],
  markRoot?: string,
) {
  return Promise.all(
    changes.map((c, i) =>
      store.append(fileEvent(`${c.root}/${c.rel}`), {
        snapshot: i === 0 && markRoot ? { markRoot, change: c } : { change: c },
      }),
    ),
  );
}

describe('store.snapshot', () => {
  it('knows nothing of a root never recorded; a marked root is authoritative even when empty', async () => {
    const store = openStore({ dataDir: tmp.make(), host: 'h' });
    expect(store.snapshot.load(ROOT)).toBeNull();
    await store.append(
      { type: 'scan.completed', severity: 'info', data: { root: ROOT } },
      { snapshot: { markRoot: ROOT } },
    );
    expect(store.snapshot.load(ROOT)).toEqual(new Map());
    expect(store.snapshot.load('/srv/other')).toBeNull();
    store.close();
  });

  it('applies created, modified, renamed and deleted, and keeps optional fields absent', async () => {
    const dir = tmp.make();
    const store = openStore({ dataDir: dir, host: 'h' });
    await record(
      store,
      [
        change('created', 'a/报表.xlsx', entry(1, { uid: 1000, btimeMs: 5.25 })),
        change('created', 'b.txt', entry(2)),
        change('created', 'gone.txt', entry(3)),
      ],
      ROOT,
    );
    await record(store, [
      change('modified', 'b.txt', entry(2, { size: 99 })),
      change('renamed', 'a/renamed.xlsx', entry(1, { uid: 1000, btimeMs: 5.25 }), 'a/报表.xlsx'),
      change('deleted', 'gone.txt', entry(3)),
    ]);
    const expected = new Map([
      ['a/renamed.xlsx', entry(1, { uid: 1000, btimeMs: 5.25 })],
      ['b.txt', entry(2, { size: 99 })],
    ]);
    expect(store.snapshot.load(ROOT)).toEqual(expected);
    const b = store.snapshot.load(ROOT)?.get('b.txt');
    expect(b && ('uid' in b || 'btimeMs' in b)).toBe(false);
    store.close();
    // Durable, and readable from a read-only store and through the folder layer's adapter.
    const ro = openStore({ dataDir: dir, host: 'h', readOnly: true });
    expect(ro.snapshot.load(ROOT)).toEqual(expected);
    const layer = new SqliteSnapshotStore(ro);
    expect(layer.known(ROOT)).toBe(true);
    expect(layer.get(ROOT, 'a/renamed.xlsx')).toEqual(expected.get('a/renamed.xlsx'));
    expect(layer.get(ROOT, 'a/报表.xlsx')).toBeUndefined();
    expect(layer.list(ROOT, '')).toEqual(new Map([['b.txt', entry(2, { size: 99 })]]));
    ro.close();
  });

  it('a rename keeps the old name when it no longer holds the same file (a swap reused it)', async () => {
    const store = openStore({ dataDir: tmp.make(), host: 'h' });
    await record(store, [change('created', 'x', entry(7, { btimeMs: 1 }))], ROOT);
    // `x` now holds another file (same inode number, another birth time): only `y` is put.
    await record(store, [change('renamed', 'y', entry(7, { btimeMs: 2 }), 'x')]);
    expect([...(store.snapshot.load(ROOT)?.keys() ?? [])].sort()).toEqual(['x', 'y']);
    store.close();
  });

  it('goes on from the rows of a first scan that was cut short (no root record yet)', async () => {
    const store = openStore({ dataDir: tmp.make(), host: 'h' });
    await record(store, [change('created', 'partial', entry(4))]);
    expect(store.snapshot.load(ROOT)).toEqual(new Map([['partial', entry(4)]]));
    store.close();
  });

  it('an effect that fails rolls back its own event and row, and only those', async () => {
    const dir = tmp.make();
    const store = openStore({ dataDir: dir, host: 'h', batchWindowMs: 50 });
    await record(store, [change('created', 'before', entry(1))], ROOT);
    // A real SQLite failure in the middle of the effect, set up on the test's own connection.
    const db = new Database(join(dir, 'baomi.db'));
    db.exec(`CREATE TRIGGER poison BEFORE INSERT ON folder_snapshot WHEN NEW.name = 'poison'
             BEGIN SELECT RAISE(ABORT, 'snapshot write failed'); END`);
    db.close();
    // One batch: the failing event sits between two good ones.
    const good1 = store.append(fileEvent(`${ROOT}/ok-1`), {
      snapshot: { change: change('created', 'ok-1', entry(2)) },
    });
    const bad = store.append(fileEvent(`${ROOT}/poison`), {
      snapshot: { markRoot: '/srv/other', change: change('created', 'poison', entry(3)) },
    });
    const good2 = store.append(fileEvent(`${ROOT}/ok-2`), {
      snapshot: { change: change('created', 'ok-2', entry(4)) },
    });
    await expect(bad).rejects.toThrow('snapshot write failed');
    const [e1, e2] = await Promise.all([good1, good2]);
    expect([e1.seq, e2.seq]).toEqual([2, 3]);
    expect(e2.prevHash).toBe(e1.hash);
    expect([...(store.snapshot.load(ROOT)?.keys() ?? [])].sort()).toEqual([
      'before',
      'ok-1',
      'ok-2',
    ]);
    // The failed event's markRoot went with it.
    expect(store.snapshot.load('/srv/other')).toBeNull();
    expect(store.query().map((e) => e.data.path)).toEqual([
      `${ROOT}/before`,
      `${ROOT}/ok-1`,
      `${ROOT}/ok-2`,
    ]);
    expect(store.verify()).toMatchObject({ ok: true, checked: 3 });
    store.close();
  });
});

describe("the folder layer's reads", () => {
  const rels = [
    'top.txt',
    'a/1',
    'a/2',
    'a.old/x', // sorts between "a" and "a/": not below "a"
    'a/b/3',
    'a/b/c/4',
    'a!/5',
    'ab/6',
    'raw/\u0000_w8/7', // a segment that is not valid UTF-8 (relpath.ts: NUL + base64url)
  ];

  // Closed before the folders go: an open store's chain.head is renamed into place in the
  // background, and one landing inside rmSync's walk failed it (ENOTEMPTY) beside a CI run.
  const opened: EventStore[] = [];
  afterEach(() => {
    for (const st of opened.splice(0)) st.close();
  });

  async function filled() {
    const store = openStore({ dataDir: tmp.make(), host: 'h' });
    opened.push(store);
    await record(
      store,
      rels.map((r, i) => change('created', r, entry(i + 1))),
      ROOT,
    );
    return new SqliteSnapshotStore(store);
  }

  it('lists one directory, and pages the directories at or below one', async () => {
    const s = await filled();
    expect([...s.list(ROOT, 'a').keys()].sort()).toEqual(['a/1', 'a/2']);
    expect([...s.list(ROOT, 'raw/\u0000_w8').keys()]).toEqual(['raw/\u0000_w8/7']);
    expect(s.list(ROOT, 'nowhere').size).toBe(0);
    expect(s.dirsBelow(ROOT, 'a', undefined, 10)).toEqual(['a', 'a/b', 'a/b/c']);
    expect(s.dirsBelow(ROOT, 'a/b', undefined, 10)).toEqual(['a/b', 'a/b/c']);
    // Pages of one: each starts after the last one seen, and never strays to a sibling.
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = s.dirsBelow(ROOT, 'a', after, 1);
      paged.push(...page);
      if (page.length < 1) break;
      after = page[0];
    }
    expect(paged).toEqual(['a', 'a/b', 'a/b/c']);
    const all = s.dirsBelow(ROOT, '', undefined, 100);
    expect([...all].sort()).toEqual(
      ['', 'a', 'a!', 'a.old', 'a/b', 'a/b/c', 'ab', 'raw/\u0000_w8'].sort(),
    );
    expect(s.dirsBelow(ROOT, '', undefined, 3)).toEqual(all.slice(0, 3));
    expect(s.dirsBelow(ROOT, '', all[2], 100)).toEqual(all.slice(3));
    expect(s.dirsBelow('/srv/other', '', undefined, 10)).toEqual([]);
  });

  it('finds a path and the paths of an inode', async () => {
    const s = await filled();
    expect(s.get(ROOT, 'a/b/c/4')).toEqual(entry(6));
    expect(s.get(ROOT, 'a/b/c')).toBeUndefined();
    expect(s.withIno(ROOT, 6)).toEqual([{ rel: 'a/b/c/4', entry: entry(6) }]);
    expect(s.withIno(ROOT, 99)).toEqual([]);
    expect(s.withIno('/srv/other', 6)).toEqual([]);
    expect(s.known('/srv/other')).toBe(false);
  });
});

it('finds the paths of an inode through its index, with bound parameters (not a scan of the root)', () => {
  const db = new Database(':memory:');
  migrate(db);
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${WITH_INO_SQL}`).all(ROOT, 7) as Array<{
    detail: string;
  }>;
  expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX folder_snapshot_ino/);
});
