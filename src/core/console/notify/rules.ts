// Which alerts are sent over which channels (issue 12 §4): the rules of `notify:` in order; an
// alert goes to a channel once, under the first rule that matches it and names that channel
// (all channels when a rule names none). Pure: the notifier (src/console/notify) calls it for
// each alert it has not looked at yet, inside the store's planning transaction.
import { type Severity, severityRank } from '../../events/types.js';
import { anyTypeMatches } from '../config/match.js';
import {
  type Channel,
  DEFAULT_NOTIFY_RULE,
  type NotifyConfig,
  type NotifyRule,
} from '../config/notify.js';

/** The type of the alert raised when a delivery is given up (store finishDelivery). */
export const NOTIFY_FAILED = 'notify.failed';

/** One channel an alert is to be sent over, and the rule (with its quiet period) that sends it. */
export interface RouteTarget {
  channel: string;
  rule: string;
  quietMs: number;
}

/** What a rule looks at. */
export interface RoutableAlert {
  type: string;
  severity: Severity;
  data: { [k: string]: unknown };
}

/** The rules in force: `notify.rules`, or the default rule when the file has none. */
export function effectiveRules(config: Pick<NotifyConfig, 'rules'>): readonly NotifyRule[] {
  return config.rules ?? [DEFAULT_NOTIFY_RULE];
}

/** At least minSeverity, or a type in types; a rule with neither matches every alert. */
export function ruleMatches(rule: NotifyRule, alert: RoutableAlert): boolean {
  if (rule.minSeverity === undefined && rule.types === undefined) return true;
  if (
    rule.minSeverity !== undefined &&
    severityRank(alert.severity) >= severityRank(rule.minSeverity)
  )
    return true;
  return rule.types !== undefined && anyTypeMatches(rule.types, alert.type);
}

/**
 * The channels an alert goes to, each once, with the rule that sends it there. A
 * `notify.failed` alert (a delivery given up) never goes back to the channel that failed: it
 * is for staff to hear about it another way, and a channel that is down would only fail again.
 */
export function routeAlert(
  alert: RoutableAlert,
  rules: readonly NotifyRule[],
  channels: readonly Pick<Channel, 'name'>[],
): RouteTarget[] {
  const all = channels.map((c) => c.name);
  const failedChannel = alert.type === NOTIFY_FAILED ? alert.data.channel : undefined;
  const out: RouteTarget[] = [];
  const taken = new Set<string>();
  for (const rule of rules) {
    if (!ruleMatches(rule, alert)) continue;
    for (const channel of rule.channels ?? all) {
      if (taken.has(channel) || channel === failedChannel) continue;
      taken.add(channel);
      out.push({ channel, rule: rule.name, quietMs: rule.quietPeriod });
    }
  }
  return out;
}

/**
 * How long to wait before attempt `attempts + 1`, after `attempts` failed ones (≥ 1): the
 * first wait, doubled each time, at most an hour; null when maxAttempts are used up.
 */
export function retryDelayMs(
  attempts: number,
  firstMs: number,
  maxAttempts: number,
): number | null {
  if (attempts >= maxAttempts) return null;
  const exp = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(firstMs * 2 ** exp, MAX_RETRY_MS);
}

export const MAX_RETRY_MS = 3_600_000;
