// readCapped on real files: the exact bytes up to the cap plus one, a buffer the size of the
// file (a cap-sized one cost the resident agent ~3 MiB through glibc's malloc: read.ts), and
// a file that grows after it was measured is still read up to the cap, never past it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const grow = vi.hoisted(() => ({ file: '', bytes: 0 }));
// fstatSync is where the size is measured: growing the file right after it stands for a
// writer that appends between fstat and the reads.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fstatSync: ((fd: number) => {
      const st = fs.fstatSync(fd);
      if (grow.bytes > 0) fs.appendFileSync(grow.file, Buffer.alloc(grow.bytes, 0x61));
      return st;
    }) as typeof fs.fstatSync,
  };
});

const { readCapped } = await import('../../../src/agent/policy/read.js');

const dir = mkdtempSync(join(tmpdir(), 'baomi-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readCapped', () => {
  it('reads a small file into a buffer of its own size, not one of the cap', () => {
    const file = join(dir, 'small.yaml');
    const text = 'version: 1\nname: 测试 test\n';
    writeFileSync(file, text);
    const r = readCapped(file);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.bytes.toString('utf8')).toBe(text);
    // The whole allocation behind the bytes: the file and the one byte that saw its end.
    expect(r.bytes.buffer.byteLength).toBeLessThanOrEqual(Buffer.byteLength(text) + 1);
  });

  it('reads an empty file as no bytes', () => {
    const file = join(dir, 'empty.yaml');
    writeFileSync(file, '');
    const r = readCapped(file);
    expect(r).toMatchObject({ ok: true });
    if (r.ok) expect(r.bytes.length).toBe(0);
  });

  it('stops at the cap: a larger file gives cap bytes, so the caller sees it is too large', () => {
    const file = join(dir, 'large.yaml');
    writeFileSync(file, Buffer.alloc(5000, 0x62));
    const r = readCapped(file, 1001);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.bytes.length).toBe(1001);
  });

  it('reads on when the file grew after it was measured, up to the cap', () => {
    const file = join(dir, 'growing.yaml');
    writeFileSync(file, 'abc');
    grow.file = file;
    grow.bytes = 10_000;
    try {
      const all = readCapped(file, 1_000_000);
      expect(all.ok && all.bytes.length).toBe(10_003);
      writeFileSync(file, 'abc');
      const capped = readCapped(file, 4097);
      expect(capped.ok && capped.bytes.length).toBe(4097);
    } finally {
      grow.bytes = 0;
    }
  });

  it('refuses a directory and a missing file with their codes', () => {
    const sub = join(dir, 'a-dir');
    mkdirSync(sub);
    expect(readCapped(sub)).toMatchObject({ ok: false, code: 'POLICY_NOT_A_FILE' });
    expect(readCapped(join(dir, 'nope.yaml'))).toMatchObject({
      ok: false,
      code: 'POLICY_FILE_MISSING',
    });
  });
});
