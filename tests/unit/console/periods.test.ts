// The report's weeks and months are the viewer's: Monday to Monday and 1st to 1st at the
// viewer's midnight, whole across a daylight-saving change, and stepping back and forth.
import { afterEach, describe, expect, it } from 'vitest';
import { periodOf } from '../../../src/console/web/periods.js';

const saved = process.env.TZ;
const H = 3_600_000;

describe('report periods', () => {
  afterEach(() => {
    process.env.TZ = saved;
  });

  it('a week is Monday to Monday in Shanghai, also seen from a Sunday night and a Monday dawn', () => {
    process.env.TZ = 'Asia/Shanghai';
    // Tuesday 2026-12-01 10:00 in Shanghai.
    const w = periodOf('week', Date.parse('2026-12-01T02:00:00Z'));
    expect(w).toEqual({
      kind: 'week',
      from: Date.parse('2026-11-29T16:00:00Z'),
      to: Date.parse('2026-12-06T16:00:00Z'),
      fromDate: '2026-11-30',
      toDate: '2026-12-07',
      lastDate: '2026-12-06',
    });
    // Sunday 23:59 and Monday 00:00 (Shanghai) fall in different weeks.
    expect(periodOf('week', Date.parse('2026-12-06T15:59:00Z')).fromDate).toBe('2026-11-30');
    expect(periodOf('week', Date.parse('2026-12-06T16:00:00Z')).fromDate).toBe('2026-12-07');
    expect(periodOf('week', Date.parse('2026-12-01T02:00:00Z'), -1)).toMatchObject({
      fromDate: '2026-11-23',
      toDate: '2026-11-30',
    });
  });

  it('a month runs from its 1st to the next, across the year too', () => {
    process.env.TZ = 'Asia/Shanghai';
    const now = Date.parse('2026-12-01T02:00:00Z');
    expect(periodOf('month', now)).toMatchObject({
      from: Date.parse('2026-11-30T16:00:00Z'),
      fromDate: '2026-12-01',
      toDate: '2027-01-01',
      lastDate: '2026-12-31',
    });
    expect(periodOf('month', now, 1)).toMatchObject({
      fromDate: '2027-01-01',
      toDate: '2027-02-01',
    });
    expect(periodOf('month', now, -10)).toMatchObject({
      fromDate: '2026-02-01',
      lastDate: '2026-02-28',
    });
  });

  it('keeps the week of New York’s change from daylight saving whole (169 hours)', () => {
    process.env.TZ = 'America/New_York';
    const w = periodOf('week', Date.parse('2026-11-01T12:00:00Z'));
    expect(w.fromDate).toBe('2026-10-26');
    expect(w.toDate).toBe('2026-11-02');
    expect(w.to - w.from).toBe(169 * H);
  });
});
