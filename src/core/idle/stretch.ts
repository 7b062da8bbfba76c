// Idle stretches: the spans of time without input in one unlocked session of one seat user,
// told apart from a stream of readings (issue 10). Shared by the reminder (reminder.ts) and the
// exposure meter (exposure.ts) so that both agree on when a stretch began. Pure: the time of
// each reading is passed in.
//
// What begins a new stretch:
// - the first reading ever: idleness counts from the source's own idle time (a person who was
//   away before the agent started is away all the same);
// - input: the idle time dropped below the last reading, or the moment of the last input
//   (`at - idleMs`) moved later. Sources measure with some jitter (a child process's start-up
//   time, a tick count), so both tests allow INPUT_JITTER_MS. The jitter hides only an input
//   that came within INPUT_JITTER_MS of the last reading's last input, i.e. while the person
//   was still at the keyboard: the stretch then seems to start that much too early. The
//   policy's thresholds are whole seconds, so any input after a threshold is seen;
// - an unlock, or a new seat user: idleness counts from this reading, as a base subtracted from
//   the source's idle time (an unlock that came with no input, e.g. `loginctl unlock-session`,
//   leaves the source's idle time running through the locked period; a new user's session may
//   report idle time from before the switch). Input after that counts from the input again.
//
// While locked, with nobody at the console, or with the idle time unknown, there is no idle
// stretch to act on (`status` says which). Unknown lock state (`locked: null`) counts as
// unlocked: a reminder too many is the safe side. A reading whose idle time is not a finite
// number ≥ 0 is unknown.
//
// Wall-clock steps: a clock set forward moves `at - idleMs` later and reads as input (at worst
// one reminder too many); a clock set back is no input unless the idle time drops. Thresholds
// are compared with the source's idle time, never with differences of `at`.
import type { Policy } from '../policy/types.js';

/** The idle settings of a policy, durations in ms (Policy['idle']). */
export type IdlePolicy = Policy['idle'];

/** One reading of the seat user's session, taken at `at` (ms since the epoch). */
export interface IdleObservation {
  at: number;
  /** The seat user (account name), or null when nobody is at the console. */
  user: string | null;
  /** Time since the last input, ms; null when unknown. */
  idleMs: number | null;
  /** Locked (true), unlocked (false), unknown (null). */
  locked: boolean | null;
}

/**
 * `idle`: an idle stretch is running and `idleMs` says how long; `locked`: the session is
 * locked; `no-user`: nobody is at the console; `unknown`: the idle time is unknown now.
 */
export type StretchStatus = 'idle' | 'locked' | 'no-user' | 'unknown';

/** Why a stretch began. */
export type StretchStart = 'first' | 'input' | 'unlock' | 'user';

export interface StretchView {
  status: StretchStatus;
  user: string | null;
  /** Idle time counted in the current stretch, ms; null unless status is `idle`. */
  idleMs: number | null;
  /** Set on the reading that began a new stretch. */
  began: StretchStart | null;
  /** Number of the current stretch, from 1 (0 before the first). */
  stretch: number;
}

/** How much a source's idle time may wobble without input. */
export const INPUT_JITTER_MS = 500;

export class StretchTracker {
  private user: string | null = null;
  /** A reset waiting for the next reading with a known idle time. */
  private pending: Exclude<StretchStart, 'input'> | null = 'first';
  private base = 0;
  private lastRaw = 0;
  private lastAt = 0;
  private stretch = 0;

  observe(o: IdleObservation): StretchView {
    const view = (status: StretchStatus): StretchView => ({
      status,
      user: this.user,
      idleMs: null,
      began: null,
      stretch: this.stretch,
    });
    if (o.user !== this.user) {
      this.user = o.user;
      if (this.pending !== 'first') this.pending = 'user';
    }
    if (o.user === null) return view('no-user');
    if (o.locked === true) {
      if (this.pending !== 'user') this.pending = 'unlock';
      return view('locked');
    }
    // null becomes NaN, which fails both comparisons, like NaN itself.
    const raw = o.idleMs ?? Number.NaN;
    if (!(raw >= 0 && raw < Number.POSITIVE_INFINITY)) return view('unknown');

    let began: StretchStart | null = this.pending;
    if (began !== null) {
      this.base = began === 'first' ? 0 : raw;
    } else if (
      raw < this.lastRaw - INPUT_JITTER_MS ||
      o.at - raw > this.lastAt - this.lastRaw + INPUT_JITTER_MS
    ) {
      began = 'input';
      this.base = 0;
    }
    if (began !== null) {
      this.pending = null;
      this.stretch++;
    }
    this.lastRaw = raw;
    this.lastAt = o.at;
    return {
      status: 'idle',
      user: this.user,
      idleMs: Math.max(0, raw - this.base),
      began,
      stretch: this.stretch,
    };
  }
}
