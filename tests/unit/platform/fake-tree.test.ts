// FakeTree's own rules, beyond what the contract test compares with node:fs: the errors a
// real file system gives, rm -rf's order of events, unreadable directories, and a watch that
// follows its directory and dies with it.
import { describe, expect, it } from 'vitest';
import { FakeTree } from '../../../src/platform/fake/tree.js';

const code = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code;
  }
};

describe('FakeTree', () => {
  it('refuses what rename(2), rmdir(2), unlink(2) and mkdir(2) refuse', () => {
    const t = new FakeTree();
    t.mkdir('/a/b', { recursive: true });
    t.write('/a/f', 'x');
    t.mkdir('/full/x', { recursive: true });
    expect(code(() => t.rename('/a', '/a/b/inside'))).toBe('EINVAL');
    expect(code(() => t.rename('/a/f', '/a/b'))).toBe('EISDIR');
    expect(code(() => t.rename('/a/b', '/a/f'))).toBe('ENOTDIR');
    expect(code(() => t.rename('/a/b', '/full'))).toBe('ENOTEMPTY');
    expect(code(() => t.rmdir('/full'))).toBe('ENOTEMPTY');
    expect(code(() => t.unlink('/a/b'))).toBe('EISDIR');
    expect(code(() => t.mkdir('/a'))).toBe('EEXIST');
    expect(code(() => t.write('/nope/f', 'x'))).toBe('ENOENT');
    expect(code(() => t.write('/a/f/g', 'x'))).toBe('ENOTDIR');
    expect(code(() => t.lstat('relative'))).toBe('EINVAL');
    // An empty directory may be replaced by a directory.
    t.mkdir('/empty');
    t.rename('/a/b', '/empty');
    expect(t.list('/').map((e) => e.path)).toEqual(['/a', '/a/f', '/empty', '/full', '/full/x']);
  });

  it('removes a tree children first, each removal heard by its parent’s watch', async () => {
    const t = new FakeTree();
    t.mkdir('/r/d/e', { recursive: true });
    t.write('/r/d/f', '1');
    const heard: string[] = [];
    t.watchDir(
      '/r',
      (k, n) => heard.push(`r:${k}:${n}`),
      () => {},
    );
    t.watchDir(
      '/r/d',
      (k, n) => heard.push(`d:${k}:${n}`),
      () => {},
    );
    t.remove('/r/d');
    await t.flushed();
    expect(heard).toEqual(['d:rename:e', 'd:rename:f', 'd:rename:d', 'd:rename:d', 'r:rename:d']);
    expect(t.watchCount()).toBe(1); // d's watch died with it
    t.remove('/r/missing'); // rm -f: nothing to do
  });

  it('follows links in the middle of a path, refuses loops, and lists through a link to a directory', () => {
    const t = new FakeTree();
    t.mkdir('/real/dir', { recursive: true });
    t.write('/real/dir/f', 'x');
    t.symlink('/real', '/abs');
    t.symlink('real/dir', '/rel');
    t.symlink('/loop2', '/loop1');
    t.symlink('/loop1', '/loop2');
    expect(t.lstat('/abs/dir/f')?.isFile()).toBe(true);
    expect(t.lstat('/rel/f')?.size).toBe(1);
    expect(t.readDir('/rel')?.map((d) => d.name)).toEqual(['f']);
    expect(t.stat('/loop1')).toBeUndefined();
    expect(code(() => t.write('/loop1/x', 'y'))).toBe('ELOOP');
    expect(t.readDir('/real/dir/f')).toBeUndefined(); // a file is not a directory
  });

  it('keeps an unreadable directory’s listing from its reader (EACCES) until it is readable', () => {
    const t = new FakeTree();
    t.mkdir('/secret');
    t.setUnreadable('/secret');
    expect(code(() => t.readDir('/secret'))).toBe('EACCES');
    t.setUnreadable('/secret', false);
    expect(t.readDir('/secret')).toEqual([]);
  });

  it('reads a file through a handle that sees the inode’s current content', async () => {
    const t = new FakeTree();
    t.write('/f', 'hello world');
    const h = await t.openRead('/f');
    const buf = new Uint8Array(5);
    expect(await h.read(buf, 6)).toBe(5);
    expect(Buffer.from(buf).toString()).toBe('world');
    t.append('/f', '!');
    expect((await h.stat()).size).toBe(12);
    expect(await h.read(buf, 12)).toBe(0);
    await h.close();
    t.symlink('/f', '/l');
    await expect(t.openRead('/l')).rejects.toMatchObject({ code: 'ELOOP' });
    await expect(t.openRead('/nope')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(t.read('/f').toString()).toBe('hello world!');
  });
});
