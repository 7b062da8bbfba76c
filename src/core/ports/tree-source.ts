// The file tree the folder layer watches, behind one small interface, so the watching
// strategy (one fs.watch per directory today, a native inotify binding tomorrow) can change
// without touching diffing, snapshots or overflow handling. The adapter is
// src/platform/node/tree-source.ts (the same on every OS); the fake an in-memory tree
// (src/platform/fake/tree.ts). Relative names use the encoding of src/core/relpath.ts.
export type WatchEventKind = 'rename' | 'change';
/** A path as a string (valid UTF-8) or raw bytes (a name that is not). */
export type FsPath = string | Uint8Array;

/** What the layer reads of an lstat/stat (Node's fs.Stats fits). */
export interface FileStat {
  ino: number;
  size: number;
  mtimeMs: number;
  birthtimeMs: number;
  uid: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** One entry of a listing (Node's Dirent fits): a name as a string (valid UTF-8) or raw
 *  bytes, and whether the file system says it is a directory (a link to one is not). */
export interface ListedEntry {
  readonly name: string | Uint8Array;
  isDirectory(): boolean;
}

export interface DirWatch {
  close(): void;
}

/** An open file, read in chunks (the hasher: contents pass through, nothing is kept). */
export interface ReadHandle {
  stat(): Promise<FileStat>;
  /** Reads into buf at file offset `position`; resolves the bytes read, 0 at the end. */
  read(buf: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
}

export interface TreeSource {
  /** lstat (links not followed); undefined when the path does not exist. */
  lstat(p: FsPath): FileStat | undefined;
  /** stat (links followed, for roots); undefined when missing. */
  stat(p: FsPath): FileStat | undefined;
  /** A directory's entries, typed by the listing (d_type: no stat per entry); names that
   *  are not valid UTF-8 come as bytes. Undefined when it is gone. Throws EACCES… */
  readDir(p: FsPath): ListedEntry[] | undefined;
  /**
   * Watch one directory. `rel` is the changed name relative to it as relpath segments
   * (may contain '/' for recursive back ends), null when the OS gave none. Throws an Error
   * with `code` (ENOSPC: watch limit reached, ENOENT…).
   * `key` comes back with every call: a watcher of many directories passes the same two
   * functions to each and tells them apart by key (a closure per directory costs more than
   * the rest of what it keeps for one: issue 8, "Scale").
   */
  watchDir<K = undefined>(
    p: FsPath,
    onEvent: (kind: WatchEventKind, rel: string | null, key: K) => void,
    onError: (err: Error, key: K) => void,
    key?: K,
  ): DirWatch;
  /**
   * Opens a file for reading without following a link at the last step (O_NOFOLLOW).
   * Rejects with an Error with `code` (ENOENT, ELOOP for a link, ENOTDIR…).
   */
  openRead(p: FsPath): Promise<ReadHandle>;
}
