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
// - Memory. Per rule at most `count + 1` timestamps (all a "more than count" test needs) and
//   the last SAMPLE_SIZE matching events. So the alert's `count` is always `rule.count + 1`:
//   read it as "at least"; `suppressed` says how many more matched while the rule was silent.
// - Sample. The last SAMPLE_SIZE matching events inside the window, oldest first.
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
}

export interface AlertEngine {
  /** Feed one stored event; returns the alerts (zero or more, one per rule at most) to store. */
  observe(event: BaomiEvent, now: number): EventInput[];
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

interface RuleState {
  rule: CompiledRule;
  index: number;
  re: RegExp;
  /** Deque of observation times; live entries are times[head..]. */
  times: number[];
  head: number;
  sample: SampleEntry[];
  /** The rule is silent while now < silentUntil. */
  silentUntil: number;
  /** Matching events seen while silent since the last alert. */
  suppressed: number;
}

function invalid(index: number, field: string): BaomiError {
  return new BaomiError('alert.invalidRule', { index, field }, 2);
}

function validate(rule: CompiledRule, index: number): void {
  if (typeof rule.match !== 'string' || rule.match === '') throw invalid(index, 'match');
  if (rule.level !== undefined && !isLevel(rule.level)) throw invalid(index, 'level');
  if (!Number.isSafeInteger(rule.count) || rule.count < 1) throw invalid(index, 'count');
  if (!Number.isSafeInteger(rule.withinMs) || rule.withinMs < 1) throw invalid(index, 'within');
  if (!isSeverity(rule.severity)) throw invalid(index, 'severity');
}

function live(s: RuleState): number {
  return s.times.length - s.head;
}

function push(s: RuleState, t: number): void {
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

function raise(s: RuleState, t: number): EventInput {
  const { rule } = s;
  const windowStart = t - rule.withinMs;
  const ruleData: { [k: string]: Json } = { index: s.index, match: rule.match };
  if (rule.level !== undefined) ruleData.level = rule.level;
  ruleData.count = rule.count;
  ruleData.within = rule.within;
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
      times: [],
      head: 0,
      sample: [],
      silentUntil: Number.NEGATIVE_INFINITY,
      suppressed: 0,
    };
  });
  let latest = Number.NEGATIVE_INFINITY;

  return {
    observe(event, now) {
      if (!Number.isFinite(now)) throw new BaomiError('alert.badTime', { now: String(now) }, 1);
      // Every call moves the clock, even for an event no rule counts.
      latest = Math.max(latest, now);
      const t = latest;
      if (event.type === 'alert.raised') return [];
      const out: EventInput[] = [];
      for (const s of states) {
        if (!s.re.test(event.type)) continue;
        if (s.rule.level !== undefined && !levelAtLeast(event.level, s.rule.level)) continue;
        push(s, t);
        s.sample.push(sampleOf(event, t));
        if (s.sample.length > SAMPLE_SIZE) s.sample.shift();
        if (t < s.silentUntil) {
          s.suppressed++;
          continue;
        }
        if (live(s) > s.rule.count) {
          out.push(raise(s, t));
          s.silentUntil = t + s.rule.withinMs;
          s.suppressed = 0;
        }
      }
      return out;
    },
  };
}
