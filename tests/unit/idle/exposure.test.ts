// Exposure per user and local day (issue 10 point 3): what counts, across midnight, across a
// user switch, with the clock set back or forward, and what the records say.
import { describe, expect, it } from 'vitest';
import {
  createExposureMeter,
  ExposureMeter,
  nextLocalDay,
} from '../../../src/core/idle/exposure.js';
import { at, MIN, policy, S, T0 } from './helpers.js';

const HOUR = 60 * MIN;
/** China Standard Time, UTC+8, no DST. T0 is 16:00 there on 2026-11-30. */
const cst = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);
/** Local midnight starting 2026-12-01, ms after T0. */
const MID = 8 * HOUR;
const R = 20 * S;
const meter = () => createExposureMeter(policy({ remindAfter: R }), cst);
const rec = (minutes: number, final = false, date = '2026-11-30', user = 'wang.fang') => ({
  user,
  date,
  minutes,
  final,
});

describe('ExposureMeter: what counts', () => {
  it('idle time beyond remindAfter, measured between readings, once', () => {
    const m = meter();
    expect(m).toBeInstanceOf(ExposureMeter);
    m.add(at(0, 0));
    m.add(at(10 * S, 10 * S));
    m.add(at(30 * S, 30 * S));
    m.add(at(50 * S, 50 * S));
    expect(m.flush(T0 + 50 * S)).toEqual([rec(0.5)]);
    // Flushed: the next record starts from zero.
    expect(m.flush(T0 + 50 * S)).toEqual([]);
  });

  it('nothing before the first reading is proved: the first reading counts nothing', () => {
    const m = meter();
    m.add(at(0, 5 * MIN));
    expect(m.flush(T0)).toEqual([rec(0)]);
    m.add(at(MIN, 6 * MIN));
    expect(m.flush(T0 + MIN)).toEqual([rec(1)]);
  });

  it('input between readings: the time after the earlier reading is not counted', () => {
    const m = meter();
    m.add(at(0, 0));
    m.add(at(30 * S, 30 * S)); // 10 s beyond remindAfter
    m.add(at(60 * S, 5 * S)); // input at 55 s: 30–55 s unproved
    m.add(at(80 * S, 25 * S)); // 5 s beyond remindAfter in the new stretch
    expect(m.flush(T0 + 80 * S)).toEqual([rec(0.25)]);
  });

  it('locked: nothing; after an unlock it counts from the unlock', () => {
    const m = meter();
    m.add(at(0, 0));
    m.add(at(30 * S, 30 * S)); // 10 s
    m.add(at(60 * S, 60 * S, { locked: true }));
    m.add(at(5 * MIN, 5 * MIN, { locked: true }));
    m.add(at(6 * MIN, 6 * MIN)); // unlocked without input: counts from here
    m.add(at(6 * MIN + 30 * S, 6 * MIN + 30 * S)); // 30 s idle: 10 s
    expect(m.flush(T0 + 7 * MIN)).toEqual([rec(0.33)]);
  });

  it('an unknown idle time in between: the stretch goes on and is counted through', () => {
    const m = meter();
    m.add(at(0, 0));
    m.add(at(30 * S, null));
    m.add(at(60 * S, 60 * S));
    expect(m.flush(T0 + 60 * S)).toEqual([rec(0.67)]);
  });

  it('a policy change applies its remindAfter from the next reading', () => {
    const m = meter();
    m.add(at(0, 0));
    m.add(at(30 * S, 30 * S)); // 10 s
    m.setPolicy(policy({ remindAfter: 40 * S }));
    m.add(at(60 * S, 60 * S)); // 60 - 40 = 20 s
    expect(m.flush(T0 + 60 * S)).toEqual([rec(0.5)]);
  });

  it('a user switch: each person their own bucket, the new one counted from the switch', () => {
    const m = meter();
    m.add(at(0, 0));
    m.add(at(60 * S, 60 * S)); // wang.fang: 40 s
    m.add(at(90 * S, 90 * S, { user: 'li.lei' })); // from here
    m.add(at(2 * MIN, 2 * MIN, { user: 'li.lei' })); // 30 s idle: 10 s
    m.add(at(3 * MIN, 3 * MIN, { user: null })); // nobody: no bucket
    expect(m.flush(T0 + 3 * MIN)).toEqual([rec(0.17, false, '2026-11-30', 'li.lei'), rec(0.67)]);
  });

  it('observed days get a record even with zero minutes; unknown or nobody, none', () => {
    const locked = meter();
    locked.add(at(0, null, { locked: true }));
    expect(locked.flush(T0)).toEqual([rec(0)]);
    const unknown = meter();
    unknown.add(at(0, null));
    unknown.add(at(0, 5 * MIN, { user: null }));
    expect(unknown.flush(T0)).toEqual([]);
  });

  it('minutes have two decimals, rounded', () => {
    const m = meter();
    m.add(at(0, 0));
    m.add(at(R + 299, R + 299)); // 0.00498 min
    expect(m.flush(T0 + MIN)).toEqual([rec(0)]);
    m.add(at(R + 599, R + 599)); // 300 ms more: 0.005 min
    expect(m.flush(T0 + MIN)).toEqual([rec(0.01)]);
  });
});

describe('ExposureMeter: days, and the clock', () => {
  it('a stretch across local midnight is split at midnight; due() closes the day that ended', () => {
    const m = meter();
    m.add(at(MID - 2 * MIN, 0));
    expect(m.due(T0 + MID - MIN)).toEqual([]);
    // 5 min idle at 00:03: 280 s counted, from 23:58:20 to 00:03.
    m.add(at(MID + 3 * MIN, 5 * MIN));
    expect(m.due(T0 + MID + 3 * MIN)).toEqual([rec(1.67, true)]);
    expect(m.due(T0 + MID + 3 * MIN)).toEqual([]);
    expect(m.flush(T0 + MID + 3 * MIN)).toEqual([rec(3, false, '2026-12-01')]);
  });

  it('a span ending exactly at midnight belongs to the day before; one starting there, after', () => {
    const m = meter();
    m.add(at(MID - 50 * S, 0));
    m.add(at(MID, 50 * S)); // 30 s up to 00:00:00.000
    m.add(at(MID + 30 * S, 80 * S)); // 30 s from 00:00:00.000
    expect(m.flush(T0 + MID + 30 * S)).toEqual([rec(0.5, true), rec(0.5, false, '2026-12-01')]);
  });

  it('a span of several days is shared out day by day', () => {
    const m = meter();
    m.add(at(0, 0));
    m.add(at(50 * HOUR, 50 * HOUR));
    expect(m.flush(T0 + 50 * HOUR)).toEqual([
      rec(479.67, true), // 8 h less the first 20 s
      rec(24 * 60, true, '2026-12-01'),
      rec(18 * 60, false, '2026-12-02'),
    ]);
  });

  it('minutes a later reading still places on a closed day come out as another final record', () => {
    const m = meter();
    m.add(at(MID - 2 * MIN, 0));
    m.add(at(MID - 30 * S, 90 * S)); // 70 s on 11-30
    // The day ends; the agent closes it before reading again.
    expect(m.due(T0 + MID + S)).toEqual([rec(1.17, true)]);
    m.add(at(MID + 2 * MIN, 4 * MIN)); // 150 s more: 30 s on 11-30, 120 s on 12-01
    expect(m.due(T0 + MID + 2 * MIN)).toEqual([rec(0.5, true)]);
    expect(m.flush(T0 + MID + 2 * MIN)).toEqual([rec(2, false, '2026-12-01')]);
  });

  it('a clock set back: never negative; minutes go to the day the clock says', () => {
    const m = meter();
    m.add(at(MID + MIN, 0));
    m.add(at(MID + 2 * MIN, 60 * S)); // 40 s on 12-01
    m.add(at(MID - 8 * MIN, 90 * S)); // clock back 10 min; 30 s more, on 11-30
    m.add(at(MID - 9 * MIN, 95 * S)); // back again, 5 s more
    const out = m.flush(T0 + MID - 8 * MIN);
    expect(out).toEqual([rec(0.58), rec(0.67, false, '2026-12-01')]);
    expect(out.every((r) => r.minutes >= 0)).toBe(true);
  });

  it('a clock set forward invents nothing: the jump reads as input', () => {
    const m = meter();
    m.add(at(0, 0));
    m.add(at(30 * S, 30 * S)); // 10 s
    m.add(at(30 * S + HOUR, 40 * S)); // the clock jumped an hour
    m.add(at(40 * S + HOUR, 50 * S)); // 10 s
    expect(m.flush(T0 + HOUR + 40 * S)).toEqual([rec(0.33)]);
  });

  it('records come sorted by date, then user', () => {
    const m = meter();
    m.add(at(MID - MIN, 0, { user: 'zhao' }));
    m.add(at(MID, 0, { user: 'li.lei' }));
    m.add(at(MID + MIN, 0, { user: 'zhao' }));
    m.add(at(MID + 2 * MIN, 0, { user: 'an' }));
    expect(m.flush(T0 + MID + 2 * MIN)).toEqual([
      rec(0, true, '2026-11-30', 'zhao'),
      rec(0, false, '2026-12-01', 'an'),
      rec(0, false, '2026-12-01', 'li.lei'),
      rec(0, false, '2026-12-01', 'zhao'),
    ]);
  });
});

describe('nextLocalDay', () => {
  it('is the first instant of the next local day', () => {
    expect(nextLocalDay(T0, cst)).toBe(T0 + MID);
    expect(nextLocalDay(T0 + MID - 1, cst)).toBe(T0 + MID);
    expect(nextLocalDay(T0 + MID, cst)).toBe(T0 + MID + 24 * HOUR);
    expect(meter().nextDueAt(T0)).toBe(T0 + MID);
  });

  it('follows daylight saving time: 23- and 25-hour days', () => {
    const berlin = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Berlin',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const local = (ms: number) => berlin.format(ms);
    // 2026-03-29 00:30 CET → 2026-03-30 00:00 CEST.
    expect(nextLocalDay(Date.UTC(2026, 2, 28, 23, 30), local)).toBe(Date.UTC(2026, 2, 29, 22, 0));
    // 2026-10-25 00:30 CEST → 2026-10-26 00:00 CET.
    expect(nextLocalDay(Date.UTC(2026, 9, 24, 22, 30), local)).toBe(Date.UTC(2026, 9, 25, 23, 0));
  });

  it('gives up after 48 hours on a date that never changes', () => {
    expect(nextLocalDay(T0, () => '2026-11-30')).toBe(T0 + 48 * HOUR);
  });
});
