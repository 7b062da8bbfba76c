// Exception requests reach the console on sync; staff (admin, analyst) approve or deny them.
// An approval is a BMX1 token the agent verifies against the console's pinned exception key.
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ExceptionPayload,
  parseToken,
  verifyToken,
} from '../../../src/core/exceptions/token.js';
import {
  call,
  enroll,
  enrollmentToken,
  type Harness,
  type Login,
  makeConsole,
  nextEvents,
  staff,
  sync,
  syncBody,
  type TestAgent,
} from '../../helpers/console-app.js';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

const REQUEST = '0190a3c0-0000-7000-8000-0000000000aa';
const DEVICE = '0781:5581:4C530001';

async function setup(user: string | null = 'li.wei') {
  h = makeConsole();
  const s = await staff(h);
  const a = await enroll(h, (await enrollmentToken(h, s.admin)).token, 'ws-01');
  await requestFrom(a, REQUEST, user ?? undefined);
  return { s, a };
}

async function requestFrom(a: TestAgent, requestId: string, user?: string) {
  const r = await sync(
    h,
    a,
    syncBody(
      a,
      nextEvents(a, h.clock.now, [
        {
          type: 'usb.exception-requested',
          ...(user ? { user } : {}),
          data: {
            requestId,
            device: DEVICE,
            deviceLabel: 'SanDisk',
            reason: '年度审计资料拷贝 audit copy',
          },
        },
      ]),
    ),
  );
  expect(r.statusCode).toBe(200);
}

function payloadOf(token: string): ExceptionPayload {
  const parsed = parseToken(token);
  if (!parsed.ok) throw new Error(parsed.code);
  return parsed.token.payload;
}

const decide = (as: Login, body: unknown, id = REQUEST) =>
  call(h, as, 'POST', `/api/v1/requests/${id}/decision`, body);

describe('decisions on exception requests', () => {
  it('an approval is a token for that person, device and computer, signed with the console’s key, valid for the hours given', async () => {
    const { s } = await setup();
    const listed = await call(h, s.auditor, 'GET', '/api/v1/requests?state=pending');
    expect(listed.json<{ requests: { id: string }[] }>().requests.map((r) => r.id)).toEqual([
      REQUEST,
    ]);

    const r = await decide(s.analyst, { approve: true, note: '同意 OK', hours: 4 });
    expect(r.statusCode).toBe(200);
    const row = r.json<{ state: string; decidedBy: string; note: string; token: string }>();
    expect(row).toMatchObject({ state: 'approved', decidedBy: 'ana', note: '同意 OK' });

    const trusted = [{ name: 'console', publicKeyPem: h.key.publicKeyPem }];
    const v = verifyToken(row.token, trusted, {
      now: h.clock.now,
      host: 'WS-01',
      user: 'li.wei',
      device: DEVICE,
    });
    expect(v.ok).toBe(true);
    const p = payloadOf(row.token);
    expect(p).toEqual({
      id: REQUEST,
      device: DEVICE,
      user: 'li.wei',
      host: 'ws-01',
      notBefore: h.clock.now,
      notAfter: h.clock.now + 4 * 3600_000,
      reason: '年度审计资料拷贝 audit copy',
    });
    // Not for another person or computer.
    expect(verifyToken(row.token, trusted, { now: h.clock.now, host: 'ws-02' }).ok).toBe(false);
    expect(
      verifyToken(row.token, trusted, { now: h.clock.now, host: 'ws-01', user: 'zhang' }).ok,
    ).toBe(false);
    expect(h.store.audit.at(-1)).toMatchObject({
      action: 'request.approved',
      actor: 'ana',
      target: REQUEST,
      details: { user: 'li.wei', device: DEVICE, hours: 4, note: '同意 OK' },
    });
    expect(JSON.stringify(h.store.audit.at(-1))).not.toContain(row.token);
  });

  it('hours default to 8 and may not exceed 744 (31 days)', async () => {
    const { s, a } = await setup();
    const def = (await decide(s.admin, { approve: true, note: 'ok' })).json<{ token: string }>();
    const p = payloadOf(def.token);
    expect(p.notAfter - p.notBefore).toBe(8 * 3600_000);
    const other = '0190a3c0-0000-7000-8000-0000000000bb';
    await requestFrom(a, other, 'li.wei');
    expect(
      (await decide(s.admin, { approve: true, note: 'ok', hours: 745 }, other)).statusCode,
    ).toBe(400);
    expect((await decide(s.admin, { approve: true, note: 'ok', hours: 0 }, other)).statusCode).toBe(
      400,
    );
    expect(
      (await decide(s.admin, { approve: true, note: 'ok', hours: 744 }, other)).statusCode,
    ).toBe(200);
  });

  it('a denial carries no token; a second decision is 409 and changes nothing', async () => {
    const { s } = await setup();
    const d = await decide(s.admin, { approve: false, note: '请使用加密U盘' });
    expect(d.json()).toMatchObject({ state: 'denied', token: null, note: '请使用加密U盘' });
    expect(h.store.audit.at(-1)).toMatchObject({ action: 'request.denied', actor: 'ada' });
    const again = await decide(s.analyst, { approve: true, note: 'override' });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ error: string; message: string }>()).toMatchObject({
      error: 'CONSOLE_ALREADY_DECIDED',
    });
    expect((await h.store.request(REQUEST))!.state).toBe('denied');
  });

  it('two staff deciding at once: the store decides one, the other gets 409', async () => {
    const { s } = await setup();
    const [x, y] = await Promise.all([
      decide(s.admin, { approve: true, note: 'a' }),
      decide(s.analyst, { approve: false, note: 'b' }),
    ]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([200, 409]);
    expect(h.store.audit.filter((r) => r.action.startsWith('request.'))).toHaveLength(1);
  });

  it('refuses to approve a request that names no person (400), but it may be denied', async () => {
    const { s } = await setup(null);
    const r = await decide(s.admin, { approve: true, note: 'ok' });
    expect(r.statusCode).toBe(400);
    expect(r.json<{ error: string }>().error).toBe('CONSOLE_REQUEST_NO_USER');
    expect((await h.store.request(REQUEST))!.state).toBe('pending');
    expect(
      (await decide(s.admin, { approve: false, note: 'ask from your session' })).statusCode,
    ).toBe(200);
  });

  it('a request whose id is not an agent’s UUIDv7 (a broken agent) can still be decided: denied, never approved', async () => {
    const { s, a } = await setup();
    const odd = 'req 7/α';
    await requestFrom(a, odd, 'li.wei');
    const id = encodeURIComponent(odd);
    const approve = await decide(s.admin, { approve: true, note: 'ok' }, id);
    expect(approve.statusCode).toBe(400);
    expect(approve.json<{ error: string; message: string }>()).toMatchObject({
      error: 'CONSOLE_REQUEST_UNSIGNABLE',
      message: expect.stringMatching(/field "id" does not fit/),
    });
    expect((await h.store.request(odd))!.state).toBe('pending');
    expect((await decide(s.admin, { approve: false, note: 'not from Baomi' }, id)).statusCode).toBe(
      200,
    );
    expect((await h.store.request(odd))!.state).toBe('denied');
  });

  it('an unknown request is 404; a bad body is 400; an auditor may not decide', async () => {
    const { s } = await setup();
    expect(
      (await decide(s.admin, { approve: true, note: 'ok' }, '0190a3c0-0000-7000-8000-0000000000ff'))
        .statusCode,
    ).toBe(404);
    expect((await decide(s.admin, { approve: 'yes', note: 'ok' })).statusCode).toBe(400);
    expect((await decide(s.admin, { approve: true })).statusCode).toBe(400);
    expect((await decide(s.admin, { approve: true, note: 'x'.repeat(1001) })).statusCode).toBe(400);
    expect((await decide(s.auditor, { approve: true, note: 'ok' })).statusCode).toBe(403);
    // The note is the decision's reason in the audit trail: never empty.
    expect((await decide(s.admin, { approve: false, note: '' })).statusCode).toBe(400);
    expect((await h.store.request(REQUEST))!.state).toBe('pending');
  });

  it('refuses to approve for a revoked agent (409: it never syncs again); it may be denied', async () => {
    const { s, a } = await setup();
    const revoked = await call(h, s.admin, 'POST', `/api/v1/agents/${a.id}/revoke`);
    expect(revoked.statusCode).toBe(200);
    const r = await decide(s.admin, { approve: true, note: 'ok' });
    expect(r.statusCode).toBe(409);
    expect(r.json<{ error: string }>().error).toBe('CONSOLE_REQUEST_AGENT_REVOKED');
    expect((await h.store.request(REQUEST))!.state).toBe('pending');
    expect((await decide(s.admin, { approve: false, note: 'revoked' })).statusCode).toBe(200);
  });
});
