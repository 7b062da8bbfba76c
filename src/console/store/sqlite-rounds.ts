// The SQLite store's writer thread for sync rounds (issue 12 point 1; sqlite.ts syncRound).
// better-sqlite3 is synchronous: a commit with synchronous=FULL waits for the disk's fsync with
// the whole process stopped. At 170 requests a second on a shared 2-core machine that wait
// was most of the console's time (bench/fleet.mjs: p99 of seconds). Here a worker thread
// (sqlite-writer.ts) holds a second connection to the same file and commits the rounds; the
// event loop keeps reading, verifying and answering meanwhile, and the rounds that arrive
// during one commit go together in the next (group commit: batches grow with the disk's
// latency, one fsync each). An answer is sent only after its commit, as before.
//
// Errors cross the thread as {code, params, exit} (BaomiError) or a message; a thread that
// dies fails its batch with CONSOLE_DB_UNAVAILABLE (503, the agents retry) and the next batch
// starts a new one.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BaomiError } from '../../core/errors.js';
import type { Json } from '../../core/events/types.js';
import type { SyncRound, SyncRoundResult } from './types.js';

/** One round's outcome: its result, or its error (mapped: store/errors.ts). */
export type RoundOutcome = { ok: SyncRoundResult } | { err: unknown };

/** An error as it crosses the thread. */
export type WireError =
  | { baomi: { code: string; params: Record<string, Json>; exit: number } }
  | { message: string };

export function toWire(e: unknown): WireError {
  if (e instanceof BaomiError) return { baomi: { code: e.code, params: e.params, exit: e.exit } };
  return { message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

export function fromWire(w: WireError): Error {
  if ('baomi' in w)
    return new BaomiError(
      w.baomi.code as BaomiError['code'],
      w.baomi.params,
      w.baomi.exit as BaomiError['exit'],
    );
  return new Error(w.message);
}

export interface WriterRequest {
  id: number;
  rounds: SyncRound[];
}

export type WriterAnswer =
  | { id: number; out: ({ ok: SyncRoundResult } | { err: WireError })[] }
  | { id: number; fail: WireError };

/** The writer thread's script beside this file (absent when running from the TypeScript
 *  sources, as unit tests do: the store then commits in its own thread). */
export function defaultWriterUrl(): URL | null {
  const url = new URL('./sqlite-writer.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

const unavailable = (reason: string) =>
  new BaomiError('CONSOLE_DB_UNAVAILABLE', { engine: 'sqlite', reason, seconds: 5 }, 1);

/** The thread and its one batch in flight (the store sends the next when this one is back). */
export class RoundWriter {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending: {
    id: number;
    done: (o: RoundOutcome[]) => void;
    fail: (e: unknown) => void;
  } | null = null;

  constructor(
    private readonly url: URL,
    private readonly file: string,
    private readonly busyTimeoutMs: number,
  ) {}

  private start(): Worker {
    const w = new Worker(this.url, {
      workerData: { file: this.file, busyTimeoutMs: this.busyTimeoutMs },
    });
    w.on('message', (m: WriterAnswer) => {
      const p = this.pending;
      if (!p || p.id !== m.id) return;
      this.pending = null;
      if ('fail' in m) p.fail(fromWire(m.fail));
      else p.done(m.out.map((o) => ('ok' in o ? o : { err: fromWire(o.err) })));
    });
    const gone = (reason: string) => {
      if (this.worker === w) this.worker = null;
      const p = this.pending;
      this.pending = null;
      p?.fail(unavailable(reason));
    };
    w.on('error', (e) => gone(`writer thread failed: ${e.message}`));
    w.on('exit', (code) => gone(`writer thread exited (${code})`));
    return w;
  }

  /** Commits `rounds` in one transaction in the thread. */
  commit(rounds: SyncRound[]): Promise<RoundOutcome[]> {
    return new Promise((done, fail) => {
      if (this.pending) {
        fail(new Error('RoundWriter: a batch is in flight'));
        return;
      }
      this.worker ??= this.start();
      const id = this.nextId++;
      this.pending = { id, done, fail };
      const req: WriterRequest = { id, rounds };
      this.worker.postMessage(req);
    });
  }

  /** Ends the thread after the batch in flight (its connection closed). */
  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    w.postMessage({ close: true });
    await exited;
  }
}
