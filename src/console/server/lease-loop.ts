// A step that one console process at a time runs, over and over (workers.ts). The lease
// `name` is taken or renewed at every tick (store.tryLease, ttl LEASE_TTL_MS), and a tick
// comes at least every RENEW_MS whatever `everyMs` is, so a holder that dies is replaced
// within LEASE_TTL_MS even for an hourly step; holding it, the step runs when `everyMs` has
// passed since its last run here (at once when the lease was just taken, or when the step
// said more work waits). A step never overlaps the next; while it runs the lease is renewed
// every RENEW_MS, so a slow step is not taken over (a holder whose clock runs far behind the
// others' can still lose it: the ttl is judged by each process's clock); a failing step is logged and tried again at the
// next tick (the store keeps where it got to). stop() waits for the running step and gives
// the lease back, so another process takes over at once.
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

/** How long a lease lasts unless renewed. */
export const LEASE_TTL_MS = 30_000;
/** Ticks (lease renewals) come at least this often. */
export const RENEW_MS = 10_000;

export class LeaseLoop implements ConsoleWorker {
  readonly name: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Ticks are scheduled (start() was called, stop() was not). */
  private scheduling = false;
  private stopped = false;
  private held = false;
  /** When the step last ran here while holding the lease (null: not since it was taken). */
  private lastStep: number | null = null;
  private again = false;

  constructor(private readonly o: LeaseLoopOptions) {
    this.name = o.name;
  }

  start(): void {
    this.stopped = false;
    this.scheduling = true;
    this.lastStep = null; // the first step at once
    this.schedule(0);
  }

  /** Runs one tick now, the step included when the lease is held (tests). */
  async tick(): Promise<void> {
    return this.go(true);
  }

  private async go(force: boolean): Promise<void> {
    if (this.running) return this.running;
    this.running = this.run(force).finally(() => {
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
      void this.go(false);
    }, ms);
    this.timer.unref();
  }

  private async run(force: boolean): Promise<void> {
    let again = false;
    try {
      const now = this.o.now();
      this.held = await this.o.store.tryLease(this.o.name, this.o.holder, now, LEASE_TTL_MS);
      if (!this.held) this.lastStep = null;
      const due =
        force || this.again || this.lastStep === null || now - this.lastStep >= this.o.everyMs;
      if (this.held && !this.stopped && due) {
        this.lastStep = now;
        this.again = false;
        // A long step (a slow collector, a big delete) keeps its lease: renewed meanwhile, so
        // another process does not take it and run the same step beside this one.
        const renew = setInterval(() => {
          void this.o.store.tryLease(this.o.name, this.o.holder, this.o.now(), LEASE_TTL_MS).then(
            (still) => {
              if (!still)
                this.o.log.error(
                  { worker: this.o.name },
                  'lease taken by another process while a step ran',
                );
            },
            (err: unknown) => this.o.log.warn({ err, worker: this.o.name }, 'lease renewal failed'),
          );
        }, RENEW_MS);
        renew.unref();
        try {
          again = (await this.o.step()) === true;
        } finally {
          clearInterval(renew);
        }
        this.again = again;
      }
    } catch (err) {
      this.o.log.error({ err, worker: this.o.name }, 'background step failed; retried later');
    } finally {
      this.schedule(again ? 0 : Math.min(this.o.everyMs, RENEW_MS));
    }
  }
}
