// A resident agent that has nothing to do must cost nothing: no CPU and little memory.
// Node gets both wrong on its own, because of V8's memory reducer: start-up work leaves a
// heap that V8 shrinks only later, with a few incremental collections it starts on a timer
// once it judges the process idle, anywhere from ~8 s to a minute after the last major GC
// (measured with --trace-gc: "Mark-Compact (reduce)" 40 s after start, ~80 ms of CPU).
// Until then the start-up heap stays resident; when it comes, the idle process burns CPU.
//
// So, once the event loop has been quiet for QUIET_MS (start-up is over), the agent does
// that work itself, once, at a moment it chooses: two full collections (the second one sees
// a low allocation rate since the first, and only then does V8 give the young generation
// back: with one, the agent kept 8 MiB of it in about half the runs), then it turns
// incremental marking off, so the memory reducer cannot start collections of its own.
// Collections after that are atomic (stop-the-world); on a heap of ~10 MiB each takes ~10 ms.
// The reducer's timer still wakes the process every 8 s and finds nothing to do (~0.15 ms
// of CPU each, measured with /proc/<pid>/task/*/schedstat in bench:footprint).
//
// SECURITY/robustness: v8.setFlagsFromString after start is documented as "use with care".
// Both flags are plain booleans V8 reads at each use; they are flipped right after a full
// collection, when no incremental marking can be in progress. Set BAOMI_NO_SETTLE=1 to keep
// V8's defaults (for comparison, or should a Node release change this).
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const CHECK_MS = 1000;
const QUIET_MS = 6000;
/** The loop counts as quiet below this share of busy time. */
const QUIET_UTILIZATION = 0.02;

/**
 * Settles once start-up is over, and again after each later burst of work: any collection
 * after settling means the process allocated again (a burst of file events grows the young
 * generation to many MiB), and nothing else gives that memory back now that the reducer can
 * no longer start collections. While idle nothing runs: the GC observer costs nothing until a collection.
 */
export function settleWhenIdle(onSettled?: () => void): void {
  if (process.env.BAOMI_NO_SETTLE === '1') return;
  let settledAt = Number.POSITIVE_INFINITY;
  let waiting = false;
  const observer = new PerformanceObserver((list) => {
    if (list.getEntries().some((e) => e.startTime > settledAt)) waitForQuiet();
  });
  observer.observe({ entryTypes: ['gc'] });

  function waitForQuiet(): void {
    if (waiting) return;
    waiting = true;
    let last = performance.eventLoopUtilization();
    let quietFor = 0;
    const timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      const busy = performance.eventLoopUtilization(now, last).utilization;
      last = now;
      quietFor = busy < QUIET_UTILIZATION ? quietFor + CHECK_MS : 0;
      if (quietFor < QUIET_MS) return;
      clearInterval(timer);
      settle();
      // Our own collection is reported to the observer too; only later ones count.
      settledAt = performance.now();
      waiting = false;
      onSettled?.();
    }, CHECK_MS);
    timer.unref();
  }
  waitForQuiet();
}

let gc: (() => void) | null = null;

function settle(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  setFlagsFromString('--no-incremental-marking');
}
