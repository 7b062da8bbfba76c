// Records activity in the policy's classified folders: the watcher layer's changes become
// file.* events, each committed together with its snapshot row; hashes follow as file.hashed;
// overflow, watch-limit and scan notices become events too. One recorder per policy's folder
// set; a new policy with other folders replaces it.
import type { ResolvedFolder } from '../../core/policy/types.js';
import type { Platform } from '../../core/ports/index.js';
import { createFolderWatcher, type FolderWatcher } from '../folders/index.js';
import type { BatchInfo, FileChange, WatchNotice } from '../folders/types.js';
import type { Logger } from '../log.js';
import type { EventStore } from '../store/index.js';
import { fileEvent, hashEvent, noticeEvent, WATCH_LIMIT_HINT } from './events.js';
import { SqliteSnapshotStore } from './snapshot-sqlite.js';

/** Folders left to scans by the watch limit are rescanned this often (the longest a change there goes unseen). */
export const DEGRADED_SCAN_MS = 20_000;
const MAX_PENDING_HASHES = 100_000;

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
}

export async function startFolderRecorder(o: FolderRecorderOptions): Promise<FolderRecorder> {
  const { store, log } = o;
  const levelOf = new Map(o.folders.map((f) => [f.path, f.level as string]));
  // changeId → seq of its event, so file.hashed can point at the event it completes.
  const seqOf = new Map<number, number>();
  const record = (p: Promise<unknown>) => {
    // A failed commit stops the agent (store.onFailure); nothing to add here.
    p.catch(() => {});
  };

  const onChanges = async (batch: FileChange[], info: BatchInfo) => {
    const level = levelOf.get(info.root) ?? '';
    await Promise.all(
      batch.map(async (c, i) => {
        // The snapshot row commits with its event (AppendEffects): both or neither.
        const e = await store.append(fileEvent(c, level, info, o.platform.users), {
          snapshot: i === 0 ? { markRoot: info.root, change: c } : { change: c },
        });
        if (c.kind !== 'deleted') {
          if (seqOf.size >= MAX_PENDING_HASHES) seqOf.delete(seqOf.keys().next().value!);
          seqOf.set(c.changeId, e.seq);
        }
      }),
    );
  };

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
    onHashed: async (h) => {
      const ofSeq = seqOf.get(h.changeId);
      seqOf.delete(h.changeId);
      await store.append(hashEvent(h, levelOf.get(h.root) ?? '', ofSeq));
    },
  });
  await watcher.start();
  return { watcher, stop: () => watcher.stop() };
}
