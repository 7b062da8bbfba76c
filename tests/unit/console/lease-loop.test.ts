// LeaseLoop (src/console/server/lease-loop.ts): only the lease's holder runs the step; a
// failing step is retried; stop() waits for the step and hands the lease over at once.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LEASE_TTL_MS, LeaseLoop, RENEW_MS } from '../../../src/console/server/lease-loop.js';
import { MemoryConsoleStore } from '../../helpers/console-store-memory.js';

const quiet = { error() {}, warn() {}, info() {}, debug() {} } as never;
const loops: LeaseLoop[] = [];
afterEach(async () => {
  for (const l of loops.splice(0)) await l.stop();
});

function loop(store: MemoryConsoleStore, holder: string, step: () => Promise<boolean | undefined>) {
  let t = 1_000_000;
  const l = new LeaseLoop({
    name: 'siem:soc',
    store,
    holder,
    now: () => t,
    everyMs: 1000,
    log: quiet,
    step,
  });
  loops.push(l);
  return { l, advance: (ms: number) => (t += ms) };
}

describe('LeaseLoop', () => {
  it('runs the step in one holder only, and in the other once the first stops', async () => {
    const store = new MemoryConsoleStore();
    const ran: string[] = [];
    const a = loop(store, 'a', async () => void ran.push('a'));
    const b = loop(store, 'b', async () => void ran.push('b'));
    await a.l.tick();
    await b.l.tick();
    await a.l.tick();
    expect(ran).toEqual(['a', 'a']);
    await a.l.stop();
    await b.l.tick();
    expect(ran).toEqual(['a', 'a', 'b']);
  });

  it('takes over from a holder that died once its lease expired', async () => {
    const store = new MemoryConsoleStore();
    const ran: string[] = [];
    const a = loop(store, 'a', async () => void ran.push('a'));
    const b = loop(store, 'b', async () => void ran.push('b'));
    await a.l.tick();
    b.advance(29_999);
    await b.l.tick();
    expect(ran).toEqual(['a']);
    b.advance(1);
    await b.l.tick();
    expect(ran).toEqual(['a', 'b']);
  });

  it('a failing step is logged and tried again; stop waits for a running step', async () => {
    const store = new MemoryConsoleStore();
    const errors: unknown[] = [];
    let n = 0;
    let release!: () => void;
    const l = new LeaseLoop({
      name: 'notify',
      store,
      holder: 'a',
      now: () => 5,
      everyMs: 1000,
      log: { ...(quiet as object), error: (o: unknown) => errors.push(o) } as never,
      step: async () => {
        n++;
        if (n === 1) throw new Error('smtp down');
        await new Promise<void>((r) => {
          release = r;
        });
        return false;
      },
    });
    await l.tick();
    expect(errors).toHaveLength(1);
    const running = l.tick();
    await new Promise((r) => setImmediate(r));
    let stopped = false;
    const stopping = l.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await running;
    await stopping;
    expect(stopped).toBe(true);
    expect(store.leases.has('notify')).toBe(false);
  });

  it('runs again at once while the step says more work waits', async () => {
    const store = new MemoryConsoleStore();
    let n = 0;
    const done = new Promise<void>((resolve) => {
      const l = new LeaseLoop({
        name: 'retention',
        store,
        holder: 'a',
        now: () => 5,
        everyMs: 60_000,
        log: quiet,
        step: async () => {
          n++;
          if (n === 3) resolve();
          return n < 3;
        },
      });
      loops.push(l);
      l.start();
    });
    await done;
    expect(n).toBe(3);
  });

  it('an hourly step: the lease is renewed every RENEW_MS, the step runs once an hour, and a dead holder is replaced within the ttl', async () => {
    vi.useFakeTimers();
    try {
      const store = new MemoryConsoleStore();
      let t = 1_000_000;
      const ran: string[] = [];
      const make = (holder: string) =>
        new LeaseLoop({
          name: 'retention',
          store,
          holder,
          now: () => t,
          everyMs: 3_600_000,
          log: quiet,
          step: async () => void ran.push(holder),
        });
      const a = make('a');
      loops.push(a);
      a.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(ran).toEqual(['a']);
      for (let i = 0; i < 6; i++) {
        t += RENEW_MS;
        await vi.advanceTimersByTimeAsync(RENEW_MS);
      }
      // Renewed at every tick, the step not run again before the hour.
      expect(ran).toEqual(['a']);
      expect(store.leases.get('retention')).toEqual({ holder: 'a', expiresAt: t + LEASE_TTL_MS });
      // a dies (its timers stop, its lease is not given back); b takes over within the ttl.
      vi.clearAllTimers();
      const b = make('b');
      loops.push(b);
      b.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(ran).toEqual(['a']);
      for (let i = 0; i < 3 && ran.length === 1; i++) {
        t += RENEW_MS;
        await vi.advanceTimersByTimeAsync(RENEW_MS);
      }
      expect(ran).toEqual(['a', 'b']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a step longer than the ttl keeps its lease: renewed while it runs, nobody else runs it', async () => {
    vi.useFakeTimers();
    try {
      const store = new MemoryConsoleStore();
      let t = 1_000_000;
      const ran: string[] = [];
      let finish!: () => void;
      const make = (holder: string, slow: boolean) =>
        new LeaseLoop({
          name: 'siem:soc',
          store,
          holder,
          now: () => t,
          everyMs: 1000,
          log: quiet,
          step: async () => {
            ran.push(holder);
            if (slow)
              await new Promise<void>((r) => {
                finish = r;
              });
            return false;
          },
        });
      const a = make('a', true);
      loops.push(a);
      const running = a.tick();
      await vi.advanceTimersByTimeAsync(0);
      const b = make('b', false);
      loops.push(b);
      for (let i = 0; i < 9; i++) {
        t += RENEW_MS;
        await vi.advanceTimersByTimeAsync(RENEW_MS); // 90 s of a's step: three ttls
        await b.tick();
      }
      expect(ran).toEqual(['a']);
      finish();
      await running;
    } finally {
      vi.useRealTimers();
    }
  });
});
