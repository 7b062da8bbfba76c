// The write path. Appends wait in memory for a short window (or until a batch is full) and
// commit together in one fsync'd transaction; only then do their promises resolve and the
// committed-listeners run. "An event is durable before it is reported anywhere" (STYLE.md 5).
//
// seq and prevHash are assigned inside the transaction, from the head of the last commit, so
// a failed batch or a failed effect never leaves a hole in the sequence.
import type { Statement } from 'better-sqlite3';
import { eventHash } from '../../core/events/chain.js';
import {
  type BaomiEvent,
  type EventInput,
  GENESIS_HASH,
  isEventType,
  isSeverity,
} from '../../core/events/types.js';
import type { ApplyEffects } from './effects.js';
import { newEventId } from './ids.js';
import { eventToRow, INSERT_EVENT_SQL } from './rows.js';
import type { AppendEffects, Db } from './types.js';

interface Pending {
  input: EventInput;
  /** The seat user when `append` was called (undefined: unknown, or the input names one). */
  user: string | undefined;
  effects: AppendEffects | undefined;
  resolve: (e: BaomiEvent) => void;
  reject: (e: unknown) => void;
}

export interface Head {
  seq: number;
  hash: string;
}

export interface WriterOptions {
  host: string;
  now: () => number;
  batchWindowMs: number;
  batchMax: number;
  /** The seat user now; see OpenStoreOptions.user. */
  user?: () => string | undefined;
  /** Writes an append's effects; runs inside the event's savepoint. */
  applyEffects: ApplyEffects;
  /** Turns SQLite errors into the store's BaomiErrors. */
  mapError: (e: unknown) => unknown;
  /** Called with the new head after each commit that added events (head.ts writes it out). */
  onHead?: (head: Head) => void;
}

type Listener = (events: readonly BaomiEvent[]) => void;

export function readHead(db: Db): Head {
  const row = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as
    | Head
    | undefined;
  return row ?? { seq: 0, hash: GENESIS_HASH };
}

/** Checks the producer's input; a bad one is a programming error, not a run-time condition. */
function validate(input: EventInput): void {
  if (!isEventType(input.type)) throw new TypeError(`unknown event type: ${String(input.type)}`);
  if (!isSeverity(input.severity))
    throw new TypeError(`unknown severity: ${String(input.severity)}`);
  if (input.ts !== undefined && !Number.isSafeInteger(input.ts)) {
    throw new TypeError('ts must be an integer number of ms');
  }
  if (typeof input.data !== 'object' || input.data === null || Array.isArray(input.data)) {
    throw new TypeError('data must be an object');
  }
}

/** A non-empty seat user, or undefined; a failing getter counts as unknown (see types.ts). */
function seatUser(get: (() => string | undefined) | undefined): string | undefined {
  if (!get) return undefined;
  try {
    const u = get();
    return typeof u === 'string' && u !== '' ? u : undefined;
  } catch {
    return undefined;
  }
}

export class BatchWriter {
  private head: Head;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing = false;
  private readonly listeners = new Set<Listener>();
  private readonly failureListeners = new Set<(error: unknown) => void>();
  private readonly insert: Statement;

  constructor(
    private readonly db: Db,
    private readonly opts: WriterOptions,
  ) {
    this.head = readHead(db);
    this.insert = db.prepare(INSERT_EVENT_SQL);
  }

  currentHead(): Head {
    return { ...this.head };
  }

  /** Called when a whole batch could not be committed (disk full, I/O error, locked). */
  onFailure(listener: (error: unknown) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  onCommitted(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(input: EventInput, effects?: AppendEffects): Promise<BaomiEvent> {
    return new Promise<BaomiEvent>((resolve, reject) => {
      validate(input);
      // Read now, not at commit: the event says who was at the console when it happened.
      const user = input.user === undefined ? seatUser(this.opts.user) : undefined;
      this.pending.push({ input, user, effects, resolve, reject });
      if (this.pending.length >= this.opts.batchMax && !this.flushing) this.flush();
      else this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.pending.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.opts.batchWindowMs);
  }

  /** Commits everything pending, batchMax events per transaction. */
  flush(): void {
    if (this.flushing) return; // a listener appended during a commit; its timer will come
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = true;
    try {
      while (this.pending.length > 0) this.commitBatch(this.pending.splice(0, this.opts.batchMax));
    } finally {
      this.flushing = false;
    }
    this.schedule();
  }

  /**
   * Builds, hashes and inserts one event after `head`. Must run inside a transaction; the
   * caller moves the head only after the commit.
   */
  insertChained(input: EventInput, head: Head, seat?: string): BaomiEvent {
    // Serialise once and rebuild from the JSON, so the hashed event is exactly what a later
    // read returns (JSON drops undefined, turns NaN into null, and so on).
    const dataJson = JSON.stringify(input.data);
    const now = this.opts.now();
    // Members in a fixed order, optional ones only when present (absent, never null).
    const event = {
      id: newEventId(now),
      seq: head.seq + 1,
      ts: input.ts ?? now,
      type: input.type,
      severity: input.severity,
    } as BaomiEvent;
    if (input.level !== undefined) event.level = input.level;
    const user = input.user ?? seat;
    if (user !== undefined) event.user = user;
    event.host = this.opts.host;
    event.data = JSON.parse(dataJson);
    event.prevHash = head.hash;
    event.hash = eventHash(event as Omit<BaomiEvent, 'hash'>);
    this.insert.run(...eventToRow(event, dataJson));
    return event;
  }

  private commitBatch(batch: Pending[]): void {
    const done: { item: Pending; event: BaomiEvent }[] = [];
    const failed: { item: Pending; error: unknown }[] = [];
    let head = this.head;
    try {
      this.db
        .transaction(() => {
          for (const item of batch) {
            if (!item.effects) {
              const event = this.insertChained(item.input, head, item.user);
              head = { seq: event.seq, hash: event.hash };
              done.push({ item, event });
              continue;
            }
            // A nested transaction is a savepoint: a failing side effect takes back only its
            // own event, and the next event takes the seq it would have used.
            try {
              const effects = item.effects;
              const event = this.db.transaction(() => {
                const e = this.insertChained(item.input, head, item.user);
                this.opts.applyEffects(effects, e);
                return e;
              })();
              head = { seq: event.seq, hash: event.hash };
              done.push({ item, event });
            } catch (error) {
              failed.push({ item, error });
            }
          }
        })
        .immediate();
    } catch (e) {
      const error = this.opts.mapError(e);
      for (const item of batch) item.reject(error);
      for (const l of this.failureListeners) l(error);
      return;
    }
    this.head = head;
    if (done.length > 0) this.opts.onHead?.(head);
    for (const { item, error } of failed) item.reject(error);
    for (const { item, event } of done) item.resolve(event);
    this.notify(done.map((d) => d.event));
  }

  /**
   * Runs `fn` in its own transaction after everything pending is committed; `fn` may change
   * rows and append chained events through `add`. Used by retention, whose deletion and its
   * `store.pruned` record must commit together.
   */
  exclusive<T>(fn: (add: (input: EventInput) => BaomiEvent) => T): T {
    this.flush();
    let head = this.head;
    const added: BaomiEvent[] = [];
    let result: T;
    try {
      result = this.db
        .transaction(() =>
          fn((input) => {
            validate(input);
            const e = this.insertChained(
              input,
              head,
              input.user === undefined ? seatUser(this.opts.user) : undefined,
            );
            head = { seq: e.seq, hash: e.hash };
            added.push(e);
            return e;
          }),
        )
        .immediate();
    } catch (e) {
      throw this.opts.mapError(e);
    }
    this.head = head;
    if (added.length > 0) this.opts.onHead?.(head);
    this.notify(added);
    return result;
  }

  private notify(events: BaomiEvent[]): void {
    if (events.length === 0) return;
    for (const l of this.listeners) {
      // A failing subscriber must not undo durability nor starve the others; the events are
      // committed either way and can be read back.
      try {
        l(events);
      } catch {}
    }
  }

  hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Rejects whatever is still queued (used only if the final flush failed). */
  rejectPending(error: unknown): void {
    for (const item of this.pending.splice(0)) item.reject(error);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
