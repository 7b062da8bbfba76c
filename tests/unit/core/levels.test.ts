import { describe, expect, it } from 'vitest';
import { isLevel, type Level, levelAtLeast, levelsAtOrAbove } from '../../../src/core/levels.js';

describe('levelAtLeast', () => {
  it.each([
    ['A', 'A', true],
    ['AA', 'A', true],
    ['AAA', 'AA', true],
    ['A', 'AA', false],
    ['AA', 'AAA', false],
    ['秘密', '秘密', true],
    ['绝密', '机密', true],
    ['秘密', '机密', false],
    ['机密', '绝密', false],
    // never across scales
    ['绝密', 'A', false],
    ['AAA', '秘密', false],
    // unknown or absent never qualifies
    ['AAAA', 'A', false],
    ['', 'A', false],
    [undefined, 'A', false],
  ] as const)('%s ≥ %s → %s', (actual, min, want) => {
    expect(levelAtLeast(actual, min)).toBe(want);
  });

  it('a required level on neither scale is met by nothing (fails closed)', () => {
    // A rule the schema should have refused must not turn into "every carrier qualifies".
    for (const actual of ['A', 'AAA', '绝密', 'X', undefined]) {
      expect(levelAtLeast(actual, 'X' as Level)).toBe(false);
    }
  });

  it('knows exactly the six levels', () => {
    for (const l of ['A', 'AA', 'AAA', '秘密', '机密', '绝密']) expect(isLevel(l)).toBe(true);
    for (const l of ['a', 'B', '', '商秘', '核心']) expect(isLevel(l)).toBe(false);
  });
});

describe('levelsAtOrAbove', () => {
  it('lists the level and those above it on its own scale, lowest first', () => {
    expect(levelsAtOrAbove('A')).toEqual(['A', 'AA', 'AAA']);
    expect(levelsAtOrAbove('AA')).toEqual(['AA', 'AAA']);
    expect(levelsAtOrAbove('AAA')).toEqual(['AAA']);
    expect(levelsAtOrAbove('秘密')).toEqual(['秘密', '机密', '绝密']);
    expect(levelsAtOrAbove('机密')).toEqual(['机密', '绝密']);
  });

  it('keeps a level on neither scale as itself, so a filter by it matches only it', () => {
    expect(levelsAtOrAbove('X')).toEqual(['X']);
  });
});
