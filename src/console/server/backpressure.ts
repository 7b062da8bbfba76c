// Simple back-pressure for sync (issue 11: "how long to wait … longer when the console is
// loaded"). Every sync answer tells the agent when to call again (nextInMs). When this
// process is behind (event-loop lag) or busy (many requests in flight), it stretches that
// interval instead of failing requests: each agent's next request then comes later, so the
// fleet's request rate falls in proportion, and no request is refused or half-stored. It is a
// per-process measure (each console process judges its own load), which is what matters:
// the lag is that process's.
//
// A third signal (issue 12): how long this process's sync answers take (p99 over the last
// window). A console whose event loop keeps up can still be behind its database (PostgreSQL
// on a busy machine, a pool whose connections are all taken): its answers slow down while the
// lag stays low, and only fewer requests help.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Lag below this is normal scheduling noise. */
export const LAG_OK_MS = 50;
/** In-flight requests below this are normal. */
export const IN_FLIGHT_OK = 64;
/** The interval is never stretched more than this: with the agent's +20 % jitter a stretched
 *  agent still calls within 2.4 intervals, before the console's silent check (three) would
 *  flag it. (It was 4: a loaded console would have called its whole fleet silent.) */
export const MAX_STRETCH = 2;

/** Sync answers faster than this at p99 are normal (half the 500 ms the issue allows). */
export const ANSWER_OK_MS = 250;

/** Sync requests in flight beyond this are answered 503 CONSOLE_BUSY at once, before their
 *  body is read or their signature checked (shedding costs next to nothing). Stretching
 *  acts one interval late; when a fleet comes back all at once the queue would otherwise
 *  grow until requests time out at the agent after the console did the work (the PostgreSQL
 *  bench at 10× events: 2,700 in flight). Refused agents keep their events and call again
 *  after their back-off, never sooner than the interval asked for. */
export const SHED_IN_FLIGHT = 4 * IN_FLIGHT_OK;

/**
 * The interval to ask for: `intervalMs` when the process keeps up; up to MAX_STRETCH times
 * it, growing with the event-loop lag (one more interval per 100 ms of p99 lag above
 * LAG_OK_MS), with requests in flight (one more per IN_FLIGHT_OK above it) and with the p99
 * of its sync answers (one more per 2 × ANSWER_OK_MS above ANSWER_OK_MS).
 *
 * `r` in [0, 1] draws the stretch between none and that factor. Every agent answered in one
 * loaded 5-s window used to get the same factor and so came back together (with only the
 * agent's ±20 %): a herd, then an idle console, then the herd again (the PostgreSQL bench
 * swung between 10 and 167 requests/s). Drawn per answer, the returns spread over the whole
 * stretch. r = 1 is the full factor.
 */
export function stretchInterval(
  intervalMs: number,
  lagMs: number,
  inFlight: number,
  answerP99Ms = 0,
  r = 1,
): number {
  const byLag = Math.max(0, lagMs - LAG_OK_MS) / 100;
  const byLoad = Math.max(0, inFlight - IN_FLIGHT_OK) / IN_FLIGHT_OK;
  const bySlow = Math.max(0, answerP99Ms - ANSWER_OK_MS) / (2 * ANSWER_OK_MS);
  const factor = Math.min(MAX_STRETCH, 1 + byLag + byLoad + bySlow);
  const drawn = 1 + (factor - 1) * Math.min(Math.max(r, 0), 1);
  return Math.round(intervalMs * drawn);
}

/** Answers kept per window (a sample is enough for a p99). */
const MAX_ANSWERS = 20_000;

/** Event-loop lag (p99 over the last sample window) and requests in flight. */
export class LoadMeter {
  inFlight = 0;
  private static readonly RESOLUTION_MS = 20;
  private readonly histogram = monitorEventLoopDelay({ resolution: LoadMeter.RESOLUTION_MS });
  private lagMs = 0;
  private answers: number[] = [];
  private answerP99Ms = 0;
  private timer: NodeJS.Timeout | null = null;

  start(sampleMs = 5000): void {
    this.histogram.enable();
    this.timer = setInterval(() => {
      // The histogram counts the sampling timer's own period in every delay.
      const p99 = this.histogram.percentile(99) / 1e6;
      this.lagMs = Math.max(0, p99 - LoadMeter.RESOLUTION_MS);
      this.histogram.reset();
      this.answerP99Ms = p99Of(this.answers);
      this.answers = [];
    }, sampleMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.histogram.disable();
  }

  /** p99 event-loop delay of the last window beyond the sampling period, ms. */
  get lag(): number {
    return this.lagMs;
  }

  /** p99 of the sync answers' times over the last sample window, ms. */
  get answerP99(): number {
    return this.answerP99Ms;
  }

  /** One sync answer took `ms` (request received to answer sent). */
  answered(ms: number): void {
    if (this.answers.length < MAX_ANSWERS) this.answers.push(ms);
  }

  nextInMs(intervalMs: number, r = Math.random()): number {
    return stretchInterval(intervalMs, this.lagMs, this.inFlight, this.answerP99Ms, r);
  }

  /** Too many requests in flight in this process: refuse the next sync unread. */
  get overloaded(): boolean {
    return this.inFlight > SHED_IN_FLIGHT;
  }
}

function p99Of(values: number[]): number {
  if (values.length === 0) return 0;
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]!;
}
