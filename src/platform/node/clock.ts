// The real clock: Date.now and unref'd Node timers, so a pending timer never keeps the agent
// (or a test) alive on its own.
import type { Clock, Timer } from '../../core/ports/clock.js';

export const nodeClock: Clock = {
  now: () => Date.now(),
  after(ms: number, fn: () => void): Timer {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  every(ms: number, fn: () => void): Timer {
    const t = setInterval(fn, ms);
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
};
