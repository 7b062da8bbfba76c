// In-memory SnapshotStore: the reference implementation of the batch semantics, used by
// tests and the benchmark. The agent backs the same interface with SQLite.
import { applyToMap } from './diff.js';
import type { FileChange, SnapshotEntry, SnapshotStore } from './types.js';

export class MemorySnapshotStore implements SnapshotStore {
  private readonly roots = new Map<string, Map<string, SnapshotEntry>>();

  load(root: string): Map<string, SnapshotEntry> | null {
    const m = this.roots.get(root);
    return m ? new Map(m) : null;
  }

  applyChanges(root: string, changes: readonly FileChange[]): void {
    let m = this.roots.get(root);
    if (!m) {
      m = new Map();
      this.roots.set(root, m);
    }
    for (const c of changes) applyToMap(m, c);
  }

  /** Current entries of a root (a copy), for tests. */
  entries(root: string): Map<string, SnapshotEntry> {
    return new Map(this.roots.get(root) ?? []);
  }
}
