// The reminder state machine over every path of issue 10 point 2: reminders and their repeats,
// input, lock and unlock, a new seat user, a policy change mid-idle, unknown idle time, and
// when it asks to be read again.
import { describe, expect, it } from 'vitest';
import { createReminder, LOCK_SETTLE_MS, Reminder } from '../../../src/core/idle/reminder.js';
import { at, idleSince, MIN, policy, S, T0 } from './helpers.js';

const remind = (idleMs: number, n: number, user = 'wang.fang') => ({
  type: 'remind',
  user,
  idleMs,
  n,
});
const lock = (idleMs: number, user = 'wang.fang') => ({ type: 'lock', user, idleMs });

describe('Reminder: reminders', () => {
  it('reminds after remindAfter without input, not a millisecond before', () => {
    const m = createReminder(policy());
    expect(m).toBeInstanceOf(Reminder);
    const r = idleSince(0);
    expect(m.observe(r(0))).toEqual([]);
    expect(m.nextCheckAt()).toBe(T0 + 3 * MIN);
    expect(m.observe(r(3 * MIN - 1))).toEqual([]);
    expect(m.nextCheckAt()).toBe(T0 + 3 * MIN);
    expect(m.observe(r(3 * MIN))).toEqual([remind(3 * MIN, 1)]);
  });

  it('repeats exactly every `repeat` while idleness lasts, asking to be read at each one', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    m.observe(r(0));
    const seen: [number, unknown[]][] = [];
    for (let i = 0; i < 6; i++) {
      const next = m.nextCheckAt()!;
      seen.push([next - T0, m.observe(r(next - T0))]);
    }
    expect(seen).toEqual([
      [3 * MIN, [remind(3 * MIN, 1)]],
      [5 * MIN, [remind(5 * MIN, 2)]],
      [7 * MIN, [remind(7 * MIN, 3)]],
      [9 * MIN, [remind(9 * MIN, 4)]],
      [11 * MIN, [remind(11 * MIN, 5)]],
      [13 * MIN, [remind(13 * MIN, 6)]],
    ]);
  });

  it('reads in between give nothing, and nothing twice', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    const actions = [];
    for (let t = 0; t <= 8 * MIN; t += 10 * S) actions.push(...m.observe(r(t)));
    expect(actions).toEqual([remind(3 * MIN, 1), remind(5 * MIN, 2), remind(7 * MIN, 3)]);
  });

  it('a late reading delays one reminder, not the ones after it (the grid is anchored)', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    m.observe(r(0));
    expect(m.observe(r(3 * MIN + 50 * S))).toEqual([remind(3 * MIN + 50 * S, 1)]);
    expect(m.nextCheckAt()).toBe(T0 + 5 * MIN);
    expect(m.observe(r(5 * MIN - 1))).toEqual([]);
    expect(m.observe(r(5 * MIN))).toEqual([remind(5 * MIN, 2)]);
  });

  it('a reading later than repeat/2 skips a grid point instead of reminding twice in a row', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    m.observe(r(0));
    // Exactly half a repeat late: the next grid point (5m) is one half repeat away: kept.
    expect(m.observe(r(4 * MIN))).toEqual([remind(4 * MIN, 1)]);
    expect(m.nextCheckAt()).toBe(T0 + 5 * MIN);
    const late = createReminder(policy());
    late.observe(r(0));
    expect(late.observe(r(4 * MIN + 1))).toEqual([remind(4 * MIN + 1, 1)]);
    // Grid 5m is less than a minute away: 7m, which is also when a fresh stretch could remind.
    expect(late.nextCheckAt()).toBe(T0 + 7 * MIN);
    expect(late.observe(r(5 * MIN))).toEqual([]);
    expect(late.observe(r(7 * MIN - 1))).toEqual([]);
    expect(late.observe(r(7 * MIN))).toEqual([remind(7 * MIN, 2)]);
  });

  it('an agent started while the person was already away reminds at once, then on the grid', () => {
    const m = createReminder(policy());
    expect(m.observe(at(0, 10 * MIN))).toEqual([remind(10 * MIN, 1)]);
    // Grid 3, 5, 7, 9, 11: 11m is the first at least a minute after 10m.
    expect(m.nextCheckAt()).toBe(T0 + MIN);
    expect(m.observe(at(MIN, 11 * MIN))).toEqual([remind(11 * MIN, 2)]);
  });

  it('never reminds while input continues', () => {
    const m = createReminder(policy({ remindAfter: 20 * S, repeat: 20 * S }));
    const actions = [];
    // Input every 15 s for an hour, read every 5 s.
    for (let t = 0; t <= 60 * MIN; t += 5 * S) actions.push(...m.observe(at(t, t % (15 * S))));
    expect(actions).toEqual([]);
    expect(m.state()).toMatchObject({ status: 'idle', reminders: 0 });
  });

  it('input resets: the count starts again and the next reminder is remindAfter after the input', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    m.observe(r(0));
    m.observe(r(3 * MIN));
    m.observe(r(5 * MIN));
    expect(m.state().reminders).toBe(2);
    // Input at 6m, read at 6m10s.
    const back = idleSince(6 * MIN);
    expect(m.observe(back(6 * MIN + 10 * S))).toEqual([]);
    expect(m.state()).toMatchObject({ reminders: 0, idleMs: 10 * S });
    expect(m.nextCheckAt()).toBe(T0 + 9 * MIN);
    expect(m.observe(back(9 * MIN))).toEqual([remind(3 * MIN, 1)]);
  });

  it('input that came between two readings resets even if the idle time read higher', () => {
    const m = createReminder(policy({ remindAfter: 20 * S, repeat: 2 * MIN }));
    const r = idleSince(0);
    m.observe(r(0));
    expect(m.observe(r(20 * S))).toEqual([remind(20 * S, 1)]);
    // The next reading is due at 40 s (a fresh stretch could cross 20 s by then), not 2m20s.
    expect(m.nextCheckAt()).toBe(T0 + 40 * S);
    // Input at 21 s; read at 40 s: 19 s idle. At 41 s, 20 s: the new stretch's first reminder.
    const back = idleSince(21 * S);
    expect(m.observe(back(40 * S))).toEqual([]);
    expect(m.nextCheckAt()).toBe(T0 + 41 * S);
    expect(m.observe(back(41 * S))).toEqual([remind(20 * S, 1)]);
  });
});

describe('Reminder: locking', () => {
  it('lock: false never asks for a lock, only reminds', () => {
    const m = createReminder(policy({ lockAfter: 4 * MIN, lock: false }));
    const r = idleSince(0);
    const actions = [];
    for (let t = 0; t <= 10 * MIN; t += 30 * S) actions.push(...m.observe(r(t)));
    expect(actions.map((a) => a.type)).toEqual(['remind', 'remind', 'remind', 'remind']);
    expect(m.state().lock).toBe('off');
  });

  it('lock: true asks once at lockAfter; locked, nothing; the unlock resets', () => {
    const m = createReminder(policy({ lock: true }));
    const r = idleSince(0);
    m.observe(r(0));
    expect(m.state().lock).toBe('armed');
    expect(m.observe(r(3 * MIN))).toEqual([remind(3 * MIN, 1)]);
    // The lock (5m) comes together with the second reminder's grid point.
    expect(m.nextCheckAt()).toBe(T0 + 5 * MIN);
    expect(m.observe(r(5 * MIN))).toEqual([lock(5 * MIN)]);
    expect(m.state().lock).toBe('asked');
    // The reminder due at 5m waits for the lock to show.
    expect(m.nextCheckAt()).toBe(T0 + 5 * MIN + LOCK_SETTLE_MS);
    // The lock took.
    expect(m.observe(r(5 * MIN + 2 * S))).toEqual([]);
    expect(m.observe(at(5 * MIN + 3 * S, 5 * MIN + 3 * S, { locked: true }))).toEqual([]);
    expect(m.state()).toMatchObject({ status: 'locked', idleMs: null, nextCheckAt: null });
    for (let t = 6 * MIN; t < 30 * MIN; t += MIN)
      expect(m.observe(at(t, t, { locked: true }))).toEqual([]);
    // Unlocked (no input): a new stretch counted from the unlock; the lock is armed again.
    expect(m.observe(r(30 * MIN))).toEqual([]);
    expect(m.state()).toMatchObject({ status: 'idle', idleMs: 0, reminders: 0, lock: 'armed' });
    expect(m.nextCheckAt()).toBe(T0 + 33 * MIN);
    expect(m.observe(r(33 * MIN))).toEqual([remind(3 * MIN, 1)]);
    expect(m.observe(r(35 * MIN))).toEqual([lock(5 * MIN)]);
  });

  it('a lock that fails: reminders go on after LOCK_SETTLE_MS, and no second lock', () => {
    const m = createReminder(policy({ lock: true }));
    const r = idleSince(0);
    m.observe(r(0));
    m.observe(r(3 * MIN));
    expect(m.observe(r(5 * MIN))).toEqual([lock(5 * MIN)]);
    expect(m.observe(r(5 * MIN + LOCK_SETTLE_MS - 1))).toEqual([]);
    expect(m.observe(r(5 * MIN + LOCK_SETTLE_MS))).toEqual([remind(5 * MIN + LOCK_SETTLE_MS, 2)]);
    expect(m.nextCheckAt()).toBe(T0 + 7 * MIN);
    const later = [];
    for (let t = 6 * MIN; t <= 20 * MIN; t += 30 * S) later.push(...m.observe(r(t)));
    expect(later.map((a) => a.type)).toEqual(Array(7).fill('remind'));
    expect(LOCK_SETTLE_MS).toBe(5_000);
  });

  it('lockAfter shorter than remindAfter: the lock comes first; if it fails, reminders follow', () => {
    const m = createReminder(policy({ remindAfter: 3 * MIN, lockAfter: MIN, lock: true }));
    const r = idleSince(0);
    m.observe(r(0));
    expect(m.nextCheckAt()).toBe(T0 + MIN);
    expect(m.observe(r(MIN))).toEqual([lock(MIN)]);
    // Input right after could begin a stretch that locks a minute later.
    expect(m.nextCheckAt()).toBe(T0 + 2 * MIN);
    expect(m.observe(r(2 * MIN))).toEqual([]);
    expect(m.nextCheckAt()).toBe(T0 + 3 * MIN);
    expect(m.observe(r(3 * MIN))).toEqual([remind(3 * MIN, 1)]);
    // After input, the next stretch's first check is lockAfter away.
    m.observe(at(4 * MIN, 0));
    expect(m.nextCheckAt()).toBe(T0 + 5 * MIN);
  });

  it('a lock due together with the first reminder: the lock alone', () => {
    const m = createReminder(policy({ remindAfter: MIN, lockAfter: MIN, lock: true }));
    m.observe(at(0, 0));
    expect(m.observe(at(2 * MIN, 2 * MIN))).toEqual([lock(2 * MIN)]);
    expect(m.nextCheckAt()).toBe(T0 + 2 * MIN + LOCK_SETTLE_MS);
  });
});

describe('Reminder: seat user, unknown idle time, nobody at the console', () => {
  it('a new seat user resets: counted from the switch, reminded as their first', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    m.observe(r(0));
    m.observe(r(3 * MIN));
    m.observe(r(5 * MIN));
    expect(m.observe(at(6 * MIN, 6 * MIN, { user: 'li.lei' }))).toEqual([]);
    expect(m.state()).toMatchObject({ user: 'li.lei', reminders: 0, idleMs: 0 });
    expect(m.nextCheckAt()).toBe(T0 + 9 * MIN);
    expect(m.observe(at(9 * MIN, 9 * MIN, { user: 'li.lei' }))).toEqual([
      remind(3 * MIN, 1, 'li.lei'),
    ]);
  });

  it('an unknown idle time: no action, the state says so, and the stretch goes on after it', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    m.observe(r(0));
    m.observe(r(3 * MIN));
    expect(m.observe(at(4 * MIN, null))).toEqual([]);
    expect(m.state()).toEqual({
      status: 'unknown',
      user: 'wang.fang',
      idleMs: null,
      reminders: 1,
      lock: 'off',
      nextCheckAt: null,
    });
    // Known again, still idle: the second reminder, not a first one again.
    expect(m.observe(r(5 * MIN))).toEqual([remind(5 * MIN, 2)]);
  });

  it('nobody at the console: no action, and no reading is asked for', () => {
    const m = createReminder(policy());
    expect(m.observe(at(0, 30 * MIN, { user: null }))).toEqual([]);
    expect(m.state()).toMatchObject({ status: 'no-user', user: null, nextCheckAt: null });
  });

  it('before any reading: waiting, nothing to check', () => {
    const m = createReminder(policy({ lock: true }));
    expect(m.nextCheckAt()).toBeNull();
    expect(m.state()).toEqual({
      status: 'waiting',
      user: null,
      idleMs: null,
      reminders: 0,
      lock: 'armed',
      nextCheckAt: null,
    });
  });
});

describe('Reminder: a policy change mid-idle', () => {
  it('the same policy again changes nothing: no second reminder', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    m.observe(r(0));
    m.observe(r(3 * MIN));
    m.setPolicy(policy());
    expect(m.observe(r(3 * MIN + 10 * S))).toEqual([]);
    expect(m.nextCheckAt()).toBe(T0 + 5 * MIN);
  });

  it('a shorter remindAfter already passed, nothing reminded yet: remind at the next reading', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    m.observe(r(0));
    m.observe(r(2 * MIN));
    m.setPolicy(policy({ remindAfter: MIN }));
    // Due now: nextCheckAt says so (a time already past).
    expect(m.nextCheckAt()).toBe(T0 + MIN);
    expect(m.observe(r(2 * MIN + S))).toEqual([remind(2 * MIN + S, 1)]);
    // Next on the new grid (1, 3, 5 min) at least a minute later: 5m; a fresh stretch: 3m01.
    expect(m.nextCheckAt()).toBe(T0 + 3 * MIN + S);
    expect(m.observe(r(3 * MIN + S))).toEqual([]);
    expect(m.nextCheckAt()).toBe(T0 + 4 * MIN + S);
    expect(m.observe(r(5 * MIN))).toEqual([remind(5 * MIN, 2)]);
  });

  it('a shorter remindAfter after a reminder: the next comes on the new grid, not at once', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    m.observe(r(0));
    m.observe(r(3 * MIN));
    m.setPolicy(policy({ remindAfter: MIN }));
    // New grid 1, 3, 5 min: 5 min is the first at least a minute after the 3 min reminder.
    expect(m.observe(r(3 * MIN + 10 * S))).toEqual([]);
    expect(m.observe(r(5 * MIN))).toEqual([remind(5 * MIN, 2)]);
  });

  it('a shorter repeat: the next reminder on the new grid, half a repeat after the last', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    m.observe(r(0));
    m.observe(r(3 * MIN));
    m.setPolicy(policy({ repeat: 30 * S }));
    expect(m.nextCheckAt()).toBe(T0 + 3 * MIN + 30 * S);
    expect(m.observe(r(3 * MIN + 29 * S))).toEqual([]);
    expect(m.observe(r(3 * MIN + 30 * S))).toEqual([remind(3 * MIN + 30 * S, 2)]);
  });

  it('a longer remindAfter before the first reminder postpones it', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    m.observe(r(0));
    m.setPolicy(policy({ remindAfter: 10 * MIN }));
    expect(m.observe(r(3 * MIN))).toEqual([]);
    expect(m.nextCheckAt()).toBe(T0 + 10 * MIN);
  });

  it('locking turned on past lockAfter: locks at the next reading; turned off: never', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    m.observe(r(0));
    m.observe(r(6 * MIN));
    m.setPolicy(policy({ lock: true }));
    expect(m.nextCheckAt()).toBe(T0 + 5 * MIN);
    expect(m.observe(r(6 * MIN + S))).toEqual([lock(6 * MIN + S)]);
    // Asked once in this stretch, even if the policy is applied again.
    m.setPolicy(policy({ lock: true }));
    expect(m.observe(r(7 * MIN)).map((a) => a.type)).not.toContain('lock');

    const off = createReminder(policy({ lock: true }));
    off.observe(r(0));
    off.setPolicy(policy({ lock: false }));
    expect(off.observe(r(5 * MIN)).map((a) => a.type)).not.toContain('lock');
    expect(off.state().lock).toBe('off');
  });
});

describe('Reminder: nextCheckAt', () => {
  it('is the earlier of this stretch’s next threshold and a fresh stretch’s first', () => {
    const m = createReminder(policy({ remindAfter: 3 * MIN, repeat: 10 * MIN, lock: true }));
    const r = idleSince(0);
    m.observe(r(0));
    expect(m.nextCheckAt()).toBe(T0 + 3 * MIN);
    m.observe(r(3 * MIN));
    // The lock (5m) before the next reminder (13m); a fresh stretch could not cross sooner.
    expect(m.nextCheckAt()).toBe(T0 + 5 * MIN);
    m.observe(r(5 * MIN));
    // Lock asked: next reminder at 13m, but a fresh stretch after 5m could cross 3m at 8m.
    expect(m.nextCheckAt()).toBe(T0 + 8 * MIN);
    expect(m.state().nextCheckAt).toBe(T0 + 8 * MIN);
  });

  it('with lock: false, a fresh stretch’s first threshold is remindAfter, whatever lockAfter is', () => {
    const m = createReminder(policy({ remindAfter: 3 * MIN, repeat: 10 * MIN, lockAfter: MIN }));
    const r = idleSince(0);
    m.observe(r(0));
    m.observe(r(3 * MIN));
    expect(m.nextCheckAt()).toBe(T0 + 6 * MIN);
  });

  it('an hour away with 3m/2m: 30 readings, not 3,600', () => {
    const m = createReminder(policy());
    const r = idleSince(0);
    let t = 0;
    let reads = 0;
    let reminders = 0;
    while (t <= 60 * MIN) {
      reads++;
      reminders += m.observe(r(t)).length;
      t = m.nextCheckAt()! - T0;
    }
    expect({ reads, reminders }).toEqual({ reads: 30, reminders: 29 });
  });
});
