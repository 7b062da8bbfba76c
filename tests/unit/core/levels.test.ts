import { describe, expect, it } from 'vitest';
import { isLevel, levelAtLeast } from '../../../src/core/levels.js';

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

  it('knows exactly the six levels', () => {
    for (const l of ['A', 'AA', 'AAA', '秘密', '机密', '绝密']) expect(isLevel(l)).toBe(true);
    for (const l of ['a', 'B', '', '商秘', '核心']) expect(isLevel(l)).toBe(false);
  });
});
