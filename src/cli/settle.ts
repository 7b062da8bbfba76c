// A resident agent that has nothing to do must cost nothing: no CPU and little memory.
// Node gets both wrong on its own, because of V8's memory reducer: start-up work leaves a
// heap that V8 shrinks only later, with a few incremental collections it starts on a timer
// once it judges the process idle, anywhere from ~8 s to a minute after the last major GC
// (measured with --trace-gc: "Mark-Compact (reduce)" 40 s after start, ~80 ms of CPU).
// Until then the start-up heap stays resident; when it comes, the idle process burns CPU.
//
// So, once start-up is over, the agent does that work itself, once, at a moment it chooses,
// then turns incremental marking off, so the memory reducer cannot start collections of its
// own. Collections after that are atomic (stop-the-world); on a heap of ~10 MiB each takes
// ~10 ms. The reducer's timer still wakes the process every 8 s and finds nothing to do
// (~0.15 ms of CPU each, measured with /proc/<pid>/task/*/schedstat in bench:footprint).
//
// The young generation: start-up grows it to its maximum (16 MiB here, two 8 MiB halves).
// V8 gives it back only in a collection that sees a low allocation rate (under 1,000 bytes/ms),
// and it judges the rate over the samples of its last 5 s (GCTracer's throughput window),
// each sample being what was allocated between two collections. Start-up's last stretch,
// up to 8 MiB allocated in the second before the loop went quiet, is one such sample: a
// collection 6 s later still counts it, sees ~1,300 bytes/ms and keeps 16 MiB, of which
// ~8 MiB stay resident (bench:footprint's 72.5 MiB runs, about one in four). Hence:
//   1. after the first quiet half second, a full collection closes that sample ("prime"). Not a
//      minor one: what a scavenge promotes counts as old-generation allocation in the next
//      sample, and start-up's dead old objects keep young ones alive until a full collection
//      (measured: a second minor prime, after a busy moment, left all 16 MiB in 1 run of 6);
//   2. after RATE_WINDOW_MS more of quiet, the window holds only the quiet stretch, and a
//      full collection gives the young generation back, every time;
//   3. two more full collections: V8 grows the young generation again at the start of the
//      next collection (more than its capacity has survived since it last grew: counted
//      since start-up, not reset by shrinking), and shrinks it at the one after (the count
//      is reset by growing). They also free what the first one's weak callbacks released;
//   4. a minor collection: the half given up stays committed until the next collection.
// Each step checked with v8.getHeapSpaceStatistics() on Node 20.20 (tests/integration/cli/
// settle.test.ts holds the outcome): the young generation ends at 1 MiB reserved, ~0.27 MiB
// committed, in every run; before, 2 MiB (1.3 committed) or 16 MiB (8–9 committed) in about
// half the runs. Five collections once, ~30–50 ms of CPU in all.
//
// SECURITY/robustness: v8.setFlagsFromString after start is documented as "use with care".
// Both flags are plain booleans V8 reads at each use; they are flipped right after a full
// collection, when no incremental marking can be in progress. Set BAOMI_NO_SETTLE=1 to keep
// V8's defaults (for comparison, or should a Node release change this).
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Half a second: start-up is over after one quiet check, and settled 5.5 s later (~6 s in
 *  all, as before the prime; bench:footprint measures 10 s after the agent is ready). */
const CHECK_MS = 500;
/** V8's allocation-rate window (GCTracer::kThroughputTimeFrameMs), with half a check to spare. */
const RATE_WINDOW_MS = 5000 + CHECK_MS / 2;
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
    let primedAt: number | null = null;
    const timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      const busy = performance.eventLoopUtilization(now, last).utilization;
      last = now;
      if (busy >= QUIET_UTILIZATION) {
        primedAt = null; // busy again: what it allocates is a new sample to close
        return;
      }
      if (primedAt === null) {
        collect('major');
        primedAt = performance.now();
        // The next check measures from here: the prime's own time is not the loop being busy.
        // Counted, a prime on a large heap (a full collection of the heap that watches
        // 100,000 folders takes more than 2% of a check) made the next check busy, which
        // restarted the wait: a full collection every second, for ever, and never settled.
        last = performance.eventLoopUtilization();
        return;
      }
      if (performance.now() - primedAt < RATE_WINDOW_MS) return;
      clearInterval(timer);
      settle();
      // Our own collections are reported to the observer too; only later ones count.
      settledAt = performance.now();
      waiting = false;
      onSettled?.();
    }, CHECK_MS);
    timer.unref();
  }
  waitForQuiet();
}

let gc: ((o?: { type: 'minor' }) => void) | null = null;

function collect(type: 'minor' | 'major'): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as (o?: { type: 'minor' }) => void;
  }
  // No argument for a full collection: Node 20's V8 reads any other object without
  // `type: 'minor'` or `execution: 'async'` as a truthy "minor" (gc-extension.cc).
  if (type === 'minor') gc({ type: 'minor' });
  else gc();
}

function settle(): void {
  collect('major'); // gives the young generation back (the rate window holds only quiet)
  collect('major'); // V8 grows it again (and resets its count of survivors)
  collect('major'); // and gives it back for good
  collect('minor'); // the collection after a shrink releases the half it gave up
  setFlagsFromString('--no-incremental-marking');
}
