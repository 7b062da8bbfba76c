// Threshold rules over the event stream: the forecast step (预报) of the early-warning process.
// Pure and deterministic: the caller passes the time in, nothing here reads a clock or sets a
// timer, so the agent can replay a log through it and get the same alerts.
//
// Semantics (tests/unit/alerts/engine.test.ts pins each one):
// - Window. A rule looks at the matching events observed in the half-open interval
//   (now - withinMs, now]: an event observed exactly `withinMs` ago has dropped out.
// - Threshold. It fires when that window holds MORE than `count` events ("count: 100" in the
//   policy means "more than 100"), on the event that crosses the line.
// - Once per window. After firing at time F the rule is silent while now < F + withinMs and
//   re-arms at now >= F + withinMs. Silent events still enter the window, so a burst that is
//   still going on when the rule re-arms fires again on its next event; the events that made
//   one alert can never count towards the next one (they are <= F, the next window starts >= F).
//   Hence two alerts of one rule are always at least `withinMs` apart.
// - Time. `now` is the observation time, not `event.ts` (which is copied into the sample).
//   A clock that steps back is clamped to the latest `now` seen, so it can neither revive
//   expired events nor cut a silence short.
// - No loops. `alert.raised` events are ignored by every rule, even "*": an alert must never
//   feed an alert.
// - Memory. Per rule (per user under per: user) at most `count + 1` timestamps (all a "more than count" test needs) and
//   the last SAMPLE_SIZE matching events. So the alert's `count` is always `rule.count + 1`:
//   read it as "at least"; `suppressed` says how many more matched while the rule was silent.
// - Sample. The last SAMPLE_SIZE matching events inside the window, oldest first.
// - Per. A rule with `per: 'user'` keeps all of the above (window, silence, sample) separately
//   for each value of the events' `user` (the seat user when the event was stored): three
//   blocked sticks by one person fire, one each by three people do not. Events with no user
//   count together as one more "user" (null): never dropped. The alert names whom it counted
//   (`user`, and `data.user`, null for that group). `per: 'host'` (the default) counts every
//   matching event of this agent together: one agent is one host, so it is the behaviour
//   without `per`, and its alert is the same.
import { BaomiError } from '../errors.js';
import {
  type BaomiEvent,
  type EventInput,
  isSeverity,
  type Json,
  type Severity,
} from '../events/types.js';
import { isLevel, type Level, levelAtLeast } from '../levels.js';
import { globToRegExp } from './match.js';

/** One entry of the policy's `alerts` list, with its duration already converted to ms. */
export interface CompiledRule {
  /** Glob over the event type: "file.*", "usb.blocked", "*". */
  match: string;
  /** This level or higher on the same scale; events without a level never match it. */
  level?: Level;
  /** Positive integer: the rule fires on MORE than `count` events in the window. */
  count: number;
  /** The policy's duration text ("5m"), echoed into the alert for people to read. */
  within: string;
  /** The same duration in ms; the engine never parses durations. */
  withinMs: number;
  severity: Severity;
  /** Count separately per event user, or all together (host: the default). */
  per?: 'user' | 'host';
}

export interface AlertEngine {
  /** Feed one stored event; returns the alerts (zero or more, one per rule at most) to store. */
  observe(event: BaomiEvent, now: number): EventInput[];
  /** Counters held, over all rules: one per rule, or per user seen lately under per: user. */
  counters(): number;
}

/** How many of the latest matching events an alert carries as its sample. */
export const SAMPLE_SIZE = 10;

interface SampleEntry {
  at: number;
  seq: number;
  type: string;
  ts: number;
  path?: string;
}

/** One counter: the whole host, or one user under a `per: user` rule. */
interface Bucket {
  rule: CompiledRule;
  /** Deque of observation times; live entries are times[head..]. */
  times: number[];
  head: number;
  sample: SampleEntry[];
  /** The rule is silent while now < silentUntil. */
  silentUntil: number;
  /** Matching events seen while silent since the last alert. */
  suppressed: number;
}

interface RuleState {
  rule: CompiledRule;
  index: number;
  re: RegExp;
  perUser: boolean;
  /** Keyed by the event's user (null: none) under per: user; one key (null) otherwise. */
  buckets: Map<string | null, Bucket>;
}

/** Past this many users in one rule, counters with nothing left to say are dropped. */
const SWEEP_ABOVE = 64;

function invalid(index: number, field: string): BaomiError {
  return new BaomiError('alert.invalidRule', { index, field }, 2);
}

function validate(rule: CompiledRule, index: number): void {
  if (typeof rule.match !== 'string' || rule.match === '') throw invalid(index, 'match');
  if (rule.level !== undefined && !isLevel(rule.level)) throw invalid(index, 'level');
  if (!Number.isSafeInteger(rule.count) || rule.count < 1) throw invalid(index, 'count');
  if (!Number.isSafeInteger(rule.withinMs) || rule.withinMs < 1) throw invalid(index, 'within');
  if (!isSeverity(rule.severity)) throw invalid(index, 'severity');
  if (rule.per !== undefined && rule.per !== 'user' && rule.per !== 'host') {
    throw invalid(index, 'per');
  }
}

function live(s: Bucket): number {
  return s.times.length - s.head;
}

function bucket(rule: CompiledRule): Bucket {
  return {
    rule,
    times: [],
    head: 0,
    sample: [],
    silentUntil: Number.NEGATIVE_INFINITY,
    suppressed: 0,
  };
}

/**
 * A counter whose every time has left the window and that has nothing suppressed answers
 * exactly as a new one would (it is not silent either: its silence ended `withinMs` after an
 * alert no later than its last time; its sample is older than any future window), so dropping
 * it changes memory only. A counter is never empty: the event that made it is in it.
 */
function spent(b: Bucket, t: number): boolean {
  return b.times.at(-1)! <= t - b.rule.withinMs && b.suppressed === 0;
}

function bucketFor(s: RuleState, event: BaomiEvent, t: number): Bucket {
  // One counter per user under per: user (null: events without one); one for all otherwise.
  const key = s.perUser ? (event.user ?? null) : null;
  let b = s.buckets.get(key);
  if (b === undefined) {
    if (s.buckets.size >= SWEEP_ABOVE) {
      for (const [k, old] of s.buckets) if (spent(old, t)) s.buckets.delete(k);
    }
    b = bucket(s.rule);
    s.buckets.set(key, b);
  }
  return b;
}

function push(s: Bucket, t: number): void {
  s.times.push(t);
  const oldest = t - s.rule.withinMs;
  while (s.head < s.times.length && (s.times[s.head]! <= oldest || live(s) > s.rule.count + 1)) {
    s.head++;
  }
  // Compact now and then so the array does not keep dead slots forever. This changes memory
  // only, never what the engine answers, so every mutant of it is equivalent:
  // Stryker disable next-line all
  if (s.head >= 64 && s.head * 2 >= s.times.length) {
    s.times = s.times.slice(s.head);
    s.head = 0;
  }
}

function sampleOf(event: BaomiEvent, at: number): SampleEntry {
  const entry: SampleEntry = { at, seq: event.seq, type: event.type, ts: event.ts };
  const path = event.data.path;
  if (typeof path === 'string') entry.path = path;
  return entry;
}

function raise(r: RuleState, s: Bucket, t: number, user: string | null): EventInput {
  const { rule } = r;
  const windowStart = t - rule.withinMs;
  const ruleData: { [k: string]: Json } = { index: r.index, match: rule.match };
  if (rule.level !== undefined) ruleData.level = rule.level;
  ruleData.count = rule.count;
  ruleData.within = rule.within;
  if (r.perUser) ruleData.per = 'user';
  const sample: Json[] = s.sample
    .filter((e) => e.at > windowStart)
    .map(({ at: _at, ...rest }) => ({ ...rest }));
  const alert: EventInput = {
    type: 'alert.raised',
    severity: rule.severity,
    ts: t,
    data: {
      rule: ruleData,
      count: live(s),
      windowStart,
      windowEnd: t,
      sample,
      suppressed: s.suppressed,
    },
  };
  if (rule.level !== undefined) alert.level = rule.level;
  if (r.perUser) {
    alert.data.user = user;
    if (user !== null) alert.user = user;
  }
  return alert;
}

/**
 * Pass the rules in policy order: a rule's `index` in the alert is its position here, which
 * is its position in the policy's `alerts` list. Throws BaomiError `alert.invalidRule` for a
 * rule the policy schema should already have refused.
 */
export function createAlertEngine(rules: readonly CompiledRule[]): AlertEngine {
  const states: RuleState[] = rules.map((rule, index) => {
    validate(rule, index);
    return {
      rule: { ...rule },
      index,
      re: globToRegExp(rule.match),
      perUser: rule.per === 'user',
      buckets: new Map(),
    };
  });
  let latest = Number.NEGATIVE_INFINITY;

  return {
    counters: () => states.reduce((n, r) => n + r.buckets.size, 0),
    observe(event, now) {
      if (!Number.isFinite(now)) throw new BaomiError('alert.badTime', { now: String(now) }, 1);
      // Every call moves the clock, even for an event no rule counts.
      latest = Math.max(latest, now);
      const t = latest;
      if (event.type === 'alert.raised') return [];
      const out: EventInput[] = [];
      for (const r of states) {
        if (!r.re.test(event.type)) continue;
        if (r.rule.level !== undefined && !levelAtLeast(event.level, r.rule.level)) continue;
        const s = bucketFor(r, event, t);
        push(s, t);
        s.sample.push(sampleOf(event, t));
        if (s.sample.length > SAMPLE_SIZE) s.sample.shift();
        if (t < s.silentUntil) {
          s.suppressed++;
          continue;
        }
        if (live(s) > r.rule.count) {
          out.push(raise(r, s, t, event.user ?? null));
          s.silentUntil = t + r.rule.withinMs;
          s.suppressed = 0;
        }
      }
      return out;
    },
  };
}
