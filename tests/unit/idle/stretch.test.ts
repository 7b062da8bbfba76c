// Idle stretches: what begins one (first reading, input, unlock, a new seat user) and what
// idle time counts in it.
import { describe, expect, it } from 'vitest';
import { INPUT_JITTER_MS, StretchTracker } from '../../../src/core/idle/stretch.js';
import { at, MIN, S } from './helpers.js';

describe('StretchTracker', () => {
  it('the first reading begins stretch 1 and counts the idle time the source reports', () => {
    const t = new StretchTracker();
    expect(t.observe(at(0, 10 * MIN))).toEqual({
      status: 'idle',
      user: 'wang.fang',
      idleMs: 10 * MIN,
      began: 'first',
      stretch: 1,
    });
    expect(t.observe(at(30 * S, 10 * MIN + 30 * S))).toEqual({
      status: 'idle',
      user: 'wang.fang',
      idleMs: 10 * MIN + 30 * S,
      began: null,
      stretch: 1,
    });
  });

  it('input: the idle time drops below the last reading', () => {
    const t = new StretchTracker();
    t.observe(at(0, 40 * S));
    const v = t.observe(at(10 * S, 3 * S));
    expect(v).toMatchObject({ began: 'input', idleMs: 3 * S, stretch: 2 });
  });

  it('input between two readings that left the idle time higher than before', () => {
    // Read at 0 with 10 s idle (last input at -10 s); input at +5 s; read at +20 s: 15 s idle.
    const t = new StretchTracker();
    t.observe(at(0, 10 * S));
    expect(t.observe(at(20 * S, 15 * S))).toMatchObject({ began: 'input', idleMs: 15 * S });
  });

  it('tolerates INPUT_JITTER_MS of wobble either way, and no more', () => {
    const t = new StretchTracker();
    t.observe(at(0, 60 * S));
    // The idle time reads lower by the jitter: the same stretch, counted as read.
    expect(t.observe(at(0, 60 * S - INPUT_JITTER_MS))).toMatchObject({
      began: null,
      idleMs: 60 * S - INPUT_JITTER_MS,
    });
    // One ms more is input.
    expect(t.observe(at(0, 60 * S - 2 * INPUT_JITTER_MS - 1))).toMatchObject({ began: 'input' });

    const u = new StretchTracker();
    u.observe(at(0, 60 * S));
    // The last input seems to have moved later by the jitter (read 10 s later, 9.5 s more idle).
    expect(u.observe(at(10 * S, 70 * S - INPUT_JITTER_MS))).toMatchObject({ began: null });
    expect(u.observe(at(20 * S, 80 * S - 2 * INPUT_JITTER_MS - 1))).toMatchObject({
      began: 'input',
    });
    expect(INPUT_JITTER_MS).toBe(500);
  });

  it('a clock set back is no input while the idle time keeps growing', () => {
    const t = new StretchTracker();
    t.observe(at(0, 5 * MIN));
    expect(t.observe(at(-60 * MIN, 5 * MIN + 20 * S))).toMatchObject({
      began: null,
      idleMs: 5 * MIN + 20 * S,
    });
  });

  it('a clock set back with input: the drop of the idle time alone tells', () => {
    const t = new StretchTracker();
    t.observe(at(0, 5 * MIN));
    expect(t.observe(at(-60 * MIN, 10 * S))).toMatchObject({ began: 'input', idleMs: 10 * S });
  });

  it('locked: no stretch; the unlock begins one that counts from the unlock', () => {
    const t = new StretchTracker();
    t.observe(at(0, 4 * MIN));
    expect(t.observe(at(30 * S, 4 * MIN + 30 * S, { locked: true }))).toEqual({
      status: 'locked',
      user: 'wang.fang',
      idleMs: null,
      began: null,
      stretch: 1,
    });
    // Unlocked without input (loginctl unlock-session): the source's idle time kept running.
    expect(t.observe(at(10 * MIN, 14 * MIN))).toMatchObject({
      status: 'idle',
      began: 'unlock',
      idleMs: 0,
      stretch: 2,
    });
    expect(t.observe(at(11 * MIN, 15 * MIN))).toMatchObject({ began: null, idleMs: MIN });
    // Input after that counts from the input again.
    expect(t.observe(at(12 * MIN, 20 * S))).toMatchObject({ began: 'input', idleMs: 20 * S });
    // The base never makes idle time negative.
    t.observe(at(13 * MIN, 80 * S, { locked: true }));
    t.observe(at(14 * MIN, 140 * S));
    expect(t.observe(at(14 * MIN, 140 * S - INPUT_JITTER_MS))).toMatchObject({
      began: null,
      idleMs: 0,
    });
  });

  it('an agent that starts while the session is locked counts from the unlock', () => {
    const t = new StretchTracker();
    expect(t.observe(at(0, 30 * MIN, { locked: true }))).toMatchObject({
      status: 'locked',
      stretch: 0,
    });
    expect(t.observe(at(MIN, 31 * MIN))).toMatchObject({ began: 'unlock', idleMs: 0 });
  });

  it('a new seat user begins a stretch counted from the switch, locked or not', () => {
    const t = new StretchTracker();
    t.observe(at(0, 4 * MIN));
    expect(t.observe(at(MIN, 9 * MIN, { user: 'li.lei' }))).toEqual({
      status: 'idle',
      user: 'li.lei',
      idleMs: 0,
      began: 'user',
      stretch: 2,
    });
    // A switch seen while locked stays a switch at the unlock.
    t.observe(at(2 * MIN, 10 * MIN, { user: 'wang.fang', locked: true }));
    expect(t.observe(at(3 * MIN, 11 * MIN, { user: 'wang.fang' }))).toMatchObject({
      began: 'user',
      idleMs: 0,
    });
  });

  it('nobody at the console: no stretch; the next person begins one', () => {
    const t = new StretchTracker();
    t.observe(at(0, 4 * MIN));
    expect(t.observe(at(MIN, 5 * MIN, { user: null }))).toEqual({
      status: 'no-user',
      user: null,
      idleMs: null,
      began: null,
      stretch: 1,
    });
    expect(t.observe(at(2 * MIN, 6 * MIN))).toMatchObject({ began: 'user', idleMs: 0 });
  });

  it('nobody at the console before the first reading with a user: that one is the first', () => {
    const t = new StretchTracker();
    expect(t.observe(at(0, null, { user: null }))).toMatchObject({ status: 'no-user' });
    expect(t.observe(at(MIN, 2 * MIN))).toMatchObject({ began: 'first', idleMs: 2 * MIN });
  });

  it('an unknown idle time keeps the stretch; the next known reading continues it', () => {
    const t = new StretchTracker();
    t.observe(at(0, 4 * MIN));
    for (const bad of [null, Number.NaN, Number.POSITIVE_INFINITY, -1])
      expect(t.observe(at(MIN, bad))).toEqual({
        status: 'unknown',
        user: 'wang.fang',
        idleMs: null,
        began: null,
        stretch: 1,
      });
    expect(t.observe(at(2 * MIN, 6 * MIN))).toMatchObject({ began: null, idleMs: 6 * MIN });
    // 0 is a known idle time (input right now).
    expect(t.observe(at(3 * MIN, 0))).toMatchObject({ status: 'idle', began: 'input' });
  });

  it('an unknown lock state counts as unlocked', () => {
    const t = new StretchTracker();
    expect(t.observe(at(0, 4 * MIN, { locked: null }))).toMatchObject({
      status: 'idle',
      idleMs: 4 * MIN,
    });
  });
});
