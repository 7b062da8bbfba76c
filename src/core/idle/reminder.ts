// When to remind the person at the console to lock their screen, and when to lock it for them
// (issue 10, point 2). A state machine fed with readings of the session (stretch.ts) and policy
// changes; it returns actions and says when the next reading is worth taking. Pure: time is
// passed in, the caller schedules its own wake-up at nextCheckAt().
//
// Within one idle stretch (time without input while unlocked, counted as stretch.ts says):
// - reminders fall on the grid remindAfter + k·repeat of the stretch's idle time (k = 0, 1, …).
//   The grid is anchored, so a reading taken late delays that one reminder but never shifts the
//   later ones. A reminder comes at least repeat/2 after the previous one: a reading late by
//   more than that, or a policy change, skips a grid point rather than giving two reminders in
//   a row;
// - with `lock: true`, once idle time reaches lockAfter the machine asks for one lock (once per
//   stretch, whatever the outcome). A reminder due at that moment waits LOCK_SETTLE_MS of idle
//   time: if the lock took, the next reading says locked and the reminder never comes; if it
//   failed (or the source cannot tell), reminders go on. lockAfter may be shorter than
//   remindAfter;
// - input, an unlock or a new seat user begin a new stretch: the count starts again;
// - while locked, with nobody at the console, or with the idle time unknown: no action, and
//   state() says which.
// A policy change applies its thresholds from the next reading on, inside the running stretch:
// reminders already given count, a lock already asked for is not asked again.
import {
  type IdleObservation,
  type IdlePolicy,
  type StretchStatus,
  StretchTracker,
  type StretchView,
} from './stretch.js';

/** Idle time a reminder due together with a lock waits for the lock to show. */
export const LOCK_SETTLE_MS = 5_000;

export type IdleAction =
  /** Remind `user`: their `n`-th reminder of this stretch, after `idleMs` without input. */
  | { type: 'remind'; user: string; idleMs: number; n: number }
  /** Lock `user`'s session (policy `lock: true`), after `idleMs` without input. */
  | { type: 'lock'; user: string; idleMs: number };

export interface ReminderState {
  /** `waiting`: no reading yet; otherwise what the last reading showed (stretch.ts). */
  status: StretchStatus | 'waiting';
  user: string | null;
  /** Idle time counted in the current stretch at the last reading, ms (status `idle`). */
  idleMs: number | null;
  /** Reminders given in the current stretch. */
  reminders: number;
  /** `off`: the policy does not lock; `armed`: it will; `asked`: asked once this stretch. */
  lock: 'off' | 'armed' | 'asked';
  nextCheckAt: number | null;
}

export class Reminder {
  private readonly tracker = new StretchTracker();
  private view: StretchView | null = null;
  private at = 0;
  private count = 0;
  /** Idle time of the last reminder in this stretch. */
  private lastRemind = 0;
  /** Idle time when the lock was asked for in this stretch, or null. */
  private lockAsked: number | null = null;

  constructor(private policy: IdlePolicy) {}

  /** The policy in force from now on (see the header: nothing already given is repeated). */
  setPolicy(policy: IdlePolicy): void {
    this.policy = policy;
  }

  /** Feeds one reading; returns what to do now (at most one action). */
  observe(o: IdleObservation): IdleAction[] {
    const v = this.tracker.observe(o);
    this.view = v;
    this.at = o.at;
    if (v.began !== null) {
      this.count = 0;
      this.lastRemind = 0;
      this.lockAsked = null;
    }
    // Said for the reader: only an idle stretch has an idle time, and null would compare false
    // with every threshold below (all ≥ 1 s); so its mutant is equivalent:
    // Stryker disable next-line ConditionalExpression
    if (v.status !== 'idle') return [];
    const idleMs = v.idleMs!;
    const user = v.user!;
    if (this.lockPending() && idleMs >= this.policy.lockAfter) {
      this.lockAsked = idleMs;
      return [{ type: 'lock', user, idleMs }];
    }
    if (idleMs >= this.remindDue()) {
      this.count++;
      this.lastRemind = idleMs;
      return [{ type: 'remind', user, idleMs, n: this.count }];
    }
    return [];
  }

  /**
   * The earliest time (ms since the epoch) at which a threshold could be crossed, given the
   * last reading: the next reminder or lock of this stretch if no input comes, or the first
   * threshold of a new stretch if input comes right after the reading. Reading again then
   * misses nothing; reading earlier finds nothing new (apart from lock changes and seat
   * changes, which the caller hears of from its watchers). It may lie in the past (after a
   * policy change): read now. Null when no threshold lies ahead of the last reading (locked,
   * nobody at the console, idle time unknown, no reading yet): read again on a lock or seat
   * change, or at the caller's own slow interval.
   */
  nextCheckAt(): number | null {
    const v = this.view;
    if (v === null || v.status !== 'idle') return null;
    const p = this.policy;
    let due = this.remindDue();
    if (this.lockPending()) due = Math.min(due, p.lockAfter);
    const fresh = p.lock ? Math.min(p.remindAfter, p.lockAfter) : p.remindAfter;
    return this.at + Math.min(due - v.idleMs!, fresh);
  }

  state(): ReminderState {
    const v = this.view;
    return {
      status: v === null ? 'waiting' : v.status,
      user: v === null ? null : v.user,
      idleMs: v === null ? null : v.idleMs,
      reminders: this.count,
      lock: !this.policy.lock ? 'off' : this.lockAsked === null ? 'armed' : 'asked',
      nextCheckAt: this.nextCheckAt(),
    };
  }

  private lockPending(): boolean {
    return this.policy.lock && this.lockAsked === null;
  }

  /** Idle time at which the next reminder of this stretch is due. */
  private remindDue(): number {
    const { remindAfter, repeat } = this.policy;
    let due = remindAfter;
    if (this.count > 0) {
      // The first grid point at least repeat/2 after the last reminder.
      const k = Math.ceil((this.lastRemind + repeat / 2 - remindAfter) / repeat);
      due = remindAfter + Math.max(0, k) * repeat;
    }
    return this.lockAsked === null ? due : Math.max(due, this.lockAsked + LOCK_SETTLE_MS);
  }
}

export function createReminder(policy: IdlePolicy): Reminder {
  return new Reminder(policy);
}
