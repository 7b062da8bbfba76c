// The two level scales of DESIGN.md ("Levels"). A filter that names a level means "this level
// or higher, on the same scale", as policy rules do.
const SCALES: readonly (readonly string[])[] = [
  ['A', 'AA', 'AAA'],
  ['秘密', '机密', '绝密'],
];

/** The levels at or above `level` on its scale; just `[level]` if it is on neither. */
export function levelsAtOrAbove(level: string): string[] {
  for (const scale of SCALES) {
    const i = scale.indexOf(level);
    if (i >= 0) return scale.slice(i);
  }
  return [level];
}
