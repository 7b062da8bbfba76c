// The change-reporting half of every session source, driven by the fake clock: watchers
// hear real changes only, after a quiet time, and a closed watch hears nothing.
import { describe, expect, it } from 'vitest';
import type { SeatUser } from '../../../src/core/ports/session.js';
import { FakeClock } from '../../../src/platform/fake/clock.js';
import { pollEvery, watchByPoking } from '../../../src/platform/node/session-watch.js';

const flush = () => new Promise((r) => setImmediate(r));

describe('watchByPoking', () => {
  it('reads after a quiet time and tells only real changes', async () => {
    const clock = new FakeClock(0);
    let now: SeatUser | null = { name: 'alice', uid: 1000, source: 'logind', sessionId: '2' };
    let reads = 0;
    let poke = () => {};
    const heard: Array<string | null> = [];
    const w = watchByPoking(
      async () => {
        reads++;
        return now;
      },
      (p) => {
        poke = p;
        return { close() {} };
      },
      (u) => heard.push(u ? `${u.name}/${u.sessionId}` : null),
      { clock },
    );
    await flush();
    expect(reads).toBe(1); // the starting point, told to nobody
    poke();
    poke();
    poke();
    clock.advance(99);
    await flush();
    expect(reads).toBe(1);
    clock.advance(1);
    await flush();
    expect(reads).toBe(2); // three pokes, one read
    expect(heard).toEqual([]); // nothing changed
    now = { name: 'alice', uid: 1000, source: 'logind', sessionId: '5' }; // a new session
    poke();
    clock.advance(100);
    await flush();
    now = null;
    poke();
    clock.advance(100);
    await flush();
    expect(heard).toEqual(['alice/5', null]);
    w.close();
    now = { name: 'bob', source: 'logind' };
    poke();
    clock.advance(100);
    await flush();
    expect(heard).toHaveLength(2);
  });

  it('polls with pollEvery for sources without notifications; a failed read means nobody', async () => {
    const clock = new FakeClock(0);
    let fail = false;
    const heard: Array<string | null> = [];
    const w = watchByPoking(
      async () => {
        if (fail) throw new Error('tool crashed');
        return { name: 'alice', source: 'wts' };
      },
      pollEvery(clock, 60_000),
      (u) => heard.push(u?.name ?? null),
      { clock },
    );
    await flush();
    fail = true;
    clock.advance(60_100);
    await flush();
    expect(heard).toEqual([null]);
    w.close();
    expect(clock.pending()).toBe(0);
  });
});
