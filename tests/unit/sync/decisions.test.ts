// Staff decisions applied by the agent (src/agent/sync/decisions.ts) on a real store: once
// each, with what is recorded and what the person is told, for an approval that works, one the
// agent cannot use, and a denial; with and without the request still stored.
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/agent/log.js';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import { applyDecision, decisionApplied } from '../../../src/agent/sync/decisions.js';
import type { RedeemResult } from '../../../src/agent/usb/exceptions.js';
import type { Json } from '../../../src/core/events/types.js';
import type { Notice } from '../../../src/core/protocol/messages.js';
import type { WireDecision } from '../../../src/core/sync/wire.js';
import { tmpDirs } from '../store/helpers.js';

const dirs = tmpDirs();
let store: EventStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
  dirs.cleanup();
});

const ID = '01970000-0000-7000-8000-0000000000aa';
const NOW = 1_800_000_000_000;
const approved: WireDecision = {
  requestId: ID,
  approved: true,
  note: 'ok',
  decidedBy: 'wang',
  decidedAt: 5,
  token: 'BMX1.a.b',
};
const denied: WireDecision = {
  requestId: ID,
  approved: false,
  note: 'no',
  decidedBy: 'li',
  decidedAt: 6,
};

function setup(result: RedeemResult) {
  store = openStore({ dataDir: dirs.make(), host: 'ws', now: () => NOW, batchWindowMs: 1 });
  const s = store;
  const notices: Notice[] = [];
  const calls: { token: string; record: Record<string, Json> }[] = [];
  const deps = {
    store: s,
    log: createLogger(null),
    notice: (n: Notice) => notices.push(n),
    redeem: async (token: string, record: Record<string, Json>) => {
      calls.push({ token, record });
      return result;
    },
  };
  const apply = (d: WireDecision) => applyDecision(d, deps, () => NOW);
  const requested = (data: Record<string, Json> = {}) =>
    s.append({
      type: 'usb.exception-requested',
      severity: 'low',
      user: 'bob',
      data: { requestId: ID, device: '46f4:0001:S1', reason: 'r', ...data },
    });
  const events = (type: string) => {
    s.flush();
    return s.query({ types: [type] });
  };
  return { s, notices, calls, apply, requested, events };
}

const inForce: RedeemResult = {
  ok: true,
  exception: {
    id: ID,
    device: '46f4:0001:S1',
    user: 'bob',
    notBefore: 0,
    notAfter: Date.UTC(2027, 0, 1),
    reason: 'r',
  },
};

describe('applying a decision', () => {
  it('an approval is redeemed with the decision recorded, and the person told until when', async () => {
    const t = setup(inForce);
    await t.requested({ deviceLabel: 'Stick (46f4:0001)' });
    expect(await t.apply(approved)).toBe('redeemed');
    expect(t.calls).toEqual([
      { token: 'BMX1.a.b', record: { requestId: ID, decidedBy: 'wang', decidedAt: 5 } },
    ]);
    expect(t.notices).toEqual([
      {
        code: 'usb.notice.exceptionApproved',
        params: {
          device: 'Stick (46f4:0001)',
          until: '2027-01-01T00:00:00.000Z',
          note: 'ok',
          decidedBy: 'wang',
        },
      },
    ]);
  });

  it('without the request stored (pruned), the device comes from the exception', async () => {
    const t = setup(inForce);
    expect(await t.apply(approved)).toBe('redeemed');
    expect(t.notices[0]?.params.device).toBe('46f4:0001:S1');
  });

  it('an approval the agent cannot use: the person is told why (the book recorded the refusal)', async () => {
    const t = setup({ ok: false, code: 'EXCEPTION_EXPIRED', params: { notAfter: 'x' } });
    await t.requested();
    expect(await t.apply(approved)).toBe('unusable');
    expect(t.notices).toEqual([
      {
        code: 'usb.notice.exceptionUnusable',
        params: { device: '46f4:0001:S1', code: 'EXCEPTION_EXPIRED', params: { notAfter: 'x' } },
      },
    ]);
    expect(t.events('usb.exception-refused')).toEqual([]); // the book's to record, not this
  });

  it('a denial is recorded for whoever asked, with the note and who decided', async () => {
    const t = setup(inForce);
    await t.requested();
    expect(await t.apply(denied)).toBe('denied');
    const [e] = t.events('usb.exception-refused');
    expect(e?.user).toBe('bob');
    expect(e?.severity).toBe('low');
    expect(e?.data).toEqual({
      requestId: ID,
      decidedBy: 'li',
      decidedAt: 6,
      code: 'EXCEPTION_DENIED',
      params: { note: 'no', decidedBy: 'li' },
      note: 'no',
      device: '46f4:0001:S1',
      socket: 'console',
      receivedAt: NOW,
    });
    expect(t.notices).toEqual([
      {
        code: 'usb.notice.exceptionDenied',
        params: { device: '46f4:0001:S1', note: 'no', decidedBy: 'li' },
      },
    ]);
    expect(t.calls).toEqual([]);
  });

  it('a denial without the request: no user guessed, no device', async () => {
    const t = setup(inForce);
    await t.apply(denied);
    const [e] = t.events('usb.exception-refused');
    expect(e?.user).toBeUndefined();
    expect(e?.data.device).toBeUndefined();
    expect(t.notices[0]?.params.device).toBe('');
  });

  it('once: an outcome on record for the requestId skips it; one that only mentions the id does not', async () => {
    const t = setup(inForce);
    await t.s.append({
      type: 'usb.exception-refused',
      severity: 'low',
      data: { code: 'EXCEPTION_MALFORMED', params: {}, note: `see ${ID}`, requestId: 'other' },
    });
    expect(decisionApplied(t.s, ID)).toBe(false);
    expect(await t.apply(denied)).toBe('denied');
    expect(decisionApplied(t.s, ID)).toBe(true);
    expect(await t.apply(denied)).toBe('skipped');
    expect(await t.apply(approved)).toBe('skipped');
    expect(t.calls).toEqual([]);
    expect(t.notices).toHaveLength(1);
    expect(t.events('usb.exception-refused')).toHaveLength(2);
  });

  it('an approval already redeemed (usb.exception with the requestId) is skipped', async () => {
    const t = setup(inForce);
    await t.s.append({
      type: 'usb.exception',
      severity: 'medium',
      data: { requestId: ID, id: ID },
    });
    expect(await t.apply(approved)).toBe('skipped');
    expect(t.calls).toEqual([]);
  });

  it('a denial that carries a token anyway (a confused console) is a denial: nothing redeemed', async () => {
    const t = setup(inForce);
    expect(await t.apply({ ...denied, token: 'BMX1.a.b' })).toBe('denied');
    expect(t.calls).toEqual([]);
    expect(t.events('usb.exception-refused')[0]?.data.code).toBe('EXCEPTION_DENIED');
  });
});
