// What one SIEM forwarder step sends and how far it moves the positions (src/console/siem/
// batch.ts): a prefix of what the store listed, cut at 16 KiB; filtered events passed over
// but moved past; nothing after the cut moves.
import { describe, expect, it } from 'vitest';
import { planBatch, wanted } from '../../../src/console/siem/batch.js';
import type { SiemPending, StoredEvent } from '../../../src/console/store/types.js';
import type { SiemFormatOptions } from '../../../src/core/console/siem/format.js';
import type { Severity } from '../../../src/core/events/types.js';

const fmt: SiemFormatOptions = {
  format: 'syslog',
  facility: 'authpriv',
  maxBytes: 8192,
  version: '0.2.0',
};
const all = { minSeverity: 'info' as const, types: undefined };

function ev(
  agentId: string,
  seq: number,
  o: { severity?: Severity; type?: string; pad?: number } = {},
) {
  return {
    agentId,
    receivedAt: 0,
    id: `0190a000-0000-7000-8000-${agentId.padStart(4, '0')}${String(seq).padStart(8, '0')}`,
    seq,
    ts: 1_700_000_000_000 + seq,
    type: o.type ?? 'file.modified',
    severity: o.severity ?? 'info',
    host: 'ws',
    data: { pad: 'x'.repeat(o.pad ?? 10) },
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
  } as StoredEvent;
}

function pending(
  agents: [string, number, StoredEvent[], number[]?][],
  late: StoredEvent[] = [],
): SiemPending {
  return {
    agents: agents.map(([agentId, through, events, lateSeqs = []]) => ({
      agentId,
      through,
      items: events.map((event) => ({ event, late: lateSeqs.includes(event.seq) })),
    })),
    late,
  };
}

describe('planBatch', () => {
  it('takes everything that fits: late events first, then each agent to `through`', () => {
    const p = pending(
      [
        ['a1', 9, [ev('a1', 3), ev('a1', 4)], [4]],
        ['a2', 2, []], // nothing stored up to its ackedSeq: moved past all the same
      ],
      [ev('a3', 1)],
    );
    const b = planBatch(p, all, fmt);
    expect(b.ids).toEqual([p.late[0]!.id, ...p.agents[0]!.items.map((i) => i.event.id)]);
    expect(b.advance).toEqual({
      positions: [
        { agentId: 'a1', seq: 9 },
        { agentId: 'a2', seq: 2 },
      ],
      late: [
        { agentId: 'a3', seq: 1 },
        { agentId: 'a1', seq: 4 },
      ],
      delivered: 3,
      skipped: 0,
    });
    expect(b.cursor).toBe('a2');
    const text = b.bytes.toString('utf8');
    expect(text.match(/<8\d>1 /g)).toHaveLength(3);
  });

  it('cuts before the message that would pass the limit; nothing after the cut moves', () => {
    const big = (a: string, s: number) => ev(a, s, { pad: 3000 });
    const p = pending([
      [
        'a1',
        50,
        [big('a1', 1), big('a1', 2), big('a1', 3), big('a1', 4), big('a1', 5), big('a1', 6)],
      ],
      ['a2', 5, [big('a2', 1)]],
    ]);
    const b = planBatch(p, all, fmt, 16 * 1024);
    expect(b.bytes.length).toBeLessThanOrEqual(16 * 1024);
    expect(b.ids).toHaveLength(4);
    expect(b.advance.positions).toEqual([{ agentId: 'a1', seq: 4 }]);
    expect(b.cursor).toBe('a1');
    // Cut in the late list: no agent moves at all.
    const l = planBatch(
      pending(
        [['a2', 5, [ev('a2', 1)]]],
        [big('a1', 1), big('a1', 2), big('a1', 3), big('a1', 4), big('a1', 5), big('a1', 6)],
      ),
      all,
      fmt,
    );
    expect(l.advance.positions).toEqual([]);
    expect(l.advance.late).toHaveLength(4);
    expect(l.cursor).toBeNull();
  });

  it('one message larger than the limit still goes, alone', () => {
    const b = planBatch(
      pending([['a1', 2, [ev('a1', 1, { pad: 7000 }), ev('a1', 2)]]]),
      all,
      fmt,
      1000,
    );
    expect(b.ids).toHaveLength(1);
    expect(b.advance.positions).toEqual([{ agentId: 'a1', seq: 1 }]);
  });

  it('filters pass over events (counted as skipped) and move past them; all skipped sends nothing', () => {
    const sink = { minSeverity: 'high' as const, types: ['usb.*'] };
    const keep = ev('a1', 2, { severity: 'critical', type: 'usb.blocked' });
    const p = pending(
      [
        [
          'a1',
          3,
          [
            ev('a1', 1, { severity: 'critical', type: 'file.deleted' }),
            keep,
            ev('a1', 3, { type: 'usb.allowed' }),
          ],
          [3],
        ],
      ],
      [ev('a2', 7)],
    );
    const b = planBatch(p, sink, fmt);
    expect(b.ids).toEqual([keep.id]);
    expect(b.advance).toMatchObject({
      positions: [{ agentId: 'a1', seq: 3 }],
      late: [
        { agentId: 'a2', seq: 7 },
        { agentId: 'a1', seq: 3 },
      ],
      delivered: 1,
      skipped: 3,
    });
    const none = planBatch(pending([['a1', 1, [ev('a1', 1)]]]), sink, fmt);
    expect(none.bytes.length).toBe(0);
    expect(none.advance).toMatchObject({ positions: [{ agentId: 'a1', seq: 1 }], skipped: 1 });
  });

  it('wanted: this severity or higher, and a type pattern when given', () => {
    expect(wanted({ minSeverity: 'medium' }, ev('a', 1, { severity: 'medium' }))).toBe(true);
    expect(wanted({ minSeverity: 'medium' }, ev('a', 1, { severity: 'low' }))).toBe(false);
    expect(
      wanted({ minSeverity: 'info', types: ['usb'] }, ev('a', 1, { type: 'usb.blocked' })),
    ).toBe(false);
    expect(wanted({ minSeverity: 'info', types: ['usb.*'] }, ev('a', 1, { type: 'usb' }))).toBe(
      true,
    );
    expect(wanted({ minSeverity: 'critical' }, ev('a', 1, { severity: 'weird' as Severity }))).toBe(
      true,
    );
  });
});
