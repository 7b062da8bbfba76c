// Retention removes prefixes only, records them in store.pruned, and verify still holds.
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, verifyStore } from '../../../src/agent/store/index.js';
import { usedBytes } from '../../../src/agent/store/retention.js';
import { inspect, seedStore, tamper, tmpDirs } from './helpers.js';

const tmp = tmpDirs();
afterEach(() => tmp.cleanup());
const DAY = 86_400_000;

/** 100 events, event i stamped at day i. */
async function daily(): Promise<string> {
  const dir = tmp.make();
  await seedStore(dir, 100, (i) => i * DAY);
  return dir;
}

describe('prune', () => {
  it('removes events older than `days` as a prefix and records it', async () => {
    const dir = await daily();
    const store = openStore({ dataDir: dir, host: 'h' });
    const removedHash = store.query({ afterSeq: 38, limit: 1 })[0]!.hash;
    // now = day 130, keep 90 days: events stamped before day 40 go.
    const r = store.prune({ days: 90, consoleConfigured: false, now: 130 * DAY });
    expect(r).toMatchObject({ throughSeq: 39, count: 39, lostUnsynced: 0 });
    expect(r!.event).toMatchObject({
      seq: 101,
      type: 'store.pruned',
      data: { throughSeq: 39, hash: removedHash, count: 39, lostUnsynced: 0 },
    });
    expect(store.query({ limit: 1 })[0]!.seq).toBe(40);
    expect(store.verify()).toEqual({
      ok: true,
      checked: 62,
      firstSeq: 40,
      lastSeq: 101,
      tail: 'checked',
    });
    // Nothing more is old enough: no second record.
    expect(store.prune({ days: 90, consoleConfigured: false, now: 130 * DAY })).toBeNull();
    store.close();
    expect(verifyStore(dir)).toMatchObject({ ok: true, firstSeq: 40 });
  });

  it('keeps a prefix that stops at the first recent event, even if older ones follow', async () => {
    const dir = tmp.make();
    // A clock step back: event 3 looks old but sits after a recent one.
    const ts = [0, 1, 200, 1, 2].map((d) => d * DAY);
    await seedStore(dir, 5, (i) => ts[i - 1]!);
    const store = openStore({ dataDir: dir, host: 'h' });
    expect(store.prune({ days: 10, consoleConfigured: false, now: 100 * DAY })).toMatchObject({
      throughSeq: 2,
    });
    store.close();
  });

  it('never removes unacknowledged events for age when a console is configured', async () => {
    const dir = await daily();
    const store = openStore({ dataDir: dir, host: 'h' });
    store.setAckedSeq(25);
    const r = store.prune({ days: 90, consoleConfigured: true, now: 130 * DAY });
    expect(r).toMatchObject({ throughSeq: 25, count: 25, lostUnsynced: 0 });
    expect(store.verify()).toMatchObject({ ok: true, firstSeq: 26 });
    store.close();
  });

  it('lets the size cap remove unacknowledged events, and counts them', async () => {
    const dir = tmp.make();
    await seedStore(dir, 3000);
    const store = openStore({ dataDir: dir, host: 'h' });
    store.setAckedSeq(100);
    const before = inspect(dir, usedBytes);
    const cap = Math.floor(before / 3);
    const r = store.prune({ maxSizeBytes: cap, consoleConfigured: true, now: Date.now() });
    expect(r).not.toBeNull();
    expect(inspect(dir, usedBytes)).toBeLessThanOrEqual(cap);
    expect(r!.throughSeq).toBeGreaterThan(100);
    expect(r!.lostUnsynced).toBe(r!.throughSeq - 100);
    expect(r!.event.severity).toBe('high');
    expect(store.counts().stored).toBe(3000 - r!.throughSeq + 1);
    expect(store.verify()).toMatchObject({ ok: true, firstSeq: r!.throughSeq + 1 });
    store.close();
  });

  it('survives repeated prunes, including one that removes everything before it', async () => {
    const dir = await daily();
    const store = openStore({ dataDir: dir, host: 'h' });
    store.prune({ days: 90, consoleConfigured: false, now: 130 * DAY });
    await store.append({ type: 'agent.started', severity: 'info', ts: 131 * DAY, data: {} });
    const r = store.prune({ days: 1, consoleConfigured: false, now: 1000 * DAY });
    expect(r).toMatchObject({ throughSeq: 102, count: 63 });
    expect(store.counts().stored).toBe(1);
    expect(store.verify()).toMatchObject({ ok: true, firstSeq: 103, lastSeq: 103 });
    store.close();
    expect(verifyStore(dir)).toMatchObject({ ok: true });
  });

  it('does not let a prune record cover rows deleted by hand afterwards', async () => {
    const dir = await daily();
    const store = openStore({ dataDir: dir, host: 'h' });
    store.prune({ days: 90, consoleConfigured: false, now: 130 * DAY });
    store.close();
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq <= 50').run());
    expect(verifyStore(dir)).toMatchObject({ ok: false, kind: 'missing-prefix', brokenAt: 51 });
  });
});
