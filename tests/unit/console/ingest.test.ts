// The console's ingest plan (core/sync/ingest.ts): continuity, the hash chain, gaps explained
// by store.pruned, one alert per distinct break, acknowledgement through everything judged.
// Security-critical: each case below is a way an agent's log can be cut or edited, and the
// plan must say so rather than accept it in silence.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventHash } from '../../../src/core/events/chain.js';
import { type BaomiEvent, GENESIS_HASH, type Json } from '../../../src/core/events/types.js';
import {
  exceptionEffects,
  type IngestPlan,
  type IngestPosition,
  planIngest,
} from '../../../src/core/sync/ingest.js';

type Spec = { type?: BaomiEvent['type']; data?: { [k: string]: Json } };

function make(seq: number, prevHash: string, spec: Spec = {}): BaomiEvent {
  const e = {
    id: `00000000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    ts: 1_000 * seq,
    type: spec.type ?? 'file.modified',
    severity: 'info',
    host: 'ws-01',
    data: spec.data ?? { path: `/srv/f/${seq}` },
    prevHash,
  } as Omit<BaomiEvent, 'hash'>;
  return { ...e, hash: eventHash(e) } as BaomiEvent;
}

/** Events 1…n chained from the genesis; `specs[seq]` replaces the default file event. */
function chain(n: number, specs: Record<number, Spec> = {}): BaomiEvent[] {
  const out: BaomiEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = make(seq, prev, specs[seq]);
    out.push(e);
    prev = e.hash;
  }
  return out;
}

function rehash(e: BaomiEvent): BaomiEvent {
  const { hash: _, ...rest } = e;
  return { ...rest, hash: eventHash(rest) };
}

/** An in-memory console for one agent that applies plans as the datastores do. */
class FakeConsole {
  position: IngestPosition = { ackedSeq: 0, headHash: null };
  pruned = 0;
  readonly events = new Map<number, { event: BaomiEvent; flags: string[] }>();
  readonly alertKeys = new Set<string>();
  readonly alerts: IngestPlan['alerts'] = [];

  ingest(batch: readonly BaomiEvent[]): { plan: IngestPlan; newAlerts: IngestPlan['alerts'] } {
    const plan = planIngest(this.position, batch, {
      hashOf: (seq) => this.events.get(seq)?.event.hash,
      prunedThrough: () => this.pruned,
    });
    for (const i of plan.insert) {
      expect(this.events.has(i.event.seq), `seq ${i.event.seq} stored twice`).toBe(false);
      this.events.set(i.event.seq, i);
    }
    const newAlerts = plan.alerts.filter((a) => !this.alertKeys.has(a.key));
    for (const a of newAlerts) {
      this.alertKeys.add(a.key);
      this.alerts.push(a);
    }
    this.position = { ackedSeq: plan.position.ackedSeq, headHash: plan.position.headHash };
    this.pruned = plan.position.prunedThrough;
    return { plan, newAlerts };
  }
}

const nothingStored = { hashOf: () => undefined, prunedThrough: () => 0 };
const start: IngestPosition = { ackedSeq: 0, headHash: null };

describe('planIngest', () => {
  it('stores an intact chain from the genesis, acknowledges its last seq and names its hash', () => {
    const events = chain(5);
    const plan = planIngest(start, events, nothingStored);
    expect(plan.insert.map((i) => [i.event.seq, i.flags])).toEqual([
      [1, []],
      [2, []],
      [3, []],
      [4, []],
      [5, []],
    ]);
    expect(plan.alerts).toEqual([]);
    expect(plan.duplicates).toBe(0);
    expect(plan.position).toEqual({ ackedSeq: 5, headHash: events[4]!.hash, prunedThrough: 0 });
  });

  it('continues from the stored head, and an empty batch changes nothing', () => {
    const c = new FakeConsole();
    const events = chain(10);
    c.ingest(events.slice(0, 4));
    const { plan } = c.ingest(events.slice(4));
    expect(plan.alerts).toEqual([]);
    expect(plan.position.ackedSeq).toBe(10);
    const empty = planIngest(c.position, [], nothingStored);
    expect(empty.position).toEqual({ ...c.position, prunedThrough: 0 });
    expect(empty.insert).toEqual([]);
  });

  it('a first event that does not link to the genesis is a link break', () => {
    const e = make(1, 'f'.repeat(64));
    const plan = planIngest(start, [e], nothingStored);
    expect(plan.alerts).toMatchObject([
      { type: 'sync.chain-broken', severity: 'critical', seq: 1, data: { kind: 'link' } },
    ]);
    expect(plan.insert[0]!.flags).toEqual(['link']);
    expect(plan.position.ackedSeq).toBe(1);
  });

  it('an edited event (hash not recomputed) is stored flagged, alerted once, acknowledged through', () => {
    const events = chain(6);
    events[2] = { ...events[2]!, data: { path: '/srv/f/innocent' } };
    const plan = planIngest(start, events, nothingStored);
    expect(plan.alerts).toEqual([
      {
        type: 'sync.chain-broken',
        severity: 'critical',
        seq: 3,
        data: { kind: 'hash', kinds: ['hash'], seq: 3, hash: events[2]!.hash },
        key: `broken:3:${events[2]!.hash}`,
      },
    ]);
    expect(plan.insert.map((i) => i.flags)).toEqual([[], [], ['hash'], [], [], []]);
    expect(plan.insert[2]!.event.data).toEqual({ path: '/srv/f/innocent' });
    expect(plan.position.ackedSeq).toBe(6);
    expect(plan.position.headHash).toBe(events[5]!.hash);
  });

  it('an edited and rehashed event breaks the link of the next one: one alert', () => {
    const events = chain(6);
    events[2] = rehash({ ...events[2]!, data: { path: '/srv/f/innocent' } });
    const plan = planIngest(start, events, nothingStored);
    expect(plan.alerts).toHaveLength(1);
    expect(plan.alerts[0]).toMatchObject({
      type: 'sync.chain-broken',
      seq: 4,
      data: { kind: 'link', expectedPrev: events[2]!.hash, actualPrev: events[3]!.prevHash },
    });
    expect(plan.position.ackedSeq).toBe(6);
  });

  it('an event with both a bad hash and a bad link is one alert naming both', () => {
    const events = chain(3);
    events[1] = { ...events[1]!, prevHash: 'a'.repeat(64) };
    const plan = planIngest(start, events, nothingStored);
    expect(plan.alerts).toHaveLength(1);
    expect(plan.alerts[0]!.data).toMatchObject({ kind: 'hash', kinds: ['hash', 'link'] });
  });

  it('a deleted event is a sync.gap alert with {from, to}; it is acknowledged through', () => {
    const events = chain(8).filter((e) => e.seq !== 4 && e.seq !== 5);
    const plan = planIngest(start, events, nothingStored);
    expect(plan.alerts).toEqual([
      { type: 'sync.gap', severity: 'high', seq: 4, data: { from: 4, to: 5 }, key: 'gap:4-5' },
    ]);
    // No link alert for seq 6: nothing is known to link to after a gap.
    expect(plan.insert.every((i) => i.flags.length === 0)).toBe(true);
    expect(plan.position.ackedSeq).toBe(8);
  });

  it('a gap right after the stored head (the start of the batch is missing) is a gap', () => {
    const c = new FakeConsole();
    const events = chain(10);
    c.ingest(events.slice(0, 3));
    const { plan } = c.ingest(events.slice(5));
    expect(plan.alerts).toMatchObject([{ type: 'sync.gap', data: { from: 4, to: 5 } }]);
    expect(c.position.ackedSeq).toBe(10);
  });

  it('a duplicate with the same hash is counted and changes nothing', () => {
    const c = new FakeConsole();
    const events = chain(5);
    c.ingest(events);
    const { plan } = c.ingest(events.slice(1, 3));
    expect(plan).toEqual({
      insert: [],
      duplicates: 2,
      position: { ackedSeq: 5, headHash: events[4]!.hash, prunedThrough: 0 },
      alerts: [],
    });
  });

  it('a duplicate with another hash is a `rewritten` break; the original stays', () => {
    const c = new FakeConsole();
    const events = chain(5);
    c.ingest(events);
    const forged = rehash({ ...events[2]!, data: { path: '/nothing/here' } });
    const { plan } = c.ingest([forged]);
    expect(plan.insert).toEqual([]);
    expect(plan.duplicates).toBe(1);
    expect(plan.alerts).toEqual([
      {
        type: 'sync.chain-broken',
        severity: 'critical',
        seq: 3,
        data: { kind: 'rewritten', seq: 3, storedHash: events[2]!.hash, sentHash: forged.hash },
        key: `rewritten:3:${forged.hash}`,
      },
    ]);
    expect(c.events.get(3)!.event).toEqual(events[2]);
    expect(plan.position.ackedSeq).toBe(5);
    // Sent again: the same break, no second alert.
    expect(c.ingest([forged]).newAlerts).toEqual([]);
  });

  it('the same seq twice in one batch with different content: stored once, the second alerted', () => {
    const events = chain(3);
    const other = rehash({ ...events[1]!, data: { x: 1 } });
    const plan = planIngest(start, [events[0]!, events[1]!, other, events[2]!], nothingStored);
    expect(plan.insert.map((i) => i.event.hash)).toEqual(events.map((e) => e.hash));
    expect(plan.duplicates).toBe(1);
    expect(plan.alerts).toMatchObject([{ data: { kind: 'rewritten', seq: 2 } }]);
  });

  it('judges a batch in seq order whatever order it came in', () => {
    const events = chain(12);
    events[6] = { ...events[6]!, data: { edited: true } };
    const holes = events.filter((e) => e.seq !== 3);
    const sorted = planIngest(start, holes, nothingStored);
    fc.assert(
      fc.property(fc.shuffledSubarray(holes, { minLength: holes.length }), (shuffled) => {
        expect(planIngest(start, shuffled, nothingStored)).toEqual(sorted);
      }),
    );
  });

  describe('gaps and retention', () => {
    /** Agent view: 1…n where the event at `at` records removal of 1…through. */
    function prunedChain(n: number, at: number, through: number, lie: { [k: string]: Json } = {}) {
      const plain = chain(n);
      const data = {
        throughSeq: through,
        hash: plain[through - 1]!.hash,
        count: through,
        lostUnsynced: 0,
        ...lie,
      };
      return chain(n, { [at]: { type: 'store.pruned', data } });
    }

    it('a gap covered by a store.pruned event in the same batch raises nothing', () => {
      const events = prunedChain(20, 15, 10);
      const plan = planIngest(start, events.slice(10), nothingStored);
      expect(plan.alerts).toEqual([]);
      expect(plan.position).toMatchObject({ ackedSeq: 20, prunedThrough: 10 });
      expect(plan.insert.every((i) => i.flags.length === 0)).toBe(true);
    });

    it('the first event after an explained cut must link to the hash the prune record names', () => {
      const events = prunedChain(20, 15, 10, { hash: 'b'.repeat(64) });
      const plan = planIngest(start, events.slice(10), nothingStored);
      expect(plan.alerts).toMatchObject([
        {
          type: 'sync.chain-broken',
          seq: 11,
          data: { kind: 'link', expectedPrev: 'b'.repeat(64) },
        },
      ]);
    });

    it('a store.pruned event already stored explains a gap', () => {
      const events = chain(30);
      const plan = planIngest({ ackedSeq: 5, headHash: events[4]!.hash }, events.slice(10), {
        hashOf: () => undefined,
        prunedThrough: () => 10,
      });
      expect(plan.alerts).toEqual([]);
      expect(plan.position.ackedSeq).toBe(30);
    });

    it('a prune record whose own hash fails explains nothing', () => {
      const events = prunedChain(20, 15, 10);
      events[14] = { ...events[14]!, data: { ...events[14]!.data, throughSeq: 12 } };
      const plan = planIngest(start, events.slice(12), nothingStored);
      expect(plan.alerts.map((a) => [a.type, a.seq, a.data.kind ?? null])).toEqual([
        ['sync.gap', 1, null],
        ['sync.chain-broken', 15, 'hash'],
      ]);
      expect(plan.alerts[0]!.data).toEqual({ from: 1, to: 12 });
      expect(plan.position.prunedThrough).toBe(0);
    });

    it('a prune record that claims to remove itself or later events explains nothing', () => {
      for (const throughSeq of [15, 16]) {
        const events = chain(20, {
          15: { type: 'store.pruned', data: { throughSeq, hash: 'a'.repeat(64) } },
        });
        const plan = planIngest(start, events.slice(14), nothingStored);
        expect(plan.alerts).toMatchObject([{ type: 'sync.gap', data: { from: 1, to: 14 } }]);
        expect(plan.position.prunedThrough).toBe(0);
      }
    });

    it('a prune record with a throughSeq that is not an integer explains nothing', () => {
      for (const throughSeq of ['10', 10.5, null, 2 ** 53] as Json[]) {
        const events = chain(20, {
          15: { type: 'store.pruned', data: { throughSeq, hash: 'a'.repeat(64) } },
        });
        const plan = planIngest(start, events.slice(10), nothingStored);
        expect(
          plan.alerts.map((a) => a.type),
          String(throughSeq),
        ).toEqual(['sync.gap']);
      }
    });

    it('a prune record without the hash of the last removed event explains nothing', () => {
      const hex = 'ab'.repeat(32);
      for (const hash of [undefined, 42, `x${hex}`, `${hex}x`, hex.toUpperCase(), hex.slice(1)]) {
        const data: { [k: string]: Json } = { throughSeq: 10 };
        if (hash !== undefined) data.hash = hash;
        const events = chain(20, { 15: { type: 'store.pruned', data } });
        const plan = planIngest(start, events.slice(10), nothingStored);
        expect(
          plan.alerts.map((a) => a.type),
          String(hash),
        ).toEqual(['sync.gap']);
      }
    });

    it('only a store.pruned event records a removal', () => {
      const events = prunedChain(20, 15, 10);
      const other = chain(20, {
        15: { type: 'file.modified', data: events[14]!.data },
      });
      const plan = planIngest(start, other.slice(10), nothingStored);
      expect(plan.alerts.map((a) => a.type)).toEqual(['sync.gap']);
      expect(plan.position.prunedThrough).toBe(0);
    });

    it('a prune record covering part of a gap leaves the rest alerted', () => {
      const events = prunedChain(20, 15, 6);
      const plan = planIngest(start, events.slice(10), nothingStored);
      expect(plan.alerts).toEqual([
        { type: 'sync.gap', severity: 'high', seq: 7, data: { from: 7, to: 10 }, key: 'gap:7-10' },
      ]);
    });

    it('a gap, then the same batch again: no second alert, nothing stored twice', () => {
      const c = new FakeConsole();
      const events = chain(10).filter((e) => e.seq !== 5);
      const first = c.ingest(events);
      expect(first.newAlerts).toHaveLength(1);
      const again = c.ingest(events);
      expect(again.plan.alerts).toEqual([]);
      expect(again.plan.insert).toEqual([]);
      expect(again.plan.duplicates).toBe(9);
      expect(c.position.ackedSeq).toBe(10);
    });

    it('the missing event arriving late is kept, flagged `late`, and raises nothing new', () => {
      const c = new FakeConsole();
      const all = chain(10);
      c.ingest(all.filter((e) => e.seq !== 5));
      const { plan, newAlerts } = c.ingest([all[4]!]);
      expect(plan.insert).toEqual([{ event: all[4], flags: ['late'] }]);
      expect(newAlerts).toEqual([]);
      expect(c.position.ackedSeq).toBe(10);
      // A late event whose content does not match its hash is still a break, marked late.
      const c2 = new FakeConsole();
      c2.ingest(all.filter((e) => e.seq !== 5));
      const bad = { ...all[4]!, data: { edited: 1 } };
      const r = c2.ingest([bad]);
      expect(r.plan.insert[0]!.flags).toEqual(['late', 'hash']);
      expect(r.newAlerts).toEqual([
        {
          type: 'sync.chain-broken',
          severity: 'critical',
          seq: 5,
          data: { kind: 'hash', kinds: ['hash'], seq: 5, hash: bad.hash, late: true },
          key: `broken:5:${bad.hash}`,
        },
      ]);
    });

    it('an event at exactly the acknowledged seq that is not stored is late, not next', () => {
      const all = chain(6);
      const plan = planIngest({ ackedSeq: 5, headHash: all[3]!.hash }, [all[4]!], nothingStored);
      expect(plan.insert).toEqual([{ event: all[4], flags: ['late'] }]);
      expect(plan.alerts).toEqual([]);
      expect(plan.position).toEqual({ ackedSeq: 5, headHash: all[3]!.hash, prunedThrough: 0 });
    });

    it('with no known head past the start, the next event is not held to the genesis', () => {
      const all = chain(8);
      const plan = planIngest({ ackedSeq: 5, headHash: null }, all.slice(5), nothingStored);
      expect(plan.alerts).toEqual([]);
      expect(plan.position.ackedSeq).toBe(8);
    });
  });

  it("an agent's alert.raised event becomes an alert of its own severity", () => {
    const events = chain(2, {
      2: { type: 'alert.raised', data: { rule: { index: 0 }, count: 3 } },
    });
    events[1] = rehash({ ...events[1]!, severity: 'high' });
    const plan = planIngest(start, events, nothingStored);
    expect(plan.alerts).toEqual([
      {
        type: 'alert.raised',
        severity: 'high',
        seq: 2,
        data: { rule: { index: 0 }, count: 3 },
        key: 'raised:2',
      },
    ]);
  });

  describe('usb.enforcement-lost becomes an alert (issue 12: staff are notified of it)', () => {
    const lost = { open: ['usb1', 'usb3'], resealed: false, why: 'check', reason: 'EACCES' };

    it('of the event’s own severity, with its data, keyed by its seq', () => {
      const events = chain(3, { 2: { type: 'usb.enforcement-lost', data: lost } });
      events[1] = rehash({ ...events[1]!, severity: 'medium' });
      // Re-link the event after it, as the agent's chain would have it.
      events[2] = rehash({ ...events[2]!, prevHash: events[1]!.hash });
      const plan = planIngest(start, events, nothingStored);
      expect(plan.alerts).toEqual([
        {
          type: 'usb.enforcement-lost',
          severity: 'medium',
          seq: 2,
          data: lost,
          key: 'enforcement-lost:2',
        },
      ]);
      expect(plan.insert.map((i) => i.flags)).toEqual([[], [], []]);
    });

    it('a batch sent again raises it once; the same seq from another batch is a duplicate', () => {
      const c = new FakeConsole();
      const events = chain(4, {
        2: { type: 'usb.enforcement-lost', data: lost },
        4: { type: 'usb.enforcement-lost', data: { ...lost, resealed: true } },
      });
      const first = c.ingest(events.slice(0, 3));
      expect(first.newAlerts.map((a) => a.key)).toEqual(['enforcement-lost:2']);
      const again = c.ingest(events.slice(0, 3));
      expect(again.plan.alerts).toEqual([]);
      expect(again.plan.duplicates).toBe(3);
      const rest = c.ingest(events);
      expect(rest.newAlerts).toEqual([
        {
          type: 'usb.enforcement-lost',
          severity: 'info',
          seq: 4,
          data: { ...lost, resealed: true },
          key: 'enforcement-lost:4',
        },
      ]);
      expect(c.alerts.map((a) => a.key)).toEqual(['enforcement-lost:2', 'enforcement-lost:4']);
    });

    it('also when it arrives late (after a gap) or with a broken hash: both are said', () => {
      const events = chain(4, { 2: { type: 'usb.enforcement-lost', data: lost } });
      const c = new FakeConsole();
      c.ingest([events[0]!, events[2]!, events[3]!]);
      expect(c.alerts.map((a) => a.type)).toEqual(['sync.gap']);
      const late = c.ingest([events[1]!]);
      expect(late.plan.insert.map((i) => i.flags)).toEqual([['late']]);
      expect(late.newAlerts.map((a) => a.key)).toEqual(['enforcement-lost:2']);

      const edited = { ...events[1]!, data: { ...lost, resealed: true } };
      const plan = planIngest({ ackedSeq: 1, headHash: events[0]!.hash }, [edited], nothingStored);
      expect(plan.alerts.map((a) => [a.type, a.key])).toEqual([
        ['sync.chain-broken', `broken:2:${edited.hash}`],
        ['usb.enforcement-lost', 'enforcement-lost:2'],
      ]);
    });

    it('no other USB event raises one', () => {
      const types = [
        'usb.blocked',
        'usb.allowed',
        'usb.read-only',
        'usb.connected',
        'usb.removed',
      ] as const;
      const events = chain(
        types.length,
        Object.fromEntries(
          types.map((type, i) => [i + 1, { type, data: { device: 'x' } }]),
        ) as Record<number, Spec>,
      );
      expect(planIngest(start, events, nothingStored).alerts).toEqual([]);
    });
  });

  describe('properties', () => {
    const splits = (n: number) =>
      fc.array(fc.integer({ min: 1, max: Math.max(1, n) }), { minLength: 1, maxLength: 6 });

    function batches<T>(xs: T[], cuts: number[]): T[][] {
      const out: T[][] = [];
      let i = 0;
      for (const c of cuts) {
        if (i >= xs.length) break;
        out.push(xs.slice(i, i + c));
        i += c;
      }
      if (i < xs.length) out.push(xs.slice(i));
      return out;
    }

    it('an intact chain sent in any batches, retried and reordered: stored once, no alert', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 40 }),
          splits(40),
          fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
          fc.integer(),
          (n, cuts, retries, seed) => {
            const events = chain(n);
            const c = new FakeConsole();
            let k = 0;
            for (const b of batches(events, cuts)) {
              const shuffled = fc.sample(fc.shuffledSubarray(b, { minLength: b.length }), {
                seed: seed + k,
                numRuns: 1,
              })[0]!;
              c.ingest(shuffled);
              if (retries[k++ % retries.length]) c.ingest(b);
            }
            expect(c.alerts).toEqual([]);
            expect(c.events.size).toBe(n);
            expect(c.position).toEqual({ ackedSeq: n, headHash: events[n - 1]!.hash });
          },
        ),
      );
    });

    it('one edit or deletion anywhere but the end is always alerted, once, however batched', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 3, max: 30 }),
          fc.nat(),
          fc.constantFrom('delete', 'edit', 'edit-rehash', 'relink'),
          splits(30),
          (n, pick, how, cuts) => {
            const at = 1 + (pick % (n - 1)); // never the last event: a cut-off end cannot vouch for itself
            let events = chain(n);
            const i = at - 1;
            if (how === 'delete') events = events.filter((e) => e.seq !== at);
            else if (how === 'edit') events[i] = { ...events[i]!, data: { forged: true } };
            else if (how === 'edit-rehash')
              events[i] = rehash({ ...events[i]!, data: { forged: true } });
            // prevHash changed, hash not recomputed: one event that breaks twice, one alert
            else events[i] = { ...events[i]!, prevHash: 'c'.repeat(64) };
            const c = new FakeConsole();
            for (const b of batches(events, cuts)) {
              c.ingest(b);
              c.ingest(b); // every batch retried: still one alert
            }
            expect(c.alerts).toHaveLength(1);
            const a = c.alerts[0]!;
            expect(a.type === 'sync.gap' ? a.data : a.seq).toEqual(
              how === 'delete' ? { from: at, to: at } : how === 'edit-rehash' ? at + 1 : at,
            );
            expect(c.position.ackedSeq).toBe(n);
          },
        ),
      );
    });
  });
});

describe('exceptionEffects', () => {
  const ev = (type: BaomiEvent['type'], data: { [k: string]: Json }, user?: string) =>
    ({ ...make(1, GENESIS_HASH, { type, data }), ...(user ? { user } : {}) }) as BaomiEvent;

  it('turns usb.exception-requested into a request and the outcomes into deliveries', () => {
    const out = exceptionEffects([
      ev(
        'usb.exception-requested',
        { requestId: 'r1', device: '0781:5581:4C53', deviceLabel: 'SanDisk', reason: '审计' },
        'alice',
      ),
      ev('usb.exception', { requestId: 'r0' }),
      ev('usb.exception-refused', { requestId: 'r9', code: 'EXCEPTION_EXPIRED' }),
      ev('usb.exception', { device: 'x' }), // a local token: no request to mark
      ev('usb.blocked', { requestId: 'r7' }), // only an outcome marks a request
    ]);
    expect(out).toEqual({
      requests: [
        {
          requestId: 'r1',
          user: 'alice',
          device: '0781:5581:4C53',
          deviceLabel: 'SanDisk',
          reason: '审计',
          requestedAt: 1000,
        },
      ],
      delivered: ['r0', 'r9'],
    });
  });

  it('makes no request from an event without an id or a device', () => {
    const out = exceptionEffects([
      ev('usb.exception-requested', { device: 'd', reason: 'r' }),
      ev('usb.exception-requested', { requestId: 'r2', reason: 'r' }),
      ev('usb.exception-requested', { requestId: 7, device: 'd' }),
      ev('usb.exception-requested', { requestId: 'x'.repeat(201), device: 'd' }),
    ]);
    expect(out.requests).toEqual([]);
    expect(
      exceptionEffects([ev('usb.exception-requested', { requestId: '', device: 'd' })]).requests,
    ).toEqual([]);
    expect(
      exceptionEffects([ev('usb.exception-requested', { requestId: 'x'.repeat(200), device: 'd' })])
        .requests,
    ).toHaveLength(1);
    const ok = exceptionEffects([ev('usb.exception-requested', { requestId: 'r3', device: 'd' })]);
    expect(ok.requests).toMatchObject([
      { requestId: 'r3', user: null, deviceLabel: null, reason: '' },
    ]);
  });
});
