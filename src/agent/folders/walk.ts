// Cooperative tree walk: synchronous fs calls in slices of a few milliseconds, yielding to
// the event loop between slices so watch events, sockets and timers keep flowing during a
// scan of a large tree.
import type { Stats } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { absOf, joinRel } from './relpath.js';
import type { FsPath, TreeSource } from './tree-source.js';
import type { EntryType, SnapshotEntry } from './types.js';

export interface WalkHooks {
  /** A directory below the start was found; return false to skip it. Called before its
   *  listing is read, so a watch set up here misses nothing. */
  enterDir(rel: string, abs: FsPath, st: Stats): boolean;
  file(rel: string, entry: SnapshotEntry): void;
  isIgnored(rel: string, isDir: boolean): boolean;
  /** The directory exists but could not be listed (EACCES…): keep what we knew of it. */
  unreadable?(rel: string, err: Error): void;
}

export function entryOf(st: Stats): SnapshotEntry {
  const type: EntryType = st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
  const e: SnapshotEntry = { type, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, uid: st.uid };
  if (st.birthtimeMs > 0) e.btimeMs = st.birthtimeMs;
  return e;
}

export const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Walks below `startRel` (whose own enterDir the caller already did). A directory is
 *  watched (enterDir) before its listing is read, so nothing created in between is missed.
 *  (Reading listings ahead on the thread pool was tried: no gain on a 2-core machine.) */
export async function walk(
  source: TreeSource,
  root: string,
  startRel: string,
  hooks: WalkHooks,
  opts: { recursive: boolean; sliceMs?: number },
): Promise<void> {
  const sliceMs = opts.sliceMs ?? 8;
  let sliceStart = performance.now();
  let n = 0;
  const stack = [startRel];
  while (stack.length > 0) {
    const dirRel = stack.pop()!;
    let names: string[] | undefined;
    try {
      names = source.readDir(absOf(root, dirRel));
    } catch (e) {
      hooks.unreadable?.(dirRel, e as Error);
      continue;
    }
    if (!names) continue; // removed meanwhile: its parent's watch reports it
    for (const seg of names) {
      if ((++n & 63) === 0 && performance.now() - sliceStart > sliceMs) {
        await yieldToLoop();
        sliceStart = performance.now();
      }
      const rel = joinRel(dirRel, seg);
      const abs = absOf(root, rel);
      const st = source.lstat(abs);
      if (!st) continue;
      const isDir = st.isDirectory();
      if (hooks.isIgnored(rel, isDir)) continue;
      if (isDir) {
        if (opts.recursive && hooks.enterDir(rel, abs, st)) stack.push(rel);
      } else hooks.file(rel, entryOf(st));
    }
  }
}
