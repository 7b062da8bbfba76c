// The agent's per-connection subscription state: window, acks, resync (no sockets here; the
// integration tests in tests/integration/ipc run the same over real ones).
import { describe, expect, it } from 'vitest';
import { Subscription } from '../../../src/agent/socket/subscription.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import type { PushFrame } from '../../../src/core/protocol/messages.js';

const ev = (seq: number) => ({ seq }) as BaomiEvent;
const evs = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ev(from + i));

function setup(window: number, maxPending = 100, afterSeq = 0) {
  const out: PushFrame[] = [];
  let full = false;
  const sub = new Subscription({
    window,
    afterSeq,
    maxPending,
    write: (f) => {
      out.push(f);
      return !full;
    },
  });
  return { sub, out, fill: () => (full = true) };
}
const seqs = (out: PushFrame[]) => out.map((f) => (f.push === 'event' ? f.event.seq : f.push));

describe('subscription state', () => {
  it('sends at most `window` frames before an ack, numbered from 1', () => {
    const { sub, out } = setup(3);
    sub.offerEvents(evs(1, 10));
    expect(out.map((f) => (f as { n: number }).n)).toEqual([1, 2, 3]);
    expect(sub.unacked).toBe(3);
    sub.ack(1);
    expect(seqs(out)).toEqual([1, 2, 3, 4]);
    sub.ack(4);
    expect(seqs(out)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('ignores acks for frames not sent yet, and acks going backwards', () => {
    const { sub, out } = setup(2);
    sub.offerEvents(evs(1, 10));
    sub.ack(50); // counts as an ack of 2, not a credit for 50
    expect(out).toHaveLength(4);
    sub.ack(1);
    expect(out).toHaveLength(4);
    expect(sub.unacked).toBe(2);
  });

  it('counts notices in the window and keeps them in order with events', () => {
    const { sub, out } = setup(2);
    sub.offerEvents([ev(1)]);
    sub.offerNotice({ code: 'usb.blocked', params: {} });
    sub.offerEvents([ev(2)]);
    expect(seqs(out)).toEqual([1, 'notice']);
    sub.ack(2);
    expect(seqs(out)).toEqual([1, 'notice', 2]);
  });

  it('never offers an event twice or one at or below afterSeq', () => {
    const { sub, out } = setup(100, 100, 3);
    sub.offerEvents(evs(1, 5));
    sub.offerEvents(evs(4, 7));
    expect(seqs(out)).toEqual([4, 5, 6, 7]);
  });

  it('tells a client that falls behind to resync from the last event written, then stops', () => {
    const { sub, out } = setup(2, 5);
    sub.offerEvents(evs(1, 7)); // 2 sent, 5 waiting: at the bound
    expect(sub.active).toBe(true);
    sub.offerEvents([ev(8)]); // 6 waiting: past it
    expect(out.at(-1)).toEqual({ push: 'resync', afterSeq: 2 });
    expect(sub.active).toBe(false);
    sub.ack(2);
    sub.offerEvents([ev(9)]);
    expect(seqs(out)).toEqual([1, 2, 'resync']);
  });

  it('resyncs when the connection cannot take more', () => {
    const { sub, out, fill } = setup(10);
    sub.offerEvents(evs(1, 2));
    fill();
    sub.offerEvents(evs(3, 4));
    expect(seqs(out)).toEqual([1, 2, 3, 'resync']);
    expect(out.at(-1)).toEqual({ push: 'resync', afterSeq: 3 });
  });
});
