// The fake tree is only worth its unit tests if it behaves like the real one: the same
// operations, run on real files through node:fs and fs.watch and on FakeTree, must raise
// the same watch events (directory, kind, name, in order) and leave the same tree, as the
// port's readers (lstat, stat, readDir, openRead) see it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DirWatch, TreeSource } from '../../../src/core/ports/tree-source.js';
import { absOf, segOf } from '../../../src/core/relpath.js';
import { FakeTree } from '../../../src/platform/fake/tree.js';
import {
  makeNodeTreeSource,
  nodeTreeSource,
  rawHandlesAvailable,
} from '../../../src/platform/node/tree-source.js';

/** What a test does to a tree, by path relative to the root. */
interface Ops {
  write(rel: string, data: string): void;
  append(rel: string, data: string): void;
  touch(rel: string): void;
  mkdir(rel: string): void;
  rename(from: string, to: string): void;
  unlink(rel: string): void;
  rmdir(rel: string): void;
  symlink(target: string, rel: string): void;
}

interface Subject {
  root: string | Buffer;
  source: TreeSource;
  ops: Ops;
  /** Waits until the events of the last operation have been delivered. */
  settle(): Promise<void>;
}

const BAD = Buffer.from([0x62, 0xff, 0x2e, 0x74]); // "b\xff.t": not UTF-8

function realSubject(source = nodeTreeSource): Subject & { cleanup(): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-contract-'));
  const p = (rel: string) => path.join(root, rel);
  return {
    root,
    source,
    ops: {
      write: (rel, data) => fs.writeFileSync(p(rel), data),
      append: (rel, data) => fs.appendFileSync(p(rel), data),
      touch: (rel) => fs.utimesSync(p(rel), 1000, 1000),
      mkdir: (rel) => fs.mkdirSync(p(rel)),
      rename: (a, b) => fs.renameSync(p(a), p(b)),
      unlink: (rel) => fs.unlinkSync(p(rel)),
      rmdir: (rel) => fs.rmdirSync(p(rel)),
      symlink: (target, rel) => fs.symlinkSync(target, p(rel)),
    },
    // inotify events reach the loop on its next turns; 60 ms is ample on an idle machine.
    settle: () => new Promise((r) => setTimeout(r, 60)),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

function fakeSubject(): Subject {
  const tree = new FakeTree();
  const root = '/srv/finance';
  tree.mkdir(root, { recursive: true });
  const p = (rel: string) => `${root}/${rel}`;
  return {
    root,
    source: tree,
    ops: {
      write: (rel, data) => tree.write(p(rel), data),
      append: (rel, data) => tree.append(p(rel), data),
      touch: (rel) => tree.touch(p(rel), 1_000_000),
      mkdir: (rel) => tree.mkdir(p(rel)),
      rename: (a, b) => tree.rename(p(a), p(b)),
      unlink: (rel) => tree.unlink(p(rel)),
      rmdir: (rel) => tree.rmdir(p(rel)),
      symlink: (target, rel) => tree.symlink(target, p(rel)),
    },
    settle: () => tree.flushed(),
  };
}

const at = (root: string | Buffer, rel: string): string | Buffer =>
  typeof root === 'string' ? `${root}/${rel}` : Buffer.concat([root, Buffer.from(`/${rel}`)]);

/** Runs the scenario and returns the events heard, as "watch:kind:name" lines. */
async function run(s: Subject): Promise<string[]> {
  const heard: string[] = [];
  const watches: DirWatch[] = [];
  const watch = (label: string, rel: string) =>
    watches.push(
      s.source.watchDir(
        rel === '' ? s.root : at(s.root, rel),
        (kind, name) => heard.push(`${label}:${kind}:${name}`),
        (e) => heard.push(`${label}:error:${e.message}`),
      ),
    );
  s.ops.mkdir('sub');
  await s.settle();
  watch('root', '');
  watch('sub', 'sub');
  const steps: Array<() => void> = [
    () => s.ops.write('a', 'x'), // create with content
    () => s.ops.write('a', 'yy'), // rewrite
    () => s.ops.write('empty', ''), // create without content
    () => s.ops.append('a', 'z'),
    () => s.ops.touch('a'),
    () => s.ops.rename('a', 'sub/b'), // across directories
    () => s.ops.symlink('/nowhere', 'link'),
    () => s.ops.mkdir('d'),
    () => s.ops.rename('sub', 'd/sub2'), // a watched directory moves (its watch follows)
    () => s.ops.write('d/sub2/c', 'c'), // heard by the moved directory's watch
    () => s.ops.unlink('d/sub2/b'),
    () => s.ops.unlink('d/sub2/c'),
    () => s.ops.rmdir('d/sub2'), // a watched directory is deleted (its watch dies)
    () => s.ops.write('e', 'e'),
    () => s.ops.rename('e', 'empty'), // replaces a file
  ];
  for (const step of steps) {
    step();
    await s.settle();
  }
  for (const w of watches) w.close();
  // The kernel may fold identical events that queue up unread (a rewrite's truncate and
  // write); compare without consecutive duplicates.
  return heard.filter((e, i) => e !== heard[i - 1]);
}

/** The tree below the root as the port's readers see it (names as relpath segments: the
 *  real listing gives every name as bytes once one is not UTF-8, the fake only that one). */
async function seen(s: Subject): Promise<string[]> {
  const out: string[] = [];
  const root = s.root.toString();
  const go = async (rel: string) => {
    const list = s.source.readDir(absOf(root, rel)) ?? [];
    for (const d of list) {
      const seg = typeof d.name === 'string' ? d.name : segOf(d.name);
      const r = rel === '' ? seg : `${rel}/${seg}`;
      const abs = absOf(root, r);
      const st = s.source.lstat(abs)!;
      const kind = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'file';
      let content = '';
      if (st.isFile()) {
        const h = await s.source.openRead(abs);
        const buf = new Uint8Array(64);
        const n = await h.read(buf, 0);
        await h.close();
        content = Buffer.from(buf.subarray(0, n)).toString('latin1');
      }
      out.push(`${r}:${kind}:${st.isFile() ? st.size : '-'}:${content}:${d.isDirectory()}`);
      if (st.isDirectory()) await go(r);
    }
  };
  await go('');
  return out.sort();
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('FakeTree against node:fs and fs.watch (the same operations)', () => {
  it('raises the same watch events, in the same order', async () => {
    const real = realSubject();
    cleanups.push(real.cleanup);
    const fake = fakeSubject();
    const realEvents = await run(real);
    const fakeEvents = await run(fake);
    expect(fakeEvents).toEqual(realEvents);
    // The scenario is not vacuous: the moved directory kept its watch, the deleted one
    // reported itself.
    expect(realEvents).toContain('sub:rename:c');
    expect(realEvents).toContain('sub:rename:sub');
    expect(await seen(fake)).toEqual(await seen(real));
  });

  it('orders a deleted directory’s own events before its parent’s, like inotify', async () => {
    const real = realSubject();
    cleanups.push(real.cleanup);
    const fake = fakeSubject();
    const heardOn = async (s: Subject, rm: () => void) => {
      s.ops.mkdir('d');
      s.ops.write('d/f', 'x');
      await s.settle();
      const heard: string[] = [];
      const ws = [
        s.source.watchDir(
          at(s.root, ''),
          (k, n) => heard.push(`root:${k}:${n}`),
          () => {},
        ),
        s.source.watchDir(
          at(s.root, 'd'),
          (k, n) => heard.push(`d:${k}:${n}`),
          () => {},
        ),
      ];
      rm();
      await s.settle();
      for (const w of ws) w.close();
      return heard;
    };
    const realHeard = await heardOn(real, () => fs.rmSync(at(real.root, 'd'), { recursive: true }));
    const fakeHeard = await heardOn(fake, () =>
      (fake.source as FakeTree).remove(at(fake.root, 'd')),
    );
    expect(fakeHeard).toEqual(realHeard);
    expect(realHeard.at(-1)).toBe('root:rename:d');
  });

  it('answers lstat, stat, readDir and openRead alike, links and odd names included', async () => {
    const real = realSubject();
    cleanups.push(real.cleanup);
    const fake = fakeSubject();
    for (const s of [real, fake]) {
      s.ops.mkdir('dir');
      s.ops.write('dir/f', 'hello');
      s.ops.symlink('dir', 'to-dir');
      s.ops.symlink('missing', 'dangling');
      const bad = Buffer.concat([Buffer.from(`${s.root}/`), BAD]);
      if (s === real) fs.writeFileSync(bad, 'raw');
      else (s.source as FakeTree).write(bad, 'raw');
    }
    const facts = async (s: Subject) => {
      const src = s.source;
      const link = at(s.root, 'to-dir');
      const open = async (rel: string) => {
        try {
          await (await src.openRead(at(s.root, rel))).close();
          return 'ok';
        } catch (e) {
          return (e as NodeJS.ErrnoException).code;
        }
      };
      return {
        linkLstat: src.lstat(link)?.isSymbolicLink(),
        linkStat: src.stat(link)?.isDirectory(),
        dangling: [
          src.lstat(at(s.root, 'dangling'))?.isSymbolicLink(),
          src.stat(at(s.root, 'dangling')),
        ],
        missing: [src.lstat(at(s.root, 'nope')), src.readDir(at(s.root, 'nope'))],
        underFile: src.lstat(at(s.root, 'dir/f/x')),
        throughLink: src.readDir(at(s.root, 'to-dir/'))?.map((d) => d.name.toString()),
        openLink: await open('to-dir'),
        openMissing: await open('nope'),
        listing: await seen(s),
      };
    };
    expect(await facts(fake)).toEqual(await facts(real));
  });

  it('fails a watch like inotify does: missing (ENOENT), a file (ENOTDIR) and, past the limit, ENOSPC', () => {
    const real = realSubject();
    cleanups.push(real.cleanup);
    real.ops.write('f', 'x');
    const fake = new FakeTree({ maxWatches: 2 });
    fake.mkdir('/a/b/c', { recursive: true });
    fake.write('/a/f', 'x');
    const code = (f: () => unknown) => {
      try {
        f();
        return 'ok';
      } catch (e) {
        return (e as NodeJS.ErrnoException).code;
      }
    };
    expect(
      code(() =>
        nodeTreeSource.watchDir(
          at(real.root, 'nope'),
          () => {},
          () => {},
        ),
      ),
    ).toBe('ENOENT');
    expect(
      code(() =>
        fake.watchDir(
          '/a/nope',
          () => {},
          () => {},
        ),
      ),
    ).toBe('ENOENT');
    expect(
      code(() =>
        fake.watchDir(
          '/a/f',
          () => {},
          () => {},
        ),
      ),
    ).toBe('ENOTDIR');
    const w1 = fake.watchDir(
      '/a',
      () => {},
      () => {},
    );
    fake.watchDir(
      '/a',
      () => {},
      () => {},
    ); // the same directory shares its kernel watch
    fake.watchDir(
      '/a/b',
      () => {},
      () => {},
    );
    expect(fake.watchCount()).toBe(2);
    expect(
      code(() =>
        fake.watchDir(
          '/a/b/c',
          () => {},
          () => {},
        ),
      ),
    ).toBe('ENOSPC');
    w1.close();
    expect(fake.watchCount()).toBe(2); // the other handle on /a still holds it
  });
});

describe('watches: libuv handles without fs.watch, and fs.watch where Node has none', () => {
  it('this Node gives the raw handle (the footprint bench:watch measures)', () => {
    expect(rawHandlesAvailable()).toBe(true);
  });

  it('both raise the same events as the fake, in the same order', async () => {
    const raw = realSubject(makeNodeTreeSource());
    const fsWatch = realSubject(makeNodeTreeSource({ rawHandles: false }));
    cleanups.push(raw.cleanup, fsWatch.cleanup);
    const rawEvents = await run(raw);
    expect(await run(fsWatch)).toEqual(rawEvents);
    expect(await run(fakeSubject())).toEqual(rawEvents);
  });

  it('gives each pair of callbacks (one per root) its own watches; a raw handle holds its key alone', async () => {
    const s = realSubject(makeNodeTreeSource());
    cleanups.push(s.cleanup);
    for (const d of ['a', 'b', 'c']) s.ops.mkdir(d);
    const pair = (heard: string[]) => ({
      onEvent: (_kind: string, rel: string | null, key: string) => heard.push(`${key}:${rel}`),
      onError: (e: Error, key: string) => heard.push(`${key}:error:${e.message}`),
    });
    const one: string[] = [];
    const two: string[] = [];
    const p1 = pair(one);
    const p2 = pair(two);
    const watches = [
      s.source.watchDir(at(s.root, 'a'), p1.onEvent, p1.onError, 'a'),
      s.source.watchDir(at(s.root, 'b'), p2.onEvent, p2.onError, 'b'),
      s.source.watchDir(at(s.root, 'c'), p1.onEvent, p1.onError, 'c'),
    ];
    // The callbacks live on the handle's class (bench:watch's bytes per folder), not on it.
    expect(watches.map((w) => Object.keys(w))).toEqual([['key'], ['key'], ['key']]);
    s.ops.write('a/1', 'x');
    s.ops.write('b/2', 'y');
    s.ops.write('c/3', 'z');
    await s.settle();
    expect([...new Set(one)]).toEqual(['a:1', 'c:3']);
    expect([...new Set(two)]).toEqual(['b:2']);
    for (const w of watches) w.close();
  });

  for (const rawHandles of [true, false]) {
    it(`tells each watch's key to shared functions, and is silent once closed (${rawHandles ? 'raw handle' : 'fs.watch'})`, async () => {
      const s = realSubject(makeNodeTreeSource({ rawHandles }));
      cleanups.push(s.cleanup);
      s.ops.mkdir('a');
      s.ops.mkdir('b');
      const heard: string[] = [];
      const onEvent = (kind: string, rel: string | null, key: string) =>
        heard.push(`${key}:${kind}:${rel}`);
      const onError = (e: Error, key: string) => heard.push(`${key}:error:${e.message}`);
      const wa = s.source.watchDir(at(s.root, 'a'), onEvent, onError, 'key-a');
      const wb = s.source.watchDir(at(s.root, 'b'), onEvent, onError, 'key-b');
      s.ops.write('a/1', 'x');
      s.ops.write('b/2', 'y');
      await s.settle();
      expect(heard.filter((h, i) => h !== heard[i - 1])).toEqual([
        'key-a:rename:1',
        'key-a:change:1',
        'key-b:rename:2',
        'key-b:change:2',
      ]);
      wa.close();
      wa.close(); // twice is harmless
      s.ops.write('a/3', 'z');
      s.ops.write('b/4', 'w');
      await s.settle();
      expect(heard.slice(4).filter((h) => h.startsWith('key-a'))).toEqual([]);
      expect(heard.slice(4)).toContain('key-b:rename:4');
      wb.close();
      const code = (p: string) => {
        try {
          s.source.watchDir(p, onEvent, onError, 'x').close();
          return 'ok';
        } catch (e) {
          return (e as NodeJS.ErrnoException).code;
        }
      };
      expect(code(at(s.root, 'nope') as string)).toBe('ENOENT');
    });
  }
});
