import { describe, expect, it } from 'vitest';
import { detailOf, formatCsv, formatTable } from '../../../src/cli/format.js';
import { parseLimit, parseTime } from '../../../src/cli/time.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';

const ev = (data: BaomiEvent['data'], over: Partial<BaomiEvent> = {}): BaomiEvent => ({
  id: '0190',
  seq: 1,
  ts: 0,
  type: 'file.renamed',
  severity: 'info',
  host: 'h',
  data,
  prevHash: '0'.repeat(64),
  hash: 'f'.repeat(64),
  ...over,
});

describe('event formatting', () => {
  it('shows renames and escapes newlines in names', () => {
    expect(detailOf(ev({ oldPath: '/a', path: '/b\nc' }))).toBe('/a → /b\\nc');
  });
  it('aligns columns with Chinese text counted as two columns', () => {
    const t = (k: string) => k.replace('cli.head.', '').toUpperCase();
    const out = formatTable(
      [ev({ path: '/报表' }, { level: '绝密' }), ev({ path: '/x' }, { seq: 22, level: 'A' })],
      t,
    );
    const [h, a, b] = out.split('\n');
    expect(h!.indexOf('USER')).toBeGreaterThan(0);
    expect(a).toMatch(/绝密 {3}\S*\s*\/报表$/);
    expect(b).toMatch(/A {6}\S*\s*\/x$/);
  });
  it('quotes CSV cells and defuses formulas', () => {
    const csv = formatCsv([ev({ path: '=cmd|" /C calc"!A0' })]);
    expect(csv.split('\r\n')[1]).toContain(`"'=cmd|"" /C calc""!A0"`);
  });
  it('parses times and limits, refusing nonsense with exit 2', () => {
    expect(parseTime('2h', 10 * 3600e3)).toBe(8 * 3600e3);
    expect(parseTime('2026-11-27T00:00:00Z', 0)).toBe(Date.parse('2026-11-27T00:00:00Z'));
    expect(() => parseTime('yesterday', 0)).toThrow(
      expect.objectContaining({ code: 'CLI_BAD_TIME', exit: 2 }),
    );
    expect(parseLimit('5')).toBe(5);
    expect(parseLimit('0')).toBeUndefined(); // 0: no limit, the whole export
    expect(parseLimit(undefined)).toBeUndefined();
    for (const bad of ['-1', '1.5', 'ten', ''])
      expect(() => parseLimit(bad)).toThrow(expect.objectContaining({ exit: 2 }));
  });
});
