// The chain module on the fake clock and a real store: it checks the chain at start (chain.head
// compared before anything is recorded, then a full walk) and daily, recording
// `store.chain-checked` and keeping the result as its status slice (issue 8 item 7).

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chainModule } from '../../../src/agent/modules/chain.js';
import { logModule } from '../../../src/agent/modules/log.js';
import {
  type EventStore,
  HEAD_FILE,
  openStore,
  readHeadFile,
} from '../../../src/agent/store/index.js';
import type { ChainStatus } from '../../../src/core/events/chain-status.js';
import { createFakePlatform } from '../../../src/platform/fake/index.js';
import { seedStore, tamper } from '../../integration/store/helpers.js';
import { tmpDirs } from '../store/helpers.js';
import { moduleContext } from './helpers.js';

const DAY = 86_400_000;
const dirs = tmpDirs();
const open: EventStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  dirs.cleanup();
});

function run(dataDir: string) {
  const p = createFakePlatform();
  const store = openStore({ dataDir, host: 'ws', now: () => p.clock.now(), batchWindowMs: 1 });
  open.push(store);
  const ctx = moduleContext(store, p);
  const checks = () => {
    store.flush();
    return store.query({ order: 'asc', types: ['store.chain-checked'] });
  };
  const m = chainModule();
  const slice = () => (m.status?.() as { chain: ChainStatus } | undefined)?.chain;
  return { p, store, ctx, m, checks, slice };
}

async function seeded(n = 30): Promise<string> {
  const dir = dirs.make();
  await seedStore(dir, n);
  return dir;
}

describe('chain module', () => {
  it('checks the whole chain at start: store.chain-checked, info, with its cost', async () => {
    const { ctx, m, checks, slice } = run(await seeded());
    await m.start(ctx);
    await m.started;
    const [e, ...rest] = checks();
    expect(rest).toEqual([]);
    expect(e).toMatchObject({
      severity: 'info',
      data: { ok: true, scope: 'start', checked: 30, firstSeq: 1, lastSeq: 30 },
    });
    expect(e!.data.durationMs).toEqual(expect.any(Number));
    expect(slice()).toMatchObject({ ok: true, scope: 'start', checked: 30, checking: false });
    await m.stop();
  });

  it('a log cut while no agent ran: said at start, before the walk, and by the walk (critical)', async () => {
    const dir = await seeded();
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq > 25').run());
    const found = readHeadFile(dir);
    const { ctx, m, checks, slice, store } = run(dir);
    // What the agent records first (agent.started) must neither change the comparison with
    // the head as found nor replace that head before the break is on record.
    await store.append({ type: 'agent.started', severity: 'info', data: {} });
    await new Promise((r) => setTimeout(r, 20));
    expect(readHeadFile(dir)).toEqual(found);
    await m.start(ctx);
    expect(slice()).toMatchObject({
      ok: false,
      scope: 'head',
      breaks: [{ kind: 'truncated', seq: 26, params: { last: 25, head: 30 } }],
    });
    // On record: chain.head follows the log again.
    await vi.waitFor(() => expect(readHeadFile(dir)).not.toEqual(found));
    await m.started;
    const [head, walk] = checks();
    expect(head).toMatchObject({
      severity: 'critical',
      data: { ok: false, scope: 'head', breaks: [{ kind: 'truncated', seq: 26 }] },
    });
    // By then the agent recorded two events (26, 27) of its own: still short of the head.
    expect(walk).toMatchObject({
      severity: 'critical',
      data: { ok: false, scope: 'start', breaks: [{ kind: 'truncated', params: { head: 30 } }] },
    });
    expect(slice()).toMatchObject({ ok: false, scope: 'start' });
    await m.stop();
  });

  it('every break in the event, not only the first', async () => {
    const dir = await seeded();
    tamper(dir, (db) => {
      db.prepare(`UPDATE events SET data = '{"path":"/x"}' WHERE seq IN (4, 9)`).run();
      db.prepare('DELETE FROM events WHERE seq = 15').run();
    });
    const { ctx, m, checks } = run(dir);
    await m.start(ctx);
    await m.started;
    const breaks = checks()[0]!.data.breaks as { kind: string; seq: number }[];
    expect(breaks.map((b) => [b.kind, b.seq])).toEqual([
      ['hash', 4],
      ['hash', 9],
      ['gap', 15],
    ]);
    await m.stop();
  });

  it('checks again every day on the clock, and not after stop', async () => {
    const { ctx, m, checks, p } = run(await seeded());
    await m.start(ctx);
    await m.started;
    p.clock.advance(DAY);
    await m.check('daily'); // the walk the timer started (one at a time)
    expect(checks().map((e) => e.data.scope)).toEqual(['start', 'daily']);
    await m.stop();
    p.clock.advance(3 * DAY);
    expect(p.clock.pending()).toBe(0);
    expect(checks()).toHaveLength(2);
  });

  it('a log from before chain.head: intact, its end as found unchecked, and no alarm after', async () => {
    const dir = await seeded();
    rmSync(join(dir, HEAD_FILE));
    const { ctx, m, checks, p } = run(dir);
    await m.start(ctx);
    await m.started;
    p.clock.advance(DAY);
    await m.check('daily');
    const [start, daily] = checks();
    expect(start).toMatchObject({ severity: 'info', data: { ok: true, tail: 'unchecked' } });
    // The daily walk holds the log to the head this agent wrote since.
    expect(daily).toMatchObject({ severity: 'info', data: { ok: true, scope: 'daily' } });
    await m.stop();
  });

  it('chain.head deleted beside a log this version checked: critical at start', async () => {
    const dir = await seeded();
    const first = run(dir);
    await first.m.start(first.ctx);
    await first.m.started;
    await first.m.stop();
    first.store.close();
    open.splice(0);
    rmSync(join(dir, HEAD_FILE));
    const { ctx, m, slice } = run(dir);
    await m.start(ctx);
    expect(slice()).toMatchObject({ ok: false, breaks: [{ kind: 'head-missing' }] });
    await m.started;
    await m.stop();
  });

  it('a chain.head that is not a head: critical at start', async () => {
    const dir = await seeded();
    writeFileSync(join(dir, HEAD_FILE), '{"seq":"x"}');
    const { ctx, m, slice } = run(dir);
    await m.start(ctx);
    expect(slice()).toMatchObject({ ok: false, breaks: [{ kind: 'head-unreadable' }] });
    await m.started;
    await m.stop();
  });

  it('stop during a long walk ends it between slices and records nothing more', async () => {
    const { ctx, m, checks, store } = run(await seeded(5_000));
    await m.start(ctx);
    await m.stop();
    await m.started;
    expect(checks()).toEqual([]);
    store.close(); // the walk no longer reads: closing is safe
  });
});

describe('verify over the socket (log module)', () => {
  it('walks in slices: the agent keeps answering while a long chain is verified', async () => {
    const dir = await seeded(3_500);
    const { ctx, store } = run(dir);
    const log = logModule();
    await log.start(ctx);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const r = await log.requests!.verify!({ id: 1, type: 'verify' }, { socket: 'admin' });
    clearInterval(timer);
    expect(r).toMatchObject({ ok: true, checked: 3_500 });
    expect(ticks).toBeGreaterThan(0);
    await log.stop();
    store.close();
  });
});
