// The file tree as the folder layer sees it (core/ports/tree-source.ts), over node:fs: the
// same on every OS. Behind the port, the watching strategy can change without touching
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
import type {
  FileStat,
  FsPath,
  ListedEntry,
  ReadHandle,
  TreeSource,
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

export const nodeTreeSource: TreeSource = {
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
  watchDir: (p, onEvent, onError) => {
    const w = fs.watch(osPath(p), { encoding: 'buffer', persistent: true }, (kind, name) =>
      onEvent(kind as 'rename' | 'change', name ? relOfBytes(name) : null),
    );
    w.on('error', onError);
    return w;
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
