// The listing fallback for file systems without d_type (XFS without ftype, some FUSE and
// NFS): raw names typed one by one, on real files, including a name that is not UTF-8.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listTypedOneByOne, nodeTreeSource } from '../../../src/platform/node/tree-source.js';
import { tmpDir } from '../folders/helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function fixture(): string {
  const root = tmpDir('listing');
  dirs.push(root);
  fs.mkdirSync(path.join(root, 'sub'));
  fs.writeFileSync(path.join(root, 'file'), 'x');
  fs.symlinkSync(path.join(root, 'sub'), path.join(root, 'link-to-dir'));
  const raw = Buffer.concat([
    Buffer.from(`${root}/bad-`),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('.txt'),
  ]);
  fs.writeFileSync(raw, 'y');
  return root;
}

const summary = (list: ReturnType<typeof listTypedOneByOne>) =>
  (list ?? [])
    .map((d) => `${Buffer.from(d.name).toString('hex')}:${d.isDirectory() ? 'dir' : 'other'}`)
    .sort();

describe('directory listings', () => {
  it('types entries one by one like the d_type listing does, keeping raw names exact', () => {
    const root = fixture();
    const oneByOne = listTypedOneByOne(root);
    expect(summary(oneByOne)).toEqual(summary(nodeTreeSource.readDir(root)));
    const byName = new Map(
      (oneByOne ?? []).map((d) => [Buffer.from(d.name).toString('latin1'), d]),
    );
    expect(byName.get('sub')?.isDirectory()).toBe(true);
    expect(byName.get('link-to-dir')?.isDirectory()).toBe(false); // a link is not followed
    expect(byName.get('file')?.isDirectory()).toBe(false);
    expect(
      byName.has(
        Buffer.from([0x62, 0x61, 0x64, 0x2d, 0xff, 0xfe, 0x2e, 0x74, 0x78, 0x74]).toString(
          'latin1',
        ),
      ),
    ).toBe(true);
  });

  it('says a directory is gone (undefined) rather than empty', () => {
    const root = fixture();
    expect(listTypedOneByOne(path.join(root, 'missing'))).toBeUndefined();
    expect(nodeTreeSource.readDir(path.join(root, 'missing'))).toBeUndefined();
  });
});

describe('openRead and FIFOs', () => {
  it('opens a FIFO without waiting for a writer, so no thread-pool thread is held', async () => {
    const dir = fs.mkdtempSync(path.join(tmpdir(), 'baomi-fifo-'));
    try {
      const fifos = [0, 1, 2, 3, 4].map((i) => path.join(dir, `f${i}`));
      for (const f of fifos) execFileSync('mkfifo', [f]);
      // Five at once: more than libuv's four threads. Each must come back (opened, not a file).
      const opened = await Promise.race([
        Promise.all(fifos.map((f) => nodeTreeSource.openRead(f))),
        new Promise<'blocked'>((r) => setTimeout(() => r('blocked'), 3000)),
      ]);
      expect(opened).not.toBe('blocked');
      for (const h of opened as Awaited<ReturnType<typeof nodeTreeSource.openRead>>[]) {
        expect((await h.stat()).isFile()).toBe(false);
        await h.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
