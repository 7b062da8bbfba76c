// A step that one console process at a time runs, over and over (workers.ts): every `everyMs`
// it takes or renews the lease `name` (store.tryLease, ttl 3 × everyMs, at least 30 s) and,
// holding it, runs `step`. A step never overlaps the next; a failing step is logged and tried
// again at the next tick (the store keeps where it got to, so nothing is lost or done twice
// by a retry that follows a failure). stop() waits for the running step and gives the lease
// back, so another process takes over at once instead of after the ttl.
import type { FastifyBaseLogger } from 'fastify';
import type { ConsoleStore } from '../store/types.js';
import type { ConsoleWorker } from './worker.js';

export interface LeaseLoopOptions {
  name: string;
  store: ConsoleStore;
  /** This process (Deps.instanceId). */
  holder: string;
  now: () => number;
  everyMs: number;
  log: FastifyBaseLogger;
  /** Returns true when it wants to run again at once (more work waiting). */
  step(): Promise<boolean | undefined>;
}

const MIN_TTL_MS = 30_000;

export class LeaseLoop implements ConsoleWorker {
  readonly name: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Ticks are scheduled (start() was called, stop() was not). */
  private scheduling = false;
  private stopped = false;
  private held = false;

  constructor(private readonly o: LeaseLoopOptions) {
    this.name = o.name;
  }

  start(): void {
    this.stopped = false;
    this.scheduling = true;
    this.schedule(0);
  }

  /** Runs one tick now (tests); resolves when it has finished. */
  async tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.scheduling = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    if (this.held) {
      this.held = false;
      await this.o.store.releaseLease(this.o.name, this.o.holder).catch(() => {});
    }
  }

  private schedule(ms: number): void {
    if (!this.scheduling) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, ms);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    let again = false;
    try {
      const ttl = Math.max(MIN_TTL_MS, 3 * this.o.everyMs);
      this.held = await this.o.store.tryLease(this.o.name, this.o.holder, this.o.now(), ttl);
      if (this.held && !this.stopped) again = (await this.o.step()) === true;
    } catch (err) {
      this.o.log.error({ err, worker: this.o.name }, 'background step failed; retried later');
    } finally {
      this.schedule(again ? 0 : this.o.everyMs);
    }
  }
}
