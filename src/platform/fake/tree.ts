// An in-memory file tree behind the TreeSource port, for unit tests of the folder layer.
// Changes made through its methods (write, mkdir, rename, unlink, symlink…) raise the watch
// events Node's fs.watch raises on Linux, where libuv maps inotify to two kinds:
// IN_MODIFY/IN_ATTRIB → 'change', IN_CREATE/IN_DELETE/IN_MOVED_FROM/IN_MOVED_TO → 'rename',
// each on the watch of the parent directory with the entry's name; IN_DELETE_SELF and
// IN_MOVE_SELF → 'rename' with the watched directory's own base name (libuv names the
// event after the watched path when inotify gives no name; a deleted directory's watch also
// reports IN_IGNORED that way, so it hears its own name twice). A watch follows its directory's
// inode through moves and dies with it, as inotify's does. Watches share one "kernel watch"
// per directory, so `maxWatches` fails watchDir with ENOSPC like fs.inotify.max_user_watches.
// Events arrive asynchronously, in order, as real ones do.
//
// Names are bytes: a name that is not valid UTF-8 is listed as bytes, as Node does with
// encoding 'buffer'.
import { Buffer, isUtf8 } from 'node:buffer';
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

type Kind = 'file' | 'dir' | 'symlink';

interface Watch {
  /** The base name of the path the watch was set on (for self events). */
  base: string;
  onEvent: (kind: WatchEventKind, rel: string | null, key: unknown) => void;
  onError: (err: Error, key: unknown) => void;
  key: unknown;
  closed: boolean;
}

interface Node {
  kind: Kind;
  ino: number;
  uid: number;
  mtimeMs: number;
  birthtimeMs: number;
  data: Buffer;
  target?: Buffer;
  /** Keys are names as latin1 strings (one char per byte): raw bytes kept exactly. */
  children?: Map<string, Node>;
  watches?: Set<Watch>;
  unreadable?: boolean;
}

export interface FakeTreeOptions {
  now?: () => number;
  /** Owner of new entries. Default 1000. */
  uid?: number;
  /** Directories that may be watched at once (fs.inotify.max_user_watches). */
  maxWatches?: number;
}

const key = (b: Buffer): string => b.toString('latin1');
const bytesOf = (k: string): Buffer => Buffer.from(k, 'latin1');
const toBytes = (p: FsPath): Buffer => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p));

export function fsError(code: string, syscall: string, p: FsPath): Error {
  const shown = typeof p === 'string' ? p : Buffer.from(p).toString('utf8');
  const e = new Error(`${code}: fake tree, ${syscall} '${shown}'`) as NodeJS.ErrnoException;
  e.code = code;
  e.syscall = syscall;
  e.path = shown;
  return e;
}

/** Absolute path bytes into components ('.' dropped, '..' applied). */
function components(p: Buffer): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= p.length; i++) {
    if (i < p.length && p[i] !== 0x2f) continue;
    const c = key(p.subarray(start, i));
    start = i + 1;
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return out;
}

interface Found {
  parent: Node;
  name: string;
  node: Node | undefined;
  /** The resolved components of the entry itself. */
  comps: string[];
}

export class FakeTree implements TreeSource {
  private readonly now: () => number;
  private readonly uid: number;
  private nextIno = 100;
  private readonly root: Node;
  private queue: Array<() => void> = [];
  private flushing = false;
  private readonly watched = new Set<Node>();
  maxWatches: number;

  constructor(o: FakeTreeOptions = {}) {
    this.now = o.now ?? Date.now;
    this.uid = o.uid ?? 1000;
    this.maxWatches = o.maxWatches ?? Number.POSITIVE_INFINITY;
    this.root = this.node('dir');
  }

  // ---- TreeSource ------------------------------------------------------------------------

  lstat(p: FsPath): FileStat | undefined {
    const n = this.find(p, false, 'lstat', true)?.node;
    return n ? this.statOf(n) : undefined;
  }

  stat(p: FsPath): FileStat | undefined {
    const n = this.find(p, true, 'stat', true)?.node;
    return n ? this.statOf(n) : undefined;
  }

  readDir(p: FsPath): ListedEntry[] | undefined {
    const n = this.find(p, true, 'scandir', true)?.node;
    if (!n) return undefined;
    if (n.kind !== 'dir') return undefined; // ENOTDIR: gone as a directory
    if (n.unreadable) throw fsError('EACCES', 'scandir', p);
    return [...n.children!.entries()].map(([k, c]) => {
      const raw = bytesOf(k);
      const isDir = c.kind === 'dir';
      return { name: isUtf8(raw) ? raw.toString('utf8') : raw, isDirectory: () => isDir };
    });
  }

  watchDir<K = undefined>(
    p: FsPath,
    onEvent: (kind: WatchEventKind, rel: string | null, key: K) => void,
    onError: (err: Error, key: K) => void,
    key?: K,
  ): DirWatch {
    const f = this.find(p, true, 'watch', false);
    const n = f?.node;
    if (!n) throw fsError('ENOENT', 'watch', p);
    if (n.kind !== 'dir') throw fsError('ENOTDIR', 'watch', p);
    if (!this.watched.has(n) && this.watched.size >= this.maxWatches)
      throw fsError('ENOSPC', 'watch', p);
    const comps = components(toBytes(p));
    const w: Watch = {
      base: comps.at(-1) ?? '',
      onEvent: onEvent as Watch['onEvent'],
      onError: onError as Watch['onError'],
      key,
      closed: false,
    };
    n.watches ??= new Set();
    n.watches.add(w);
    this.watched.add(n);
    return {
      close: () => {
        w.closed = true;
        n.watches?.delete(w);
        if (n.watches?.size === 0) this.watched.delete(n);
      },
    };
  }

  async openRead(p: FsPath): Promise<ReadHandle> {
    const n = this.find(p, false, 'open', false)?.node;
    if (!n) throw fsError('ENOENT', 'open', p);
    if (n.kind === 'symlink') throw fsError('ELOOP', 'open', p);
    return {
      stat: async () => this.statOf(n),
      read: async (buf, position) => {
        if (n.kind === 'dir') throw fsError('EISDIR', 'read', p);
        const src = n.data.subarray(position, position + buf.byteLength);
        buf.set(src);
        return src.length;
      },
      close: async () => {},
    };
  }

  // ---- changes, with the events a real file system raises -------------------------------

  /** mkdir (with `recursive`, mkdir -p). */
  mkdir(p: FsPath, o: { recursive?: boolean } = {}): void {
    if (o.recursive) {
      const comps = components(toBytes(p));
      for (let i = 1; i <= comps.length; i++) {
        const sub = Buffer.from(`/${comps.slice(0, i).join('/')}`, 'latin1');
        const f = this.find(sub, true, 'mkdir', false)!;
        if (f.node?.kind === 'dir') continue;
        this.mkdir(sub);
      }
      return;
    }
    const f = this.find(p, false, 'mkdir', false)!;
    if (f.node) throw fsError('EEXIST', 'mkdir', p);
    this.attach(f.parent, f.name, this.node('dir'));
  }

  /** writeFile: creates (rename, then change when there is content) or rewrites (change). */
  write(p: FsPath, data: string | Uint8Array = '', o: { uid?: number } = {}): void {
    const f = this.find(p, true, 'open', false)!;
    const bytes = Buffer.from(typeof data === 'string' ? Buffer.from(data) : data);
    if (f.node?.kind === 'dir') throw fsError('EISDIR', 'open', p);
    if (f.node) {
      f.node.data = bytes;
      f.node.mtimeMs = this.now();
      this.emit(f.parent, 'change', f.name);
      return;
    }
    const n = this.node('file', o.uid);
    n.data = bytes;
    this.attach(f.parent, f.name, n);
    if (bytes.length > 0) this.emit(f.parent, 'change', f.name);
  }

  /** Appends to an existing file (change). */
  append(p: FsPath, data: string | Uint8Array): void {
    const f = this.find(p, true, 'open', false)!;
    if (!f.node) {
      this.write(p, data);
      return;
    }
    if (f.node.kind !== 'file') throw fsError('EISDIR', 'open', p);
    f.node.data = Buffer.concat([f.node.data, Buffer.from(data)]);
    f.node.mtimeMs = this.now();
    this.emit(f.parent, 'change', f.name);
  }

  /** utimes / chmod-like attribute change (change). */
  touch(p: FsPath, mtimeMs = this.now()): void {
    const f = this.existing(p, 'utime');
    f.node.mtimeMs = mtimeMs;
    this.emit(f.parent, 'change', f.name);
  }

  chown(p: FsPath, uid: number): void {
    const f = this.existing(p, 'chown');
    f.node.uid = uid;
    this.emit(f.parent, 'change', f.name);
  }

  symlink(target: FsPath, p: FsPath): void {
    const f = this.find(p, false, 'symlink', false)!;
    if (f.node) throw fsError('EEXIST', 'symlink', p);
    const n = this.node('symlink');
    n.target = toBytes(target);
    this.attach(f.parent, f.name, n);
  }

  /** unlink a file or link (EISDIR for a directory, as on Linux). */
  unlink(p: FsPath): void {
    const f = this.existing(p, 'unlink');
    if (f.node.kind === 'dir') throw fsError('EISDIR', 'unlink', p);
    this.detach(f.parent, f.name);
  }

  rmdir(p: FsPath): void {
    const f = this.existing(p, 'rmdir');
    if (f.node.kind !== 'dir') throw fsError('ENOTDIR', 'rmdir', p);
    if (f.node.children!.size > 0) throw fsError('ENOTEMPTY', 'rmdir', p);
    this.detach(f.parent, f.name);
  }

  /** rm -rf: children before their directory, each with its events. Missing is fine. */
  remove(p: FsPath): void {
    const f = this.find(p, false, 'rm', false);
    if (!f?.node) return;
    this.removeNode(f.parent, f.name);
  }

  /** rename(2): replaces a file or an empty directory at `to`. */
  rename(from: FsPath, to: FsPath): void {
    const a = this.existing(from, 'rename');
    const b = this.find(to, false, 'rename', false)!;
    if (a.node === b.node) return;
    if (a.node.kind === 'dir') {
      const inside = b.comps.length > a.comps.length && a.comps.every((c, i) => b.comps[i] === c);
      if (inside) throw fsError('EINVAL', 'rename', from);
    }
    if (b.node) {
      if (b.node.kind === 'dir' && a.node.kind !== 'dir') throw fsError('EISDIR', 'rename', to);
      if (b.node.kind !== 'dir' && a.node.kind === 'dir') throw fsError('ENOTDIR', 'rename', to);
      if (b.node.kind === 'dir' && b.node.children!.size > 0)
        throw fsError('ENOTEMPTY', 'rename', to);
      b.parent.children!.delete(b.name);
      this.selfGone(b.node);
    }
    a.parent.children!.delete(a.name);
    b.parent.children!.set(b.name, a.node);
    this.emit(a.parent, 'rename', a.name);
    this.emit(b.parent, 'rename', b.name);
    for (const w of a.node.watches ?? []) this.deliver(w, 'rename', w.base);
  }

  /** Makes a directory unreadable (readDir throws EACCES) or readable again. */
  setUnreadable(p: FsPath, unreadable = true): void {
    this.existing(p, 'chmod').node.unreadable = unreadable;
  }

  /** A file's content (tests). */
  read(p: FsPath): Buffer {
    const f = this.find(p, true, 'open', false)!;
    if (f.node?.kind !== 'file') throw fsError('ENOENT', 'open', p);
    return Buffer.from(f.node.data);
  }

  /** Every path below `p` (itself excluded) with its kind, sorted (tests compare trees). */
  list(p: FsPath = '/'): Array<{ path: string; kind: Kind }> {
    const out: Array<{ path: string; kind: Kind }> = [];
    const start = this.find(p, true, 'scandir', false)?.node;
    const base = components(toBytes(p));
    const go = (n: Node, comps: string[]) => {
      for (const [k, c] of n.children ?? []) {
        const next = [...comps, k];
        out.push({
          path: `/${next.map((x) => bytesOf(x).toString('utf8')).join('/')}`,
          kind: c.kind,
        });
        if (c.kind === 'dir') go(c, next);
      }
    };
    if (start?.kind === 'dir') go(start, base);
    return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  }

  /** Directories watched now (one kernel watch each, however many handles share it). */
  watchCount(): number {
    return this.watched.size;
  }

  /** Resolves when every event raised so far has been delivered. */
  flushed(): Promise<void> {
    return new Promise((resolve) => {
      const check = () =>
        this.queue.length === 0 && !this.flushing ? resolve() : setImmediate(check);
      check();
    });
  }

  // ---- internals --------------------------------------------------------------------------

  private node(kind: Kind, uid = this.uid): Node {
    const t = this.now();
    const n: Node = {
      kind,
      ino: this.nextIno++,
      uid,
      mtimeMs: t,
      birthtimeMs: t,
      data: Buffer.alloc(0),
    };
    if (kind === 'dir') n.children = new Map();
    return n;
  }

  private statOf(n: Node): FileStat {
    const size =
      n.kind === 'file' ? n.data.length : n.kind === 'dir' ? 4096 : (n.target?.length ?? 0);
    const { ino, mtimeMs, birthtimeMs, uid, kind } = n;
    return {
      ino,
      size,
      mtimeMs,
      birthtimeMs,
      uid,
      isFile: () => kind === 'file',
      isDirectory: () => kind === 'dir',
      isSymbolicLink: () => kind === 'symlink',
    };
  }

  private attach(parent: Node, name: string, n: Node): void {
    parent.children!.set(name, n);
    parent.mtimeMs = this.now();
    this.emit(parent, 'rename', name);
  }

  private detach(parent: Node, name: string): void {
    const n = parent.children!.get(name);
    parent.children!.delete(name);
    parent.mtimeMs = this.now();
    // Linux queues a directory's IN_DELETE_SELF (and IN_IGNORED) before its parent's
    // IN_DELETE (seen with fs.watch on both).
    if (n) this.selfGone(n);
    this.emit(parent, 'rename', name);
  }

  private removeNode(parent: Node, name: string): void {
    const n = parent.children!.get(name);
    if (n?.kind === 'dir') for (const k of [...n.children!.keys()]) this.removeNode(n, k);
    this.detach(parent, name);
  }

  /** IN_DELETE_SELF then IN_IGNORED (libuv reports both as 'rename' with the watched
   *  directory's own name); then the watch is dead. */
  private selfGone(n: Node): void {
    for (const w of n.watches ?? []) {
      this.deliver(w, 'rename', w.base);
      this.deliver(w, 'rename', w.base);
      this.queue.push(() => {
        w.closed = true;
      });
    }
    n.watches?.clear();
    this.watched.delete(n);
  }

  private emit(dir: Node, kind: WatchEventKind, name: string): void {
    const rel = relOfBytes(bytesOf(name));
    for (const w of dir.watches ?? []) this.deliver(w, kind, rel);
  }

  private deliver(w: Watch, kind: WatchEventKind, rel: string): void {
    this.queue.push(() => {
      if (!w.closed) w.onEvent(kind, rel, w.key);
    });
    if (this.queue.length === 1 && !this.flushing) setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushing = true;
    try {
      while (this.queue.length > 0) this.queue.shift()!();
    } finally {
      this.flushing = false;
    }
  }

  private existing(p: FsPath, syscall: string): Found & { node: Node } {
    const f = this.find(p, false, syscall, false);
    if (!f?.node) throw fsError('ENOENT', syscall, p);
    return f as Found & { node: Node };
  }

  /**
   * Resolves a path: links are followed in every component but the last (and in the last
   * too with followLast). `quiet` answers undefined for "gone" errors (ENOENT, ENOTDIR,
   * ELOOP) instead of throwing them, as the port's lstat/stat/readDir do.
   */
  private find(p: FsPath, followLast: boolean, syscall: string, quiet: boolean): Found | undefined {
    const bytes = toBytes(p);
    if (bytes[0] !== 0x2f) throw fsError('EINVAL', syscall, p); // absolute paths only
    let comps = components(bytes);
    for (let hops = 0; ; ) {
      let cur = this.root;
      let i = 0;
      let restarted = false;
      for (; i < comps.length; i++) {
        const name = comps[i]!;
        const last = i === comps.length - 1;
        const child = cur.children!.get(name);
        if (last && (child?.kind !== 'symlink' || !followLast)) {
          return { parent: cur, name, node: child, comps: comps.slice() };
        }
        if (!child) {
          if (quiet) return undefined;
          throw fsError('ENOENT', syscall, p);
        }
        if (child.kind === 'symlink') {
          if (++hops > 40) {
            if (quiet) return undefined;
            throw fsError('ELOOP', syscall, p);
          }
          const t = child.target!;
          const base = t[0] === 0x2f ? [] : comps.slice(0, i);
          const joined = Buffer.concat([
            Buffer.from(`/${base.join('/')}/`, 'latin1'),
            t,
            Buffer.from(`/${comps.slice(i + 1).join('/')}`, 'latin1'),
          ]);
          comps = components(joined);
          restarted = true;
          break;
        }
        if (child.kind !== 'dir') {
          if (quiet) return undefined;
          throw fsError('ENOTDIR', syscall, p);
        }
        cur = child;
      }
      if (!restarted) {
        // The root itself.
        return { parent: this.root, name: '', node: this.root, comps: [] };
      }
    }
  }
}
