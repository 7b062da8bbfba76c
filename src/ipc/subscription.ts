// The client's side of a subscription (DESIGN.md "Subscription"). Frames are handed to the
// caller one at a time, in order; a frame is acknowledged only after the caller has handled
// it, so the agent never has more than `window` frames out to a slow client. On `resync`
// (the client fell behind) it pages `events.query` from the last event it delivered, then
// subscribes again from there. Events are delivered once each, in seq order: anything at or
// below the last delivered seq is dropped (a page and the new subscription may overlap).
import type { BaomiError } from '../core/errors.js';
import type { BaomiEvent } from '../core/events/types.js';
import type { MessageType, Notice, PushFrame } from '../core/protocol/messages.js';

/** What the caller sees: events, notices, and a resync (informational: paging follows). */
export type SubscriptionFrame =
  | { push: 'event'; event: BaomiEvent }
  | { push: 'notice'; notice: Notice }
  | { push: 'resync'; afterSeq: number };

export type FrameHandler = (frame: SubscriptionFrame) => void | Promise<void>;

export interface ClientSubscription {
  /** Seq of the last event delivered. */
  readonly lastSeq: number;
  readonly active: boolean;
  /** Resolves when the agent accepted the (first) subscribe; rejects if it refused it. */
  readonly ready: Promise<void>;
  /** Called with errors the subscription could not recover from by itself. */
  onError?: (error: BaomiError) => void;
  /** The connection dropped (frames in flight are void) / came back (subscribe again). */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** What the subscription needs from its connection. */
export interface SubscriptionLink {
  request(type: MessageType, body: object): Promise<unknown>;
  ack(through: number): void;
  connected(): boolean;
  /** The connection comes back by itself (then resume() follows a loss). */
  readonly reconnects: boolean;
  onFrame(listener: (frame: PushFrame) => void): () => void;
  /**
   * Told synchronously when the agent's answer to a subscribe is read, before any line after
   * it: frames read before it belong to the subscription it replaced.
   */
  onSubscribed(listener: () => void): () => void;
}

type Queued = { gen: number; frame: PushFrame };

export function startSubscription(
  link: SubscriptionLink,
  opts: { afterSeq: number; window: number; pageSize?: number },
  onFrame: FrameHandler,
): ClientSubscription {
  const pageSize = opts.pageSize ?? 500;
  let lastSeq = opts.afterSeq;
  let active = true;
  /**
   * Which subscription incoming frames belong to, in stream order: bumped when the agent's
   * answer to a subscribe is read, and when the connection drops. Frames and acks of an
   * older one are void (the new one starts from the last event delivered).
   */
  let gen = 0;
  let handled = 0;
  let acked = 0;
  const queue: Queued[] = [];
  let draining = false;

  const fail = (e: unknown) => {
    const code = (e as BaomiError).code;
    // A lost connection is not the subscription's failure when it resumes with the link.
    if (!active || (code === 'SOCKET_CLOSED' && link.reconnects)) return;
    // An agent slow to start (a long store check) is waited for as long as it takes.
    if (code === 'SOCKET_AGENT_STARTING' && link.reconnects) {
      setTimeout(() => sub.resume(), 1000).unref();
      return;
    }
    refused(e);
    sub.onError?.(e as BaomiError);
  };

  const deliver = async (frame: SubscriptionFrame) => {
    if (frame.push === 'event') {
      if (frame.event.seq <= lastSeq) return;
      lastSeq = frame.event.seq;
    }
    try {
      await onFrame(frame);
    } catch {
      // The caller's failure is the caller's: the stream goes on.
    }
  };

  let accepted!: () => void;
  let refused!: (e: unknown) => void;
  let settled = false;
  const ready = new Promise<void>((resolve, reject) => {
    accepted = () => {
      settled = true;
      resolve();
    };
    refused = (e) => {
      if (settled) return;
      settled = true;
      reject(e);
    };
  });
  ready.catch(() => {}); // the caller may not wait for it
  const subscribeNow = async () => {
    // Not connected yet: the connection calls resume() when it is (one subscribe, not two).
    if (!link.connected() && link.reconnects) return;
    await link.request('subscribe', { afterSeq: lastSeq, window: opts.window });
    accepted();
  };

  /** Pages the log from lastSeq until a short page, then subscribes from where it ended. */
  const catchUp = async (myGen: number) => {
    for (;;) {
      const { events } = (await link.request('events.query', {
        filter: { afterSeq: lastSeq, limit: pageSize, order: 'asc' },
      })) as { events: BaomiEvent[] };
      for (const event of events) await deliver({ push: 'event', event });
      if (!active || gen !== myGen) return;
      if (events.length < pageSize) break;
    }
    await subscribeNow();
  };

  const drain = async () => {
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0 && active) {
        const { gen: g, frame } = queue.shift() as Queued;
        if (g !== gen) continue;
        if (frame.push === 'resync') {
          queue.length = 0;
          await deliver(frame);
          await catchUp(gen).catch(fail);
          continue;
        }
        await deliver(
          frame.push === 'event'
            ? { push: 'event', event: frame.event }
            : { push: 'notice', notice: frame.notice },
        );
        if (g !== gen) continue;
        handled = frame.n;
        // Ack after handling: at once when nothing else waits, else every half window.
        if (queue.length === 0 || handled - acked >= Math.ceil(opts.window / 2)) {
          acked = handled;
          link.ack(handled);
        }
      }
    } finally {
      draining = false;
    }
  };

  const unlisten = link.onFrame((frame) => {
    if (!active) return;
    queue.push({ gen, frame });
    void drain();
  });
  const unlistenSubscribed = link.onSubscribed(() => {
    gen++;
    handled = 0;
    acked = 0;
  });

  subscribeNow().catch(fail);

  const sub: ClientSubscription = {
    get lastSeq() {
      return lastSeq;
    },
    get active() {
      return active;
    },
    ready,
    pause() {
      gen++;
    },
    resume() {
      if (active) subscribeNow().catch(fail);
    },
    async close() {
      if (!active) return;
      active = false;
      unlisten();
      unlistenSubscribed();
      queue.length = 0;
      if (link.connected()) await link.request('unsubscribe', {}).catch(() => {});
    },
  };
  return sub;
}
