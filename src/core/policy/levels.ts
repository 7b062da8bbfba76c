// Classification levels (DESIGN.md "Levels"): two separate ordered scales. A rule that names a
// level means "this level or higher, on the same scale"; levels on different scales never
// compare, so a 绝密 folder does not satisfy a rule about AAA and vice versa.
export const TRADE_SECRET_LEVELS = ['A', 'AA', 'AAA'] as const;
export const STATE_SECRET_LEVELS = ['秘密', '机密', '绝密'] as const;
export const LEVELS = [...TRADE_SECRET_LEVELS, ...STATE_SECRET_LEVELS] as const;
export type Level = (typeof LEVELS)[number];

export function isLevel(s: unknown): s is Level {
  return typeof s === 'string' && (LEVELS as readonly string[]).includes(s);
}

/** True when `actual` is on the same scale as `required` and at least as high. */
export function levelAtLeast(actual: Level, required: Level): boolean {
  for (const scale of [TRADE_SECRET_LEVELS, STATE_SECRET_LEVELS] as const) {
    const a = (scale as readonly string[]).indexOf(actual);
    const r = (scale as readonly string[]).indexOf(required);
    if (a >= 0 && r >= 0) return a >= r;
  }
  return false;
}
