// The quiet period of a notification rule (issue 12 §4), as a plan the store writes in one
// transaction: which deliveries (alert × channel) to make, in which state, and which held
// ones each message names. Pure; the three stores (SQLite, PostgreSQL, the memory twin) read
// their rows, call planDeliveries and write what it says, so they cannot disagree.
//
// Per rule and per agent (the quiet key): the first matching alert is sent at once and opens
// a window of the rule's quietPeriod; a match inside the window is held, never sent alone and
// never dropped. When the window has ended, the held ones are named in the next message for
// that key: the next matching alert's, or, when none comes, a summary made at the first step
// after the end. Either opens a new window, so a key gets at most one message per period.
// An alert older than maxAge when first seen is recorded `skipped` (NOTIFY_TOO_OLD).
import type { NotifyCode } from '../../codes/notify.js';
import type { RouteTarget } from './rules.js';

export interface AlertToPlan {
  id: number;
  agentId: string | null;
  ts: number;
  /** routeAlert's answer: the channels it goes to (none: nothing to plan). */
  routes: readonly RouteTarget[];
}

/** A delivery held in a window (state `held`), as stored. */
export interface HeldDelivery {
  id: number;
  rule: string;
  agentKey: string;
  channel: string;
}

export interface QuietWindow {
  rule: string;
  agentKey: string;
  until: number;
}

export interface PlanInput {
  now: number;
  maxAgeMs: number;
  /** Alerts not planned yet, in id order. */
  alerts: readonly AlertToPlan[];
  /** The stored windows (any: open, or ended with deliveries still held). */
  windows: readonly QuietWindow[];
  /** Every delivery still held. */
  held: readonly HeldDelivery[];
  /** The quiet period of a rule by name (0 for one no longer configured). */
  quietMsOf(rule: string): number;
}

export type PlannedState = 'pending' | 'held' | 'skipped';

export interface PlannedDelivery {
  /** null: a summary of held deliveries at the end of a window. */
  alertId: number | null;
  channel: string;
  rule: string;
  /** The alert's agent id, '' for an alert about no agent. */
  agentKey: string;
  state: PlannedState;
  error: NotifyCode | null;
  /** Held deliveries (ids) this message names: they become `named` in it. */
  names: number[];
}

export interface Plan {
  deliveries: PlannedDelivery[];
  /** Windows opened by this plan (upserted by key). */
  windows: QuietWindow[];
}

/** The key of a quiet window: one rule, one agent. */
export function quietKey(rule: string, agentKey: string): string {
  return JSON.stringify([rule, agentKey]);
}

export function planDeliveries(input: PlanInput): Plan {
  const { now } = input;
  const until = new Map<string, number>();
  for (const w of input.windows) until.set(quietKey(w.rule, w.agentKey), w.until);
  const opened = new Map<string, QuietWindow>();
  const open = (rule: string, agentKey: string, quietMs: number) => {
    if (quietMs <= 0) return;
    const w = { rule, agentKey, until: now + quietMs };
    until.set(quietKey(rule, agentKey), w.until);
    opened.set(quietKey(rule, agentKey), w);
  };

  // key → channel → held ids (oldest first), consumed as messages name them.
  const held = new Map<string, Map<string, number[]>>();
  for (const h of [...input.held].sort((a, b) => a.id - b.id)) {
    const k = quietKey(h.rule, h.agentKey);
    const byChannel = held.get(k) ?? new Map<string, number[]>();
    byChannel.set(h.channel, [...(byChannel.get(h.channel) ?? []), h.id]);
    held.set(k, byChannel);
  }
  const inWindow = (k: string) => now < (until.get(k) ?? Number.NEGATIVE_INFINITY);

  const deliveries: PlannedDelivery[] = [];
  for (const a of [...input.alerts].sort((x, y) => x.id - y.id)) {
    const agentKey = a.agentId ?? '';
    const tooOld = now - a.ts > input.maxAgeMs;
    // Routes grouped by rule (a rule's channels share its window), in the order given.
    const byRule = new Map<string, RouteTarget[]>();
    for (const r of a.routes) byRule.set(r.rule, [...(byRule.get(r.rule) ?? []), r]);
    for (const [rule, targets] of byRule) {
      const k = quietKey(rule, agentKey);
      const base = { alertId: a.id, rule, agentKey };
      if (tooOld) {
        for (const t of targets)
          deliveries.push({
            ...base,
            channel: t.channel,
            state: 'skipped',
            error: 'NOTIFY_TOO_OLD',
            names: [],
          });
        continue;
      }
      if (inWindow(k)) {
        for (const t of targets)
          deliveries.push({ ...base, channel: t.channel, state: 'held', error: null, names: [] });
        continue;
      }
      const waiting = held.get(k);
      for (const t of targets) {
        deliveries.push({
          ...base,
          channel: t.channel,
          state: 'pending',
          error: null,
          names: waiting?.get(t.channel) ?? [],
        });
        waiting?.delete(t.channel);
      }
      open(rule, agentKey, targets[0]!.quietMs);
    }
  }

  // Windows that have ended with deliveries still held: a summary per channel.
  for (const [k, byChannel] of held) {
    if (inWindow(k)) continue;
    const [rule, agentKey] = JSON.parse(k) as [string, string];
    for (const [channel, ids] of byChannel)
      deliveries.push({
        alertId: null,
        channel,
        rule,
        agentKey,
        state: 'pending',
        error: null,
        names: ids,
      });
    open(rule, agentKey, input.quietMsOf(rule));
  }
  return { deliveries, windows: [...opened.values()] };
}
