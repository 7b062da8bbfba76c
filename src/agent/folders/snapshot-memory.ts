// In-memory SnapshotStore: the reference implementation of the batch semantics, used by
// tests. The agent backs the same interface with SQLite (files/snapshot-sqlite.ts).
import { applyToMap } from './diff.js';
import { isUnder, parentRel } from './relpath.js';
import type { FileChange, SnapshotEntry, SnapshotStore } from './types.js';

export class MemorySnapshotStore implements SnapshotStore {
  private readonly roots = new Map<string, Map<string, SnapshotEntry>>();

  known(root: string): boolean {
    return this.roots.has(root);
  }

  get(root: string, rel: string): SnapshotEntry | undefined {
    return this.roots.get(root)?.get(rel);
  }

  list(root: string, dir: string): Map<string, SnapshotEntry> {
    const out = new Map<string, SnapshotEntry>();
    for (const [rel, e] of this.roots.get(root) ?? []) if (parentRel(rel) === dir) out.set(rel, e);
    return out;
  }

  dirsBelow(root: string, dir: string, after: string | undefined, limit: number): string[] {
    const dirs = new Set<string>();
    for (const rel of this.roots.get(root)?.keys() ?? []) {
      const d = parentRel(rel);
      if (isUnder(d, dir)) dirs.add(d);
    }
    // The same order as SQLite's BINARY collation: UTF-8 bytes.
    const order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    const sorted = [...dirs].sort(order);
    const from = after === undefined ? 0 : sorted.filter((d) => order(d, after) <= 0).length;
    return sorted.slice(from, from + limit);
  }

  withIno(root: string, ino: number): Array<{ rel: string; entry: SnapshotEntry }> {
    const out: Array<{ rel: string; entry: SnapshotEntry }> = [];
    for (const [rel, entry] of this.roots.get(root) ?? [])
      if (entry.ino === ino) out.push({ rel, entry });
    return out;
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
