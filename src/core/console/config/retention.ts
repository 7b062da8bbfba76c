// `retention:` of the console's configuration (issue 12 §6): how long the console keeps events,
// by type. Applied by the retention worker (src/console/retention/) through the store's
// applyRetention: whole partitions dropped on PostgreSQL, bounded deletes on SQLite, each run
// that removes anything recorded in the audit trail.
import * as z from 'zod';
import { duration, typePatterns } from './common.js';
import { typeMatches } from './match.js';

const DAY_MS = 86_400_000;

/** An age shorter than a day is refused: "90s" for "90d" would empty the console within
 *  minutes, and what retention removes does not come back. */
const age = duration.refine((ms) => ms >= DAY_MS, {
  message: 'at least 1d (a shorter age is more likely a typo, and removed events do not return)',
});

export const retentionSchema = z
  .strictObject({
    /** Events of a type no entry of `types` names are kept this long (absent: kept). */
    default: age.optional(),
    /** `usb.*: 365d`, `idle.reminded: 90d`: the most specific pattern wins (retentionAge). */
    types: z.record(typePatterns.element, age).default({}),
    /** PostgreSQL: the size of the event partitions created from now on (existing ones stay). */
    partition: z.enum(['day', 'month']).default('month'),
    /** How often retention runs. */
    every: duration.refine((ms) => ms >= 60_000, { message: 'at least 1m' }).default(3_600_000),
  })
  .default({ types: {}, partition: 'month', every: 3_600_000 });

export type RetentionConfig = z.output<typeof retentionSchema>;

/** What the store needs to apply retention: the ages, not the schedule. */
export type RetentionRules = Pick<RetentionConfig, 'default' | 'types'>;

/**
 * How specific a pattern is: an exact type beats every prefix, a longer prefix beats a shorter
 * one (`usb.blocked.*` over `usb.*`), and `*` is the least specific of the listed patterns
 * (`default` comes after all of them).
 */
export function patternRank(pattern: string): number {
  if (pattern === '*') return 0;
  if (pattern.endsWith('.*')) return pattern.split('.').length - 1;
  return Number.MAX_SAFE_INTEGER;
}

/**
 * The age (ms) after which an event of `type` is removed, or null when it is kept: the most
 * specific pattern of `types` that matches it, else `default`, else kept. An event is past
 * its age when `ts < now - age`.
 */
export function retentionAge(rules: RetentionRules, type: string): number | null {
  let best: { rank: number; ms: number } | null = null;
  for (const [pattern, ms] of Object.entries(rules.types)) {
    if (!typeMatches(pattern, type)) continue;
    const rank = patternRank(pattern);
    if (best === null || rank > best.rank) best = { rank, ms };
  }
  return best?.ms ?? rules.default ?? null;
}

/** The shortest age configured (null: none): nothing younger than it is ever removed. */
export function shortestAge(rules: RetentionRules): number | null {
  const all = [
    ...Object.values(rules.types),
    ...(rules.default === undefined ? [] : [rules.default]),
  ];
  return all.length === 0 ? null : Math.min(...all);
}

/** Whether any age is configured at all (no rule: retention removes nothing). */
export function retentionConfigured(rules: RetentionRules): boolean {
  return rules.default !== undefined || Object.keys(rules.types).length > 0;
}

/**
 * Whether a partition holding events of `types` (ts below `to`) may be dropped whole at `now`:
 * every type in it has an age and `to <= now - age` for the longest of them, so each event in
 * it is past its own type's age. One type kept forever keeps the partition (its shorter-lived
 * types are then removed by bounded deletes). An empty partition goes when it is past the
 * longest age configured (a type kept forever keeps nothing that is not there).
 */
export function partitionExpired(
  rules: RetentionRules,
  types: readonly string[],
  to: number,
  now: number,
): boolean {
  return partitionCutoff(rules, types, to, now) !== null;
}

/** When the partition has expired (partitionExpired), `now` minus the longest age of its types:
 *  an event in it received at or after this time arrived late and keeps it (retention judges
 *  age by the event's clock and by the console's); otherwise null. */
export function partitionCutoff(
  rules: RetentionRules,
  types: readonly string[],
  to: number,
  now: number,
): number | null {
  let longest = 0;
  if (types.length === 0) {
    if (!retentionConfigured(rules)) return null;
    longest = Math.max(rules.default ?? 0, ...Object.values(rules.types));
  }
  for (const t of types) {
    const ms = retentionAge(rules, t);
    if (ms === null) return null;
    longest = Math.max(longest, ms);
  }
  return to <= now - longest ? now - longest : null;
}
