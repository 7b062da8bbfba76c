// The log viewer's paging (issue 14 §5): every matching event, newest first, through pages of
// the agent's size; a table capped at its maximum says so (and only when more really match);
// a newer load stops an older one. Against an in-memory source that honours the agent's
// filter semantics for seq, order and limit, and caps its pages like the socket does.
import { describe, expect, it } from 'vitest';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import type { EventFilter } from '../../../src/core/protocol/messages.js';
import {
  FIRST_PAGE,
  headStart,
  type Loaded,
  loadRows,
  newestFirst,
  withNewer,
} from '../../../src/renderer/viewer/load.js';

const ev = (seq: number): BaomiEvent =>
  ({
    id: `e${seq}`,
    seq,
    ts: seq * 1000,
    type: 'usb.blocked',
    severity: 'info',
    host: 'h',
    data: {},
    prevHash: '',
    hash: '',
  }) as BaomiEvent;

/** `n` events; pages capped at `cap` whatever is asked (the socket caps at 10,000). */
function source(n: number, cap = 10_000) {
  const all = Array.from({ length: n }, (_, i) => ev(i + 1));
  const asked: EventFilter[] = [];
  return {
    asked,
    /** The log: push to it to record more. */
    all,
    async events(f: EventFilter) {
      asked.push(f);
      let r = all.filter(
        (e) =>
          (f.beforeSeq === undefined || e.seq < f.beforeSeq) &&
          (f.afterSeq === undefined || e.seq > f.afterSeq),
      );
      if (f.order === 'desc') r = r.reverse();
      return { events: r.slice(0, Math.min(f.limit ?? 1000, cap)) };
    },
  };
}

async function collect(s: ReturnType<typeof source>, max?: number) {
  const seen: Loaded[] = [];
  await loadRows(
    s,
    { text: 'x' },
    (l) => seen.push(l),
    () => false,
    { max },
  );
  return seen;
}

describe('viewer paging', () => {
  it('pages newest first with beforeSeq, a small first page, then full ones, keeping the filter', async () => {
    const s = source(25_000);
    const pages: number[][] = [];
    for await (const p of newestFirst(s, { types: ['usb.*'] }))
      pages.push([p[0]!.seq, p.at(-1)!.seq]);
    expect(pages[0]).toEqual([25_000, 25_000 - FIRST_PAGE + 1]);
    expect(pages.flat().at(-1)).toBe(1);
    expect(s.asked[0]).toEqual({ types: ['usb.*'], order: 'desc', limit: FIRST_PAGE });
    expect(s.asked[1]).toEqual({
      types: ['usb.*'],
      order: 'desc',
      limit: 10_000,
      beforeSeq: 25_000 - FIRST_PAGE + 1,
    });
  });

  it('takes a short page as a page, not as the end (a source capping lower than asked)', async () => {
    const seen = await collect(source(2_500, 300));
    const last = seen.at(-1)!;
    expect(last.complete).toBe(true);
    expect(last.capped).toBe(false);
    expect(last.rows.map((e) => e.seq)).toEqual(Array.from({ length: 2_500 }, (_, i) => 2_500 - i));
  });

  it('reports rows as they come, complete only at the end', async () => {
    const seen = await collect(source(500));
    expect(seen.map((l) => [l.rows.length, l.complete])).toEqual([
      [200, false],
      [500, false],
      [500, true],
    ]);
    expect((await collect(source(0))).map((l) => [l.rows.length, l.complete])).toEqual([[0, true]]);
  });

  it('caps at the maximum and says so only when more match', async () => {
    const capped = (await collect(source(1_001), 1_000)).at(-1)!;
    expect([capped.rows.length, capped.capped, capped.complete]).toEqual([1_000, true, false]);
    expect(capped.rows[0]!.seq).toBe(1_001);
    const exact = (await collect(source(1_000), 1_000)).at(-1)!;
    expect([exact.rows.length, exact.capped, exact.complete]).toEqual([1_000, false, true]);
  });

  it('waits for the first rows to be shown before asking for the second page', async () => {
    const s = source(1_000);
    const order: string[] = [];
    await loadRows(
      s,
      {},
      (l) => order.push(`rows ${l.rows.length} after ${s.asked.length} asks`),
      () => false,
      { afterFirst: async () => void order.push(`paused after ${s.asked.length} asks`) },
    );
    expect(order.slice(0, 3)).toEqual([
      'rows 200 after 1 asks',
      'paused after 1 asks',
      'rows 1000 after 2 asks',
    ]);
    expect(order.filter((o) => o.startsWith('paused'))).toHaveLength(1);
  });

  it('stops when a newer load replaced it, reporting nothing more', async () => {
    const s = source(50_000);
    const seen: Loaded[] = [];
    await loadRows(
      s,
      {},
      (l) => seen.push(l),
      () => seen.length >= 2,
    );
    expect(seen).toHaveLength(2);
    expect(s.asked).toHaveLength(3);
  });

  it('stops with a worded error when an older agent ignores beforeSeq, never looping', async () => {
    const s = source(30_000);
    const old = { events: (f: EventFilter) => s.events({ ...f, beforeSeq: undefined }) };
    const seen: Loaded[] = [];
    await expect(
      loadRows(
        old,
        {},
        (l) => seen.push(l),
        () => false,
      ),
    ).rejects.toThrow('VIEWER_AGENT_TOO_OLD');
    expect(seen.at(-1)!.rows).toHaveLength(200);
    expect(s.asked).toHaveLength(2);
  });

  it('rejects with the source error', async () => {
    const failing = { events: async () => Promise.reject(new Error('PROTOCOL_INTERNAL')) };
    await expect(
      loadRows(
        failing,
        {},
        () => {},
        () => false,
      ),
    ).rejects.toThrow('PROTOCOL_INTERNAL');
  });

  it('takes the first page asked for before the page was built, and asks for the rest', async () => {
    const s = source(500);
    const head = headStart(s, { text: 'x' });
    expect(s.asked).toEqual([{ text: 'x', order: 'desc', limit: FIRST_PAGE }]);
    const seen: Loaded[] = [];
    await loadRows(
      s,
      { text: 'x' },
      (l) => seen.push(l),
      () => false,
      { head },
    );
    expect(seen.at(-1)!.rows.map((e) => e.seq)).toEqual(
      Array.from({ length: 500 }, (_, i) => 500 - i),
    );
    expect(s.asked).toHaveLength(3); // the head, the rest, the empty page: never the head twice
    expect(s.asked[1]!.beforeSeq).toBe(500 - FIRST_PAGE + 1);
  });

  it('asks again when the head was for another filter, and fails with a failed head', async () => {
    const s = source(50);
    const head = headStart(s, { text: 'old' });
    const seen: Loaded[] = [];
    await loadRows(
      s,
      { text: 'new' },
      (l) => seen.push(l),
      () => false,
      { head },
    );
    expect(s.asked[1]).toEqual({ text: 'new', order: 'desc', limit: FIRST_PAGE });
    expect(seen.at(-1)!.complete).toBe(true);
    // Only the head fails (the agent was down as the page opened): the load fails with it and
    // does not ask again behind it; a source that throws is a failed head too.
    const later = source(50);
    const dead = headStart({ events: () => Promise.reject(new Error('AGENT_NOT_RUNNING')) }, {});
    await new Promise((r) => setTimeout(r, 0)); // a rejection nobody read yet is not unhandled
    await expect(
      loadRows(
        later,
        {},
        () => {},
        () => false,
        { head: dead },
      ),
    ).rejects.toThrow('AGENT_NOT_RUNNING');
    expect(later.asked).toHaveLength(0);
    const broken = {
      events: (): Promise<{ events: BaomiEvent[] }> => {
        throw new Error('BRIDGE_BROKEN');
      },
    };
    const thrown = headStart(broken, {});
    await expect(
      loadRows(
        later,
        {},
        () => {},
        () => false,
        { head: thrown },
      ),
    ).rejects.toThrow('BRIDGE_BROKEN');
  });
});

describe('viewer following the log', () => {
  const seqs = (l: Loaded) => l.rows.map((e) => e.seq);
  const loadedOf = (from: number, to: number, capped = false): Loaded => ({
    rows: Array.from({ length: to - from + 1 }, (_, i) => ev(to - i)),
    complete: !capped,
    capped,
  });

  it('puts what was recorded since the newest row above it, asked with the same filter', async () => {
    const s = source(10);
    const was = loadedOf(1, 10);
    const same = await withNewer(s, { text: 'x' }, was);
    expect(same).toEqual({ loaded: was, added: 0 });
    expect(s.asked[0]).toMatchObject({ text: 'x', afterSeq: 10, order: 'desc' });
    s.all.push(ev(11), ev(12), ev(13));
    const { loaded, added } = await withNewer(s, { text: 'x' }, was);
    expect(added).toBe(3);
    expect(seqs(loaded)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(loaded.complete).toBe(true);
    expect(s.asked.at(-1)).toMatchObject({ text: 'x', afterSeq: 10 });
  });

  it('pages through more than one answer, and starts from nothing when nothing matched', async () => {
    const s = source(0, 3);
    for (let i = 1; i <= 8; i++) s.all.push(ev(i));
    const { loaded, added } = await withNewer(s, {}, { rows: [], complete: true, capped: false });
    expect(added).toBe(8);
    expect(seqs(loaded)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(s.asked[0]).toMatchObject({ afterSeq: 0 });
    expect(s.asked[1]).toMatchObject({ afterSeq: 0, beforeSeq: 6 });
  });

  it('keeps at most the maximum, the newest, and says more match', async () => {
    const s = source(5);
    s.all.push(ev(6), ev(7));
    const { loaded, added } = await withNewer(s, {}, loadedOf(1, 5), 5);
    expect(added).toBe(2);
    expect(seqs(loaded)).toEqual([7, 6, 5, 4, 3]);
    expect(loaded).toMatchObject({ complete: false, capped: true });
    // Already capped: stays so.
    s.all.push(ev(8));
    const next = await withNewer(s, {}, loaded, 5);
    expect(seqs(next.loaded)).toEqual([8, 7, 6, 5, 4]);
    expect(next.loaded.capped).toBe(true);
  });

  it('rejects with the source error, the rows it had untouched', async () => {
    const was = loadedOf(1, 3);
    await expect(
      withNewer({ events: () => Promise.reject(new Error('AGENT_NOT_RUNNING')) }, {}, was),
    ).rejects.toThrow('AGENT_NOT_RUNNING');
    expect(seqs(was)).toEqual([3, 2, 1]);
  });
});
