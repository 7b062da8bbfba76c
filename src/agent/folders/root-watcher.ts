// One watched root: one watch per directory, a dirty set fed by watch events, and a single
// task chain so a scan and a live batch never interleave. Events that arrive during a task
// only mark paths dirty; the next batch re-reads them from disk, so whatever a scan saw
// mid-change is corrected right after it.
//
// What the root knew about its files lives in the snapshot store, not here (issue 8,
// "Scale": ~1 KB per watched file when it was kept in memory). A live batch reads the paths it
// touches (and the files below a directory moved or removed), a scan compares one directory's
// listing with that directory's rows at a time; only what differs is held until the diff.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DirWatch, FileStat, TreeSource, WatchEventKind } from '../../core/ports/index.js';
import { type DiffChange, diffEntries, orderRenames, sameContent, sameFile } from './diff.js';
import { compileIgnore, type IgnoreMatcher } from './ignore.js';
import { absOf, displayRel, isUnder, joinRel, parentRel } from './relpath.js';
import type {
  BatchInfo,
  FolderSpec,
  FsPath,
  ScanReason,
  SnapshotEntry,
  SnapshotStore,
  WatchNotice,
} from './types.js';
import { entryOf, walk } from './walk.js';

const RENAME = 1;
const CHANGE = 2;

/**
 * What the root keeps per directory, and all it keeps: its identity (inode number plus birth
 * time: inode numbers get reused) and its watch. A million-file tree has some 100,000 of
 * these, so they are small: no strings, no closures (the watch reports its directory's rel,
 * the key of `dirs`, to two functions shared by every watch of the root).
 */
class DirState {
  /** undefined: not watched (limit reached or error); covered by scans. */
  watch: DirWatch | undefined = undefined;
  constructor(
    readonly ino: number,
    readonly btimeMs: number,
  ) {}
  is(st: FileStat): boolean {
    return this.ino === st.ino && this.btimeMs === st.birthtimeMs;
  }
}

export interface RootContext {
  source: TreeSource;
  snapshot: SnapshotStore;
  settleMs: number;
  /** Quiet time for the tail of a burst (the settle window is for a file's few writes;
   *  after thousands of new paths, waiting it out only delays the last ones). */
  burstSettleMs: number;
  maxDelayMs: number;
  /** Dirty paths that trigger a batch at once, without waiting for quiet. */
  burstBatch: number;
  /** Scan interval for roots with unwatched directories. */
  degradedScanMs: number;
  /** Largest batch handed on at once; a scan streams new files in batches of this size. */
  maxBatch: number;
  deliver(rw: RootWatcher, changes: DiffChange[], info: BatchInfo, offline: boolean): Promise<void>;
  notice(n: WatchNotice): void;
  countEvent(): void;
  maxUserWatches(): number | undefined;
}

export type RootState = 'init' | 'active' | 'missing' | 'stopped';

export class RootWatcher {
  readonly root: string;
  state: RootState = 'init';
  private dirs = new Map<string, DirState>();
  private dirty = new Map<string, number>();
  private firstDirtyAt = 0;
  private lastEventAt = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushQueued = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly recursive: boolean;
  private readonly ignore: IgnoreMatcher | null;
  private ancestorWatch: { path: string; watch: DirWatch } | undefined;
  private degradedTimer: NodeJS.Timeout | undefined;
  private limitHit: string | undefined;
  private limitReported = 0;

  constructor(
    spec: FolderSpec,
    private readonly ctx: RootContext,
  ) {
    this.root = path.resolve(spec.path);
    this.recursive = spec.recursive !== false;
    this.ignore = spec.ignore?.length ? compileIgnore(spec.ignore) : null;
  }

  // ---- lifecycle ----------------------------------------------------------------------

  async start(): Promise<void> {
    const known = this.ctx.snapshot.known(this.root);
    await this.enqueue(() => this.startupScan(!known));
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.degradedTimer) clearTimeout(this.degradedTimer);
    // A scan in progress ends first (aborting it would report the files it had not reached
    // as deleted), so every watch it set up is among those closed below.
    await this.chain;
    this.ancestorWatch?.watch.close();
    this.ancestorWatch = undefined;
    for (const d of this.dirs.values()) d.watch?.close();
    this.dirs.clear();
  }

  /** Full reconciliation scan, queued behind whatever runs now. */
  rescan(reason: ScanReason): Promise<void> {
    // A burst of triggers (overflow, then stall) needs one scan, not one each.
    if (this.pendingScan) return this.pendingScan;
    this.pendingScan = this.enqueue(async () => {
      this.pendingScan = undefined;
      if (this.state === 'active') await this.scan(reason, 'scan', false, false);
      else if (this.state === 'missing') await this.checkAppeared();
    });
    return this.pendingScan;
  }
  private pendingScan: Promise<void> | undefined;

  /** Cheap periodic chore: a missing root may have appeared without an event we saw. */
  tick(): void {
    this.queueAppearCheck();
  }

  private appearQueued = false;
  private queueAppearCheck(): void {
    if (this.state !== 'missing' || this.appearQueued) return;
    this.appearQueued = true;
    void this.enqueue(async () => {
      this.appearQueued = false;
      await this.checkAppeared();
    });
  }

  /** Live work pending: the hash stage gives way to it. */
  busy(): boolean {
    return this.dirty.size > 0 || this.flushQueued;
  }

  watchCount(): { dirs: number; watched: number } {
    let watched = 0;
    for (const d of this.dirs.values()) if (d.watch) watched++;
    return { dirs: this.dirs.size, watched };
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(() => (this.state === 'stopped' ? undefined : task()));
    this.chain = next.catch((e: Error) =>
      this.ctx.notice({ kind: 'error', root: this.root, message: e.message }),
    );
    return this.chain;
  }

  // ---- watch events -------------------------------------------------------------------

  private readonly onEvent = (kind: WatchEventKind, name: string | null, dirRel: string): void => {
    this.ctx.countEvent();
    if (this.state !== 'active' && this.state !== 'init') return;
    // No name: something happened in this directory; rescan it (the root: full scan).
    if (name === null || name.length === 0) {
      if (dirRel === '') void this.rescan('watchError');
      else this.markDirty(dirRel, RENAME);
      return;
    }
    this.markDirty(joinRel(dirRel, name), kind === 'rename' ? RENAME : CHANGE);
  };

  private readonly onWatchError = (err: Error, dirRel: string): void => {
    this.ctx.notice({ kind: 'overflow', root: this.root, reason: 'watchError' });
    this.ctx.notice({ kind: 'error', root: this.root, message: err.message });
    const d = this.dirs.get(dirRel);
    d?.watch?.close();
    if (d) d.watch = undefined; // the next scan sets up a fresh watch
    void this.rescan('watchError');
  };

  private markDirty(rel: string, flag: number): void {
    const now = performance.now();
    if (this.dirty.size === 0) this.firstDirtyAt = now;
    this.lastEventAt = now;
    this.dirty.set(rel, (this.dirty.get(rel) ?? 0) | flag);
    if (this.dirty.size >= this.ctx.burstBatch && !this.flushQueued) {
      // Many distinct paths at once (a copy of a folder, 5,000 new files): work through
      // them while they arrive instead of after the burst; the last batch stays small.
      // setImmediate runs after this loop turn, so both names of a rename (read together
      // from inotify) still land in the same batch.
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.firstDirtyAt = -Infinity;
      this.burstUntil = now + this.ctx.maxDelayMs;
      if (!this.burstQueued) {
        this.burstQueued = true;
        setImmediate(() => {
          this.burstQueued = false;
          this.onFlushTimer();
        });
      }
      return;
    }
    if (!this.flushTimer) this.flushTimer = setTimeout(this.onFlushTimer, this.settleMs(now));
  }
  private burstQueued = false;
  /** Until then, the paths left after a burst batch wait only burstSettleMs. */
  private burstUntil = 0;

  private settleMs(now: number): number {
    return now < this.burstUntil ? this.ctx.burstSettleMs : this.ctx.settleMs;
  }

  // Writes that follow within the settle window fold into one change: we process once
  // events stop for settleMs, or at the latest maxDelayMs after the first one.
  private readonly onFlushTimer = (): void => {
    this.flushTimer = undefined;
    if (this.dirty.size === 0 || this.state === 'stopped') return;
    const now = performance.now();
    const quiet = now - this.lastEventAt;
    const age = now - this.firstDirtyAt;
    const settle = this.settleMs(now);
    if (quiet < settle && age < this.ctx.maxDelayMs) {
      const wait = Math.min(settle - quiet, this.ctx.maxDelayMs - age);
      this.flushTimer = setTimeout(this.onFlushTimer, Math.max(1, wait));
      return;
    }
    if (this.flushQueued) return;
    this.flushQueued = true;
    void this.enqueue(async () => {
      this.flushQueued = false;
      await this.processDirty();
    });
  };

  // ---- live batches -------------------------------------------------------------------

  private async processDirty(): Promise<void> {
    if (this.dirty.size === 0 || this.state !== 'active') return;
    const batch = this.dirty;
    this.dirty = new Map();
    const src = this.ctx.source;
    const snap = this.ctx.snapshot;
    const rst = src.stat(this.root);
    if (!rst?.isDirectory() || !this.dirs.get('')?.is(rst)) {
      await this.rootGone();
      await this.checkAppeared();
      return;
    }
    const before = new Map<string, SnapshotEntry>();
    const after = new Map<string, SnapshotEntry>();
    const scopes = new Set<string>(); // directories whose whole content is in this batch
    const unreadable = new Set<string>();
    for (const [rel, flags] of batch) {
      // Below a directory listed (or dropped) earlier in this batch: already covered.
      if (!this.dirs.has(parentRel(rel)) || scopes.has(rel) || underAny(rel, scopes)) continue;
      const abs = absOf(this.root, rel);
      const st = src.lstat(abs);
      const isDir = st?.isDirectory() === true;
      if (this.isIgnored(rel, isDir)) continue;
      const oldFile = snap.get(this.root, rel);
      if (oldFile) before.set(rel, oldFile);
      const oldDir = this.dirs.get(rel);
      if (st && isDir) {
        if (!this.recursive) continue;
        // A known directory with only an attribute change needs nothing. A 'rename' on
        // its name means it was replaced or moved: the old watch may be dead (inotify
        // drops it with the inode, and ext4 reuses inode numbers), so watch and list again.
        if (oldDir?.is(st) && !(flags & RENAME)) continue;
        scopes.add(rel);
        await this.scanSubtree(rel, abs, st, after, unreadable);
      } else {
        if (oldDir) {
          scopes.add(rel);
          this.dropDirs(rel);
        }
        if (st) after.set(rel, entryOf(st));
      }
    }
    // What was known below a directory moved, replaced or removed.
    for (const scope of scopes) {
      await this.eachStoredDir(scope, (_dir, rows) => {
        for (const [rel, e] of rows) before.set(rel, e);
      });
    }
    keepUnreadable(before, after, unreadable);
    const isGone = (rel: string): boolean => {
      const old = snap.get(this.root, rel);
      const st = src.lstat(absOf(this.root, rel));
      return !st || !old || !sameFile(old, entryOf(st));
    };
    const changes = diffEntries(before, after, {
      // A rename whose old path was not in this batch: the stored path that held the inode
      // and is gone from disk now (hard links: the first such).
      byIno: (ino) => {
        for (const c of snap.withIno(this.root, ino)) {
          if (!before.has(c.rel) && isGone(c.rel)) return c;
        }
        return undefined;
      },
      isGone,
    });
    this.reportLimit();
    await this.commit(changes, { root: this.root, detectedBy: 'watch' });
  }

  /** Watches and lists a new or replaced directory; its files go to `after`. */
  private async scanSubtree(
    rel: string,
    abs: FsPath,
    st: FileStat,
    after: Map<string, SnapshotEntry>,
    unreadable: Set<string>,
  ): Promise<void> {
    const old = this.takeDirs(rel);
    // New watches first, old ones closed after: libuv shares a watch descriptor per inode,
    // so a directory that merely moved keeps its inotify watch without a gap.
    if (!this.enter(rel, abs, st, undefined)) {
      for (const d of old.values()) d.watch?.close();
      return;
    }
    const hooks = this.hooks((r, e) => after.set(r, e), unreadable, undefined);
    await walk(this.ctx.source, this.root, rel, hooks, { recursive: this.recursive }).finally(
      () => {
        for (const d of old.values()) d.watch?.close();
      },
    );
  }

  // ---- scans ----------------------------------------------------------------------------

  private async startupScan(baseline: boolean): Promise<void> {
    const rst = this.ctx.source.stat(this.root);
    if (!rst?.isDirectory()) {
      // Gone while we were down: everything we knew is an offline deletion.
      await this.deleteAll({ root: this.root, detectedBy: 'scan', reason: 'startup' }, true);
      this.enterMissing();
      return;
    }
    this.state = 'active';
    await this.scan('startup', 'scan', !baseline, baseline);
  }

  /**
   * Full scan of the root: watches every directory not yet watched and compares each
   * directory's files with its stored rows. Only what differs is kept for the diff (renames
   * pair across the whole tree there); a new file whose inode no stored row holds cannot be
   * a rename or a modification and is delivered as it is found, in batches, so a first scan
   * of a million files never holds them all.
   */
  private async scan(
    reason: ScanReason,
    detectedBy: 'watch' | 'scan',
    offline: boolean,
    baseline: boolean,
  ): Promise<void> {
    const t0 = performance.now();
    const rst = this.ctx.source.stat(this.root);
    if (!rst?.isDirectory()) {
      await this.rootGone();
      return;
    }
    const snap = this.ctx.snapshot;
    const info: BatchInfo = { root: this.root, detectedBy, reason };
    if (baseline) info.baseline = true;
    const n = { added: 0, changed: 0, removed: 0, renamed: 0 };
    const count = (changes: readonly DiffChange[]) => {
      for (const c of changes) {
        if (c.kind === 'created') n.added++;
        else if (c.kind === 'modified') n.changed++;
        else if (c.kind === 'deleted') n.removed++;
        else n.renamed++;
      }
    };
    // Stored entries that are gone or differ (before) and what is on disk there or new (after).
    const before = new Map<string, SnapshotEntry>();
    const after = new Map<string, SnapshotEntry>();
    const unreadable = new Set<string>();
    const listed = new Set<string>();
    let fresh: DiffChange[] = [];
    let delivered = 0;
    const flushFresh = async () => {
      const batch = fresh;
      fresh = [];
      count(batch);
      delivered += batch.length;
      await this.commit(batch, info, offline);
    };
    let dirFiles = new Map<string, SnapshotEntry>();
    const dirListed = async (dir: string) => {
      listed.add(dir);
      const stored = baseline ? undefined : snap.list(this.root, dir);
      for (const [rel, now] of dirFiles) {
        const old = stored?.get(rel);
        if (old) {
          stored!.delete(rel);
          if (sameFile(old, now) && sameContent(old, now)) continue;
          before.set(rel, old);
          after.set(rel, now);
        } else if (baseline || snap.withIno(this.root, now.ino).length === 0) {
          fresh.push({ kind: 'created', rel, entry: now });
        } else after.set(rel, now);
      }
      if (stored) for (const [rel, old] of stored) before.set(rel, old);
      dirFiles = new Map();
      if (fresh.length >= this.ctx.maxBatch) await flushFresh();
    };
    const old = this.dirs;
    this.dirs = new Map();
    try {
      if (this.enter('', this.root, rst, old)) {
        const watching =
          reason === 'startup' || reason === 'appeared'
            ? () =>
                this.ctx.notice({
                  kind: 'watching',
                  root: this.root,
                  dirs: this.dirs.size,
                  durationMs: Math.round(performance.now() - t0),
                })
            : undefined;
        const hooks = {
          ...this.hooks((rel, e) => dirFiles.set(rel, e), unreadable, old),
          dirListed,
        };
        await walk(this.ctx.source, this.root, '', hooks, {
          recursive: this.recursive,
          watching,
        });
      }
    } finally {
      for (const [rel, d] of old) if (this.dirs.get(rel)?.watch !== d.watch) d.watch?.close();
    }
    if (fresh.length > 0) await flushFresh();
    // Directories with stored rows that were not listed: gone, emptied, ignored now, or out of
    // reach (unreadable: what we knew of them stays).
    if (!baseline) {
      const skip = (dir: string) =>
        listed.has(dir) || unreadable.has(dir) || underAny(dir, unreadable);
      await this.eachStoredDir(
        '',
        (_dir, rows) => {
          for (const [rel, e] of rows) before.set(rel, e);
        },
        skip,
      );
    }
    keepUnreadable(before, after, unreadable);
    const changes = diffEntries(before, after);
    count(changes);
    this.reportLimit();
    if (changes.length > 0 || delivered === 0) await this.commit(changes, info, offline);
    this.scheduleDegradedScan();
    const notice: WatchNotice = {
      kind: 'scanCompleted',
      root: this.root,
      reason,
      ...n,
      durationMs: Math.round(performance.now() - t0),
    };
    if (offline) notice.offline = true;
    if (baseline) notice.baseline = true;
    this.ctx.notice(notice);
  }

  /**
   * Calls `f` with the stored entries of each directory at or below `dir`, a page of
   * directories at a time (what `f` delivers may remove rows: the next page starts after
   * the last directory seen).
   */
  private async eachStoredDir(
    dir: string,
    f: (dir: string, rows: Map<string, SnapshotEntry>) => void | Promise<void>,
    skip?: (dir: string) => boolean,
  ): Promise<void> {
    const snap = this.ctx.snapshot;
    let after: string | undefined;
    for (;;) {
      const page = snap.dirsBelow(this.root, dir, after, 64);
      for (const d of page) if (!skip?.(d)) await f(d, snap.list(this.root, d));
      if (page.length < 64) return;
      after = page[page.length - 1];
    }
  }

  /** Every stored entry of the root becomes a deletion (the root is gone). */
  private async deleteAll(info: BatchInfo, offline = false): Promise<void> {
    let batch: DiffChange[] = [];
    await this.eachStoredDir('', async (_dir, rows) => {
      for (const [rel, entry] of rows) batch.push({ kind: 'deleted', rel, entry });
      if (batch.length >= this.ctx.maxBatch) {
        const b = batch;
        batch = [];
        await this.commit(b, info, offline);
      }
    });
    await this.commit(batch, info, offline);
  }

  private hooks(
    file: (rel: string, e: SnapshotEntry) => void,
    unreadable: Set<string>,
    reuse: Map<string, DirState> | undefined,
  ) {
    return {
      enterDir: (rel: string, abs: FsPath, st: FileStat) => this.enter(rel, abs, st, reuse),
      file,
      isIgnored: (rel: string, isDir: boolean) => this.isIgnored(rel, isDir),
      unreadable: (rel: string, err: Error) => {
        unreadable.add(rel);
        this.ctx.notice({ kind: 'error', root: this.root, message: err.message });
      },
      vanished: (rel: string) => unreadable.add(rel),
    };
  }

  /** Registers a directory and watches it (reusing a live watch of the same inode). */
  private enter(rel: string, abs: FsPath, st: FileStat, reuse: Map<string, DirState> | undefined) {
    const prev = reuse?.get(rel);
    if (prev?.watch && prev.is(st)) {
      this.dirs.set(rel, prev);
      return true;
    }
    const state = new DirState(st.ino, st.birthtimeMs);
    try {
      state.watch = this.ctx.source.watchDir(abs, this.onEvent, this.onWatchError, rel);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      if (code === 'ENOSPC') this.limitHit ??= abs.toString();
      else this.ctx.notice({ kind: 'error', root: this.root, code, message: (e as Error).message });
    }
    this.dirs.set(rel, state);
    return true;
  }

  private reportLimit(): void {
    let unwatched = 0;
    for (const d of this.dirs.values()) if (!d.watch) unwatched++;
    if (unwatched === 0) {
      this.limitHit = undefined;
      this.limitReported = 0;
      return;
    }
    if (this.limitHit === undefined || unwatched === this.limitReported) return;
    this.limitReported = unwatched;
    const n: WatchNotice = {
      kind: 'watchLimit',
      root: this.root,
      path: this.limitHit,
      sysctl: 'fs.inotify.max_user_watches',
      unwatched,
    };
    const limit = this.ctx.maxUserWatches();
    if (limit !== undefined) n.limit = limit;
    this.ctx.notice(n);
  }

  private scheduleDegradedScan(): void {
    if (this.degradedTimer || this.state !== 'active') return;
    if (!Array.from(this.dirs.values()).some((d) => !d.watch)) return;
    this.degradedTimer = setTimeout(() => {
      this.degradedTimer = undefined;
      void this.rescan('interval');
    }, this.ctx.degradedScanMs);
    this.degradedTimer.unref();
  }

  // ---- root gone / appearing ------------------------------------------------------------

  private async rootGone(): Promise<void> {
    for (const d of this.dirs.values()) d.watch?.close();
    this.dirs.clear();
    this.dirty.clear();
    await this.deleteAll({ root: this.root, detectedBy: 'watch' });
    this.ctx.notice({ kind: 'rootDeleted', root: this.root });
    this.enterMissing();
  }

  /** Watches the nearest existing ancestor until the root exists again. */
  private enterMissing(): void {
    if (this.state === 'stopped') return;
    this.state = 'missing';
    let dir = path.dirname(this.root);
    while (dir !== path.dirname(dir) && !this.ctx.source.stat(dir)?.isDirectory()) {
      dir = path.dirname(dir);
    }
    if (this.ancestorWatch?.path !== dir) {
      this.ancestorWatch?.watch.close();
      this.ancestorWatch = undefined;
      try {
        const watch = this.ctx.source.watchDir(
          dir,
          () => this.queueAppearCheck(),
          () => {},
        );
        this.ancestorWatch = { path: dir, watch };
      } catch {
        // Nothing to watch (limit reached?): the periodic tick still checks.
      }
    }
    this.ctx.notice({ kind: 'rootMissing', root: this.root, watching: dir });
  }

  private async checkAppeared(): Promise<void> {
    if (this.state !== 'missing') return;
    const st = this.ctx.source.stat(this.root);
    if (!st?.isDirectory()) {
      // A deeper ancestor may exist now; move the watch closer (quietly).
      let dir = path.dirname(this.root);
      while (dir !== path.dirname(dir) && !this.ctx.source.stat(dir)?.isDirectory()) {
        dir = path.dirname(dir);
      }
      if (dir !== this.ancestorWatch?.path) this.enterMissing();
      return;
    }
    this.ancestorWatch?.watch.close();
    this.ancestorWatch = undefined;
    this.state = 'active';
    this.ctx.notice({ kind: 'rootAppeared', root: this.root });
    await this.scan('appeared', 'watch', false, false);
  }

  // ---- view and delivery -------------------------------------------------------------------

  /**
   * Delivers a batch. Renames are ordered first (orderRenames), and each is checked against
   * the view as the batch leaves it: the stored snapshot plus the batch's own earlier steps.
   */
  private async commit(batch: DiffChange[], info: BatchInfo, offline = false): Promise<void> {
    if (batch.length === 0 && !info.baseline) return;
    const changes = orderRenames(batch);
    if (changes.some((c) => c.kind === 'renamed')) {
      const snap = this.ctx.snapshot;
      const steps = new Map<string, SnapshotEntry | null>();
      const view = (rel: string) =>
        steps.has(rel) ? (steps.get(rel) ?? undefined) : snap.get(this.root, rel);
      for (let i = 0; i < changes.length; i++) {
        let c = changes[i]!;
        if (c.kind === 'deleted') {
          steps.set(c.rel, null);
          continue;
        }
        if (c.kind === 'renamed') {
          const old = view(c.oldRel);
          if (old && sameFile(old, c.entry)) steps.set(c.oldRel, null);
          else {
            // The source no longer holds this file in the log's view (the last step of a swap
            // or rename cycle): a rename would take the wrong file out of the replay, so the
            // file is recorded as what it is at its new path.
            c = { kind: view(c.rel) ? 'modified' : 'created', rel: c.rel, entry: c.entry };
            changes[i] = c;
          }
        }
        steps.set(c.rel, c.entry);
      }
    }
    await this.ctx.deliver(this, changes, info, offline);
  }

  private takeDirs(prefix: string): Map<string, DirState> {
    const out = new Map<string, DirState>();
    for (const [rel, d] of this.dirs) {
      if (isUnder(rel, prefix)) {
        out.set(rel, d);
        this.dirs.delete(rel);
      }
    }
    return out;
  }

  private dropDirs(prefix: string): void {
    for (const d of this.takeDirs(prefix).values()) d.watch?.close();
  }

  private isIgnored(rel: string, isDir: boolean): boolean {
    if (this.ignore === null) return false;
    const d = displayRel(rel);
    return this.ignore(d, `${this.root}/${d}`, isDir);
  }
}

function underAny(rel: string, dirs: Set<string>): boolean {
  let p = rel;
  for (let i = p.lastIndexOf('/'); i >= 0; i = p.lastIndexOf('/')) {
    p = p.slice(0, i);
    if (dirs.has(p)) return true;
  }
  return false;
}

/** Directories we could not list keep what we knew about them (no false deletions). */
function keepUnreadable(
  before: ReadonlyMap<string, SnapshotEntry>,
  after: Map<string, SnapshotEntry>,
  unreadable: Set<string>,
): void {
  if (unreadable.size === 0) return;
  for (const [rel, e] of before) {
    if (!after.has(rel) && (unreadable.has(parentRel(rel)) || underAny(rel, unreadable))) {
      after.set(rel, e);
    }
  }
}
