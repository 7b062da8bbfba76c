// The seat user on every event (DESIGN.md "Contracts"): who was at the console when the event
// was appended, when known; absent (never null, never guessed) when not.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';
import { fileEvent, tmpDirs } from './helpers.js';

const tmp = tmpDirs();
afterEach(() => tmp.cleanup());

function storedUsers(dataDir: string): (string | null)[] {
  const db = new Database(join(dataDir, 'baomi.db'), { readonly: true });
  try {
    return (
      db.prepare('SELECT user FROM events ORDER BY seq').all() as { user: string | null }[]
    ).map((r) => r.user);
  } finally {
    db.close();
  }
}

describe('OpenStoreOptions.user', () => {
  it('stamps the seat user of the moment of append, not of the commit', async () => {
    const dir = tmp.make();
    let seat: string | undefined = 'zhang.wei';
    const store = openStore({ dataDir: dir, host: 'h', batchWindowMs: 50, user: () => seat });
    const first = store.append(fileEvent('/a'));
    seat = 'li.na'; // fast user switching before the batch commits
    const second = store.append(fileEvent('/b'));
    expect((await first).user).toBe('zhang.wei');
    expect((await second).user).toBe('li.na');
    store.close();
    expect(storedUsers(dir)).toEqual(['zhang.wei', 'li.na']);
  });

  it('leaves user absent when nobody is known, and keeps a user the producer named', async () => {
    const dir = tmp.make();
    let seat: string | undefined;
    const store = openStore({ dataDir: dir, host: 'h', user: () => seat });
    const unknown = await store.append(fileEvent('/nobody'));
    expect('user' in unknown).toBe(false);
    seat = '';
    const empty = await store.append(fileEvent('/empty'));
    expect('user' in empty).toBe(false);
    seat = 'zhang.wei';
    const named = await store.append(fileEvent('/named', { user: 'wang.fang' }));
    expect(named.user).toBe('wang.fang');
    expect(store.verify()).toMatchObject({ ok: true, checked: 3 });
    store.close();
    expect(storedUsers(dir)).toEqual([null, null, 'wang.fang']);
    // Read back, an absent user is absent, not null.
    const ro = openStore({ dataDir: dir, host: 'h', readOnly: true });
    expect(ro.query().map((e) => ('user' in e ? e.user : 'absent'))).toEqual([
      'absent',
      'absent',
      'wang.fang',
    ]);
    ro.close();
  });

  it('never loses an event to a seat-user source that fails', async () => {
    const store = openStore({
      dataDir: tmp.make(),
      host: 'h',
      user: () => {
        throw new Error('logind went away');
      },
    });
    const e = await store.append(fileEvent('/still-recorded'));
    expect(e.seq).toBe(1);
    expect('user' in e).toBe(false);
    store.close();
  });

  it('stamps the events the store appends itself (store.pruned)', async () => {
    const dir = tmp.make();
    const store = openStore({ dataDir: dir, host: 'h', user: () => 'zhang.wei' });
    for (let i = 1; i <= 5; i++) await store.append(fileEvent(`/${i}`, { ts: i * 86_400_000 }));
    const r = store.prune({ days: 1, consoleConfigured: false, now: 10 * 86_400_000 });
    expect(r?.event).toMatchObject({ type: 'store.pruned', user: 'zhang.wei' });
    expect(store.verify()).toMatchObject({ ok: true });
    store.close();
  });
});
