// The two classification scales (DESIGN.md "Levels"). Each is ordered lowest first; a rule
// that names a level matches that level or higher on the same scale, never across scales.
// src/core/policy has the same helper; kept here so alerts depend on nothing but events.
export const TRADE_SECRET_LEVELS = ['A', 'AA', 'AAA'] as const;
export const STATE_SECRET_LEVELS = ['秘密', '机密', '绝密'] as const;
export type Level = (typeof TRADE_SECRET_LEVELS)[number] | (typeof STATE_SECRET_LEVELS)[number];

const SCALES: readonly (readonly string[])[] = [TRADE_SECRET_LEVELS, STATE_SECRET_LEVELS];

export function isLevel(s: string): s is Level {
  return SCALES.some((scale) => scale.includes(s));
}

/**
 * True when `actual` is `min` or higher on `min`'s scale. An absent or unknown `actual`
 * never qualifies: an event we cannot place must not satisfy a rule about classified carriers.
 */
export function levelAtLeast(actual: string | undefined, min: Level): boolean {
  if (actual === undefined) return false;
  for (const scale of SCALES) {
    const need = scale.indexOf(min);
    if (need === -1) continue;
    const have = scale.indexOf(actual);
    return have !== -1 && have >= need;
  }
  return false;
}
