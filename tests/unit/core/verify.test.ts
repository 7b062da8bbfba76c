// The chain walk shared by the agent and the console, without a database: every kind of
// break, and the rules by which a `store.pruned` record vouches for a removed prefix.
import { describe, expect, it } from 'vitest';
import { eventHash } from '../../../src/core/events/chain.js';
import type { BaomiEvent, EventInput } from '../../../src/core/events/types.js';
import { GENESIS_HASH } from '../../../src/core/events/types.js';
import {
  type ChainItem,
  ChainWalk,
  MAX_BREAKS,
  verifyChain,
} from '../../../src/core/events/verify.js';

type Spec = Pick<EventInput, 'type' | 'data'>;

/** Chains events from seq 1; `specs[i]` (when given) replaces the default file event at seq i+1. */
function chain(n: number, specs: Record<number, Spec> = {}): BaomiEvent[] {
  const out: BaomiEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const spec = specs[seq] ?? { type: 'file.modified', data: { path: `/srv/f/${seq}` } };
    const e = {
      id: `00000000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
      seq,
      ts: 1_000 * seq,
      type: spec.type,
      severity: 'info',
      host: 'ws-01',
      data: spec.data,
      prevHash,
    } as Omit<BaomiEvent, 'hash'>;
    const event = { ...e, hash: eventHash(e) } as BaomiEvent;
    out.push(event);
    prevHash = event.hash;
  }
  return out;
}

/** Rehashes an edited event, as someone who knows the scheme would. */
function rehash(e: BaomiEvent): BaomiEvent {
  const { hash: _, ...rest } = e;
  return { ...rest, hash: eventHash(rest) };
}

/** The `store.pruned` data that retention writes for a prefix ending at `through`. */
function pruned(events: BaomiEvent[], through: number): Spec {
  return {
    type: 'store.pruned',
    data: { throughSeq: through, hash: events[through - 1]!.hash, count: through, lostUnsynced: 0 },
  };
}

/** A chain of `n` whose event at `at` records the removal of 1…`through` (not yet removed). */
function withPruneRecord(n: number, at: number, through: number, lie: Spec['data'] = {}) {
  const plain = chain(n);
  const record = pruned(plain, through);
  // Events before `at` are the same either way, so their hashes can be named in advance.
  return chain(n, { [at]: { ...record, data: { ...record.data, ...lie } } });
}

describe('verifyChain', () => {
  it('accepts an intact chain from seq 1, and an empty one', () => {
    expect(verifyChain(chain(20))).toEqual({ ok: true, checked: 20, firstSeq: 1, lastSeq: 20 });
    expect(verifyChain([])).toEqual({ ok: true, checked: 0, firstSeq: null, lastSeq: null });
  });

  it('hash: an edited event (and an edited optional field) no longer matches its hash', () => {
    const edited = chain(20);
    edited[6] = { ...edited[6]!, data: { path: '/harmless' } };
    expect(verifyChain(edited)).toMatchObject({
      ok: false,
      kind: 'hash',
      brokenAt: 7,
      checked: 6,
      detail: 'seq 7: content does not match its hash',
      breaks: [
        {
          kind: 'hash',
          seq: 7,
          params: { seq: 7 },
          detail: 'seq 7: content does not match its hash',
        },
      ],
    });
    const user = chain(5);
    user[2] = { ...user[2]!, user: 'someone' };
    expect(verifyChain(user)).toMatchObject({ ok: false, kind: 'hash', brokenAt: 3, checked: 2 });
  });

  it('hash: a row edited to hold a number the canonical form refuses (1e999) is a break, not a crash', () => {
    const events = chain(6);
    events[2] = { ...events[2]!, data: JSON.parse('{"path":"/x","size":1e999}') };
    expect(verifyChain(events)).toMatchObject({
      ok: false,
      kind: 'hash',
      brokenAt: 3,
      breaks: [{ kind: 'hash', seq: 3 }],
    });
  });

  it('hash: a stored record that cannot be read as an event', () => {
    const items: ChainItem[] = chain(5);
    items[3] = { seq: 4, unreadable: 'data is not valid JSON' };
    expect(verifyChain(items)).toEqual({
      ok: false,
      checked: 3,
      brokenAt: 4,
      kind: 'hash',
      detail: 'seq 4: data is not valid JSON',
      breaks: [
        { kind: 'hash', seq: 4, params: { seq: 4 }, detail: 'seq 4: data is not valid JSON' },
      ],
      moreBreaks: 0,
      read: 5,
      firstSeq: 1,
      lastSeq: 5,
    });
  });

  it('link: an edited event whose hash was recomputed breaks the next link', () => {
    const events = chain(20);
    events[6] = rehash({ ...events[6]!, data: { path: '/harmless' } });
    expect(verifyChain(events)).toMatchObject({
      ok: false,
      kind: 'link',
      brokenAt: 8,
      checked: 7,
      detail: `seq 8: prevHash ${chain(20)[6]!.hash} does not match the hash of seq 7 (${events[6]!.hash})`,
      breaks: [{ kind: 'link', seq: 8, params: { seq: 8, prev: 7 } }],
    });
  });

  it('link: the first event must follow the genesis hash', () => {
    const events = chain(3);
    events[0] = rehash({ ...events[0]!, prevHash: 'f'.repeat(64) });
    expect(verifyChain(events)).toMatchObject({ ok: false, kind: 'link', brokenAt: 1, checked: 0 });
  });

  it('gap: a missing event in the middle, and one out of order or repeated', () => {
    const events = chain(20);
    expect(verifyChain(events.filter((e) => e.seq !== 12))).toMatchObject({
      ok: false,
      kind: 'gap',
      brokenAt: 12,
      checked: 11,
      detail: 'seq 12 is missing (next stored is 13)',
    });
    const repeated = [...events.slice(0, 5), events[3]!, ...events.slice(5)];
    expect(verifyChain(repeated)).toMatchObject({
      ok: false,
      kind: 'gap',
      brokenAt: 6,
      detail: 'seq 4 follows seq 5 (out of order or repeated)',
      breaks: [{ kind: 'gap', seq: 6, params: { seq: 6, last: 6, next: 4 } }],
    });
  });

  it('missing-prefix: a chain that starts after seq 1 with no record of why', () => {
    const events = chain(20).slice(5);
    expect(verifyChain(events)).toMatchObject({
      ok: false,
      kind: 'missing-prefix',
      brokenAt: 6,
      checked: 15,
      detail: 'events 1…5 are missing and no store.pruned event records their removal',
      breaks: [{ kind: 'missing-prefix', seq: 6, params: { seq: 6, last: 5 } }],
    });
  });

  it('accepts a removed prefix that a later store.pruned event confirms (throughSeq and hash)', () => {
    const events = withPruneRecord(20, 12, 10);
    expect(verifyChain(events.slice(10))).toEqual({
      ok: true,
      checked: 10,
      firstSeq: 11,
      lastSeq: 20,
    });
    // The record alone is not the anchor: the chain after it must still hold.
    const broken = events.slice(10);
    broken[5] = { ...broken[5]!, data: { path: '/harmless' } };
    expect(verifyChain(broken)).toMatchObject({ ok: false, kind: 'hash', brokenAt: 16 });
  });

  it('does not confirm a prefix longer than the one recorded (rows deleted by hand after a prune)', () => {
    const events = withPruneRecord(20, 12, 10);
    expect(verifyChain(events.slice(11))).toMatchObject({
      ok: false,
      kind: 'missing-prefix',
      brokenAt: 12,
      checked: 9,
    });
  });

  it('does not confirm with a prune record that lies about the hash, or names the seq as text', () => {
    const lyingHash = withPruneRecord(20, 12, 10, { hash: 'f'.repeat(64) });
    expect(verifyChain(lyingHash.slice(10))).toMatchObject({
      ok: false,
      kind: 'missing-prefix',
      brokenAt: 11,
    });
    const textSeq = withPruneRecord(20, 12, 10, { throughSeq: '10' });
    expect(verifyChain(textSeq.slice(10))).toMatchObject({ kind: 'missing-prefix', brokenAt: 11 });
  });

  it('does not take a prune record of another type, or one whose content was edited', () => {
    const plain = chain(20);
    const asFile = chain(20, { 12: { ...pruned(plain, 10), type: 'file.modified' } });
    expect(verifyChain(asFile.slice(10))).toMatchObject({ kind: 'missing-prefix', brokenAt: 11 });
    // A record edited to claim a longer prefix no longer matches its own hash.
    const events = withPruneRecord(20, 15, 10).slice(12);
    const anchor = events[0]!.prevHash; // the hash of seq 12, what the longer claim needs
    const forged = events.map((e) =>
      e.seq === 15 ? { ...e, data: { ...e.data, throughSeq: 12, hash: anchor } } : e,
    );
    const r = verifyChain(forged);
    expect(r).toMatchObject({ ok: false, kind: 'hash', brokenAt: 15 });
    // …and so it vouches for nothing: the prefix before seq 13 is still unaccounted for.
    if (r.ok) throw new Error('unreachable');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([
      ['hash', 15],
      ['missing-prefix', 13],
    ]);
  });

  it('reads on after a break and reports every one, each edit once', () => {
    const events = chain(30);
    events[2] = { ...events[2]!, data: {} }; // seq 3: content edited, hash left
    events[9] = rehash({ ...events[9]!, data: { path: '/x' } }); // seq 10: rehashed → 11 breaks
    const withoutGap = events.filter((e) => e.seq !== 20); // seq 20 deleted
    let read = 0;
    function* lazily(): Generator<ChainItem> {
      for (const e of withoutGap) {
        read++;
        yield e;
      }
    }
    const r = verifyChain(lazily());
    expect(read).toBe(29);
    expect(r).toMatchObject({ ok: false, brokenAt: 3, kind: 'hash', checked: 2, read: 29 });
    if (r.ok) throw new Error('unreachable');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([
      ['hash', 3],
      ['link', 11],
      ['gap', 20],
    ]);
    expect(r.breaks[2]).toMatchObject({ params: { seq: 20, last: 20, next: 21 } });
    expect(r.moreBreaks).toBe(0);
  });

  it(`keeps at most ${MAX_BREAKS} breaks in detail and counts the rest`, () => {
    const events = chain(300).map((e) => (e.seq % 2 === 0 ? { ...e, data: {} } : e));
    const r = verifyChain(events);
    if (r.ok) throw new Error('expected breaks');
    expect(r.breaks).toHaveLength(MAX_BREAKS);
    expect(r.moreBreaks).toBe(150 - MAX_BREAKS);
    expect(r.breaks.every((b) => b.kind === 'hash')).toBe(true);
  });

  it('a repeated or reordered event is one gap, and what follows is judged on its own', () => {
    const events = chain(10);
    const repeated = [...events.slice(0, 5), events[3]!, ...events.slice(5)];
    const r = verifyChain(repeated);
    if (r.ok) throw new Error('expected a break');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([['gap', 6]]);
  });

  it('an unreadable record breaks once: the next link is not held against it', () => {
    const items: ChainItem[] = chain(8);
    items[3] = { seq: 4, unreadable: 'data is not valid JSON' };
    const r = verifyChain(items);
    if (r.ok) throw new Error('expected a break');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([['hash', 4]]);
  });
});

describe('verifyChain against a known head (chain.head)', () => {
  const events = chain(20);
  const head = (seq: number) => ({ seq, hash: events[seq - 1]!.hash });

  it('is ok when the chain reaches the head (also past it: the head may lag)', () => {
    expect(verifyChain(events, { head: head(20) })).toEqual({
      ok: true,
      checked: 20,
      firstSeq: 1,
      lastSeq: 20,
      tail: 'checked',
    });
    expect(verifyChain(events, { head: head(15) })).toMatchObject({ ok: true, tail: 'checked' });
    expect(verifyChain([], { head: { seq: 0, hash: GENESIS_HASH } })).toMatchObject({ ok: true });
  });

  it('truncated: the last rows were deleted', () => {
    const r = verifyChain(events.slice(0, 17), { head: head(20) });
    expect(r).toMatchObject({ ok: false, kind: 'truncated', brokenAt: 18, checked: 17 });
    if (r.ok) throw new Error('unreachable');
    expect(r.breaks).toEqual([
      {
        kind: 'truncated',
        seq: 18,
        params: { seq: 18, last: 17, head: 20 },
        detail:
          'the chain ends at seq 17, but it was known to reach seq 20: events 18…20 were removed from its end',
      },
    ]);
    // Every row deleted: the head still says there were 20.
    expect(verifyChain([], { head: head(20) })).toMatchObject({ ok: false, kind: 'truncated' });
  });

  it('head-mismatch: the end was cut and rewritten past the head (a valid but other chain)', () => {
    const other = chain(25, { 18: { type: 'file.deleted', data: { path: '/other' } } });
    const r = verifyChain(other, { head: head(20) });
    expect(r).toMatchObject({ ok: false, kind: 'head-mismatch', brokenAt: 20 });
  });

  it('two heads at one seq with different hashes: each is held to the chain', () => {
    // chain.head as found said seq 20 was A; the agent has since cut and rewritten the end
    // and its own head names seq 20 with B: the walk must still see A is gone.
    const other = chain(20, { 18: { type: 'file.deleted', data: { path: '/other' } } });
    const own = { seq: 20, hash: other[19]!.hash };
    expect(verifyChain(other, { head: head(20), reached: [own] })).toMatchObject({
      ok: false,
      kind: 'head-mismatch',
      brokenAt: 20,
    });
    expect(verifyChain(other, { head: own, reached: [head(20)] })).toMatchObject({ ok: false });
  });

  it('compares every head it is given (the agent in memory as well as the file)', () => {
    const r = verifyChain(events.slice(0, 18), { head: head(10), reached: [head(19)] });
    expect(r).toMatchObject({ ok: false, kind: 'truncated', brokenAt: 19 });
  });

  it('does not compare a head older than a confirmed pruned prefix', () => {
    const pruned = withPruneRecord(20, 12, 10).slice(10);
    expect(verifyChain(pruned, { head: { seq: 5, hash: 'a'.repeat(64) } })).toMatchObject({
      ok: true,
    });
  });

  it('head-missing: no chain.head beside a chain an agent keeping one has checked', () => {
    const checked = chain(20, { 4: { type: 'store.chain-checked', data: { ok: true } } });
    const r = verifyChain(checked, { head: 'missing' });
    expect(r).toMatchObject({ ok: false, kind: 'head-missing', brokenAt: 21 });
  });

  it('a database from before the head (no store.chain-checked in it): ok, tail unchecked', () => {
    expect(verifyChain(events, { head: 'missing' })).toMatchObject({
      ok: true,
      tail: 'unchecked',
    });
    expect(verifyChain([], { head: 'missing' })).toMatchObject({ ok: true, tail: 'checked' });
  });

  it('head-unreadable: a chain.head that is not a head', () => {
    expect(verifyChain(events, { head: 'unreadable' })).toMatchObject({
      ok: false,
      kind: 'head-unreadable',
    });
  });

  it('the walk fed item by item (ChainWalk) judges as verifyChain does', () => {
    const walk = new ChainWalk({ head: head(20) });
    for (const e of events.slice(0, 19)) walk.push(e);
    expect(walk.result()).toEqual(verifyChain(events.slice(0, 19), { head: head(20) }));
  });
});

describe('verifyChain: what follows a break, and where the walk picks up again', () => {
  it('gap: the event after the missing ones still has its own content checked', () => {
    const events = chain(20).filter((e) => e.seq !== 12);
    events[11] = { ...events[11]!, data: { path: '/harmless' } }; // seq 13, hash left
    const r = verifyChain(events);
    if (r.ok) throw new Error('expected breaks');
    expect(r.breaks).toEqual([
      {
        kind: 'gap',
        seq: 12,
        params: { seq: 12, last: 12, next: 13 },
        detail: 'seq 12 is missing (next stored is 13)',
      },
      {
        kind: 'hash',
        seq: 13,
        params: { seq: 13 },
        detail: 'seq 13: content does not match its hash',
      },
    ]);
  });

  it('a store.pruned record met right after a gap vouches for nothing', () => {
    const events = withPruneRecord(20, 13, 10)
      .slice(10)
      .filter((e) => e.seq !== 12);
    const r = verifyChain(events);
    if (r.ok) throw new Error('expected breaks');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([
      ['gap', 12],
      ['missing-prefix', 11],
    ]);
  });

  it('a store.pruned record that does not continue the chain vouches for nothing', () => {
    const events = withPruneRecord(20, 12, 10).slice(10);
    // The record re-linked to another predecessor and rehashed: its own hash holds.
    events[1] = rehash({ ...events[1]!, prevHash: 'e'.repeat(64) });
    const r = verifyChain(events);
    if (r.ok) throw new Error('expected breaks');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([
      ['link', 12],
      ['link', 13],
      ['missing-prefix', 11],
    ]);
  });

  it('a store.chain-checked event that was edited is no evidence that chain.head was kept', () => {
    const events = chain(20, { 4: { type: 'store.chain-checked', data: { ok: true } } });
    events[3] = { ...events[3]!, data: { ok: false } }; // content edited, hash left
    const r = verifyChain(events, { head: 'missing' });
    if (r.ok) throw new Error('expected a break');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([['hash', 4]]);
  });

  it('a store.chain-checked event that does not continue the chain is no evidence either', () => {
    const events = chain(20, { 4: { type: 'store.chain-checked', data: { ok: true } } });
    events[3] = rehash({ ...events[3]!, prevHash: 'e'.repeat(64) });
    const r = verifyChain(events, { head: 'missing' });
    if (r.ok) throw new Error('expected breaks');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([
      ['link', 4],
      ['link', 5],
    ]);
  });

  it('an unreadable first record: one break, and the chain after it is walked from there', () => {
    const items: ChainItem[] = chain(5);
    items[0] = { seq: 1, unreadable: 'data is not valid JSON' };
    expect(verifyChain(items)).toEqual({
      ok: false,
      checked: 0,
      brokenAt: 1,
      kind: 'hash',
      detail: 'seq 1: data is not valid JSON',
      breaks: [
        { kind: 'hash', seq: 1, params: { seq: 1 }, detail: 'seq 1: data is not valid JSON' },
      ],
      moreBreaks: 0,
      read: 5,
      firstSeq: 1,
      lastSeq: 5,
    });
  });

  it('an unreadable record out of order does not move the walk back', () => {
    const events = chain(8);
    const items: ChainItem[] = [
      ...events.slice(0, 5),
      { seq: 3, unreadable: 'data is not valid JSON' },
      ...events.slice(5),
    ];
    const r = verifyChain(items);
    if (r.ok) throw new Error('expected a break');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([['hash', 3]]);
    expect(r.lastSeq).toBe(8);
  });

  it('an unreadable record repeating a seq does not excuse the next link', () => {
    const events = chain(8);
    const relinked = rehash({ ...events[5]!, prevHash: 'e'.repeat(64) }); // seq 6
    const items: ChainItem[] = [
      ...events.slice(0, 5),
      { seq: 5, unreadable: 'data is not valid JSON' },
      relinked,
      ...events.slice(6),
    ];
    const r = verifyChain(items);
    if (r.ok) throw new Error('expected breaks');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([
      ['hash', 5],
      ['link', 6],
      ['link', 7],
    ]);
  });
});

describe(`verifyChain: the ${MAX_BREAKS}-break cap with the breaks met at the end`, () => {
  /** `n` events from seq 1 whose even seqs have edited content (n/2 hash breaks). */
  const everyOtherEdited = (n: number) =>
    chain(n).map((e) => (e.seq % 2 === 0 ? { ...e, data: {} } : e));

  it(`keeps the first ${MAX_BREAKS} in the order met`, () => {
    const r = verifyChain(everyOtherEdited(300));
    if (r.ok) throw new Error('expected breaks');
    expect(r.breaks[0]!.seq).toBe(2);
    expect(r.breaks.at(-1)!.seq).toBe(2 * MAX_BREAKS);
  });

  it(`a break at the end after exactly ${MAX_BREAKS} on the way is counted, not detailed`, () => {
    const events = everyOtherEdited(2 * MAX_BREAKS);
    const r = verifyChain(events, { head: { seq: 250, hash: 'a'.repeat(64) } });
    if (r.ok) throw new Error('expected breaks');
    expect(r.breaks).toHaveLength(MAX_BREAKS);
    expect(r.breaks.every((b) => b.kind === 'hash')).toBe(true);
    expect(r.moreBreaks).toBe(1);
    expect(r.checked).toBe(1);
  });

  it('the breaks at the end fill the detail up to the cap, in order, and the rest are counted', () => {
    // Starts at seq 2 (missing-prefix), 99 edited events on the way, and cut before seq 400.
    const events = everyOtherEdited(2 * (MAX_BREAKS - 1) + 1).slice(1);
    const r = verifyChain(events, { head: { seq: 400, hash: 'a'.repeat(64) } });
    if (r.ok) throw new Error('expected breaks');
    expect(r.breaks).toHaveLength(MAX_BREAKS);
    expect(r.breaks.at(-2)).toMatchObject({ kind: 'hash', seq: 2 * (MAX_BREAKS - 1) });
    expect(r.breaks.at(-1)).toMatchObject({ kind: 'missing-prefix', seq: 2 });
    expect(r.moreBreaks).toBe(1); // the truncation
    expect(r.checked).toBe(0);
  });
});

describe('verifyChain: the head rules in detail', () => {
  const events = chain(20);
  const head = (seq: number) => ({ seq, hash: events[seq - 1]!.hash });
  const checkedChain = chain(20, { 4: { type: 'store.chain-checked', data: { ok: true } } });

  it('head-unreadable: at the seq after the last, naming the last', () => {
    const r = verifyChain(events, { head: 'unreadable' });
    if (r.ok) throw new Error('expected a break');
    expect(r.breaks).toEqual([
      {
        kind: 'head-unreadable',
        seq: 21,
        params: { last: 20 },
        detail: 'chain.head is not a head ({seq, hash}): the end of the log cannot be checked',
      },
    ]);
    expect(verifyChain([], { head: 'unreadable' })).toMatchObject({
      ok: false,
      brokenAt: 1,
      breaks: [{ kind: 'head-unreadable', seq: 1, params: { last: 0 } }],
    });
  });

  it('head-missing: at the seq after the last, naming the last', () => {
    const r = verifyChain(checkedChain, { head: 'missing' });
    if (r.ok) throw new Error('expected a break');
    expect(r.breaks).toEqual([
      {
        kind: 'head-missing',
        seq: 21,
        params: { last: 20 },
        detail:
          'chain.head is missing beside a chain that an agent keeping one has written (last seq 20): it was deleted',
      },
    ]);
  });

  it('a store.chain-checked event is no break when chain.head is there, or not asked about', () => {
    expect(verifyChain(checkedChain)).toEqual({ ok: true, checked: 20, firstSeq: 1, lastSeq: 20 });
    const own = { seq: 20, hash: checkedChain[19]!.hash };
    expect(verifyChain(checkedChain, { head: own })).toMatchObject({ ok: true, tail: 'checked' });
    expect(verifyChain(checkedChain, { reached: [own] })).toEqual({
      ok: true,
      checked: 20,
      firstSeq: 1,
      lastSeq: 20,
    });
  });

  it('truncated names the highest head, whatever order the heads come in', () => {
    const far = { seq: 25, hash: 'a'.repeat(64) };
    const near = { seq: 22, hash: 'b'.repeat(64) };
    for (const opts of [
      { reached: [far, near] },
      { reached: [near, far] },
      { head: 'unreadable' as const, reached: [far, near] },
      { head: 'missing' as const, reached: [far, near] },
      { head: far, reached: [near] },
      { head: near, reached: [far] },
    ]) {
      const r = verifyChain(events, opts);
      if (r.ok) throw new Error('expected a break');
      expect(r.breaks.at(-1)).toEqual({
        kind: 'truncated',
        seq: 21,
        params: { seq: 21, last: 20, head: 25 },
        detail:
          'the chain ends at seq 20, but it was known to reach seq 25: events 21…25 were removed from its end',
      });
    }
  });

  it('head-mismatch: every head the rewritten chain no longer holds, in seq order', () => {
    const other = chain(20, { 12: { type: 'file.deleted', data: { path: '/other' } } });
    for (const reached of [
      [head(18), head(14), head(8)],
      [head(8), head(14), head(18)],
    ]) {
      const r = verifyChain(other, { reached });
      if (r.ok) throw new Error('expected breaks');
      expect(r.breaks).toEqual(
        [14, 18].map((seq) => ({
          kind: 'head-mismatch',
          seq,
          params: { seq },
          detail: `seq ${seq} has hash ${other[seq - 1]!.hash}, but the chain was known to have ${events[seq - 1]!.hash} there: it was rewritten from there on`,
        })),
      );
    }
  });

  it('a head inside a gap is the gap’s break, not a mismatch', () => {
    const r = verifyChain(
      events.filter((e) => e.seq !== 12),
      { head: head(12) },
    );
    if (r.ok) throw new Error('expected a break');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([['gap', 12]]);
  });

  it('a head at the first event kept after a prune is compared', () => {
    const kept = withPruneRecord(20, 12, 10).slice(10);
    expect(verifyChain(kept, { head: { seq: 11, hash: kept[0]!.hash } })).toMatchObject({
      ok: true,
      tail: 'checked',
    });
    const r = verifyChain(kept, { head: { seq: 11, hash: 'a'.repeat(64) } });
    if (r.ok) throw new Error('expected a break');
    expect(r.breaks.map((b) => [b.kind, b.seq])).toEqual([['head-mismatch', 11]]);
  });
});
