// The acceptance check for watched folders: replaying the recorded `file.*` events must give
// exactly the files that are on disk. Both sides are keyed by the raw bytes of the absolute
// path (an event's `pathBytes` when present, else its `path`), so a name with a newline or
// invalid UTF-8 is compared as the bytes the file system holds, never as a display string.
//
//   const r = new Replayer([root]);
//   r.feed(readEventsAfter(dataDir, r.lastSeq));
//   const d = compareTrees(walkTree(root), r);
//   if (!d.equal) throw new Error(describeDiff(d, r));
import { Buffer, isUtf8 } from 'node:buffer';
import { lstatSync, readdirSync } from 'node:fs';
import { openStore } from '../../src/agent/store/index.js';
import type { BaomiEvent } from '../../src/core/events/types.js';

/** Identity of a path: the UTF-8 string when the bytes are valid UTF-8, else NUL + base64
 *  (NUL never occurs in a path, so the two forms cannot collide). */
export type PathKey = string;

const RAW = '\0';

export function keyOfBytes(b: Buffer): PathKey {
  return isUtf8(b) ? b.toString('utf8') : RAW + b.toString('base64');
}

export function bytesOfKey(k: PathKey): Buffer {
  return k.startsWith(RAW) ? Buffer.from(k.slice(1), 'base64') : Buffer.from(k, 'utf8');
}

/** Readable form for messages: JSON-quoted (newlines show as \n), raw bytes in hex. */
export function showKey(k: PathKey): string {
  if (!k.startsWith(RAW)) return JSON.stringify(k);
  const b = bytesOfKey(k);
  return `${JSON.stringify(b.toString('utf8'))} (bytes ${b.toString('hex')})`;
}

export function keyOfEvent(path: string, pathBytes?: string): PathKey {
  return pathBytes === undefined
    ? keyOfBytes(Buffer.from(path, 'utf8'))
    : keyOfBytes(Buffer.from(pathBytes, 'base64'));
}

export interface TreeEntry {
  size: number;
  type: 'file' | 'symlink' | 'other';
}

/** Every non-directory entry below `root` (symlinks are not followed), by raw path bytes. */
export function walkTree(root: string | Buffer): Map<PathKey, TreeEntry> {
  const out = new Map<PathKey, TreeEntry>();
  const slash = Buffer.from('/');
  const walk = (dir: Buffer): void => {
    let names: Buffer[];
    try {
      names = readdirSync(dir, { encoding: 'buffer' });
    } catch {
      return; // removed while walking
    }
    for (const n of names) {
      const p = Buffer.concat([dir, slash, n]);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else
        out.set(keyOfBytes(p), {
          size: st.size,
          type: st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other',
        });
    }
  };
  walk(Buffer.isBuffer(root) ? root : Buffer.from(root));
  return out;
}

/** One file event as it touched one path, for the "what went wrong" part of a message. */
export interface Step {
  seq: number;
  type: string;
  detectedBy?: string;
  size?: number;
  flags: string;
  other?: PathKey;
}

export interface LiveFile {
  size?: number;
  seq: number;
}

const FILE_TYPES = new Set(['file.created', 'file.modified', 'file.deleted', 'file.renamed']);

/**
 * Applies file events in `seq` order to a map of live paths. Incremental: feed it the events
 * after `lastSeq` as they arrive. Inconsistencies of the log itself (a delete of a path that
 * was never live, a second create, a bad `pathBytes`, a gap in `seq`) are collected as
 * anomalies rather than thrown, so one run reports all of them.
 */
export class Replayer {
  readonly files = new Map<PathKey, LiveFile>();
  readonly anomalies: string[] = [];
  readonly history = new Map<PathKey, Step[]>();
  /** Counts of every event type seen (file.* of other roots included). */
  readonly counts = new Map<string, number>();
  lastSeq = 0;
  /** Events of the watched roots, kept for assertions (scan.completed, watch.limit, …). */
  readonly events: BaomiEvent[] = [];

  constructor(
    private readonly roots?: readonly string[],
    private readonly keepEvents: (e: BaomiEvent) => boolean = (e) => !e.type.startsWith('file.'),
  ) {}

  feed(events: readonly BaomiEvent[]): void {
    for (const e of events) {
      if (e.seq <= this.lastSeq) continue;
      if (this.lastSeq > 0 && e.seq !== this.lastSeq + 1)
        this.anomalies.push(`seq gap: ${this.lastSeq} → ${e.seq}`);
      this.lastSeq = e.seq;
      this.counts.set(e.type, (this.counts.get(e.type) ?? 0) + 1);
      if (this.keepEvents(e)) this.events.push(e);
      if (!FILE_TYPES.has(e.type)) continue;
      const d = e.data as Record<string, unknown>;
      if (this.roots && !this.roots.includes(d.root as string)) continue;
      this.apply(e, d);
    }
  }

  private apply(e: BaomiEvent, d: Record<string, unknown>): void {
    const key = this.keyChecked(e, d.path, d.pathBytes, 'path');
    if (key === undefined) return;
    if (d.detectedBy !== 'watch' && d.detectedBy !== 'scan')
      this.anomalies.push(`#${e.seq} ${e.type}: detectedBy is ${JSON.stringify(d.detectedBy)}`);
    if (typeof d.root !== 'string') this.anomalies.push(`#${e.seq} ${e.type}: no data.root`);
    if (e.level === undefined) this.anomalies.push(`#${e.seq} ${e.type}: no level`);
    const size = typeof d.size === 'number' ? d.size : undefined;
    const flags = [d.offline ? 'offline' : '', d.baseline ? 'baseline' : '']
      .filter(Boolean)
      .join(',');
    const step: Step = {
      seq: e.seq,
      type: e.type,
      detectedBy: d.detectedBy as string,
      size,
      flags,
    };
    switch (e.type) {
      case 'file.created':
        if (this.files.has(key))
          this.anomalies.push(
            `#${e.seq} file.created for a path already live: ${showKey(key)} (earlier: ${this.recent(key)})`,
          );
        this.files.set(key, { size, seq: e.seq });
        break;
      case 'file.modified':
        if (!this.files.has(key))
          this.anomalies.push(`#${e.seq} file.modified for a path not live: ${showKey(key)}`);
        this.files.set(key, { size, seq: e.seq });
        break;
      case 'file.deleted':
        if (!this.files.delete(key))
          this.anomalies.push(
            `#${e.seq} file.deleted for a path not live: ${showKey(key)} (earlier: ${this.recent(key)})`,
          );
        break;
      case 'file.renamed': {
        const old = this.keyChecked(e, d.oldPath, d.oldPathBytes, 'oldPath');
        if (old === undefined) break;
        step.other = old;
        if (!this.files.delete(old))
          this.anomalies.push(
            `#${e.seq} file.renamed from a path not live: ${showKey(old)} → ${showKey(key)}` +
              ` (earlier: ${this.recent(old)})`,
          );
        this.files.set(key, { size, seq: e.seq });
        this.record(old, { ...step, type: 'file.renamed(from)', other: key });
        break;
      }
    }
    this.record(key, step);
  }

  private recent(key: PathKey): string {
    const h = this.history.get(key);
    return h ? h.slice(-4).map(showStep).join('; ') : 'none';
  }

  private record(key: PathKey, step: Step): void {
    const h = this.history.get(key);
    if (h) h.push(step);
    else this.history.set(key, [step]);
  }

  /** The key of (path, pathBytes), checking the contract: pathBytes only for invalid UTF-8,
   *  and then path is its display form. */
  private keyChecked(
    e: BaomiEvent,
    path: unknown,
    bytes: unknown,
    field: string,
  ): PathKey | undefined {
    if (typeof path !== 'string') {
      this.anomalies.push(`#${e.seq} ${e.type}: data.${field} missing`);
      return undefined;
    }
    // Without bytes the path is taken as UTF-8; a name whose raw bytes were lost shows up
    // as missing + invented in the comparison.
    if (bytes === undefined) return keyOfEvent(path);
    if (typeof bytes !== 'string') {
      this.anomalies.push(`#${e.seq} ${e.type}: data.${field}Bytes is not a string`);
      return keyOfEvent(path);
    }
    const raw = Buffer.from(bytes, 'base64');
    if (isUtf8(raw))
      this.anomalies.push(
        `#${e.seq} ${e.type}: ${field}Bytes present but the bytes are valid UTF-8`,
      );
    if (raw.toString('utf8') !== path)
      this.anomalies.push(
        `#${e.seq} ${e.type}: ${field} ${JSON.stringify(path)} is not the display form of its bytes`,
      );
    return keyOfBytes(raw);
  }
}

/** Replays a whole list at once. */
export function replay(events: readonly BaomiEvent[], roots?: readonly string[]): Replayer {
  const r = new Replayer(roots);
  r.feed(events);
  return r;
}

export interface TreeDiff {
  equal: boolean;
  /** On disk, not live in the log. */
  missing: PathKey[];
  /** Live in the log, not on disk. */
  invented: PathKey[];
  /** Both, but the last recorded size is not the size on disk (a lost modification). */
  stale: Array<{ key: PathKey; disk: number; log: number | undefined }>;
  treeCount: number;
  logCount: number;
}

/** Keys of `files` under one of `roots` (a replay may hold several roots). */
function under(key: PathKey, roots: readonly Buffer[]): boolean {
  const b = bytesOfKey(key);
  return roots.some(
    (r) => b.length > r.length && b[r.length] === 0x2f && b.subarray(0, r.length).equals(r),
  );
}

export function compareTrees(
  tree: ReadonlyMap<PathKey, TreeEntry>,
  r: Replayer,
  opts: { sizes?: boolean; roots?: readonly string[] } = {},
): TreeDiff {
  const sizes = opts.sizes ?? true;
  const rootBufs = opts.roots?.map((x) => Buffer.from(x));
  const missing: PathKey[] = [];
  const invented: PathKey[] = [];
  const stale: TreeDiff['stale'] = [];
  let logCount = 0;
  for (const [k, f] of r.files) {
    if (rootBufs && !under(k, rootBufs)) continue;
    logCount++;
    if (!tree.has(k)) invented.push(k);
    else if (sizes && f.size !== tree.get(k)!.size)
      stale.push({ key: k, disk: tree.get(k)!.size, log: f.size });
  }
  for (const k of tree.keys()) if (!r.files.has(k)) missing.push(k);
  return {
    equal: missing.length === 0 && invented.length === 0 && stale.length === 0,
    missing,
    invented,
    stale,
    treeCount: tree.size,
    logCount,
  };
}

const showStep = (s: Step): string =>
  `#${s.seq} ${s.type}${s.other ? ` ${s.type.endsWith('(from)') ? '→' : '←'} ${showKey(s.other)}` : ''} by ${s.detectedBy}` +
  `${s.size !== undefined ? ` size ${s.size}` : ''}${s.flags ? ` [${s.flags}]` : ''}`;

/** A message that says what differs and, for each path, every event that touched it. */
export function describeDiff(d: TreeDiff, r: Replayer, max = 15): string {
  const lines = [
    `log replay ≠ tree: ${d.missing.length} missing, ${d.invented.length} invented, ${d.stale.length} stale` +
      ` (tree ${d.treeCount} entries, log ${d.logCount} live; last seq ${r.lastSeq})`,
  ];
  const hist = (k: PathKey): string => {
    const h = r.history.get(k);
    return h ? h.map(showStep).join('; ') : 'no event ever named it';
  };
  for (const k of d.missing.slice(0, max)) lines.push(`  missing ${showKey(k)}: ${hist(k)}`);
  if (d.missing.length > max) lines.push(`  … ${d.missing.length - max} more missing`);
  for (const k of d.invented.slice(0, max)) lines.push(`  invented ${showKey(k)}: ${hist(k)}`);
  if (d.invented.length > max) lines.push(`  … ${d.invented.length - max} more invented`);
  for (const s of d.stale.slice(0, max))
    lines.push(`  stale ${showKey(s.key)}: disk size ${s.disk}, log size ${s.log}: ${hist(s.key)}`);
  if (d.stale.length > max) lines.push(`  … ${d.stale.length - max} more stale`);
  if (r.anomalies.length > 0) {
    lines.push(`  log anomalies (${r.anomalies.length}):`);
    for (const a of r.anomalies.slice(0, max)) lines.push(`    ${a}`);
  }
  lines.push(`  events: ${[...r.counts].map(([t, n]) => `${t}×${n}`).join(', ')}`);
  return lines.join('\n');
}

/** Events after `afterSeq`, oldest first, straight from the database (read-only). */
export function readEventsAfter(dataDir: string, afterSeq: number): BaomiEvent[] {
  let store: ReturnType<typeof openStore> | undefined;
  try {
    store = openStore({ dataDir, host: 'test', readOnly: true });
    return store.query({ order: 'asc', afterSeq });
  } catch {
    return []; // not created yet
  } finally {
    store?.close();
  }
}

export interface ReplayOutcome {
  equal: boolean;
  diff: TreeDiff;
  replayer: Replayer;
  /** From the call until the log first matched (or until giving up). */
  elapsedMs: number;
  message: string;
}

/**
 * Polls until replaying the log of `dataDir` gives exactly the tree under `roots`, and it
 * stays so for `stableMs` (a late, wrong event must not slip past). Gives up after
 * `timeoutMs` (60 s: the acceptance bound) with the last difference.
 */
export async function waitForReplay(
  dataDir: string,
  roots: readonly string[],
  opts: { timeoutMs?: number; stableMs?: number; replayer?: Replayer; sizes?: boolean } = {},
): Promise<ReplayOutcome> {
  const t0 = Date.now();
  const end = t0 + (opts.timeoutMs ?? 60_000);
  const stableMs = opts.stableMs ?? 1500;
  const r = opts.replayer ?? new Replayer(roots);
  const treeOf = () => {
    const m = new Map<PathKey, TreeEntry>();
    for (const root of roots) for (const [k, v] of walkTree(root)) m.set(k, v);
    return m;
  };
  let firstEqual: number | undefined;
  for (;;) {
    r.feed(readEventsAfter(dataDir, r.lastSeq));
    const diff = compareTrees(treeOf(), r, { sizes: opts.sizes, roots });
    const now = Date.now();
    if (diff.equal) {
      firstEqual ??= now;
      if (now - firstEqual >= stableMs)
        return { equal: true, diff, replayer: r, elapsedMs: firstEqual - t0, message: '' };
    } else firstEqual = undefined;
    if (now > end)
      return {
        equal: false,
        diff,
        replayer: r,
        elapsedMs: now - t0,
        message: describeDiff(diff, r),
      };
    await new Promise((res) => setTimeout(res, diff.equal ? 250 : 500));
  }
}
