// Renames are replayed in order without inodes: each path must be vacated before it is
// filled, and a cycle must not take a file out of the replay.
import { describe, expect, it } from 'vitest';
import {
  applyToMap,
  type DiffChange,
  diffEntries,
  orderRenames,
} from '../../../src/agent/folders/diff.js';
import type { SnapshotEntry } from '../../../src/agent/folders/types.js';

const f = (ino: number): SnapshotEntry => ({ type: 'file', ino, size: ino, mtimeMs: ino });

/** What a reader of the log ends with: renames always remove their source. */
function replay(start: Map<string, number>, changes: DiffChange[]): Map<string, number> {
  const m = new Map(start);
  for (const c of changes) {
    if (c.kind === 'deleted') m.delete(c.rel);
    else {
      if (c.kind === 'renamed') m.delete(c.oldRel);
      m.set(c.rel, c.entry.ino);
    }
  }
  return m;
}

describe('orderRenames', () => {
  it('moves out of a path before moving into it (chains)', () => {
    const before = new Map([
      ['f1', f(1)],
      ['f2', f(2)],
      ['f3', f(3)],
    ]);
    const after = new Map([
      ['f2', f(1)],
      ['f3', f(2)],
      ['f4', f(3)],
    ]);
    const ordered = orderRenames(diffEntries(before, after));
    const targets = ordered.filter((c) => c.kind === 'renamed').map((c) => c.rel);
    expect(targets).toEqual(['f4', 'f3', 'f2']);
    expect(
      replay(
        new Map([
          ['f1', 1],
          ['f2', 2],
          ['f3', 3],
        ]),
        ordered,
      ),
    ).toEqual(
      new Map([
        ['f2', 1],
        ['f3', 2],
        ['f4', 3],
      ]),
    );
  });

  it('orders a chain of just two renames', () => {
    const r12: DiffChange = { kind: 'renamed', rel: 'f2', oldRel: 'f1', entry: f(1) };
    const r23: DiffChange = { kind: 'renamed', rel: 'f3', oldRel: 'f2', entry: f(2) };
    expect(orderRenames([r12, r23])).toEqual([r23, r12]);
    expect(orderRenames([r23, r12])).toEqual([r23, r12]);
  });

  it("places each rename once, also one already placed as another one's blocker", () => {
    const r12: DiffChange = { kind: 'renamed', rel: 'f2', oldRel: 'f1', entry: f(1) };
    const r23: DiffChange = { kind: 'renamed', rel: 'f3', oldRel: 'f2', entry: f(2) };
    const rxy: DiffChange = { kind: 'renamed', rel: 'y', oldRel: 'x', entry: f(5) };
    expect(orderRenames([r12, r23, rxy])).toEqual([r23, r12, rxy]);
  });

  it('reorders renames only among their own slots; other changes keep their places', () => {
    const made: DiffChange = { kind: 'created', rel: 'n', entry: f(9) };
    const gone: DiffChange = { kind: 'deleted', rel: 'old', entry: f(8) };
    const r12: DiffChange = { kind: 'renamed', rel: 'f2', oldRel: 'f1', entry: f(1) };
    const r23: DiffChange = { kind: 'renamed', rel: 'f3', oldRel: 'f2', entry: f(2) };
    expect(orderRenames([made, r12, gone, r23])).toEqual([made, r23, gone, r12]);
  });

  it('keeps other changes in their places and leaves single renames alone', () => {
    const c: DiffChange[] = [
      { kind: 'created', rel: 'n', entry: f(9) },
      { kind: 'renamed', rel: 'b', oldRel: 'a', entry: f(1) },
    ];
    expect(orderRenames(c)).toBe(c);
  });

  it('places every rename of a swap exactly once', () => {
    const before = new Map([
      ['A', f(1)],
      ['B', f(2)],
    ]);
    const after = new Map([
      ['A', f(2)],
      ['B', f(1)],
    ]);
    const ordered = orderRenames(diffEntries(before, after));
    expect(ordered.filter((c) => c.kind === 'renamed')).toHaveLength(2);
    // applyToMap (the snapshot) keeps both files whatever the order.
    const snap = new Map(before);
    for (const c of ordered) applyToMap(snap, c);
    expect([...snap].map(([k, e]) => [k, e.ino]).sort()).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
  });
});
