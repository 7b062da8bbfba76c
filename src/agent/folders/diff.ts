// Pure diff of "what we knew" against "what is there now" within one scope, with renames
// paired by inode. Linux inotify (through Node's fs.watch) reports a rename as two bare
// names, so the inode is the only reliable link between the old and the new path.
import type { SnapshotEntry } from './types.js';

export type DiffChange =
  | { kind: 'created' | 'modified'; rel: string; entry: SnapshotEntry }
  | { kind: 'deleted'; rel: string; entry: SnapshotEntry }
  | { kind: 'renamed'; rel: string; oldRel: string; entry: SnapshotEntry };

/** Entries known outside the scope, for renames whose old path was not reported. */
export interface OutsideLookup {
  /** A known path (outside `before`) holding this inode, with its entry, if any. */
  byIno(ino: number): { rel: string; entry: SnapshotEntry } | undefined;
  /** True when that path is gone from disk (so the inode really moved). */
  isGone(rel: string): boolean;
}

export const sameContent = (a: SnapshotEntry, b: SnapshotEntry): boolean =>
  a.size === b.size && a.mtimeMs === b.mtimeMs && a.type === b.type;

/**
 * Same file (not just the same inode number): ext4 hands a freed inode number to the next
 * new file at once, so "deleted a, created b" would look like a rename. The birth time
 * tells them apart; without it, a rename keeps mtime and a new file almost never has the
 * old one's.
 */
export function sameFile(a: SnapshotEntry, b: SnapshotEntry): boolean {
  if (a.ino !== b.ino || a.type !== b.type) return false;
  if (a.btimeMs !== undefined && b.btimeMs !== undefined) return a.btimeMs === b.btimeMs;
  return a.mtimeMs === b.mtimeMs;
}

/**
 * `before`: known entries in scope; `after`: entries found in the same scope now.
 * Result order is safe to apply in sequence (types.ts SnapshotStore.applyChanges):
 * overwritten rename targets are deleted first, then renames, creates and modifications,
 * then plain deletions.
 */
export function diffEntries(
  before: ReadonlyMap<string, SnapshotEntry>,
  after: ReadonlyMap<string, SnapshotEntry>,
  outside?: OutsideLookup,
): DiffChange[] {
  if (before.size === 0) {
    // First scan of a root, or a brand-new directory: everything is new (the common bulk
    // case, kept cheap). Renames from outside the scope still pair by inode.
    if (!outside) return Array.from(after, ([rel, entry]) => ({ kind: 'created', rel, entry }));
  }
  // Candidates for the source of a rename: paths whose old inode is no longer there.
  const goneByIno = new Map<number, string>();
  for (const [rel, old] of before) {
    const now = after.get(rel);
    if (!now || !sameFile(old, now)) goneByIno.set(old.ino, rel);
  }
  const claimed = new Set<string>(); // old paths whose inode moved elsewhere
  const renames: DiffChange[] = [];
  const targets = new Set<string>();
  const fresh: Array<[string, SnapshotEntry]> = [];
  const updates: DiffChange[] = [];

  for (const [rel, now] of after) {
    const old = before.get(rel);
    if (old && sameFile(old, now)) {
      if (!sameContent(old, now)) updates.push({ kind: 'modified', rel, entry: now });
      continue;
    }
    const src = goneByIno.get(now.ino);
    if (src !== undefined && src !== rel && !claimed.has(src) && sameFile(before.get(src)!, now)) {
      claimed.add(src);
      renames.push({ kind: 'renamed', rel, oldRel: src, entry: now });
      targets.add(rel);
      continue;
    }
    fresh.push([rel, now]);
  }

  for (const [rel, now] of fresh) {
    const old = before.get(rel);
    if (!old && outside) {
      const src = outside.byIno(now.ino);
      if (
        src !== undefined &&
        src.rel !== rel &&
        !before.has(src.rel) &&
        sameFile(src.entry, now) &&
        outside.isGone(src.rel)
      ) {
        renames.push({ kind: 'renamed', rel, oldRel: src.rel, entry: now });
        continue;
      }
    }
    // Same path, new inode, nothing renamed onto it: an editor's save-by-rename or a
    // copy over the file. To the person it is the same file, changed.
    if (old && !claimed.has(rel)) {
      claimed.add(rel);
      updates.push({ kind: 'modified', rel, entry: now });
    } else updates.push({ kind: 'created', rel, entry: now });
  }

  const overwritten: DiffChange[] = [];
  const deletions: DiffChange[] = [];
  for (const [rel, old] of before) {
    if (claimed.has(rel)) continue;
    const now = after.get(rel);
    if (now && sameFile(old, now)) continue;
    if (!now) deletions.push({ kind: 'deleted', rel, entry: old });
    else if (targets.has(rel)) overwritten.push({ kind: 'deleted', rel, entry: old });
  }
  return [...overwritten, ...renames, ...updates, ...deletions];
}

/** Applies one change to a flat map with the SnapshotStore semantics. */
export function applyToMap(
  map: Map<string, SnapshotEntry>,
  c: { kind: string; rel: string; oldRel?: string; entry: SnapshotEntry },
): void {
  if (c.kind === 'deleted') {
    map.delete(c.rel);
    return;
  }
  if (c.kind === 'renamed' && c.oldRel !== undefined) {
    const old = map.get(c.oldRel);
    if (old && sameFile(old, c.entry)) map.delete(c.oldRel);
  }
  map.set(c.rel, c.entry);
}

/**
 * Orders the renames of one batch so that a path is moved out of before anything is moved
 * into it (f2→f3 before f1→f2). The log is replayed in order without inodes, so a rename
 * applied after its source was overwritten would remove the wrong file from the replay.
 * Cycles (a swap) cannot be ordered; RootWatcher.commit turns the one that closes the cycle
 * into a created/modified. Other changes keep their places.
 */
export function orderRenames(changes: DiffChange[]): DiffChange[] {
  const renames = changes.filter((c) => c.kind === 'renamed');
  if (renames.length < 2) return changes;
  const bySource = new Map(renames.map((r) => [r.oldRel, r]));
  const out: DiffChange[] = [];
  const placed = new Set<DiffChange>();
  const visiting = new Set<DiffChange>();
  for (const first of renames) {
    // Iterative depth-first walk along "my target is someone's source" (chains can be long).
    const stack: DiffChange[] = [first];
    while (stack.length > 0) {
      const r = stack[stack.length - 1]!;
      if (placed.has(r)) {
        stack.pop();
        continue;
      }
      const blocker = bySource.get(r.rel);
      if (blocker && blocker !== r && !placed.has(blocker) && !visiting.has(blocker)) {
        visiting.add(r);
        stack.push(blocker);
        continue;
      }
      stack.pop();
      visiting.delete(r);
      placed.add(r);
      out.push(r);
    }
  }
  let i = 0;
  return changes.map((c) => (c.kind === 'renamed' ? out[i++]! : c));
}
