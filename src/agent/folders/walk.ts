// Cooperative tree walk: synchronous fs calls in slices of a few milliseconds, yielding to
// the event loop between slices so watch events, sockets and timers keep flowing during a
// scan of a large tree.
import { performance } from 'node:perf_hooks';
import type { FileStat, ListedEntry, TreeSource } from '../../core/ports/tree-source.js';
import { absOf, joinRel, segOf } from './relpath.js';
import type { EntryType, FsPath, SnapshotEntry } from './types.js';

export interface WalkHooks {
  /** A directory below the start was found; return false to skip it. Called before its
   *  listing is read, so a watch set up here misses nothing. */
  enterDir(rel: string, abs: FsPath, st: FileStat): boolean;
  file(rel: string, entry: SnapshotEntry): void;
  isIgnored(rel: string, isDir: boolean): boolean;
  /** The directory exists but could not be listed (EACCES…): keep what we knew of it. */
  unreadable?(rel: string, err: Error): void;
  /** A directory listed in pass 1 was gone in pass 2: keep what we knew of it for now. */
  vanished?(rel: string): void;
  /** Pass 2 has reported every file of this directory (it was listed). */
  dirListed?(rel: string): void | Promise<void>;
}

export function entryOf(st: FileStat): SnapshotEntry {
  const type: EntryType = st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
  const e: SnapshotEntry = { type, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, uid: st.uid };
  if (st.birthtimeMs > 0) e.btimeMs = st.birthtimeMs;
  return e;
}

export const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Walks below `startRel` (whose own enterDir the caller already did), in two passes:
 *  1. directories: each is watched (enterDir) before its listing is read, so nothing
 *     created in between is missed; listings give each entry's type without a stat.
 *     When this pass ends every directory is watched: `watching` is called.
 *  2. files: each directory is listed again and its non-directories lstat'ed for the
 *     snapshot. A change during this pass is already reported by the watches, so a live
 *     batch corrects what it saw.
 * (Reading listings ahead on the thread pool was tried: no gain on a 2-core machine.)
 */
export async function walk(
  source: TreeSource,
  root: string,
  startRel: string,
  hooks: WalkHooks,
  opts: { recursive: boolean; sliceMs?: number; watching?: () => void },
): Promise<void> {
  const sliceMs = opts.sliceMs ?? 8;
  let sliceStart = performance.now();
  let n = 0;
  // Not async: a promise per entry would cost more than the stat it precedes.
  const pause = (): Promise<void> | undefined => {
    if ((++n & 63) !== 0 || performance.now() - sliceStart <= sliceMs) return undefined;
    return yieldToLoop().then(() => {
      sliceStart = performance.now();
    });
  };
  // Pass 2 lists each directory again rather than keeping pass 1's names: names held across
  // the whole first pass survive into the old generation, and measured on 20,000 files that
  // costs more resident memory (~2.5 MB) than a second readdir costs time (~10 %).
  const withFiles: string[] = [];
  const stack = [startRel];
  while (stack.length > 0) {
    const dirRel = stack.pop()!;
    const list = listDir(source, root, dirRel, hooks);
    if (!list) continue;
    let hasFiles = false;
    for (const d of list) {
      const p = pause();
      if (p) await p;
      if (!d.isDirectory()) {
        hasFiles = true;
        continue;
      }
      const rel = joinRel(dirRel, segOfName(d.name));
      if (!opts.recursive || hooks.isIgnored(rel, true)) continue;
      const abs = absOf(root, rel);
      const st = source.lstat(abs);
      if (!st) continue;
      if (!st.isDirectory())
        hasFiles = true; // replaced since the listing
      else if (hooks.enterDir(rel, abs, st)) stack.push(rel);
    }
    if (hasFiles) withFiles.push(dirRel);
  }
  opts.watching?.();
  for (const dirRel of withFiles) {
    const list = listDir(source, root, dirRel, hooks);
    if (!list) {
      // Moved or removed since pass 1: its parent's watch reports it, and the live batch
      // that follows sees a rename (or a deletion) where this scan would see files vanish.
      hooks.vanished?.(dirRel);
      continue;
    }
    for (const d of list) {
      if (d.isDirectory()) continue; // one made since pass 1 is entered by its live batch
      const p = pause();
      if (p) await p;
      const rel = joinRel(dirRel, segOfName(d.name));
      if (hooks.isIgnored(rel, false)) continue;
      const st = source.lstat(absOf(root, rel));
      // Gone, or a directory now (entered by the live batch its watch event starts).
      if (!st || st.isDirectory()) continue;
      hooks.file(rel, entryOf(st));
    }
    const p = hooks.dirListed?.(dirRel);
    if (p) await p;
  }
}

const segOfName = (name: string | Uint8Array): string =>
  typeof name === 'string' ? name : segOf(name);

function listDir(
  source: TreeSource,
  root: string,
  dirRel: string,
  hooks: WalkHooks,
): ListedEntry[] | undefined {
  try {
    // undefined: removed meanwhile; its parent's watch reports it.
    return source.readDir(absOf(root, dirRel));
  } catch (e) {
    hooks.unreadable?.(dirRel, e as Error);
    return undefined;
  }
}
