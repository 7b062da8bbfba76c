// The console's answers as the agent reads them (src/agent/sync/response.ts): anything not
// exactly of the wire format's shape is refused with a reason, never half-used.
import { describe, expect, it } from 'vitest';
import {
  MAX_DECISIONS,
  parseEnrollResponse,
  parseSyncResponse,
  parseWireError,
} from '../../../src/agent/sync/response.js';

const b = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const ID = '01970000-0000-7000-8000-0000000000aa';
const decision = { requestId: ID, approved: false, note: 'n', decidedBy: 'w', decidedAt: 1 };
const policy = { etag: 'e'.repeat(64), bytes: 'dmVyc2lvbjog', signature: 's' };
const ok = { ackedSeq: 3, nextInMs: 0, decisions: [] };

describe('a sync answer', () => {
  it('reads a well-formed one, keeping only the wire fields', () => {
    expect(parseSyncResponse(b({ ...ok, extra: 1 }))).toEqual({ ok: true, value: ok });
    const full = { ...ok, policy: { ...policy, x: 1 }, decisions: [{ ...decision, x: 1 }] };
    expect(parseSyncResponse(b(full))).toEqual({
      ok: true,
      value: { ...ok, policy, decisions: [decision] },
    });
    expect(parseSyncResponse(b({ ...ok, policy: null }))).toEqual({ ok: true, value: ok });
    const approved = { ...decision, approved: true, token: 'BMX1.a.b' };
    expect(parseSyncResponse(b({ ...ok, decisions: [approved] }))).toMatchObject({
      ok: true,
      value: { decisions: [approved] },
    });
  });

  it.each([
    ['not JSON', '{', 'not JSON'],
    ['a list', [], 'not an object'],
    ['null', null, 'not an object'],
    ['no ackedSeq', { nextInMs: 0, decisions: [] }, 'ackedSeq is not a whole number'],
    ['a negative ackedSeq', { ...ok, ackedSeq: -1 }, 'ackedSeq is not a whole number'],
    ['a fractional ackedSeq', { ...ok, ackedSeq: 1.5 }, 'ackedSeq is not a whole number'],
    ['ackedSeq as text', { ...ok, ackedSeq: '3' }, 'ackedSeq is not a whole number'],
    ['no nextInMs', { ackedSeq: 1, decisions: [] }, 'nextInMs is not a whole number'],
    ['no decisions', { ackedSeq: 1, nextInMs: 0 }, 'decisions is not a list'],
    ['a policy without etag', { ...ok, policy: { ...policy, etag: '' } }, 'policy is malformed'],
    [
      'a policy without bytes',
      { ...ok, policy: { etag: 'e', signature: 's' } },
      'policy is malformed',
    ],
    [
      'a policy with a numeric signature',
      { ...ok, policy: { ...policy, signature: 1 } },
      'policy is malformed',
    ],
    ['a policy as text', { ...ok, policy: 'x' }, 'policy is malformed'],
    [
      'an etag too long',
      { ...ok, policy: { ...policy, etag: 'e'.repeat(129) } },
      'policy is malformed',
    ],
    [
      'a signature too long',
      { ...ok, policy: { ...policy, signature: 's'.repeat(4097) } },
      'policy is malformed',
    ],
    [
      'an approval without token',
      { ...ok, decisions: [{ ...decision, approved: true }] },
      'a decision is malformed',
    ],
    [
      'a bad request id',
      { ...ok, decisions: [{ ...decision, requestId: '../x' }] },
      'a decision is malformed',
    ],
    [
      'approved as text',
      { ...ok, decisions: [{ ...decision, approved: 'yes' }] },
      'a decision is malformed',
    ],
    [
      'no note',
      { ...ok, decisions: [{ ...decision, note: undefined }] },
      'a decision is malformed',
    ],
    [
      'no decidedBy',
      { ...ok, decisions: [{ ...decision, decidedBy: 3 }] },
      'a decision is malformed',
    ],
    [
      'no decidedAt',
      { ...ok, decisions: [{ ...decision, decidedAt: 'x' }] },
      'a decision is malformed',
    ],
    [
      'a numeric token',
      { ...ok, decisions: [{ ...decision, token: 5 }] },
      'a decision is malformed',
    ],
    ['a decision as text', { ...ok, decisions: ['x'] }, 'a decision is malformed'],
    ['a null decision', { ...ok, decisions: [null] }, 'a decision is malformed'],
    [
      'a request id with more around it',
      { ...ok, decisions: [{ ...decision, requestId: `x${ID}` }] },
      'a decision is malformed',
    ],
    [
      'a request id with more after it',
      { ...ok, decisions: [{ ...decision, requestId: `${ID}x` }] },
      'a decision is malformed',
    ],
    [
      'approved as text with a token',
      { ...ok, decisions: [{ ...decision, approved: 'true', token: 't' }] },
      'a decision is malformed',
    ],
  ])('refuses %s', (_what, body, reason) => {
    expect(parseSyncResponse(b(body as unknown))).toEqual({ ok: false, reason });
  });

  it('takes limits inclusively, and adds no field the answer lacked', () => {
    const etag = 'e'.repeat(128);
    const r = parseSyncResponse(b({ ...ok, policy: { ...policy, etag }, decisions: [decision] }));
    expect(r).toStrictEqual({
      ok: true,
      value: { ...ok, policy: { ...policy, etag }, decisions: [decision] },
    });
  });

  it(`reads at most ${MAX_DECISIONS} decisions at once; the rest come next time`, () => {
    const many = Array.from({ length: MAX_DECISIONS + 5 }, () => decision);
    const r = parseSyncResponse(b({ ...ok, decisions: many }));
    expect(r.ok && r.value.decisions.length).toBe(MAX_DECISIONS);
  });
});

describe('an enrollment answer', () => {
  const key = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n';
  const good = { agentId: 'a-1', group: 'g', exceptionSecret: 's', exceptionKey: key };
  it('reads a well-formed one', () => {
    expect(parseEnrollResponse(b({ ...good, x: 1 }))).toEqual({ ok: true, value: good });
  });
  it.each([
    ['agentId', { ...good, agentId: '' }, 'agentId missing'],
    ['group', { ...good, group: 1 }, 'group missing'],
    ['exceptionSecret', { ...good, exceptionSecret: undefined }, 'exceptionSecret missing'],
    ['exceptionKey', { ...good, exceptionKey: 'not pem' }, 'exceptionKey is not a PEM public key'],
    ['a list', [good], 'not an object'],
  ])('refuses one without a good %s', (_w, body, reason) => {
    expect(parseEnrollResponse(b(body))).toEqual({ ok: false, reason });
  });
  it('refuses what is not JSON', () => {
    expect(parseEnrollResponse(b('<html>'))).toEqual({ ok: false, reason: 'not JSON' });
  });
});

describe('an error answer', () => {
  it('keeps the code, one line of message without controls, and a whole retryInMs', () => {
    expect(
      parseWireError(b({ error: 'X', message: 'a\n\u202eb\u0007  c', retryInMs: 5000 })),
    ).toEqual({ error: 'X', message: 'a b c', retryInMs: 5000 });
    expect(parseWireError(b({ message: 'm'.repeat(1000) })).message).toHaveLength(300);
    expect(parseWireError(b({ message: '  busy  ' })).message).toBe('busy');
    expect(parseWireError(b('null'))).toEqual({});
    expect(parseWireError(b({ retryInMs: -1, error: 7 }))).toEqual({});
    expect(parseWireError(b({ retryInMs: 1.5 }))).toEqual({});
    expect(parseWireError(b('<html>502</html>'))).toEqual({});
    expect(parseWireError(b([]))).toEqual({});
  });
});
