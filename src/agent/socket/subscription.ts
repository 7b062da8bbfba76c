// One connection's subscription (DESIGN.md "Subscription"): frames are numbered from 1, at
// most `window` are unacknowledged, the rest wait in a queue. A client that falls behind
// (more than `maxPending` waiting, or its socket's write buffer full) gets `resync` and
// nothing more: it pages `events.query` by `afterSeq` and subscribes again. So a slow tray
// costs the agent a bounded queue, never unbounded memory.
import type { BaomiEvent } from '../../core/events/types.js';
import type { Notice, PushFrame } from '../../core/protocol/messages.js';

type Unnumbered = { push: 'event'; event: BaomiEvent } | { push: 'notice'; notice: Notice };

export interface SubscriptionOptions {
  window: number;
  /** Seq of the last event the client has (its `afterSeq`). */
  afterSeq: number;
  /** Frames allowed to wait beyond the window before the client is told to resync. */
  maxPending: number;
  /** Writes one frame; false when the connection's write buffer is full. */
  write(frame: PushFrame): boolean;
}

export class Subscription {
  private sent = 0;
  private acked = 0;
  private readonly queue: Unnumbered[] = [];
  /** Highest event seq queued or sent: events at or below it are not offered twice. */
  private seenSeq: number;
  /** Highest event seq actually written: what the client pages from after a resync. */
  private sentSeq: number;
  private stopped = false;

  constructor(private readonly o: SubscriptionOptions) {
    this.seenSeq = o.afterSeq;
    this.sentSeq = o.afterSeq;
  }

  get active(): boolean {
    return !this.stopped;
  }

  /** Frames written and not yet acknowledged (never more than the window). */
  get unacked(): number {
    return this.sent - this.acked;
  }

  /** Offers events in seq order; ones the client already has or was offered are skipped. */
  offerEvents(events: readonly BaomiEvent[]): void {
    for (const event of events) {
      if (this.stopped) return;
      if (event.seq <= this.seenSeq) continue;
      this.seenSeq = event.seq;
      this.queue.push({ push: 'event', event });
    }
    this.pump();
  }

  offerNotice(notice: Notice): void {
    if (this.stopped) return;
    this.queue.push({ push: 'notice', notice });
    this.pump();
  }

  /** The client handled every frame through `through`; numbers not yet sent are ignored. */
  ack(through: number): void {
    if (through > this.acked) this.acked = Math.min(through, this.sent);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private pump(): void {
    while (!this.stopped && this.queue.length > 0 && this.unacked < this.o.window) {
      const next = this.queue.shift() as Unnumbered;
      const n = ++this.sent;
      const frame: PushFrame = { ...next, n };
      if (next.push === 'event') this.sentSeq = next.event.seq;
      if (!this.o.write(frame)) {
        this.resync();
        return;
      }
    }
    if (this.queue.length > this.o.maxPending) this.resync();
  }

  /** Ends this subscription with a resync now (the seat user changed: page and re-prove). */
  resyncNow(): void {
    if (!this.stopped) this.resync();
  }

  private resync(): void {
    this.stop();
    this.o.write({ push: 'resync', afterSeq: this.sentSeq });
  }
}
