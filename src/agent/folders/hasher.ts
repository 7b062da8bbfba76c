// The hash stage: SHA-256 of changed files under a size limit, after the change has been
// delivered, with bounded concurrency. Contents pass through a 64 KiB buffer and the hash
// only; nothing is kept. A file that changed while being read is skipped: its newer
// change is (or will be) queued and hashed instead.
import { createHash } from 'node:crypto';
import type { ReadHandle, TreeSource } from '../../core/ports/tree-source.js';
import type { FsPath, HashResult } from './types.js';

export interface HashJob extends Omit<HashResult, 'sha256'> {
  abs: FsPath;
}

export interface HasherOptions {
  source: Pick<TreeSource, 'openRead'>;
  maxBytes: number;
  concurrency?: number;
  onHashed(h: HashResult): void | Promise<void>;
  onError(err: Error, job: HashJob): void;
  /** While true, no new job starts: detecting changes comes before hashing them. */
  busy?(): boolean;
}

const CHUNK = 64 * 1024;

export class Hasher {
  private readonly queue = new Map<string, HashJob>();
  private running = 0;
  private waiters: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly o: HasherOptions) {}

  /** `ifAbsent`: an older job (work left by an earlier run) does not replace a queued one. */
  enqueue(job: HashJob, opts: { ifAbsent?: boolean } = {}): void {
    if (this.stopped || job.size > this.o.maxBytes) return;
    const key = `${job.root}\0${job.rel}`;
    if (opts.ifAbsent && this.queue.has(key)) return;
    this.queue.delete(key); // the newest change of a path wins
    this.queue.set(key, job);
    this.pump();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.size === 0) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    this.queue.clear();
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
  }

  private retry: NodeJS.Timeout | undefined;

  private pump(): void {
    if (this.queue.size > 0 && this.o.busy?.()) {
      this.retry ??= setTimeout(() => {
        this.retry = undefined;
        this.pump();
      }, 50);
      return;
    }
    const limit = this.o.concurrency ?? 4;
    while (this.running < limit && this.queue.size > 0) {
      const [key, job] = this.queue.entries().next().value as [string, HashJob];
      this.queue.delete(key);
      this.running++;
      void this.run(job).finally(() => {
        this.running--;
        this.pump();
        if (this.running === 0 && this.queue.size === 0) {
          const w = this.waiters;
          this.waiters = [];
          for (const f of w) f();
        }
      });
    }
  }

  private async run(job: HashJob): Promise<void> {
    let fh: ReadHandle | undefined;
    try {
      fh = await this.o.source.openRead(job.abs);
      const st = await fh.stat();
      if (!st.isFile() || st.ino !== job.ino || st.size > this.o.maxBytes) return;
      const h = createHash('sha256');
      const buf = Buffer.allocUnsafe(CHUNK);
      let total = 0;
      for (;;) {
        const bytesRead = await fh.read(buf, total);
        if (bytesRead === 0) break;
        h.update(buf.subarray(0, bytesRead));
        total += bytesRead;
        if (total > this.o.maxBytes) return;
      }
      const end = await fh.stat();
      if (end.size !== job.size || end.mtimeMs !== job.mtimeMs || total !== job.size) return;
      if (this.stopped) return;
      const { abs: _abs, ...rest } = job;
      await this.o.onHashed({ ...rest, sha256: h.digest('hex') });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Gone or replaced before we got to it: not an error, a newer change covers it.
      if (code !== 'ENOENT' && code !== 'ELOOP' && code !== 'ENOTDIR')
        this.o.onError(e as Error, job);
    } finally {
      await fh?.close();
    }
  }
}
