// Public types of the event store. The event shape itself is the contract in
// src/core/events/types.ts; these describe how the agent reads and writes it.
import type Database from 'better-sqlite3';
import type { BaomiEvent, EventInput } from '../../core/events/types.js';
import type { ChainBreak, HeadClaim, VerifyResult } from '../../core/events/verify.js';
import type { EventFilter } from '../../core/protocol/messages.js';
import type { FileChange, SnapshotEntry, SnapshotReads } from '../folders/types.js';

export type Db = Database.Database;

export interface OpenStoreOptions {
  /** Directory holding `baomi.db`; created with mode 0700 when missing (not in readOnly mode). */
  dataDir: string;
  /** Written into every event's `host`; pass `os.hostname()`. */
  host: string;
  /** Open with SQLite's read-only flag: never writes the database (CLI `events`/`status`/`verify`). */
  readOnly?: boolean;
  /** Clock in ms since the epoch; injectable for tests. */
  now?: () => number;
  /**
   * The seat user now (who is at the console; DESIGN.md "Contracts"). An appended event
   * without `user` gets this value, read when `append` is called, when it is a non-empty
   * string; otherwise `user` stays absent (never guessed, never null). A getter that throws
   * counts as unknown: an event is never lost for want of a name.
   */
  user?: () => string | undefined;
  /** Told when `chain.head` cannot be written (it then lags: `verify` would miss a cut end). */
  onHeadError?: (error: unknown) => void;
  /** How long an append may wait for companions before its batch commits. Default 10 ms. */
  batchWindowMs?: number;
  /** A batch commits at once when it reaches this many events. Default 512. */
  batchMax?: number;
}

/**
 * What the store writes together with an event, inside the transaction that commits it:
 * both are durable together or neither is. If an effect fails, this event alone is rolled
 * back (a savepoint), its promise rejects and its seq is not consumed; the rest of its batch
 * commits.
 */
export interface AppendEffects {
  /** The folder snapshot (migration 002). */
  snapshot?: {
    /** Marks this root as recorded: its snapshot, even empty, is authoritative from now on. */
    markRoot?: string;
    /** One change to the root's rows (SnapshotStore.applyChanges semantics, see snapshot.ts). */
    change?: SnapshotChange;
  };
  /** The pending hash work of the file a `file.*` event records (migration 003). */
  hash?: HashQueueChange;
  /** On `file.hashed`: the work for the event `ofSeq` is done. */
  hashed?: { root: string; rel: string; ofSeq: number };
  /** Replaces the policy in force (a `policy.applied` event and the policy it names). */
  policy?: StoredPolicy;
  /** Key/value facts (`getState`), written after `policy`. */
  state?: Readonly<Record<string, string>>;
}

/**
 * What a file event does to the hash queue. `pending`: this event's file (size and mtime as
 * the event saw them) awaits its hash, and the row names this event's seq; null: nothing waits
 * at `rel` any more (deleted, too big, not a regular file). A rename's `oldRel` row goes
 * when it holds this file (same `ino`).
 */
export interface HashQueueChange {
  root: string;
  rel: string;
  oldRel?: string;
  ino: number;
  pending: { size: number; mtimeMs: number } | null;
}

/** One file awaiting its hash: the event it completes and the file that event saw. */
export interface PendingHash {
  root: string;
  rel: string;
  ofSeq: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

/** Reads of the hash queue; it changes only through `AppendEffects.hash` and `.hashed`. */
export interface HashQueueReader {
  /** The pending work of these roots, oldest change first. */
  list(roots: readonly string[]): PendingHash[];
  count(roots: readonly string[]): number;
}

/** The part of a folder-layer change that the snapshot keeps. */
export type SnapshotChange = Pick<FileChange, 'kind' | 'root' | 'rel' | 'oldRel' | 'entry'>;

/** Reads of the folder snapshot; it changes only through `AppendEffects.snapshot`. */
export interface SnapshotReader extends SnapshotReads {
  /** The root's entries by rel; null when the root was never recorded. The whole root at
   *  once: for tests and tools (the watcher reads through SnapshotReads). */
  load(root: string): Map<string, SnapshotEntry> | null;
}

/** What `query` accepts: the same filter the CLI and the tray send over the socket. */
export type QueryFilter = EventFilter;

export interface StoreCounts {
  stored: number;
  /** Events with seq above the console's acknowledged seq. */
  unsynced: number;
}

/** The policy in force, kept so that a restart enforces it before any file is read again. */
export interface StoredPolicy {
  bytes: Buffer;
  signature: Buffer;
  version: number;
  sha256: string;
}

export interface PruneOptions {
  /** Remove events older than this many days (a prefix of them). */
  days?: number;
  /** Keep the database's used pages under this many bytes, even at the cost of unsynced events. */
  maxSizeBytes?: number;
  /** When true, age-based pruning never removes events the console has not acknowledged. */
  consoleConfigured: boolean;
  /** ms since the epoch. */
  now: number;
}

export interface PruneResult {
  throughSeq: number;
  count: number;
  lostUnsynced: number;
  /** The `store.pruned` event appended in the same transaction as the deletion. */
  event: BaomiEvent;
}

export type { VerifyResult };

export interface EventStore {
  readonly file: string;
  readonly readOnly: boolean;
  /** Resolves with the stored event only after its transaction committed (fsync'd). */
  append(input: EventInput, effects?: AppendEffects): Promise<BaomiEvent>;
  /**
   * Called when a batch could not be committed: its appends were rejected. The agent stops
   * on this: it never runs without recording.
   */
  onFailure(listener: (error: unknown) => void): () => void;
  /** Called after each commit with the events it made durable; returns an unsubscribe. */
  onCommitted(listener: (events: readonly BaomiEvent[]) => void): () => void;
  /** Commits everything pending now. */
  flush(): void;
  query(filter?: QueryFilter): BaomiEvent[];
  /** Last committed event's seq and hash (seq 0 and 64 zeros when empty). */
  head(): { seq: number; hash: string };
  /**
   * The highest `ts` among committed events (0 when empty): not the last event's, which may
   * be older after the clock was set back. Exceptions whose window ends before it are refused.
   */
  newestTs(): number;
  counts(): StoreCounts;
  getAckedSeq(): number;
  setAckedSeq(seq: number): void;
  getState(key: string): string | undefined;
  setState(key: string, value: string): void;
  getPolicy(): StoredPolicy | undefined;
  setPolicy(policy: StoredPolicy): void;
  prune(opts: PruneOptions): PruneResult | null;
  /**
   * Walks the chain with the shared rules of src/core/events/verify.ts, in one read; the
   * chain must reach `chain.head` as it was when the store opened, and (writable) the head
   * this store committed last.
   */
  verify(): VerifyResult;
  /**
   * The same walk in slices, yielding between them (the running agent's own checks); the
   * signal ends it between slices.
   */
  verifyInSlices(signal?: AbortSignal): Promise<VerifyResult>;
  /** What `<dataDir>/chain.head` said when the store opened (before it wrote any). */
  headAtOpen(): HeadClaim;
  /**
   * The head compared with the database at open, without a walk (a writable store; empty
   * for a read-only one): a log cut while no agent ran, known before anything is recorded.
   * `tail` 'unchecked': no chain.head beside a log that no agent keeping one has checked (a
   * database older than the head); the walks of this store then hold it to its own head.
   */
  openCheck(): { head: HeadClaim; breaks: ChainBreak[]; tail: 'checked' | 'unchecked' };
  /**
   * The breaks openCheck found are on record: chain.head follows the log again. Until then
   * the store leaves chain.head as it found it (the evidence of those breaks).
   */
  releaseHead(): void;
  /** The folder snapshot; written only as an append's effect. */
  readonly snapshot: SnapshotReader;
  /** Files whose last change awaits its hash; written only as an append's effect. */
  readonly hashQueue: HashQueueReader;
  /** Commits everything pending, then closes. Synchronous so it can run in an exit handler. */
  close(): void;
}

export type { BaomiEvent, EventInput };
