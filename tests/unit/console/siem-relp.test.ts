// RELP frames (src/console/siem/relp.ts): encoded as `TXNR SP COMMAND SP DATALEN [SP DATA] LF`
// and parsed back however the stream is cut into reads; DATALEN, not a line feed, ends DATA,
// so hostile text with line breaks cannot forge a frame; malformed input is refused. And the
// batch's acknowledged prefix (batch.ts maxMessages), which is how far RELP moves positions.
import { describe, expect, it } from 'vitest';
import { planBatch } from '../../../src/console/siem/batch.js';
import {
  encodeFrame,
  FrameParser,
  MAX_DATALEN,
  RelpProtocolError,
} from '../../../src/console/siem/relp.js';
import type { SiemPending, StoredEvent } from '../../../src/console/store/types.js';
import { siemSinkSchema } from '../../../src/core/console/config/siem.js';

describe('RELP frames', () => {
  it('encodes with and without data', () => {
    expect(encodeFrame(1, 'open', 'relp_version=0').toString()).toBe('1 open 14 relp_version=0\n');
    expect(encodeFrame(7, 'close').toString()).toBe('7 close 0\n');
    // DATALEN counts octets, not characters.
    expect(encodeFrame(2, 'syslog', '财务').toString()).toBe('2 syslog 6 财务\n');
  });

  it('parses frames cut at every byte and frames coalesced into one read', () => {
    const hostile = 'x\n3 rsp 6 200 OK\n\u0000 \n';
    const wire = Buffer.concat([
      encodeFrame(1, 'rsp', '200 OK\nrelp_version=0'),
      encodeFrame(2, 'syslog', hostile),
      encodeFrame(3, 'rsp', '200 OK'),
      encodeFrame(0, 'serverclose'),
    ]);
    const want = [
      { txnr: 1, command: 'rsp', data: '200 OK\nrelp_version=0' },
      { txnr: 2, command: 'syslog', data: hostile },
      { txnr: 3, command: 'rsp', data: '200 OK' },
      { txnr: 0, command: 'serverclose', data: '' },
    ];
    const text = (fs: { txnr: number; command: string; data: Buffer }[]) =>
      fs.map((f) => ({ ...f, data: f.data.toString('utf8') }));
    // All at once.
    expect(text(new FrameParser().push(wire))).toEqual(want);
    // One byte at a time, and cut at every point into two reads.
    const p = new FrameParser();
    const got = [];
    for (let i = 0; i < wire.length; i++) got.push(...p.push(wire.subarray(i, i + 1)));
    expect(text(got)).toEqual(want);
    for (let cut = 1; cut < wire.length; cut++) {
      const q = new FrameParser();
      expect(text([...q.push(wire.subarray(0, cut)), ...q.push(wire.subarray(cut))])).toEqual(want);
    }
  });

  it('refuses malformed frames', () => {
    const bad = [
      'x rsp 6 200 OK\n',
      '1 RSP 6 200 OK\n',
      '1 rsp six 200 OK\n',
      '1 rsp 3 200 OK\n', // DATA longer than DATALEN: no LF where it must be
      '1 rsp 6\n',
      '1\nrsp 0\n',
      `1 rsp ${MAX_DATALEN + 1} `,
      `${'1'.repeat(80)}`,
    ];
    for (const b of bad)
      expect(() => new FrameParser().push(Buffer.from(b)), JSON.stringify(b)).toThrow(
        RelpProtocolError,
      );
    // An incomplete frame is not an error (yet).
    expect(new FrameParser().push(Buffer.from('1 rsp 6 200'))).toEqual([]);
  });
});

describe('the acknowledged prefix of a batch', () => {
  const ev = (agentId: string, seq: number, severity = 'high') =>
    ({
      agentId,
      receivedAt: 0,
      id: `0190a000-0000-7000-8000-${agentId.padStart(4, '0')}${String(seq).padStart(8, '0')}`,
      seq,
      ts: 1_700_000_000_000 + seq,
      type: 'file.modified',
      severity,
      host: 'ws',
      data: {},
      prevHash: '0'.repeat(64),
      hash: '1'.repeat(64),
    }) as StoredEvent;
  const pending: SiemPending = {
    late: [],
    agents: [
      {
        agentId: 'a1',
        through: 3,
        items: [1, 2, 3].map((s) => ({ event: ev('a1', s), late: false })),
      },
      {
        agentId: 'a2',
        through: 4,
        items: [
          { event: ev('a2', 1), late: false },
          { event: ev('a2', 2, 'low'), late: false },
          { event: ev('a2', 3), late: false },
          { event: ev('a2', 4), late: false },
        ],
      },
    ],
  } as SiemPending;
  const fmt = {
    format: 'syslog' as const,
    facility: 'authpriv' as const,
    maxBytes: 8192,
    version: '0',
  };

  it('moves the positions through the first N messages only, passing over filtered events', () => {
    const sink = { minSeverity: 'info' as const, types: undefined };
    const whole = planBatch(pending, sink, fmt);
    expect(whole.messages.length).toBe(whole.ids.length);
    expect(whole.messages.map((m) => `${m.length} ${m}`).join('')).toBe(whole.bytes.toString());
    expect(planBatch(pending, sink, fmt, 16384, 0).advance.positions).toEqual([]);
    expect(planBatch(pending, sink, fmt, 16384, 2).advance.positions).toEqual([
      { agentId: 'a1', seq: 2 },
    ]);
    expect(planBatch(pending, sink, fmt, 16384, 3).advance.positions).toEqual([
      { agentId: 'a1', seq: 3 },
    ]);
    // a2's second event is `low`: with minSeverity medium it is passed over, and the prefix
    // of 4 messages (a1 1-3, a2 1) moves a2 past it to just before its next sent event.
    const medium = { minSeverity: 'medium' as const, types: undefined };
    const p4 = planBatch(pending, medium, fmt, 16384, 4);
    expect(p4.advance.positions).toEqual([
      { agentId: 'a1', seq: 3 },
      { agentId: 'a2', seq: 2 },
    ]);
    expect(p4.advance).toMatchObject({ delivered: 4, skipped: 1 });
  });
});

describe('relp:// in the configuration', () => {
  it('is accepted, parsed as RELP, and refuses a ca (it has no TLS)', async () => {
    const { parseCollector } = await import('../../../src/console/siem/transport.js');
    const base = { name: 'soc', format: 'syslog', url: 'relp://siem.example:2514' };
    expect(siemSinkSchema.parse(base).url).toBe('relp://siem.example:2514');
    expect(parseCollector('relp://siem.example:2514')).toMatchObject({
      relp: true,
      tls: false,
      host: 'siem.example',
      port: 2514,
    });
    expect(parseCollector('tcp://h:1').relp).toBe(false);
    expect(siemSinkSchema.safeParse({ ...base, ca: 'ca.pem' }).success).toBe(false);
    expect(siemSinkSchema.safeParse({ ...base, url: 'relp+tls://h:1' }).success).toBe(false);
  });
});
