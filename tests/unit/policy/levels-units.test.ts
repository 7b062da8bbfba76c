import { describe, expect, it } from 'vitest';
import {
  LEVELS,
  type Level,
  levelAtLeast,
  parseDuration,
  parseRfc3339,
  parseSize,
} from '../../../src/core/policy/index.js';

describe('levelAtLeast', () => {
  it('orders each scale and never compares across scales', () => {
    const yes: [Level, Level][] = [
      ['A', 'A'],
      ['AA', 'A'],
      ['AAA', 'AA'],
      ['AAA', 'A'],
      ['机密', '秘密'],
      ['绝密', '机密'],
      ['绝密', '绝密'],
    ];
    const no: [Level, Level][] = [
      ['A', 'AA'],
      ['AA', 'AAA'],
      ['秘密', '机密'],
      ['绝密', 'A'],
      ['AAA', '秘密'],
      ['A', '绝密'],
    ];
    for (const [a, r] of yes) expect(levelAtLeast(a, r), `${a} >= ${r}`).toBe(true);
    for (const [a, r] of no) expect(levelAtLeast(a, r), `${a} >= ${r}`).toBe(false);
    expect(LEVELS).toEqual(['A', 'AA', 'AAA', '秘密', '机密', '绝密']);
  });
});

describe('units', () => {
  it('parses durations and refuses the rest', () => {
    expect([
      parseDuration('90s'),
      parseDuration('3m'),
      parseDuration('1h'),
      parseDuration('7d'),
    ]).toEqual([90_000, 180_000, 3_600_000, 604_800_000]);
    for (const bad of ['0m', '-1m', '1.5h', '3', 'm', '3w', ' 3m', '3m ', '99999999999999999d']) {
      expect(parseDuration(bad), bad).toBeNull();
    }
  });

  it('parses sizes with 1024-based units', () => {
    expect(parseSize('2GB')).toBe(2 * 1024 ** 3);
    expect(parseSize('500MB')).toBe(500 * 1024 ** 2);
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('10B')).toBe(10);
    for (const bad of ['0GB', '2gb', '2 GB', '1.5GB', 'GB', '2PB'])
      expect(parseSize(bad), bad).toBeNull();
  });

  it('parses RFC 3339 with zones and checks the calendar', () => {
    expect(parseRfc3339('2026-11-27T00:00:00Z')).toBe(Date.UTC(2026, 10, 27));
    expect(parseRfc3339('2026-11-27T08:00:00+08:00')).toBe(Date.UTC(2026, 10, 27));
    expect(parseRfc3339('2026-11-27t00:00:00.5z')).toBe(Date.UTC(2026, 10, 27) + 500);
    expect(parseRfc3339('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseRfc3339('0099-01-01T00:00:00Z')).toBe(Date.parse('0099-01-01T00:00:00Z'));
    for (const bad of [
      '2026-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T00:00:00',
      '2026-01-01',
      '2026-01-01T00:00:00+25:00',
    ]) {
      expect(parseRfc3339(bad), bad).toBeNull();
    }
  });
});
