// The layer in this process against real files: every scenario ends with the layer's
// view (all emitted changes applied in order) equal to the real tree.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFolderWatcher,
  type FolderWatcherOptions,
  type HashResult,
  MemorySnapshotStore,
  type TreeSource,
} from '../../../src/agent/folders/index.js';
import { createPlatform } from '../../../src/platform/index.js';
import { nodeTreeSource } from '../../../src/platform/node/tree-source.js';
import { realTree, settle, sleep, tmpDir, View } from './helpers.js';

const platform = createPlatform();
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function startLayer(root: string, extra: Partial<FolderWatcherOptions> = {}) {
  const view = new View();
  const store = extra.snapshot ?? new MemorySnapshotStore();
  const hashes: HashResult[] = [];
  const w = createFolderWatcher({
    folders: [{ path: root, level: 'AAA', recursive: true, ignore: ['**/*.tmp'] }],
    snapshot: store,
    scanIntervalMs: 0,
    onChanges: (batch) => view.apply(batch),
    onNotice: (n) => view.notices.push(n),
    onHashed: (h) => {
      hashes.push(h);
    },
    source: platform.tree,
    kernel: platform.kernel,
    ...extra,
  });
  await w.start();
  cleanup.push(() => w.stop());
  return { w, view, store, hashes };
}

describe('folder watcher on real files', () => {
  it('sees files created at once inside brand-new nested folders', async () => {
    const root = tmpDir('nested');
    cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
    const { view } = await startLayer(root);
    for (let i = 0; i < 40; i++) {
      const d = path.join(root, `n${i}`, 'a', 'b', 'c');
      fs.mkdirSync(d, { recursive: true });
      for (const lvl of [path.join(root, `n${i}`), path.join(root, `n${i}`, 'a'), d]) {
        for (let j = 0; j < 5; j++) fs.writeFileSync(path.join(lvl, `f${j}`), `x${i}${j}`);
      }
    }
    expect(await settle(root, () => view.flat())).toEqual([]);
    expect(view.files.size).toBe(40 * 15);
    expect(view.changes.every((c) => c.detectedBy === 'watch')).toBe(true);
  });

  it('accounts for 5,000 files written into one folder, each created once', async () => {
    const root = tmpDir('burst');
    cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
    fs.mkdirSync(path.join(root, 'in'));
    const { view } = await startLayer(root, { hashMaxBytes: 0 });
    for (let i = 0; i < 5000; i++) fs.writeFileSync(path.join(root, 'in', `f${i}.dat`), `${i}`);
    expect(await settle(root, () => view.flat())).toEqual([]);
    const created = view.changes.filter((c) => c.kind === 'created').map((c) => c.rel);
    expect(new Set(created).size).toBe(5000);
    expect(created.length).toBe(5000);
  });

  it('survives a rename storm of files and folders, pairing renames by inode', async () => {
    const root = tmpDir('storm');
    cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
    for (let d = 0; d < 10; d++) {
      fs.mkdirSync(path.join(root, `d${d}`));
      for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(root, `d${d}`, `f${i}`), `${d}-${i}`);
    }
    const { view } = await startLayer(root);
    // One plain rename first: it must come out as exactly one `renamed`.
    fs.renameSync(path.join(root, 'd0', 'f0'), path.join(root, 'd0', 'g0'));
    expect(await settle(root, () => view.flat())).toEqual([]);
    const first = view.changes.filter((c) => c.detectedBy === 'watch');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      kind: 'renamed',
      path: path.join(root, 'd0', 'g0'),
      oldPath: path.join(root, 'd0', 'f0'),
    });
    // Then the storm: chains, swaps, moves across folders, folder renames.
    for (let round = 0; round < 5; round++) {
      for (let d = 0; d < 10; d++) {
        const dir = path.join(root, `d${d}`);
        for (const n of fs.readdirSync(dir)) {
          fs.renameSync(path.join(dir, n), path.join(dir, `${n}r`));
        }
        const [a, b] = fs.readdirSync(dir);
        if (a && b) {
          fs.renameSync(path.join(dir, a), path.join(dir, 'swap'));
          fs.renameSync(path.join(dir, b), path.join(dir, a));
          fs.renameSync(path.join(dir, 'swap'), path.join(dir, b));
        }
        const moved = fs.readdirSync(dir)[0];
        if (moved)
          fs.renameSync(
            path.join(dir, moved),
            path.join(root, `d${(d + 1) % 10}`, `m${round}-${d}`),
          );
      }
      fs.renameSync(path.join(root, `d${round}`), path.join(root, 'tmpdir'));
      fs.renameSync(path.join(root, 'tmpdir'), path.join(root, `d${round}`));
    }
    expect(await settle(root, () => view.flat())).toEqual([]);
    // Nothing was created or deleted, so a correct pairing reports only renames.
    const kinds = new Set(view.changes.filter((c) => c.detectedBy === 'watch').map((c) => c.kind));
    expect([...kinds]).toEqual(['renamed']);
  });

  it('keeps names with newlines, spaces, Chinese and invalid UTF-8 intact', async () => {
    const root = tmpDir('names');
    cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
    const { view } = await startLayer(root);
    const rb = Buffer.from(root);
    const p = (...parts: (string | Buffer)[]) =>
      Buffer.concat([rb, ...parts.flatMap((x) => [Buffer.from('/'), Buffer.from(x)])]);
    const bad = Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x0a, 0x78]); // "bad\xff\xfe\nx"
    fs.writeFileSync(p('line\nbreak.txt'), 'a');
    fs.writeFileSync(p('with space 保密 文件.docx'), 'b');
    fs.writeFileSync(p(bad), 'c');
    fs.mkdirSync(p(Buffer.concat([Buffer.from('dir'), Buffer.from([0xc3, 0x28])])));
    fs.writeFileSync(
      p(Buffer.concat([Buffer.from('dir'), Buffer.from([0xc3, 0x28])]), 'inner'),
      'd',
    );
    expect(await settle(root, () => view.flat())).toEqual([]);
    const badChange = view.changes.find(
      (c) => c.pathBytes && Buffer.from(c.pathBytes, 'base64').equals(p(bad)),
    );
    expect(badChange?.kind).toBe('created');
    expect(badChange?.path).toBe(`${root}/bad\uFFFD\uFFFD\nx`);
    const inner = view.changes.find((c) => c.path.endsWith('/inner'));
    expect(Buffer.from(inner!.pathBytes!, 'base64')).toEqual(
      p(Buffer.concat([Buffer.from('dir'), Buffer.from([0xc3, 0x28])]), 'inner'),
    );
    const nl = view.changes.find((c) => c.path === `${root}/line\nbreak.txt`);
    expect(nl?.pathBytes).toBeUndefined();
    // Renaming the invalid name keeps both byte strings exact.
    const bad2 = Buffer.concat([bad, Buffer.from([0x80])]);
    fs.renameSync(p(bad), p(bad2));
    expect(await settle(root, () => view.flat())).toEqual([]);
    const ren = view.changes.find((c) => c.kind === 'renamed');
    expect(Buffer.from(ren!.oldPathBytes!, 'base64')).toEqual(p(bad));
    expect(Buffer.from(ren!.pathBytes!, 'base64')).toEqual(p(bad2));
  });

  it('honours ignore globs, folds quick writes and hashes off the hot path', async () => {
    const root = tmpDir('fold');
    cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
    const { view, hashes } = await startLayer(root);
    fs.writeFileSync(path.join(root, 'skip.tmp'), 'ignored');
    const f = path.join(root, 'report.txt');
    fs.writeFileSync(f, 'one ');
    fs.appendFileSync(f, 'two ');
    fs.appendFileSync(f, 'three');
    expect(await settle(root, () => new Map([...view.flat(), ...ignoredReal(root)]))).toEqual([]);
    expect(view.changes.map((c) => c.kind)).toEqual(['created']);
    expect(view.changes[0]!.size).toBe(13);
    for (let i = 0; i < 50 && hashes.length === 0; i++) await sleep(50);
    expect(hashes).toHaveLength(1);
    expect(hashes[0]!.changeId).toBe(view.changes[0]!.changeId);
    expect(hashes[0]!.sha256).toBe(createHash('sha256').update('one two three').digest('hex'));
    fs.appendFileSync(f, ' four');
    expect(await settle(root, () => new Map([...view.flat(), ...ignoredReal(root)]))).toEqual([]);
    expect(view.changes.map((c) => c.kind)).toEqual(['created', 'modified']);
  });

  it('reports changes made while stopped as offline scan results, renames included', async () => {
    const root = tmpDir('offline');
    cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
    fs.writeFileSync(path.join(root, 'keep'), 'k');
    fs.writeFileSync(path.join(root, 'gone'), 'g');
    fs.writeFileSync(path.join(root, 'move'), 'm');
    fs.writeFileSync(path.join(root, 'edit'), 'e');
    const store = new MemorySnapshotStore();
    const first = await startLayer(root, { snapshot: store });
    expect(first.view.notices).toContainEqual(
      expect.objectContaining({ kind: 'scanCompleted', baseline: true, added: 4 }),
    );
    await first.w.stop();
    fs.rmSync(path.join(root, 'gone'));
    fs.renameSync(path.join(root, 'move'), path.join(root, 'moved'));
    fs.appendFileSync(path.join(root, 'edit'), 'more');
    fs.writeFileSync(path.join(root, 'new'), 'n');
    const second = await startLayer(root, { snapshot: store });
    const got = second.view.changes.map((c) => [
      c.kind,
      path.basename(c.path),
      c.detectedBy,
      c.offline,
    ]);
    expect(got.sort()).toEqual(
      [
        ['created', 'new', 'scan', true],
        ['deleted', 'gone', 'scan', true],
        ['modified', 'edit', 'scan', true],
        ['renamed', 'moved', 'scan', true],
      ].sort(),
    );
    const flat = new Map(Array.from(store.entries(root), ([k, e]) => [k, `${e.ino}:${e.size}`]));
    expect(flat).toEqual(realTree(root));
  });

  it('misses nothing that changes between "watching" and the end of the first scan', async () => {
    const root = tmpDir('watching');
    cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
    for (let d = 0; d < 20; d++) {
      fs.mkdirSync(path.join(root, `d${d}`, 'deep'), { recursive: true });
      for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(root, `d${d}`, `f${i}`), `${i}`);
    }
    const watching: number[] = [];
    const { view } = await startLayer(root, {
      // Runs after every directory is watched and before any file is stat'ed: each kind of
      // change the file pass can race with.
      onNotice: (n) => {
        if (n.kind !== 'watching') return;
        watching.push(n.dirs);
        fs.writeFileSync(path.join(root, 'd3', 'deep', 'new'), 'new');
        fs.unlinkSync(path.join(root, 'd4', 'f1'));
        fs.unlinkSync(path.join(root, 'd5', 'f2'));
        fs.mkdirSync(path.join(root, 'd5', 'f2'));
        fs.writeFileSync(path.join(root, 'd5', 'f2', 'inside'), 'x');
        fs.renameSync(path.join(root, 'd6', 'f3'), path.join(root, 'd7', 'moved'));
        fs.appendFileSync(path.join(root, 'd8', 'f4'), ' more');
      },
    });
    expect(watching).toEqual([41]);
    expect(await settle(root, () => view.flat())).toEqual([]);
    expect(view.files.has('d3/deep/new')).toBe(true);
    expect(view.files.has('d5/f2/inside')).toBe(true);
    expect(view.files.has('d4/f1')).toBe(false);
  });

  it('closes every watch when stopped in the middle of a scan, and reports no false deletion', async () => {
    const root = tmpDir('stop-mid-scan');
    cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
    // A chain of 60 nested folders: each listing leads to the next, so when the 30th listing
    // stops the layer, 30 folders are still to be entered (as SIGTERM right after SIGCONT
    // came in the middle of a rescan in an agent).
    let dir = root;
    for (let d = 0; d < 60; d++) {
      dir = path.join(dir, `d${d}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'f'), `${d}`);
    }
    let open = 0;
    let listings = 0;
    let stopping: Promise<void> | undefined;
    let w: ReturnType<typeof createFolderWatcher> | undefined; // set once started
    const source: TreeSource = {
      ...nodeTreeSource,
      readDir: (p) => {
        if (stopping === undefined && w && ++listings === 30) stopping = w.stop();
        return nodeTreeSource.readDir(p);
      },
      watchDir: (p, onEvent, onError) => {
        const h = nodeTreeSource.watchDir(p, onEvent, onError);
        open++;
        let closed = false;
        return {
          close() {
            if (closed) return;
            closed = true;
            open--;
            h.close();
          },
        };
      },
    };
    const view = new View();
    const layer = createFolderWatcher({
      folders: [{ path: root, level: 'AAA', recursive: true, ignore: [] }],
      snapshot: new MemorySnapshotStore(),
      scanIntervalMs: 0,
      onChanges: (batch) => view.apply(batch),
      source,
      kernel: platform.kernel,
    });
    await layer.start();
    expect(open).toBe(61);
    w = layer;
    await layer.rescan('manual');
    expect(stopping).toBeDefined();
    await stopping;
    expect(open).toBe(0);
    expect(view.changes.filter((c) => c.kind === 'deleted')).toEqual([]);
    expect(view.files.size).toBe(60);
  });

  it('records a folder moved between the two passes of a scan as renames, not deletions', async () => {
    const root = tmpDir('moved-mid-scan');
    cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
    for (const d of ['a', 'b', 'c']) {
      fs.mkdirSync(path.join(root, d));
      for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(root, d, `f${i}`), `${d}${i}`);
    }
    let armed = false;
    let seen = 0;
    const source: TreeSource = {
      ...nodeTreeSource,
      readDir: (p) => {
        // The second listing of b in the rescan is pass 2: move b away just before it.
        if (armed && p.toString().endsWith('/b') && ++seen === 2)
          fs.renameSync(path.join(root, 'b'), path.join(root, 'b2'));
        return nodeTreeSource.readDir(p);
      },
    };
    const { w, view } = await startLayer(root, { source });
    armed = true;
    const before = view.changes.length;
    await w.rescan('manual');
    expect(seen).toBe(2);
    expect(await settle(root, () => view.flat())).toEqual([]);
    const after = view.changes.slice(before);
    expect(after.filter((c) => c.kind === 'deleted')).toEqual([]);
    expect(
      after
        .filter((c) => c.kind === 'renamed')
        .map((c) => c.rel)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4].map((i) => `b2/f${i}`));
  });

  it('picks up a root that appears later and one deleted and re-created', async () => {
    const base = tmpDir('appear');
    cleanup.push(() => fs.rmSync(base, { recursive: true, force: true }));
    const root = path.join(base, 'not', 'yet', 'root');
    const { view } = await startLayer(root);
    expect(view.notices).toContainEqual(expect.objectContaining({ kind: 'rootMissing', root }));
    fs.mkdirSync(path.join(base, 'not'));
    await sleep(100);
    fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(root, 'sub', 'a'), 'a');
    fs.writeFileSync(path.join(root, 'b'), 'b');
    expect(await settle(root, () => view.flat())).toEqual([]);
    expect(view.files.size).toBe(2);
    fs.rmSync(root, { recursive: true });
    expect(await settle(root, () => view.flat())).toEqual([]);
    expect(view.files.size).toBe(0);
    expect(view.notices).toContainEqual(expect.objectContaining({ kind: 'rootDeleted', root }));
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'again'), 'x');
    expect(await settle(root, () => view.flat())).toEqual([]);
    expect(view.files.size).toBe(1);
    // And it is watched again, not just scanned once.
    fs.writeFileSync(path.join(root, 'later'), 'y');
    expect(await settle(root, () => view.flat())).toEqual([]);
    expect(view.files.size).toBe(2);
  });
});

/** Real entries matching the ignore list, so the comparison ignores them too. */
function ignoredReal(root: string): Map<string, string> {
  return new Map([...realTree(root)].filter(([k]) => k.endsWith('.tmp')));
}
