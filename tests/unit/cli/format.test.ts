import { describe, expect, it } from 'vitest';
import { toFilter } from '../../../src/cli/event-filter.js';
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
    // Full-width forms too (core/csv.ts), and a control character never reaches the file raw.
    const wide = formatCsv([ev({ path: '＝HYPERLINK("x")' }, { user: 'li\u001b[2J' })]);
    expect(wide.split('\r\n')[1]).toContain(`"'＝HYPERLINK(""x"")"`);
    expect(wide).toContain('li\\u001b[2J');
    expect(wide).not.toContain('\u001b');
  });
  it('parses times and limits, refusing nonsense with exit 2', () => {
    expect(parseTime('2h', 10 * 3600e3)).toBe(8 * 3600e3);
    expect(() => parseTime('99999999d', Date.now())).toThrow(
      expect.objectContaining({ code: 'CLI_BAD_TIME', exit: 2 }),
    );
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
  it('refuses an impossible day, an empty filter and a range that ends before it starts', () => {
    expect(parseTime('2024-02-29T00:00:00Z', 0)).toBe(Date.parse('2024-02-29T00:00:00Z'));
    // A date alone is local midnight, as a date and time without a zone is (never UTC's).
    const tz = process.env.TZ;
    try {
      for (const zone of ['Asia/Shanghai', 'Pacific/Kiritimati', 'America/Los_Angeles']) {
        process.env.TZ = zone;
        expect(parseTime('2026-12-03', 0), zone).toBe(new Date(2026, 11, 3).getTime());
        expect(parseTime('2026-12-03', 0), zone).toBe(parseTime('2026-12-03T00:00', 0));
      }
      process.env.TZ = 'Asia/Shanghai';
      expect(parseTime('2026-12-03', 0)).toBe(Date.parse('2026-12-02T16:00:00Z'));
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    for (const bad of [
      '2026-02-31T00:00:00Z',
      '2025-02-29',
      '2026-13-01',
      '2026-04-31T08:00+08:00',
      '',
    ])
      expect(() => parseTime(bad, 0), bad).toThrow(
        expect.objectContaining({ code: 'CLI_BAD_TIME', exit: 2 }),
      );
    for (const flags of [
      { since: '' },
      { until: ' ' },
      { text: '' },
      { level: '' },
      { type: [''] },
      { type: ['usb.*,'] },
    ])
      expect(() => toFilter(flags, 0), JSON.stringify(flags)).toThrow(
        expect.objectContaining({ code: 'CLI_EMPTY_VALUE', exit: 2 }),
      );
    expect(() => toFilter({ since: '1h', until: '2h' }, 10 * 3600e3)).toThrow(
      expect.objectContaining({ code: 'CLI_TIME_RANGE', exit: 2 }),
    );
    expect(toFilter({ since: '2h', until: '1h', type: ['usb.*', 'file.*'] }, 10 * 3600e3)).toEqual({
      since: 8 * 3600e3,
      until: 9 * 3600e3,
      types: ['usb.*', 'file.*'],
    });
    expect(toFilter({ text: ' ' }, 0)).toEqual({ text: ' ' });
  });
});
