// Records activity in the policy's classified folders: the watcher layer's changes become
// file.* events, each committed together with its snapshot row and its pending hash (the
// store's hash queue); hashes follow as file.hashed, each taking its row out of the queue in
// the same transaction; overflow, watch-limit and scan notices become events too. One
// recorder per policy's folder set; a new policy with other folders replaces it.
//
// Pending hashes survive a stop: at start, once the start-up scan has recorded what changed
// while the agent was down, the work an earlier run left is queued again (the hasher skips a
// file that is no longer the one its change saw; that file's newer change is queued instead).
import type { ResolvedFolder } from '../../core/policy/types.js';
import type { Platform } from '../../core/ports/index.js';
import { createFolderWatcher, type FolderWatcher, isHashable } from '../folders/index.js';
import type { BatchInfo, FileChange, WatchNotice } from '../folders/types.js';
import type { Logger } from '../log.js';
import type { EventStore } from '../store/index.js';
import { fileEvent, hashEvent, noticeEvent, WATCH_LIMIT_HINT } from './events.js';
import { SqliteSnapshotStore } from './snapshot-sqlite.js';

/** Folders left to scans by the watch limit are rescanned this often (the longest a change there goes unseen). */
export const DEGRADED_SCAN_MS = 20_000;

export interface FolderRecorderOptions {
  store: EventStore;
  folders: ResolvedFolder[];
  scanIntervalMs: number;
  log: Logger;
  /** Sees every notice of the watcher layer too (folder states for `baomi status`). */
  onNotice?: (n: WatchNotice) => void;
  /** The OS behind the folders: its file tree, kernel limits and owner names. */
  platform: Platform;
}

export interface FolderRecorder {
  stop(): Promise<void>;
  watcher: FolderWatcher;
  /** Files of these folders whose last change awaits its hash. */
  hashesPending(): number;
}

export async function startFolderRecorder(o: FolderRecorderOptions): Promise<FolderRecorder> {
  const { store, log } = o;
  const levelOf = new Map(o.folders.map((f) => [f.path, f.level as string]));
  const roots = o.folders.map((f) => f.path);
  const record = (p: Promise<unknown>) => {
    // A failed commit stops the agent (store.onFailure); nothing to add here.
    p.catch(() => {});
  };

  // Returns, per change, the seq of its event when its hash is pending: the hash result
  // carries it back as `ref`, and file.hashed names it as `ofSeq`.
  const onChanges = async (batch: FileChange[], info: BatchInfo) =>
    Promise.all(
      batch.map(async (c, i) => {
        const level = levelOf.get(info.root) ?? '';
        const hashable = isHashable(c, info);
        // The snapshot row and the pending hash commit with their event (AppendEffects):
        // all or nothing.
        const e = await store.append(fileEvent(c, level, info, o.platform.users), {
          snapshot: i === 0 ? { markRoot: info.root, change: c } : { change: c },
          // A first scan (baseline) finds nothing queued and queues nothing.
          ...(info.baseline
            ? {}
            : {
                hash: {
                  root: c.root,
                  rel: c.rel,
                  ...(c.oldRel !== undefined ? { oldRel: c.oldRel } : {}),
                  ino: c.entry.ino,
                  pending: hashable ? { size: c.entry.size, mtimeMs: c.entry.mtimeMs } : null,
                },
              }),
        });
        return hashable ? e.seq : undefined;
      }),
    );

  const onNotice = (n: WatchNotice) => {
    o.onNotice?.(n);
    if (n.kind === 'watchLimit')
      log.warn(
        { module: 'folders', root: n.root, limit: n.limit, unwatched: n.unwatched },
        `inotify watch limit reached; raise it with: ${WATCH_LIMIT_HINT}`,
      );
    else if (n.kind === 'error') log.error({ module: 'folders', ...n }, 'watcher error');
    else log.info({ module: 'folders', ...n }, n.kind);
    const ev = noticeEvent(n, (root) => levelOf.get(root));
    if (!ev) return;
    // A completed scan makes the root's snapshot authoritative, even when it is empty.
    record(
      store.append(ev, n.kind === 'scanCompleted' ? { snapshot: { markRoot: n.root } } : undefined),
    );
  };

  const watcher = createFolderWatcher({
    folders: o.folders.map((f) => ({
      path: f.path,
      level: f.level,
      recursive: f.recursive,
      ignore: f.ignore,
    })),
    snapshot: new SqliteSnapshotStore(store),
    source: o.platform.tree,
    kernel: o.platform.kernel,
    scanIntervalMs: o.scanIntervalMs,
    degradedScanMs: DEGRADED_SCAN_MS,
    onChanges,
    onNotice,
    // Not awaited: the hash stage goes on with the next file while this one's event waits
    // for its batch to commit (awaiting every commit held each hashing slot for a batch
    // window plus an fsync: about 150 small files a second).
    onHashed: (h) => {
      const hashed =
        h.ref === undefined ? {} : { hashed: { root: h.root, rel: h.rel, ofSeq: h.ref } };
      record(store.append(hashEvent(h, levelOf.get(h.root) ?? '', h.ref), hashed));
    },
  });
  // Work left by an earlier run: everything queued before this recorder's first event.
  // Read after the start-up scan, which replaced the rows of files changed while the agent
  // was down (their new changes are queued already and have higher seqs).
  // Flushed first: a file.hashed a replaced recorder appended must have taken its row out.
  store.flush();
  const before = store.head().seq;
  await watcher.start();
  store.flush();
  watcher.rehash(
    store.hashQueue
      .list(roots)
      .filter((p) => p.ofSeq <= before)
      .map((p) => ({ ...p, ref: p.ofSeq })),
  );
  return {
    watcher,
    stop: () => watcher.stop(),
    hashesPending: () => store.hashQueue.count(roots),
  };
}
