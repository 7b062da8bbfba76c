// The agent's modules on the fake platform (clock, session, file tree) and a real store in a
// temporary folder: what each one records, when, and that stop leaves nothing running.
import { afterEach, describe, expect, it } from 'vitest';
import { alertsModule } from '../../../src/agent/modules/alerts.js';
import { foldersModule } from '../../../src/agent/modules/folders.js';
import { retentionModule } from '../../../src/agent/modules/retention.js';
import { seatModule } from '../../../src/agent/modules/seat.js';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import { createFakePlatform, type FakePlatform } from '../../../src/platform/fake/index.js';
import { tmpDirs } from '../store/helpers.js';
import { moduleContext, policyInForce, until } from './helpers.js';

const DAY = 86_400_000;
const dirs = tmpDirs();
let store: EventStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
  dirs.cleanup();
});

const policy = policyInForce;

function setup(p: FakePlatform = createFakePlatform()) {
  store = openStore({
    dataDir: dirs.make(),
    host: 'ws',
    now: () => p.clock.now(),
    batchWindowMs: 1,
  });
  const ctx = moduleContext(store, p);
  const events = (type?: string) => {
    store?.flush();
    return (store as EventStore).query({ order: 'asc', ...(type ? { types: [type] } : {}) });
  };
  return { p, ctx, store, events };
}

describe('seat module', () => {
  it('records who sits down and leaves, and stops watching at stop', async () => {
    const { p, ctx, events } = setup();
    p.session.set({ name: 'alice', uid: 1000, source: 'fake' });
    const m = seatModule();
    await m.start(ctx);
    expect(m.current()).toBe('alice');
    p.session.set('bob');
    p.session.set(null);
    await until('three changes', () => events('session.changed').length === 3);
    expect(events('session.changed').map((e) => [e.user, e.data])).toEqual([
      ['alice', { to: 'alice', source: 'fake' }],
      ['bob', { from: 'alice', to: 'bob', source: 'fake' }],
      [undefined, { from: 'bob', source: 'fake' }],
    ]);
    expect(m.status?.()).toEqual({ seatUser: null, seatSource: 'fake' });
    m.stop();
    expect(p.session.watching()).toBe(0);
  });

  it('starts with nobody when the source fails, and records nothing guessed', async () => {
    const { p, ctx, events } = setup();
    p.session.current = () => Promise.reject(new Error('logind went away'));
    const m = seatModule();
    await m.start(ctx);
    expect(m.current()).toBeNull();
    expect(events('session.changed')).toEqual([]);
    m.stop();
  });
});

describe('retention module', () => {
  it('prunes when a policy is applied and then once a day on the clock, and not after stop', async () => {
    const { p, ctx, store: s, events } = setup();
    const old = p.clock.now() - 10 * DAY;
    for (let i = 0; i < 5; i++)
      await s.append({ type: 'file.created', severity: 'info', ts: old, data: { path: `/a${i}` } });
    const m = retentionModule();
    await m.start(ctx);
    m.apply?.(policy('retention:\n  days: 7\n'));
    const pruned = () => events('store.pruned').map((e) => e.data.throughSeq);
    expect(pruned()).toEqual([5]);
    await s.append({ type: 'file.created', severity: 'info', ts: old, data: { path: '/late' } });
    // Retention removes prefixes only: '/late' follows the (new) store.pruned record, so it
    // goes once that record is itself past the 7 days, at a daily run, with no new policy.
    p.clock.advance(DAY);
    expect(pruned()).toEqual([5]);
    p.clock.advance(7 * DAY);
    expect(pruned()).toEqual([7]); // the old record and '/late' went; a new record says so
    expect(events().some((e) => e.data.path === '/late')).toBe(false);
    m.stop();
    await s.append({ type: 'file.created', severity: 'info', ts: old, data: { path: '/after' } });
    p.clock.advance(30 * DAY);
    expect(pruned()).toEqual([7]);
  });
});

describe('alerts module', () => {
  it('raises one alert when the rule of the policy in force is crossed, and none after stop', async () => {
    const { ctx, store: s, events } = setup();
    const m = alertsModule();
    await m.start(ctx);
    m.apply?.(policy('alerts:\n  - { match: "file.*", count: 3, within: 5m, severity: high }\n'));
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++)
        await s.append({
          type: 'file.deleted',
          severity: 'info',
          level: 'A',
          data: { path: `/d${i}` },
        });
    };
    await burst(5);
    await until('the alert', () => events('alert.raised').length === 1);
    expect(events('alert.raised')[0]?.severity).toBe('high');
    m.stop();
    await burst(10);
    expect(events('alert.raised')).toHaveLength(1);
  });
});

describe('folders module on the fake tree', () => {
  it('records files created in a classified folder and says which folders are watched', async () => {
    const { p, ctx, events } = setup();
    p.tree.mkdir('/srv/finance', { recursive: true });
    const m = foldersModule();
    await m.start(ctx);
    m.apply?.(
      policy(
        'folders:\n  - { path: /srv/finance, level: AAA }\n  - { path: /srv/later, level: A }\n',
      ),
    );
    await m.ready();
    const states = () =>
      ((m.status?.().watched ?? []) as { state: string }[]).map((w) => w.state).join(',');
    await until('watching', () => states() === 'watching,missing');
    p.tree.write('/srv/finance/plan.xlsx', 'secret', { uid: 1000 });
    const created = await until('file.created', () => events('file.created')[0]);
    expect(created).toMatchObject({ level: 'AAA', data: { path: '/srv/finance/plan.xlsx' } });
    p.tree.mkdir('/srv/later');
    await until('the late folder watched', () => states() === 'watching,watching');
    await m.stop();
    expect(p.tree.watchCount()).toBe(0);
  });

  it('says a path that is a file is not watched (failed, high), not merely missing', async () => {
    const { p, ctx, events } = setup();
    p.tree.mkdir('/srv', { recursive: true });
    p.tree.write('/srv/finance', 'not a folder');
    const m = foldersModule();
    await m.start(ctx);
    m.apply?.(policy('folders:\n  - { path: /srv/finance, level: AA }\n'));
    await m.ready();
    const failed = await until('watch.folder-failed', () => events('watch.folder-failed')[0]);
    expect(failed).toMatchObject({
      severity: 'high',
      level: 'AA',
      data: { root: '/srv/finance', code: 'ENOTDIR' },
    });
    expect(m.status?.().watched).toEqual([
      { path: '/srv/finance', level: 'AA', state: 'failed', reason: 'the path is not a folder' },
    ]);
    await m.stop();
  });
});
