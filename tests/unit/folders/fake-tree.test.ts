// The folder layer on the fake platform: its tree and kernel limits come from the ports, so
// the whole layer (scan, watches, live batches, renames, hashing, the watch limit) runs
// here in milliseconds with no file touched. The same behaviours on real files are in
// tests/integration/folders.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { applyToMap } from '../../../src/agent/folders/diff.js';
import {
  createFolderWatcher,
  type FileChange,
  type HashResult,
  MemorySnapshotStore,
  type SnapshotEntry,
  type WatchNotice,
} from '../../../src/agent/folders/index.js';
import { createFakePlatform, type FakePlatform } from '../../../src/platform/fake/index.js';

const ROOT = '/srv/finance';
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function layer(p: FakePlatform) {
  const files = new Map<string, SnapshotEntry>();
  const changes: FileChange[] = [];
  const notices: WatchNotice[] = [];
  const hashes: HashResult[] = [];
  const w = createFolderWatcher({
    folders: [{ path: ROOT, level: 'AAA', recursive: true, ignore: ['**/*.tmp'] }],
    snapshot: new MemorySnapshotStore(),
    source: p.tree,
    kernel: p.kernel,
    scanIntervalMs: 0,
    settleMs: 5,
    onChanges: (batch) => {
      for (const c of batch) {
        changes.push(c);
        applyToMap(files, c);
      }
    },
    onNotice: (n) => notices.push(n),
    onHashed: (h) => {
      hashes.push(h);
    },
  });
  await w.start();
  stops.push(() => w.stop());
  return { w, files, changes, notices, hashes };
}

/** Waits (real time: the layer's settle timers are real) until `ok` holds. */
async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the folder layer on the fake tree', () => {
  it('scans what is there, then sees creations, edits, renames and deletions live', async () => {
    const p = createFakePlatform();
    p.tree.mkdir(`${ROOT}/a`, { recursive: true });
    p.tree.write(`${ROOT}/a/old.docx`, 'v1', { uid: 1000 });
    const l = await layer(p);
    expect([...l.files.keys()]).toEqual(['a/old.docx']);
    expect(l.changes[0]).toMatchObject({ kind: 'created', detectedBy: 'scan', owner: 1000 });

    p.tree.write(`${ROOT}/a/new.xlsx`, 'numbers');
    p.tree.write(`${ROOT}/a/ignored.tmp`, 'x');
    await until('the new file', () => l.files.has('a/new.xlsx'));
    p.tree.rename(`${ROOT}/a/old.docx`, `${ROOT}/renamed.docx`);
    await until('the rename', () => l.files.has('renamed.docx'));
    p.tree.mkdir(`${ROOT}/b`);
    p.tree.write(`${ROOT}/b/inside.txt`, 'hi');
    await until('a file in a new folder', () => l.files.has('b/inside.txt'));
    p.tree.remove(`${ROOT}/b`);
    await until('the deletion', () => !l.files.has('b/inside.txt'));

    const live = l.changes.filter((c) => c.detectedBy === 'watch');
    expect(live.map((c) => `${c.kind} ${c.rel}`)).toEqual([
      'created a/new.xlsx',
      'renamed renamed.docx',
      'created b/inside.txt',
      'deleted b/inside.txt',
    ]);
    expect(live[1]).toMatchObject({ oldRel: 'a/old.docx' });
    expect([...l.files.keys()].sort()).toEqual(['a/new.xlsx', 'renamed.docx']);
    // Hashes are read through the port (openRead), after delivery.
    await until('the hash', () => l.hashes.some((h) => h.rel === 'a/new.xlsx'));
    const sha = createHash('sha256').update('numbers').digest('hex');
    expect(l.hashes.find((h) => h.rel === 'a/new.xlsx')?.sha256).toBe(sha);
  });

  it('keeps names that are not UTF-8 exact', async () => {
    const p = createFakePlatform();
    p.tree.mkdir(ROOT, { recursive: true });
    const l = await layer(p);
    const raw = Buffer.concat([Buffer.from(`${ROOT}/r`), Buffer.from([0xe9]), Buffer.from('.txt')]);
    p.tree.write(raw, 'x');
    await until('the odd name', () => l.changes.length > 0);
    expect(l.changes[0]).toMatchObject({ kind: 'created', pathBytes: raw.toString('base64') });
  });

  it('reports the watch limit with the kernel port’s figure and still covers the folders by scans', async () => {
    const p = createFakePlatform();
    p.tree.mkdir(`${ROOT}/x/y`, { recursive: true });
    p.tree.write(`${ROOT}/x/y/deep.txt`, 'd');
    p.tree.maxWatches = 2; // the root and x; y cannot be watched
    p.kernel.watches = 2;
    const l = await layer(p);
    const limit = l.notices.find((n) => n.kind === 'watchLimit');
    expect(limit).toMatchObject({ kind: 'watchLimit', limit: 2, unwatched: 1 });
    expect(l.files.has('x/y/deep.txt')).toBe(true);
    expect(l.w.stats()).toMatchObject({ dirs: 3, watched: 2 });
  });

  it('sees the root deleted and created again', async () => {
    const p = createFakePlatform();
    p.tree.mkdir(ROOT, { recursive: true });
    p.tree.write(`${ROOT}/f`, '1');
    const l = await layer(p);
    p.tree.remove(ROOT);
    await until('the root gone', () => l.notices.some((n) => n.kind === 'rootDeleted'));
    expect(l.files.size).toBe(0);
    p.tree.mkdir(ROOT);
    p.tree.write(`${ROOT}/g`, '2');
    await until('the root back', () => l.files.has('g'));
    expect(l.notices.map((n) => n.kind)).toContain('rootAppeared');
  });
});
