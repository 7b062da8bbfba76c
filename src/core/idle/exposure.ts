// Exposure: per seat user and local day, how long a session stayed unlocked beyond
// `idle.remindAfter` without input (issue 10, point 3: the `idle.exposure` event, a risk
// measure the console shows). Pure: readings and times are passed in, and the caller's
// `localDate(ms)` says which local day an instant belongs to (core cannot read the time zone).
//
// What counts: between two readings of the same idle stretch (stretch.ts), the growth of the
// stretch's idle time beyond remindAfter, i.e. `idleNow - max(idleBefore, remindAfter)` when
// positive. It is measured on the source's idle time, never on differences of wall-clock
// times, so a clock set back or forward never gives negative (or invented) minutes; the
// wall clock only places the span [at - counted, at] on local days, split at local midnight.
// Time the readings do not prove is not counted: when input, a lock, an unlock or a new user
// comes between two readings, the span after the earlier reading is left out (the change came
// somewhere in between), so the figure is a lower bound, exact to the reading interval.
// Unknown lock state counts as unlocked, like the reminder.
//
// Records: each (user, local day) observed (a reading with that user and a known idle time or
// a locked session) has a bucket; a record carries the minutes added to its bucket since the
// previous record (two decimals), and the bucket starts again from zero.
// - due(at): the buckets of local days that have ended by `at`, with `final: true`: that day
//   is closed, this run adds nothing more to it. Minutes a later reading still places on a
//   closed day (a span across midnight read after due() ran) come out at the next due() as
//   another `final: true` record for that day: records of one day add up.
// - flush(at), when the agent stops: every bucket; `final: true` for days that have ended by
//   `at`, `final: false` for today (a later run may add more to today).
// So the console sums the records of a (user, date); a day with no `final: true` record may
// be incomplete (the agent stopped that day and did not run again before it ended).
// Before due() or flush(), add() a reading taken at that moment, so that the running stretch
// is counted up to it.
import { type IdleObservation, type IdlePolicy, StretchTracker } from './stretch.js';

/** Local calendar date ('YYYY-MM-DD') of an instant (ms since the epoch), in the machine's zone. */
export type LocalDate = (ms: number) => string;

/** The `data` of one `idle.exposure` event, with the user the event is about. */
export interface ExposureRecord {
  user: string;
  date: string;
  minutes: number;
  final: boolean;
}

const HOUR_MS = 3_600_000;
/** Longer than any local day (DST days last 23 or 25 hours). */
const SEARCH_MS = 48 * HOUR_MS;

/**
 * The first instant after `at` whose local date differs from that of `at` (the next local
 * midnight, DST included), found by bisection on `localDate`; at most SEARCH_MS later.
 */
export function nextLocalDay(at: number, localDate: LocalDate): number {
  const day = localDate(at);
  let lo = at;
  let hi = at + SEARCH_MS;
  // Invariant: lo is on `day`, hi is not (or is the limit). A date that never changes
  // bisects up to the limit.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDate(mid) === day) lo = mid;
    else hi = mid;
  }
  return hi;
}

interface Bucket {
  user: string;
  date: string;
  ms: number;
}

export class ExposureMeter {
  private readonly tracker = new StretchTracker();
  /** Idle time of the current stretch at its last known reading. */
  private lastIdle = 0;
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private policy: IdlePolicy,
    private readonly localDate: LocalDate,
  ) {}

  /** The policy in force from now on (its remindAfter applies from the next reading). */
  setPolicy(policy: IdlePolicy): void {
    this.policy = policy;
  }

  /** Feeds one reading (the same readings the reminder gets). */
  add(o: IdleObservation): void {
    const v = this.tracker.observe(o);
    if (v.user === null || v.status === 'unknown') return;
    this.bucket(v.user, this.localDate(o.at));
    // Said for the reader: a locked reading's idle time is null, which would count nothing
    // below (null - x < 0), and the unlock begins a new stretch; so its mutant is equivalent:
    // Stryker disable next-line ConditionalExpression
    if (v.status !== 'idle') return;
    const idle = v.idleMs!;
    if (v.began === null) {
      const counted = idle - Math.max(this.lastIdle, this.policy.remindAfter);
      this.spread(v.user, o.at - counted, o.at);
    }
    this.lastIdle = idle;
  }

  /** Records of the local days that have ended by `at` (`final: true`). */
  due(at: number): ExposureRecord[] {
    const today = this.localDate(at);
    return this.take((b) => b.date < today, today);
  }

  /** Every record, when the agent stops: `final` only for days that have ended by `at`. */
  flush(at: number): ExposureRecord[] {
    return this.take(() => true, this.localDate(at));
  }

  /** When the current local day ends: call add() with a fresh reading, then due(), then. */
  nextDueAt(at: number): number {
    return nextLocalDay(at, this.localDate);
  }

  private bucket(user: string, date: string): Bucket {
    const key = `${date}\u0000${user}`;
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { user, date, ms: 0 };
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Adds the span [from, to] to `user`'s buckets, split at local midnights; none if empty. */
  private spread(user: string, from: number, to: number): void {
    for (let start = from; start < to; ) {
      const end = Math.min(nextLocalDay(start, this.localDate), to);
      this.bucket(user, this.localDate(start)).ms += end - start;
      start = end;
    }
  }

  private take(pick: (b: Bucket) => boolean, today: string): ExposureRecord[] {
    const out: ExposureRecord[] = [];
    // Keys sort by date, then user (code-unit order: the same on every machine).
    for (const key of [...this.buckets.keys()].sort()) {
      const b = this.buckets.get(key)!;
      if (!pick(b)) continue;
      this.buckets.delete(key);
      out.push({
        user: b.user,
        date: b.date,
        minutes: Math.round(b.ms / 600) / 100,
        final: b.date < today,
      });
    }
    return out;
  }
}

export function createExposureMeter(policy: IdlePolicy, localDate: LocalDate): ExposureMeter {
  return new ExposureMeter(policy, localDate);
}
