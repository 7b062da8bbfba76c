// The folder-watcher layer: classified folders in, loss-free batches of FileChange out.
//
//   const w = createFolderWatcher({ folders, snapshot, source: platform.tree,
//                                   kernel: platform.kernel, onChanges, onNotice, onHashed });
//   await w.start();          // resolves when every root is scanned and watched
//   ...
//   await w.stop();
//
// Delivery contract: batches are delivered one at a time, in order. For each batch the
// layer awaits onChanges(batch, info), then snapshot.applyChanges(root, batch) when the
// snapshot store has one; a failing call is retried (with a notice) rather than skipped, so
// nothing is lost and the snapshot never runs ahead of the events. A store that wants both
// in one transaction writes both in onChanges and leaves applyChanges out (the agent does:
// files/recorder.ts).
//
// Hashes: SHA-256 is computed after a batch is delivered (the hot path stays free of file
// reads) and reported through onHashed with the changeId of the change it belongs to, and
// the `ref` onChanges returned for it. Every created, modified or renamed regular file up to
// hashMaxBytes is hashed (a rename too: `sed -i` and editors save by renaming a new file over
// the old name, and the hash of the name the content had before may never have been taken).
// Work left by an earlier run comes back through `rehash`.
// Events are immutable, so the store records a hash as its own fact (for example a
// follow-up event or a column of the snapshot), not as an edit of the earlier event.
import { performance } from 'node:perf_hooks';
import type { KernelLimits, TreeSource } from '../../core/ports/index.js';
import type { DiffChange } from './diff.js';
import { Hasher, type HashJob } from './hasher.js';
import { DEFAULT_MAX_QUEUED, OverflowDetector } from './overflow.js';
import { absOf, describePath } from './relpath.js';
import { type RootContext, RootWatcher } from './root-watcher.js';
import type {
  BatchInfo,
  FileChange,
  FolderSpec,
  HashResult,
  RehashRequest,
  ScanReason,
  SnapshotStore,
  WatchNotice,
} from './types.js';

export type { DirWatch, ListedEntry, TreeSource } from '../../core/ports/tree-source.js';
export { applyToMap, type DiffChange, diffEntries } from './diff.js';
export { compileIgnore, type IgnoreMatcher } from './ignore.js';
export { describePath, displayRel } from './relpath.js';
export { MemorySnapshotStore } from './snapshot-memory.js';
export type * from './types.js';

const STALL_RESCAN_GAP_MS = 2000;

/** Files up to this size are hashed (larger ones are recorded without a hash). */
export const HASH_MAX_BYTES = 64 * 1024 * 1024;

/** Whether the hash stage hashes this change (the agent keeps the same rule for its queue). */
export function isHashable(
  c: Pick<FileChange, 'kind' | 'entry'>,
  info: Pick<BatchInfo, 'baseline'>,
  maxBytes = HASH_MAX_BYTES,
): boolean {
  return (
    maxBytes > 0 &&
    !info.baseline &&
    c.kind !== 'deleted' &&
    c.entry.type === 'file' &&
    c.entry.size <= maxBytes
  );
}

/** What onChanges may return: one `ref` per change of the batch (or nothing). */
export type HashRefs = readonly (number | undefined)[];

export interface FolderWatcherOptions {
  folders: FolderSpec[];
  snapshot: SnapshotStore;
  /** May return one `ref` per change, handed back with its hash (HashResult.ref). */
  onChanges(
    batch: FileChange[],
    info: BatchInfo,
  ): void | HashRefs | Promise<void> | Promise<HashRefs>;
  onNotice?(n: WatchNotice): void;
  onHashed?(h: HashResult): void | Promise<void>;
  /** Reconciliation scan interval (policy scan.interval). Default 10 min; 0 turns it off. */
  scanIntervalMs?: number;
  /** Files up to this size are hashed. Default HASH_MAX_BYTES (64 MiB); 0 turns hashing off. */
  hashMaxBytes?: number;
  /** Files hashed at once. Default 4. */
  hashConcurrency?: number;
  /** Quiet time before a live batch is processed (folds a file's writes). Default 40 ms. */
  settleMs?: number;
  /** Quiet time before the paths left after a burst batch are processed. Default 5 ms. */
  burstSettleMs?: number;
  /** Longest a live change waits while writes continue. Default 1 s. */
  maxDelayMs?: number;
  /** Dirty paths that start a live batch without waiting for quiet. Default 500. */
  burstBatch?: number;
  /** Largest batch handed to onChanges. Default 1000. */
  maxBatch?: number;
  /** Scan interval for a root with unwatched directories (watch limit). Default 60 s. */
  degradedScanMs?: number;
  /** Stall detector period and threshold. Defaults 60 s and 2 s (SIGCONT is caught at once). */
  stallTickMs?: number;
  stallMs?: number;
  /** The file tree (platform.tree): node:fs in the agent, the fake tree in unit tests. */
  source: TreeSource;
  /** Kernel limits (platform.kernel): the queue length and the watch limit. */
  kernel: KernelLimits;
}

/** Counts of the directories (the files are in the snapshot store, not in memory). */
export interface FolderWatcherStats {
  roots: number;
  dirs: number;
  watched: number;
}

export interface FolderWatcher {
  /** Loads snapshots, scans and watches every root; resolves when all are ready. */
  start(): Promise<void>;
  /** Closes every watch and waits for batches in flight. */
  stop(): Promise<void>;
  /** Full reconciliation scan of every root. */
  rescan(reason?: ScanReason): Promise<void>;
  /** Hashes files again (work an earlier run left); a file that is no longer the one
   *  described is skipped. Queued behind newer changes of the same path, never before. */
  rehash(work: readonly RehashRequest[]): void;
  stats(): FolderWatcherStats;
}

export function createFolderWatcher(o: FolderWatcherOptions): FolderWatcher {
  const notice = (n: WatchNotice): void => o.onNotice?.(n);
  const maxBatch = o.maxBatch ?? 1000;
  const hashMax = o.hashMaxBytes ?? HASH_MAX_BYTES;
  let stopped = false;
  let nextId = 0;
  let delivery: Promise<void> = Promise.resolve();
  let intervalTimer: NodeJS.Timeout | undefined;

  const hasher = new Hasher({
    source: o.source,
    maxBytes: hashMax,
    concurrency: o.hashConcurrency ?? 4,
    onHashed: (h) => o.onHashed?.(h),
    onError: (err, job) => notice({ kind: 'error', root: job.root, message: err.message }),
    busy: () => roots.some((r) => r.busy()),
  });

  const retrying = async (what: string, root: string, f: () => unknown): Promise<void> => {
    for (let delay = 100; ; delay = Math.min(delay * 2, 30_000)) {
      try {
        await f();
        return;
      } catch (e) {
        notice({ kind: 'error', root, code: what, message: (e as Error).message });
        if (stopped) throw e;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };

  const toFileChange = (
    rw: RootWatcher,
    c: DiffChange,
    detectedBy: 'watch' | 'scan',
    offline: boolean,
  ): FileChange => {
    const p = describePath(rw.root, c.rel);
    const fc: FileChange = {
      changeId: ++nextId,
      kind: c.kind,
      root: rw.root,
      path: p.path,
      rel: c.rel,
      entry: c.entry,
      size: c.entry.size,
      mtimeMs: c.entry.mtimeMs,
      ino: c.entry.ino,
      detectedBy,
    };
    if (p.pathBytes) fc.pathBytes = p.pathBytes;
    if (c.kind === 'renamed') {
      const q = describePath(rw.root, c.oldRel);
      fc.oldPath = q.path;
      if (q.pathBytes) fc.oldPathBytes = q.pathBytes;
      fc.oldRel = c.oldRel;
    }
    if (c.entry.uid !== undefined) fc.owner = c.entry.uid;
    if (offline) fc.offline = true;
    return fc;
  };

  const queueHash = (c: FileChange, abs: string | Buffer, ref: number | undefined): void => {
    const job: HashJob = {
      changeId: c.changeId,
      root: c.root,
      rel: c.rel,
      path: c.path,
      size: c.size,
      mtimeMs: c.mtimeMs,
      ino: c.ino,
      abs,
    };
    if (c.pathBytes) job.pathBytes = c.pathBytes;
    if (ref !== undefined) job.ref = ref;
    hasher.enqueue(job);
  };

  const deliver = (
    rw: RootWatcher,
    changes: DiffChange[],
    info: BatchInfo,
    offline: boolean,
  ): Promise<void> => {
    const hashing = o.onHashed !== undefined;
    const run = delivery.then(async () => {
      // FileChange objects are built one batch at a time: a first scan of a big tree
      // yields tens of thousands, and holding them all at once only grows the heap.
      for (let i = 0; i === 0 || i < changes.length; i += maxBatch) {
        const slice = changes.slice(i, i + maxBatch);
        const batch = slice.map((c) => toFileChange(rw, c, info.detectedBy, offline));
        const refs: (number | undefined)[] = [];
        await retrying('onChanges', rw.root, async () => {
          const r: unknown = await o.onChanges(batch, info);
          // Anything but an array is "no refs" (a JS caller may return what it likes).
          refs.splice(0, refs.length, ...(Array.isArray(r) ? (r as HashRefs) : []));
        });
        const apply = o.snapshot.applyChanges?.bind(o.snapshot);
        if (apply) await retrying('snapshot', rw.root, () => apply(rw.root, batch));
        if (hashing) {
          for (let j = 0; j < batch.length; j++) {
            const c = batch[j]!;
            if (isHashable(c, info, hashMax)) queueHash(c, absOf(rw.root, slice[j]!.rel), refs[j]);
          }
        }
      }
    });
    delivery = run.catch(() => {});
    return run;
  };

  const detector = new OverflowDetector({
    maxQueued: o.kernel.maxQueuedEvents() ?? DEFAULT_MAX_QUEUED,
    tickMs: o.stallTickMs,
    stallMs: o.stallMs,
    onBurst: (count) => {
      notice({ kind: 'overflow', reason: 'burst', value: count });
      void rescanAll('overflow');
    },
    onStall: (late) => {
      notice({ kind: 'overflow', reason: 'stall', value: late });
      stallRescan();
    },
    onContinued: () => {
      notice({ kind: 'overflow', reason: 'continued' });
      stallRescan();
    },
    onTick: () => {
      for (const r of roots) r.tick();
    },
  });

  const ctx: RootContext = {
    source: o.source,
    snapshot: o.snapshot,
    settleMs: o.settleMs ?? 40,
    burstSettleMs: Math.min(o.burstSettleMs ?? 5, o.settleMs ?? 40),
    maxDelayMs: o.maxDelayMs ?? 1000,
    burstBatch: o.burstBatch ?? 500,
    degradedScanMs: o.degradedScanMs ?? 60_000,
    maxBatch,
    deliver,
    notice,
    countEvent: () => detector.countEvent(),
    maxUserWatches: () => o.kernel.maxUserWatches(),
  };
  const roots = o.folders.map((f) => new RootWatcher(f, ctx));

  const rescanAll = async (reason: ScanReason): Promise<void> => {
    await Promise.all(roots.map((r) => r.rescan(reason)));
  };

  // A long stop is seen twice, by the late timer and by SIGCONT, in the same loop turn or
  // close to it: one rescan covers both (a scan that already started sees everything since).
  let lastStallRescan = Number.NEGATIVE_INFINITY;
  const stallRescan = (): void => {
    const now = performance.now();
    if (now - lastStallRescan < STALL_RESCAN_GAP_MS) return;
    lastStallRescan = now;
    void rescanAll('stall');
  };

  const armInterval = (): void => {
    const ms = o.scanIntervalMs ?? 600_000;
    if (ms <= 0 || stopped) return;
    intervalTimer = setTimeout(() => {
      void rescanAll('interval').finally(armInterval);
    }, ms);
    intervalTimer.unref();
  };

  const api: FolderWatcher = {
    async start() {
      detector.start();
      try {
        await Promise.all(roots.map((r) => r.start()));
      } catch (e) {
        // No half-started layer: its watches, timer and SIGCONT listener would outlive it.
        await api.stop();
        throw e;
      }
      armInterval();
    },
    async stop() {
      stopped = true;
      detector.stop();
      if (intervalTimer) clearTimeout(intervalTimer);
      await Promise.all(roots.map((r) => r.stop()));
      await delivery;
      hasher.stop();
      await hasher.idle();
    },
    rescan: (reason = 'manual') => rescanAll(reason),
    rehash(work) {
      if (o.onHashed === undefined) return;
      for (const w of work) {
        const p = describePath(w.root, w.rel);
        const job: HashJob = {
          changeId: ++nextId,
          ref: w.ref,
          root: w.root,
          rel: w.rel,
          path: p.path,
          size: w.size,
          mtimeMs: w.mtimeMs,
          ino: w.ino,
          abs: absOf(w.root, w.rel),
        };
        if (p.pathBytes) job.pathBytes = p.pathBytes;
        hasher.enqueue(job, { ifAbsent: true });
      }
    },
    stats() {
      const s: FolderWatcherStats = { roots: roots.length, dirs: 0, watched: 0 };
      for (const r of roots) {
        const c = r.watchCount();
        s.dirs += c.dirs;
        s.watched += c.watched;
      }
      return s;
    },
  };
  return api;
}
