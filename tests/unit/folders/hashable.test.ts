// Which changes the hash stage hashes, and so which ones the agent queues (recorder.ts).
import { describe, expect, it } from 'vitest';
import { HASH_MAX_BYTES, isHashable } from '../../../src/agent/folders/index.js';
import type { ChangeKind, EntryType } from '../../../src/agent/folders/types.js';

const change = (kind: ChangeKind, size = 10, type: EntryType = 'file') => ({
  kind,
  entry: { type, ino: 1, size, mtimeMs: 1 },
});

describe('isHashable', () => {
  it('hashes created, modified and renamed regular files up to 64 MiB', () => {
    for (const k of ['created', 'modified', 'renamed'] as const)
      expect(isHashable(change(k), {})).toBe(true);
    expect(isHashable(change('modified', HASH_MAX_BYTES), {})).toBe(true);
    expect(HASH_MAX_BYTES).toBe(64 * 1024 * 1024);
  });

  it('leaves out deletions, files over the cap, links, baselines, and a cap of 0', () => {
    expect(isHashable(change('deleted'), {})).toBe(false);
    expect(isHashable(change('modified', HASH_MAX_BYTES + 1), {})).toBe(false);
    expect(isHashable(change('created', 10, 'symlink'), {})).toBe(false);
    expect(isHashable(change('created', 10, 'other'), {})).toBe(false);
    expect(isHashable(change('created'), { baseline: true })).toBe(false);
    expect(isHashable(change('created'), {}, 0)).toBe(false);
  });
});
