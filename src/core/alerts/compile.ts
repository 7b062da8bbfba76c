// Policy alert rules (durations already in ms after parsing) → the engine's rules.
import type { AlertRule } from '../policy/types.js';
import type { CompiledRule } from './engine.js';

/** 300000 → "5m": the largest whole unit, as IT would have written it. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}

export function compileAlertRules(rules: readonly AlertRule[]): CompiledRule[] {
  return rules.map((r) => ({
    match: r.match,
    ...(r.level ? { level: r.level } : {}),
    count: r.count,
    within: formatDuration(r.within),
    withinMs: r.within,
    severity: r.severity,
    per: r.per,
  }));
}
