// The overview page's days are the viewer's (issue 13 §10): hours counted in UTC land on the
// viewer's date, a daylight-saving change keeps every day whole, and nothing outside the
// window is folded into its first or last day.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../src/core/console/overview.js';
import { family, hourCounts, lastDays, localDate, perDay } from '../../../src/ui/days.js';

const saved = process.env.TZ;
const hourOf = (iso: string) => Math.floor(Date.parse(iso) / HOUR_MS);

describe('overview days', () => {
  afterEach(() => {
    process.env.TZ = saved;
  });

  describe('in Shanghai (UTC+8)', () => {
    beforeEach(() => {
      process.env.TZ = 'Asia/Shanghai';
    });

    it('puts the hour 16:00 UTC on the next local day and 15:00 UTC on the same one', () => {
      expect(localDate(Date.parse('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
      expect(localDate(Date.parse('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
      const days = lastDays(Date.parse('2026-12-01T03:00:00Z'), 2);
      expect(days.map((d) => d.key)).toEqual(['2026-11-30', '2026-12-01']);
      expect(days[1]!.start).toBe(Date.parse('2026-11-30T16:00:00Z'));
      const t = perDay(
        [
          { hour: hourOf('2026-11-30T15:00:00Z'), type: 'usb.blocked', n: 2 },
          { hour: hourOf('2026-11-30T16:00:00Z'), type: 'usb.blocked', n: 3 },
          { hour: hourOf('2026-11-30T16:00:00Z'), type: 'usb.allowed', n: 1 },
          { hour: hourOf('2026-11-30T17:00:00Z'), type: 'file.created', n: 7 },
        ],
        days,
        family,
      );
      expect(t.cells.get('usb')).toEqual([2, 4]);
      expect(t.cells.get('file')).toEqual([0, 7]);
      expect(t.totals).toEqual([2, 11]);
      expect(t.series).toEqual(['file', 'usb']);
    });

    it('leaves out hours outside the window and types the series does not take', () => {
      const days = lastDays(Date.parse('2026-12-01T03:00:00Z'), 1);
      const t = perDay(
        [
          { hour: hourOf('2026-11-30T15:00:00Z'), type: 'usb.blocked', n: 5 }, // the day before
          { hour: hourOf('2026-12-01T16:00:00Z'), type: 'usb.blocked', n: 5 }, // tomorrow
          { hour: hourOf('2026-12-01T00:00:00Z'), type: 'usb.blocked', n: 1 },
          { hour: hourOf('2026-12-01T00:00:00Z'), type: 'usb.allowed', n: 9 },
        ],
        days,
        (type) => (type === 'usb.blocked' ? 'blocked' : null),
      );
      expect(t.cells.get('blocked')).toEqual([1]);
      expect(t.totals).toEqual([1]);
      expect(t.series).toEqual(['blocked']);
    });
  });

  it('keeps a 25-hour day whole when New York leaves daylight saving', () => {
    process.env.TZ = 'America/New_York';
    // 2026-11-01 is 25 hours long in New York: 04:00 UTC to 05:00 UTC the next day.
    const days = lastDays(Date.parse('2026-11-02T12:00:00Z'), 3);
    expect(days.map((d) => d.key)).toEqual(['2026-10-31', '2026-11-01', '2026-11-02']);
    expect(days[2]!.start - days[1]!.start).toBe(25 * HOUR_MS);
    const t = perDay(
      [
        { hour: hourOf('2026-11-01T04:00:00Z'), type: 'idle.reminded', n: 1 }, // 00:00 EDT
        { hour: hourOf('2026-11-02T04:00:00Z'), type: 'idle.reminded', n: 1 }, // 23:00 EST
        { hour: hourOf('2026-11-02T05:00:00Z'), type: 'idle.reminded', n: 1 }, // 00:00 EST
      ],
      days,
      family,
    );
    expect(t.cells.get('idle')).toEqual([0, 2, 1]);
  });

  it('names a type without a dot by itself', () => {
    expect(family('usb.exception-ended')).toBe('usb');
    expect(family('custom')).toBe('custom');
  });

  it('counts events per UTC hour and type (the tray counts what it loaded)', () => {
    const at = (iso: string, type: string) => ({ ts: Date.parse(iso), type });
    const counts = hourCounts([
      at('2026-11-02T10:00:00Z', 'usb.blocked'),
      at('2026-11-02T10:59:59Z', 'usb.blocked'),
      at('2026-11-02T10:30:00Z', 'file.created'),
      at('2026-11-02T11:00:00Z', 'usb.blocked'),
    ]);
    const h = hourOf('2026-11-02T10:00:00Z');
    expect(counts).toEqual([
      { hour: h, type: 'usb.blocked', n: 2 },
      { hour: h, type: 'file.created', n: 1 },
      { hour: h + 1, type: 'usb.blocked', n: 1 },
    ]);
    expect(hourCounts([])).toEqual([]);
  });
});
