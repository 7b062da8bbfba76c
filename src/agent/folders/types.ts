// Public shapes of the folder-watcher layer. The layer turns a live directory tree into a
// loss-free stream of FileChange batches; the store turns them into `file.*` events and
// keeps the snapshot (DESIGN.md "Contracts": file event data).

/** A path for the tree source: a string, or a Buffer when a name is not valid UTF-8
 *  (relpath.ts absOf). A Buffer is a Uint8Array, so it fits the port's FsPath. */
export type FsPath = string | Buffer;

/** One classified folder of the policy, after path expansion. */
export interface FolderSpec {
  /** Absolute path of the watched root. */
  path: string;
  level: string;
  /** false: only the files directly in `path`. Default true. */
  recursive?: boolean;
  /** Globs matched against the path relative to the root ("a/b.tmp"); see ignore.ts. */
  ignore?: string[];
}

export type EntryType = 'file' | 'symlink' | 'other';

/** What the snapshot remembers about one non-directory entry (never its contents). */
export interface SnapshotEntry {
  type: EntryType;
  ino: number;
  size: number;
  mtimeMs: number;
  /** Owner uid (the owner, not the actor). */
  uid?: number;
  /** Birth time where the file system reports it (ext4, xfs, btrfs). With `ino` it tells a
   *  renamed file from a new file that got a freed inode number (ext4 reuses them at once). */
  btimeMs?: number;
}

export type ChangeKind = 'created' | 'modified' | 'deleted' | 'renamed';

export interface FileChange {
  /** Unique within one watcher instance, increasing; HashResult.changeId refers to it. */
  changeId: number;
  kind: ChangeKind;
  /** The root (FolderSpec.path) this change belongs to. */
  root: string;
  /** Display form of the absolute path (invalid UTF-8 bytes become U+FFFD). */
  path: string;
  /** base64 of the raw absolute path, only when the bytes are not valid UTF-8. */
  pathBytes?: string;
  oldPath?: string;
  oldPathBytes?: string;
  /** Snapshot key: path relative to the root (relpath.ts: a segment that is not valid
   *  UTF-8 is NUL + base64url of its bytes); `oldRel` for renames. */
  rel: string;
  oldRel?: string;
  /** State after the change; for `deleted`, the last state known. */
  entry: SnapshotEntry;
  size: number;
  mtimeMs: number;
  ino: number;
  owner?: number;
  detectedBy: 'watch' | 'scan';
  /** The change happened while the agent was not running (found by the start-up scan). */
  offline?: true;
}

export type ScanReason =
  | 'startup'
  | 'interval'
  | 'overflow'
  | 'stall'
  | 'watchError'
  | 'appeared'
  | 'manual';

export interface BatchInfo {
  root: string;
  detectedBy: 'watch' | 'scan';
  /** Why a scan ran; absent for live batches. */
  reason?: ScanReason;
  /**
   * First scan of a root that has no snapshot yet: the changes describe what already
   * exists, not what happened. The store should record the snapshot but may skip events.
   */
  baseline?: true;
}

/** Result of the hash stage, delivered after the change it belongs to. */
export interface HashResult {
  changeId: number;
  /** What onChanges returned for this change (the agent: the seq of the event the hash
   *  completes), or what `rehash` was given. */
  ref?: number;
  root: string;
  rel: string;
  path: string;
  pathBytes?: string;
  sha256: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

export type WatchNotice =
  | {
      kind: 'overflow';
      /** Absent when every root is affected (the inotify queue is shared). */
      root?: string;
      /** continued: the process was stopped and got SIGCONT. */
      reason: 'stall' | 'burst' | 'watchError' | 'continued';
      /** burst: events seen in one loop turn; stall: how late the timer fired (ms). */
      value?: number;
    }
  | {
      kind: 'scanCompleted';
      root: string;
      reason: ScanReason;
      added: number;
      changed: number;
      removed: number;
      renamed: number;
      durationMs: number;
      offline?: true;
      baseline?: true;
    }
  | {
      kind: 'watchLimit';
      root: string;
      /** First directory that could not be watched. */
      path: string;
      sysctl: 'fs.inotify.max_user_watches';
      /** Current value of the sysctl when readable. */
      limit?: number;
      /** Directories of this root left to periodic scans. */
      unwatched: number;
    }
  | {
      /** Every directory of the root is watched (or left to scans by the watch limit):
       *  from here on no change is missed. The files' snapshot pass follows; it ends with
       *  scanCompleted. Sent by the start-up scan and when a missing root appears. */
      kind: 'watching';
      root: string;
      dirs: number;
      durationMs: number;
    }
  | { kind: 'rootMissing'; root: string; watching?: string }
  | { kind: 'rootAppeared'; root: string }
  | { kind: 'rootDeleted'; root: string }
  | { kind: 'error'; root?: string; code?: string; message: string };

/** A file to hash again (work left from an earlier run): the file its change saw. */
export interface RehashRequest {
  root: string;
  rel: string;
  ino: number;
  size: number;
  mtimeMs: number;
  /** Carried to HashResult.ref. */
  ref: number;
}

/**
 * What the layer reads of a root's snapshot. It keeps no file in memory (issue 8, "Scale": a
 * million watched files): a live change reads its path (and, for a rename whose old path was
 * not reported, the paths holding its inode), a scan one directory at a time. Reads are
 * synchronous: the agent's store is SQLite through better-sqlite3.
 */
export interface SnapshotReads {
  /** False when this root was never recorded (the first scan is then a baseline). */
  known(root: string): boolean;
  /** The entry at `rel`. */
  get(root: string, rel: string): SnapshotEntry | undefined;
  /** The entries directly in directory `dir` ('' for the root), keyed by rel. */
  list(root: string, dir: string): Map<string, SnapshotEntry>;
  /**
   * Directories at or below `dir` that hold entries, in a stable order, at most `limit` of
   * them after `after` (the last one of the previous page; undefined for the first page).
   */
  dirsBelow(root: string, dir: string, after: string | undefined, limit: number): string[];
  /** The entries holding inode `ino` (more than one for hard links). */
  withIno(root: string, ino: number): Array<{ rel: string; entry: SnapshotEntry }>;
}

/**
 * Persistent snapshot of each watched tree, keyed by FileChange.rel. The layer reads what it
 * needs on demand (SnapshotReads) and reads only what has been delivered. A store that writes
 * the snapshot together with its events (in onChanges, in one transaction, as the agent does)
 * implements the reads only. A store that keeps it apart implements `applyChanges`: the
 * layer calls it with exactly the batch it handed to onChanges, after onChanges resolved (see
 * index.ts), so the snapshot never runs ahead of the events.
 */
export interface SnapshotStore extends SnapshotReads {
  /**
   * Apply one batch in order: created/modified put `rel`; deleted removes `rel`;
   * renamed removes `oldRel` only if its entry is still the same file (ino, and btimeMs
   * when both are known), then puts `rel`.
   * (The ino condition keeps swaps and rename cycles right in any batch split.)
   */
  applyChanges?(root: string, changes: readonly FileChange[]): Promise<void> | void;
}
