// LeaseLoop (src/console/server/lease-loop.ts): only the lease's holder runs the step; a
// failing step is retried; stop() waits for the step and hands the lease over at once.
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseLoop } from '../../../src/console/server/lease-loop.js';
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
});
