// The group → policy choice the sync route reuses (src/console/server/policy-cache.ts): one
// read per group and period however many requests ask, a change by another process seen
// within POLICY_CACHE_MS, a change by this one at once, a failed read not kept.
import { describe, expect, it } from 'vitest';
import { POLICY_CACHE_MS, PolicyCache } from '../../../src/console/server/policy-cache.js';
import type { PolicyRow } from '../../../src/console/store/types.js';
import { MemoryConsoleStore } from '../../helpers/console-store-memory.js';

const T = 1_800_000_000_000;

async function withPolicy(store: MemoryConsoleStore, version: number, value = 'finance') {
  return store.addPolicy({
    target: { kind: 'group', value },
    name: `p${version}`,
    version,
    sha256: 'x',
    bytes: Buffer.from(`version: ${version}\n`),
    signature: 's',
    etag: `e${version}`,
    uploadedBy: 'ada',
    uploadedAt: T,
  });
}

function counting(store: MemoryConsoleStore) {
  const n = { group: 0, policyFor: 0 };
  const group = store.group.bind(store);
  const policyFor = store.policyFor.bind(store);
  store.group = async (name) => {
    n.group++;
    return group(name);
  };
  store.policyFor = async (g) => {
    n.policyFor++;
    return policyFor(g);
  };
  return n;
}

describe('PolicyCache', () => {
  it('reads a group once per period, however many requests ask at once', async () => {
    const store = new MemoryConsoleStore();
    await store.upsertGroup({ name: 'finance', department: null, personnelClass: null });
    await withPolicy(store, 1);
    const n = counting(store);
    const clock = { now: T };
    const cache = new PolicyCache(store, () => clock.now);
    const got = await Promise.all(Array.from({ length: 50 }, () => cache.forGroup('finance')));
    expect(new Set(got.map((g) => g.policy?.etag))).toEqual(new Set(['e1']));
    expect(n).toEqual({ group: 1, policyFor: 1 });
    clock.now += POLICY_CACHE_MS - 1;
    await cache.forGroup('finance');
    expect(n.group).toBe(1);
    // A group without a row is a bare group (no department, no class), kept as well.
    expect((await cache.forGroup('nobody')).group).toEqual({
      name: 'nobody',
      department: null,
      personnelClass: null,
    });
  });

  it('sees a policy another process uploaded within POLICY_CACHE_MS; its own change at once', async () => {
    const store = new MemoryConsoleStore();
    await withPolicy(store, 1);
    const clock = { now: T };
    const cache = new PolicyCache(store, () => clock.now);
    expect((await cache.forGroup('finance')).policy?.version).toBe(1);
    // Written past this process (another console on the same database).
    await withPolicy(store, 2);
    clock.now += POLICY_CACHE_MS - 1;
    expect((await cache.forGroup('finance')).policy?.version).toBe(1);
    clock.now += 1;
    expect((await cache.forGroup('finance')).policy?.version).toBe(2);
    await withPolicy(store, 3);
    cache.invalidate();
    expect((await cache.forGroup('finance')).policy?.version).toBe(3);
    // A clock set back does not keep an entry forever.
    clock.now -= 60_000;
    await withPolicy(store, 4);
    expect((await cache.forGroup('finance')).policy?.version).toBe(4);
  });

  it('does not keep a failed read: the next request reads again', async () => {
    const store = new MemoryConsoleStore();
    const p: PolicyRow = await withPolicy(store, 1);
    const cache = new PolicyCache(store, () => T);
    store.down = new Error('database away');
    await expect(cache.forGroup('finance')).rejects.toThrow('database away');
    store.down = null;
    expect((await cache.forGroup('finance')).policy?.etag).toBe(p.etag);
  });
});
