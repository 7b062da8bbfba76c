// The file tree as the folder layer sees it (core/ports/tree-source.ts), over node:fs: the
// same on every OS. Watches are libuv's fs-event handles, as fs.watch makes them, without
// fs.watch's wrapper where Node allows (see "one watch per directory" below). Behind the port, the watching strategy can change without touching
// diffing, snapshots or overflow handling.
//
// Why one non-recursive fs.watch per directory and our own scanner (measured here, 20,000
// files in 2,000 folders): chokidar 5 was ready after 2.4-4 s with +200-250 MB RSS and
// ~22,000 inotify watches; this approach needs a fraction of that and one watch per
// directory. Node 20's recursive fs.watch on Linux walks the tree in JS and blocked the
// loop ~70 s on 5,000 files in one folder; @parcel/watcher loses files created inside
// brand-new folders. libuv keeps one inotify fd per loop and shares one watch descriptor
// per inode between handles, so this costs exactly one inotify watch per directory.
//
// Scanning is synchronous on purpose (readdirSync/lstatSync are several times faster than
// the thread-pool versions for many small calls); walk.ts slices it so the loop never
// blocks for more than a few milliseconds at a time. A hung network mount would block it:
// classified folders are expected on local disks.
import fs from 'node:fs';
import { getSystemErrorName } from 'node:util';
import type {
  DirWatch,
  FileStat,
  FsPath,
  ListedEntry,
  ReadHandle,
  TreeSource,
  WatchEventKind,
} from '../../core/ports/tree-source.js';
import { relOfBytes } from '../../core/relpath.js';

/** Node's fs takes a string or a Buffer; the port also allows a plain Uint8Array. */
const osPath = (p: FsPath): string | Buffer =>
  typeof p === 'string' || Buffer.isBuffer(p)
    ? p
    : Buffer.from(p.buffer, p.byteOffset, p.byteLength);

const GONE = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG']);

function gone<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (GONE.has((e as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw e;
  }
}

/** `rawHandles: false`: watch with fs.watch even where the raw handle is there (tests of
 *  the fallback). */
export function makeNodeTreeSource(opts: { rawHandles?: boolean } = {}): TreeSource {
  const Raw = opts.rawHandles === false ? undefined : RawFSEvent;
  const handleClass = Raw ? handleClasses(Raw) : undefined;
  return {
    ...common,
    watchDir: (p, onEvent, onError, key) => {
      if (handleClass) {
        const H = handleClass(onEvent as RawHandle['onEvent'], onError as RawHandle['onError']);
        return watchRaw(H, osPath(p), key);
      }
      const w = fs.watch(osPath(p), { encoding: 'buffer', persistent: true }, (kind, name) =>
        onEvent(kind as WatchEventKind, name ? relOfBytes(name) : null, key as never),
      );
      w.on('error', (err) => onError(err, key as never));
      return w;
    },
  };
}

const common: Omit<TreeSource, 'watchDir'> = {
  lstat: (p) => gone(() => fs.lstatSync(osPath(p), { throwIfNoEntry: false })),
  stat: (p) => gone(() => fs.statSync(osPath(p), { throwIfNoEntry: false })),
  readDir: (p) => {
    let list: ListedEntry[];
    try {
      list = fs.readdirSync(osPath(p), { withFileTypes: true });
    } catch (e) {
      if (!GONE.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
      // Where the file system reports no d_type (XFS without ftype, some FUSE and NFS), Node
      // lstat's each entry itself, and one entry removed meanwhile, or a name that is not
      // valid UTF-8 (mangled in string mode), fails the whole listing: type them one by one.
      return listTypedOneByOne(p);
    }
    // U+FFFD means a name was not valid UTF-8 (or really contains U+FFFD): list again
    // as raw bytes to keep those names exact. Rare, so the fast path stays string-only.
    if (!list.some((d) => (d.name as string).includes('\uFFFD'))) return list;
    return gone(() => fs.readdirSync(osPath(p), { withFileTypes: true, encoding: 'buffer' }));
  },
  openRead: async (p) => {
    // SECURITY: O_NONBLOCK, or a FIFO swapped in for a file blocks a thread-pool thread in
    // open() until a writer comes; four of them stop every async fs call of the agent
    // (scans, chain.head, stop). The hasher's fstat then refuses what is not a regular file.
    // O_NOFOLLOW: a link swapped in is not followed out of the classified folder.
    const flags = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | (fs.constants.O_NONBLOCK ?? 0);
    const fh = await fs.promises.open(osPath(p), flags);
    const handle: ReadHandle = {
      stat: (): Promise<FileStat> => fh.stat(),
      read: async (buf, position) => (await fh.read(buf, 0, buf.byteLength, position)).bytesRead,
      close: () => fh.close(),
    };
    return handle;
  },
};

/** Raw names, each typed by its own lstat; entries gone meanwhile are left out. Undefined
 *  when the directory itself is gone. */
export function listTypedOneByOne(dir: FsPath): ListedEntry[] | undefined {
  const names = gone(() => fs.readdirSync(osPath(dir), { encoding: 'buffer' }));
  if (!names) return undefined;
  const base = Buffer.from(osPath(dir));
  const out: ListedEntry[] = [];
  for (const name of names) {
    const st = gone(() => fs.lstatSync(Buffer.concat([base, SLASH, name])));
    if (!st) continue;
    const isDir = st.isDirectory();
    out.push({ name, isDirectory: () => isDir });
  }
  return out;
}

const SLASH = Buffer.from('/');

// ---- one watch per directory, at the cost of a libuv handle ------------------------------
//
// fs.watch wraps libuv's fs-event handle (FSEvent) in an FSWatcher: an EventEmitter with its
// listeners and a closure of its own. Measured with 10,001 directories (Node 20, x64), one
// fs.watch costs ~925 bytes of RSS, ~1,400 with the two closures a caller adds; the handle
// alone ~460 (~420 of them libuv's and the kernel watch's bookkeeping in native memory).
// A classified share of a million files in 100,000 folders then needs 140 MB for watches
// alone, past the agent's budget of 150 bytes per watched file (issue 8, "Scale").
// So the handle is used as fs.watch uses it (lib/internal/fs/watchers.js): the same libuv
// code, the same events and the same inotify watch, one shared callback for every handle.
// It comes from process.binding('fs_event_wrap'), which Node still provides (its use is
// deprecated in favour of fs.watch, silently unless --pending-deprecation). Where a Node
// has no such binding, or it is not the expected shape, watches fall back to fs.watch:
// the same events, at the higher cost.
interface RawHandle {
  start(path: string | Buffer, persistent: boolean, recursive: boolean, encoding: string): number;
  close(): void;
  onchange: (this: RawHandle, status: number, kind: string, name: Buffer | null) => void;
  onEvent: (kind: WatchEventKind, rel: string | null, key: unknown) => void;
  onError: (err: Error, key: unknown) => void;
  key: unknown;
}

const RawFSEvent = rawFSEvent();

/** The FSEvent constructor behind fs.watch, or undefined where it cannot be had. */
export function rawFSEvent(): (new () => RawHandle) | undefined {
  try {
    const binding = (process as unknown as { binding(name: string): unknown }).binding(
      'fs_event_wrap',
    ) as { FSEvent?: new () => RawHandle } | undefined;
    const FSEvent = binding?.FSEvent;
    if (typeof FSEvent !== 'function') return undefined;
    const proto = FSEvent.prototype as Partial<RawHandle>;
    return typeof proto.start === 'function' && typeof proto.close === 'function'
      ? FSEvent
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether this Node gives the raw handle (nodeTreeSource then watches with it). */
export const rawHandlesAvailable = (): boolean => RawFSEvent !== undefined;

// One function for every handle: `this` is the handle (libuv's callback is made on it).
function onRawChange(this: RawHandle, status: number, kind: string, name: Buffer | null): void {
  if (status < 0) {
    // As fs.watch: a handle that failed is closed before its error is told.
    this.close();
    this.onError(uvError(status, name ?? ''), this.key);
    return;
  }
  this.onEvent(kind as WatchEventKind, name ? relOfBytes(name) : null, this.key);
}

type HandleClass = new (key: unknown) => RawHandle;

/**
 * The handle class for one pair of callbacks (the folder layer passes one pair per root):
 * a subclass of FSEvent whose prototype holds them and the shared `onchange`, so each handle
 * carries its key alone. libuv's callback reads `onchange` from the handle like any property
 * (Node's MakeCallback), so one on the prototype serves. Measured with 10,000 handles: 156
 * bytes of heap each with the four properties on the handle (their out-of-object property
 * array alone is 64), 81 with the key alone.
 */
function handleClasses(Raw: new () => RawHandle) {
  const byEvent = new WeakMap<RawHandle['onEvent'], WeakMap<RawHandle['onError'], HandleClass>>();
  return (onEvent: RawHandle['onEvent'], onError: RawHandle['onError']): HandleClass => {
    let byError = byEvent.get(onEvent);
    if (!byError) {
      byError = new WeakMap();
      byEvent.set(onEvent, byError);
    }
    let H = byError.get(onError);
    if (!H) {
      H = class extends Raw {
        constructor(override readonly key: unknown) {
          super();
        }
      };
      Object.defineProperties(H.prototype, {
        onchange: { value: onRawChange, writable: true },
        onEvent: { value: onEvent, writable: true },
        onError: { value: onError, writable: true },
      });
      byError.set(onError, H);
    }
    return H;
  };
}

function watchRaw(H: HandleClass, p: string | Buffer, key: unknown): DirWatch {
  const h = new H(key);
  // persistent, not recursive, names as bytes (a name need not be valid UTF-8)
  const err = h.start(p, true, false, 'buffer');
  if (err < 0) throw uvError(err, p);
  return h;
}

/** An Error like Node's for a libuv status (`code` ENOSPC, ENOENT…), for `watch`. */
function uvError(status: number, p: string | Buffer): Error {
  let code: string;
  try {
    code = getSystemErrorName(status);
  } catch {
    code = `UV${status}`;
  }
  const what = code === 'ENOSPC' ? 'System limit for number of file watchers reached' : code;
  const e = new Error(`${code}: ${what}, watch '${p.toString()}'`) as NodeJS.ErrnoException;
  e.code = code;
  e.errno = status;
  e.syscall = 'watch';
  e.path = p.toString();
  return e;
}

/** The tree of this machine (raw handles where Node gives them; declared last: it needs them). */
export const nodeTreeSource: TreeSource = makeNodeTreeSource();
