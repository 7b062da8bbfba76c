import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyToMap,
  type DiffChange,
  diffEntries,
  sameFile,
} from '../../../src/agent/folders/diff.js';
import type { SnapshotEntry } from '../../../src/agent/folders/types.js';

const e = (ino: number, size = 1, mtimeMs = 1000, btimeMs = ino * 10): SnapshotEntry => ({
  type: 'file',
  ino,
  size,
  mtimeMs,
  btimeMs,
});
const m = (o: Record<string, SnapshotEntry>) => new Map(Object.entries(o));
const brief = (cs: DiffChange[]) =>
  cs.map((c) => (c.kind === 'renamed' ? `renamed ${c.oldRel}>${c.rel}` : `${c.kind} ${c.rel}`));
const applyAll = (before: Map<string, SnapshotEntry>, cs: DiffChange[]) => {
  const out = new Map(before);
  for (const c of cs) applyToMap(out, c);
  return out;
};

describe('diffEntries', () => {
  it('finds created, modified and deleted entries', () => {
    const before = m({ a: e(1), b: e(2), c: e(3) });
    const after = m({ a: e(1), b: e(2, 5, 2000), d: e(4) });
    expect(brief(diffEntries(before, after)).sort()).toEqual([
      'created d',
      'deleted c',
      'modified b',
    ]);
  });

  it('pairs a rename by inode, also across folders', () => {
    const cs = diffEntries(m({ 'x/a': e(7) }), m({ 'y/b': e(7) }));
    expect(brief(cs)).toEqual(['renamed x/a>y/b']);
  });

  it('keeps a swap of two names right when applied in order', () => {
    const before = m({ a: e(1), b: e(2) });
    const after = m({ a: e(2), b: e(1) });
    const cs = diffEntries(before, after);
    expect(brief(cs).sort()).toEqual(['renamed a>b', 'renamed b>a']);
    expect(applyAll(before, cs)).toEqual(after);
  });

  it('reports a rename onto an existing file as its deletion first', () => {
    const before = m({ a: e(1), b: e(2) });
    const after = m({ b: e(1) });
    const cs = diffEntries(before, after);
    expect(brief(cs)).toEqual(['deleted b', 'renamed a>b']);
    expect(applyAll(before, cs)).toEqual(after);
  });

  it('treats save-by-rename (new inode at the same path) as a modification', () => {
    expect(brief(diffEntries(m({ doc: e(1) }), m({ doc: e(9, 2, 3000) })))).toEqual([
      'modified doc',
    ]);
  });

  it('does not take a reused inode number for a rename (birth time differs)', () => {
    const cs = diffEntries(m({ gone: e(5, 1, 1000, 50) }), m({ fresh: e(5, 1, 2000, 99) }));
    expect(brief(cs).sort()).toEqual(['created fresh', 'deleted gone']);
  });

  it('reports a hard link as created, not as a rename', () => {
    expect(brief(diffEntries(m({ a: e(1) }), m({ a: e(1), b: e(1) })))).toEqual(['created b']);
  });

  it('pairs with a known entry outside the scope only when that path is gone', () => {
    const outside = { byIno: () => ({ rel: 'old/p', entry: e(3) }), isGone: () => true };
    expect(brief(diffEntries(new Map(), m({ 'new/p': e(3) }), outside))).toEqual([
      'renamed old/p>new/p',
    ]);
    const still = { ...outside, isGone: () => false };
    expect(brief(diffEntries(new Map(), m({ 'new/p': e(3) }), still))).toEqual(['created new/p']);
  });

  it('sees a change of size alone, or of mtime alone, as a modification', () => {
    const before = m({ a: e(1, 10, 1000), b: e(2, 10, 1000), c: e(3, 10, 1000) });
    const after = m({ a: e(1, 11, 1000), b: e(2, 10, 1001), c: e(3, 10, 1000) });
    expect(brief(diffEntries(before, after))).toEqual(['modified a', 'modified b']);
  });

  it('never pairs a path with itself through the outside lookup', () => {
    // Stale outside knowledge of this very path: the file is new here, not moved here.
    const outside = { byIno: () => ({ rel: 'p', entry: e(3) }), isGone: () => true };
    expect(brief(diffEntries(new Map(), m({ p: e(3) }), outside))).toEqual(['created p']);
  });

  it('turns any before into any after when applied in order, in any batch split', () => {
    // Paths p0..p7; files are inodes 1..12 (each inode lives at most at one path).
    const state = fc
      .array(fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }), {
        minLength: 8,
        maxLength: 8,
      })
      .map((slots) => {
        const used = new Set<number>();
        const out = new Map<string, SnapshotEntry>();
        slots.forEach((ino, i) => {
          if (ino !== undefined && !used.has(ino)) {
            used.add(ino);
            out.set(`p${i}`, e(ino));
          }
        });
        return out;
      });
    fc.assert(
      fc.property(state, state, fc.integer({ min: 1, max: 5 }), (before, after, chunk) => {
        const cs = diffEntries(before, after);
        const got = new Map(before);
        for (let i = 0; i < cs.length; i += chunk)
          for (const c of cs.slice(i, i + chunk)) applyToMap(got, c);
        expect(got).toEqual(after);
        // Each path changes at most once, except a rename target deleted first.
        const targets = cs.filter((c) => c.kind !== 'deleted').map((c) => c.rel);
        expect(new Set(targets).size).toBe(targets.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('sameFile', () => {
  const f = (o: Partial<SnapshotEntry> = {}): SnapshotEntry => ({
    type: 'file',
    ino: 7,
    size: 1,
    mtimeMs: 1000,
    btimeMs: 500,
    ...o,
  });

  it('needs the same inode and the same type', () => {
    expect(sameFile(f(), f())).toBe(true);
    expect(sameFile(f(), f({ ino: 8 }))).toBe(false);
    expect(sameFile(f(), f({ type: 'symlink' }))).toBe(false);
    expect(sameFile(f(), f({ ino: 8, type: 'symlink' }))).toBe(false);
  });

  it('decides by birth time when both have one, whatever the mtime', () => {
    expect(sameFile(f(), f({ mtimeMs: 9999 }))).toBe(true); // written since, same file
    expect(sameFile(f(), f({ btimeMs: 501 }))).toBe(false); // inode number reused
  });

  it('falls back to mtime when either side has no birth time', () => {
    for (const [a, b] of [
      [f({ btimeMs: undefined }), f()],
      [f(), f({ btimeMs: undefined })],
      [f({ btimeMs: undefined }), f({ btimeMs: undefined })],
    ] as const) {
      expect(sameFile(a, b)).toBe(true);
      expect(sameFile(a, { ...b, mtimeMs: 1001 })).toBe(false);
    }
  });
});

describe('applyToMap', () => {
  it('removes a source only for a rename: a change that merely carries oldRel keeps it', () => {
    const map = m({ a: e(1), b: e(2) });
    applyToMap(map, { kind: 'modified', rel: 'b', oldRel: 'a', entry: e(1) });
    expect([...map.keys()].sort()).toEqual(['a', 'b']);
    applyToMap(map, { kind: 'created', rel: 'c', oldRel: 'a', entry: e(1) });
    expect([...map.keys()].sort()).toEqual(['a', 'b', 'c']);
    applyToMap(map, { kind: 'renamed', rel: 'd', oldRel: 'a', entry: e(1) });
    expect([...map.keys()].sort()).toEqual(['b', 'c', 'd']);
  });
});
