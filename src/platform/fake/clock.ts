// A clock tests drive: time stands still until advance(ms), which fires every timer due by
// then in order of due time (and, for equal times, the order they were set), including
// timers set by the timers it fires.
import type { Clock, Timer } from '../../core/ports/clock.js';

interface Entry {
  due: number;
  seq: number;
  every?: number;
  fn: () => void;
  live: boolean;
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Entry[] = [];

  constructor(start = Date.UTC(2026, 10, 30, 9, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): Timer {
    return this.add({ due: this.t + Math.max(0, ms), seq: this.seq++, fn, live: true });
  }

  every(ms: number, fn: () => void): Timer {
    const step = Math.max(1, ms);
    return this.add({ due: this.t + step, seq: this.seq++, every: step, fn, live: true });
  }

  /** Moves time forward by ms, firing what falls due on the way (each at its own time). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.nextDue();
      if (!next || next.due > end) break;
      this.t = next.due;
      if (next.every !== undefined) {
        next.due += next.every;
        next.seq = this.seq++;
      } else {
        next.live = false;
        this.timers = this.timers.filter((e) => e !== next);
      }
      next.fn();
    }
    this.t = end;
  }

  /** Sets the wall clock (a clock set back or forward: timers keep their due times). */
  set(ms: number): void {
    this.t = ms;
  }

  /**
   * The wall clock moves on by `ms` while timers do not count it: a machine that slept, or a
   * clock set forward under Node's timers (they run on a monotonic clock that stops during
   * suspend). Every pending timer falls due `ms` later than it would have; none fires here.
   */
  jump(ms: number): void {
    this.t += ms;
    for (const e of this.timers) e.due += ms;
  }

  /** Timers not yet fired or cancelled. */
  pending(): number {
    return this.timers.length;
  }

  private add(e: Entry): Timer {
    this.timers.push(e);
    return {
      cancel: () => {
        e.live = false;
        this.timers = this.timers.filter((x) => x !== e);
      },
    };
  }

  private nextDue(): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.timers) {
      if (!best || e.due < best.due || (e.due === best.due && e.seq < best.seq)) best = e;
    }
    return best;
  }
}
