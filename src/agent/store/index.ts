// The tamper-evident event store of the agent: SQLite (WAL, synchronous=FULL), hash-chained
// events with gap-free seq, batched durable appends, queries, the sync outbox position,
// retention and verification. See DESIGN.md "Contracts" for the event shape.
//
// The store owns its schema: every statement against its tables lives in this folder, beside
// the migrations that created them. Other modules call typed methods, and what must commit
// with an event is said as typed effects of `append` (AppendEffects).
import { BaomiError } from '../../core/errors.js';
import { type VerifyOptions, verifyChain } from '../../core/events/verify.js';
import { effectsApplier } from './effects.js';
import { HashQueueTable } from './hash-queue.js';
import { HeadFile, readHeadFile } from './head.js';
import { mapSqliteError, openDatabase } from './open.js';
import { queryEvents } from './query.js';
import { pruneInTransaction } from './retention.js';
import { SnapshotTable } from './snapshot.js';
import {
  ACKED_SEQ_KEY,
  readAckedSeq,
  readPolicy,
  readState,
  writePolicy,
  writeState,
} from './state.js';
import type { EventStore, OpenStoreOptions } from './types.js';
import { quickHeadCheck, storedChain, walkInSlices } from './verify.js';
import { BatchWriter, type Head, readHead } from './writer.js';

export { HEAD_FILE, readHeadFile } from './head.js';
export { storeMessages } from './messages.js';
export { LATEST_VERSION } from './migrations/index.js';
export { DB_FILE } from './open.js';
export { parseSize } from './size.js';
// Everything but the connection type: no caller outside this folder holds a Db.
export type {
  AppendEffects,
  BaomiEvent,
  EventInput,
  EventStore,
  HashQueueChange,
  HashQueueReader,
  OpenStoreOptions,
  PendingHash,
  PruneOptions,
  PruneResult,
  QueryFilter,
  SnapshotChange,
  SnapshotReader,
  StoreCounts,
  StoredPolicy,
  VerifyResult,
} from './types.js';
export { verifyStore } from './verify.js';

export const DEFAULT_BATCH_WINDOW_MS = 10;
export const DEFAULT_BATCH_MAX = 512;

export function openStore(opts: OpenStoreOptions): EventStore {
  const readOnly = opts.readOnly ?? false;
  // What chain.head said before this store wrote anything (and before the database was read,
  // so a live agent's later commits cannot make it look ahead of the database). Compared by
  // every verify() of this store: the first commit below rewrites the file.
  const headAtOpen = readHeadFile(opts.dataDir);
  const { db, file } = openDatabase(opts.dataDir, readOnly);
  const mapError = (e: unknown) => mapSqliteError(e, file, opts.dataDir);
  const now = opts.now ?? Date.now;
  const snapshot = new SnapshotTable(db);
  const hashQueue = new HashQueueTable(db);
  const headFile = readOnly ? undefined : new HeadFile(opts.dataDir, opts.onHeadError);
  const writer = readOnly
    ? undefined
    : new BatchWriter(db, {
        host: opts.host,
        now,
        user: opts.user,
        applyEffects: effectsApplier(db, snapshot, hashQueue, now),
        batchWindowMs: opts.batchWindowMs ?? DEFAULT_BATCH_WINDOW_MS,
        batchMax: Math.max(1, opts.batchMax ?? DEFAULT_BATCH_MAX),
        mapError,
        onHead: (head) => {
          if (heldHead === undefined) headFile?.write(head);
          else heldHead = head;
        },
      });
  // Before anything is appended (the first commit rewrites chain.head).
  const openBreaks = writer ? quickHeadCheck(db, headAtOpen) : [];
  // SECURITY: a chain.head that shows a break is the evidence of it. It is not replaced until
  // the break is on record (releaseHead, after store.chain-checked committed): an agent that
  // dies before that finds the same break at its next start.
  let heldHead: Head | null | undefined = openBreaks.length > 0 ? null : undefined;
  // No chain.head beside a log no agent keeping one has checked: a new log, or a database
  // older than the head (README "For security staff"; then its end as found could not be
  // checked). From the first commit on, this store's own head is the one to reach.
  const noHeadYet = writer !== undefined && headAtOpen === 'missing' && openBreaks.length === 0;
  const tailUnchecked = noHeadYet && readHead(db).seq > 0;
  let closed = false;
  let pruneGeneration = 0;
  /** The heads the chain must reach: chain.head as found at open, and our own. */
  const verifyOptions = (): VerifyOptions => {
    if (!writer) return { head: headAtOpen };
    const own = writer.currentHead();
    return { head: noHeadYet ? own : headAtOpen, reached: [own] };
  };

  const usable = (): void => {
    if (closed) throw new BaomiError('STORE_CLOSED', {}, 1);
  };
  const writable = (): BatchWriter => {
    usable();
    if (!writer) throw new BaomiError('STORE_READ_ONLY', {}, 1);
    return writer;
  };
  const write = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      throw mapError(e);
    }
  };

  return {
    file,
    readOnly,
    append(input, effects) {
      try {
        return writable().append(input, effects);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    onFailure(listener) {
      return writer ? writer.onFailure(listener) : () => {};
    },
    onCommitted(listener) {
      return writer ? writer.onCommitted(listener) : () => {};
    },
    flush() {
      usable();
      writer?.flush();
    },
    query(filter) {
      usable();
      return queryEvents(db, filter);
    },
    head() {
      usable();
      return writer ? writer.currentHead() : readHead(db);
    },
    newestTs() {
      usable();
      const r = db.prepare('SELECT max(ts) AS ts FROM events').get() as { ts: number | null };
      return r.ts ?? 0;
    },
    counts() {
      usable();
      const acked = readAckedSeq(db);
      const r = db
        .prepare(
          'SELECT count(*) AS stored, count(*) FILTER (WHERE seq > ?) AS unsynced FROM events',
        )
        .get(acked) as { stored: number; unsynced: number };
      return { stored: r.stored, unsynced: r.unsynced };
    },
    getAckedSeq() {
      usable();
      return readAckedSeq(db);
    },
    setAckedSeq(seq) {
      const w = writable();
      if (!Number.isSafeInteger(seq) || seq < 0 || seq > w.currentHead().seq) {
        throw new RangeError(`acked seq ${seq} is outside 0…${w.currentHead().seq}`);
      }
      write(() => writeState(db, ACKED_SEQ_KEY, seq));
    },
    getState(key) {
      usable();
      const v = readState(db, key);
      return typeof v === 'string' ? v : undefined;
    },
    setState(key, value) {
      writable();
      write(() => writeState(db, key, value));
    },
    getPolicy() {
      usable();
      return readPolicy(db);
    },
    setPolicy(policy) {
      writable();
      write(() => writePolicy(db, policy));
    },
    prune(pruneOpts) {
      const w = writable();
      pruneGeneration++;
      return w.exclusive((add) => pruneInTransaction(db, pruneOpts, add));
    },
    headAtOpen: () => headAtOpen,
    releaseHead() {
      if (heldHead === undefined) return;
      const newest = heldHead;
      heldHead = undefined;
      if (newest) headFile?.write(newest);
    },
    openCheck: () => ({
      head: headAtOpen,
      breaks: [...openBreaks],
      tail: tailUnchecked ? 'unchecked' : 'checked',
    }),
    verify() {
      usable();
      writer?.flush();
      const o = verifyOptions();
      // One read transaction: the walk sees one snapshot of the file.
      return db.transaction(() => verifyChain(storedChain(db), o))();
    },
    async verifyInSlices(signal) {
      usable();
      writer?.flush();
      return walkInSlices(db, verifyOptions, () => pruneGeneration, signal);
    },
    snapshot: {
      load(root) {
        usable();
        return snapshot.load(root);
      },
      known(root) {
        usable();
        return snapshot.known(root);
      },
      get(root, rel) {
        usable();
        return snapshot.get(root, rel);
      },
      list(root, dir) {
        usable();
        return snapshot.list(root, dir);
      },
      dirsBelow(root, dir, after, limit) {
        usable();
        return snapshot.dirsBelow(root, dir, after, limit);
      },
      withIno(root, ino) {
        usable();
        return snapshot.withIno(root, ino);
      },
    },
    hashQueue: {
      list(roots) {
        usable();
        return hashQueue.list(roots);
      },
      count(roots) {
        usable();
        return hashQueue.count(roots);
      },
    },
    close() {
      if (closed) return;
      try {
        writer?.flush();
      } finally {
        writer?.stop();
        // A final flush that failed has already rejected its batch; nothing stays queued.
        writer?.rejectPending(new BaomiError('STORE_CLOSED', {}, 1));
        closed = true;
        db.close();
        headFile?.close();
      }
    },
  };
}
