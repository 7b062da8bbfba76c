// Last-seen times and heartbeats, buffered (issue 11: "the console never rewrites an agent's
// row on every sync"). Each sync records its agent's newest time and heartbeat here; every
// FLUSH_MS the buffer is written with one store.flushLastSeen call (one statement or one
// transaction), and once more when the console closes. Only the newest entry per agent is
// kept, so the buffer holds at most one entry per agent that synced since the last flush.
//
// What a crash loses: at most FLUSH_MS of last-seen times, which the next sync of each agent
// restores. Nothing else depends on this buffer (events, acks and nonces are written in the
// request), so a second console process needs nothing from it.
import type { Json } from '../../core/events/types.js';
import type { ConsoleStore, LastSeen } from '../store/types.js';

export const FLUSH_MS = 2000;

export interface LastSeenLog {
  error(obj: object, msg: string): void;
}

export class LastSeenBuffer {
  private pending = new Map<string, LastSeen>();
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly store: Pick<ConsoleStore, 'flushLastSeen'>,
    private readonly log: LastSeenLog,
  ) {}

  record(agentId: string, at: number, heartbeat: { [k: string]: Json }): void {
    const had = this.pending.get(agentId);
    if (had && had.at > at) return;
    this.pending.set(agentId, { agentId, at, heartbeat });
  }

  /** What this process holds and has not written yet (to show the freshest state). */
  peek(agentId: string): LastSeen | undefined {
    return this.pending.get(agentId);
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Writes what is buffered. On failure the entries go back (unless newer ones arrived) and
   * the error is logged: the next flush tries again. Never rejects. Flushes do not overlap.
   */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush());
    if (this.pending.size === 0) return Promise.resolve();
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.store
      .flushLastSeen(batch)
      .catch((err: unknown) => {
        for (const e of batch) this.record(e.agentId, e.at, e.heartbeat);
        this.log.error({ err, agents: batch.length }, 'last-seen flush failed; kept for the next');
      })
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }
}
