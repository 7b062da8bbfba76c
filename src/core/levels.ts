// Classification levels (DESIGN.md "Levels"): two separate ordered scales, lowest first. A
// rule or filter that names a level means "this level or higher, on the same scale"; levels
// on different scales never compare, so a 绝密 folder does not satisfy a rule about AAA.
export const TRADE_SECRET_LEVELS = ['A', 'AA', 'AAA'] as const;
export const STATE_SECRET_LEVELS = ['秘密', '机密', '绝密'] as const;
export const LEVELS = [...TRADE_SECRET_LEVELS, ...STATE_SECRET_LEVELS] as const;
export type Level = (typeof LEVELS)[number];

const SCALES: readonly (readonly string[])[] = [TRADE_SECRET_LEVELS, STATE_SECRET_LEVELS];

export function isLevel(s: unknown): s is Level {
  return typeof s === 'string' && (LEVELS as readonly string[]).includes(s);
}

/**
 * True when `actual` is `required` or higher on `required`'s scale. An absent or unknown
 * `actual` never qualifies: a carrier we cannot place must not satisfy a rule about
 * classified carriers.
 */
export function levelAtLeast(actual: string | undefined, required: Level): boolean {
  if (actual === undefined) return false;
  for (const scale of SCALES) {
    const need = scale.indexOf(required);
    if (need === -1) continue;
    const have = scale.indexOf(actual);
    return have !== -1 && have >= need;
  }
  return false;
}

/** The levels at or above `level` on its scale; just `[level]` if it is on neither. */
export function levelsAtOrAbove(level: string): string[] {
  for (const scale of SCALES) {
    const i = scale.indexOf(level);
    if (i >= 0) return scale.slice(i);
  }
  return [level];
}
