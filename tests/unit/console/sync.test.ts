// POST /api/v1/sync: the agent's signature (wire.ts), refusals of everything else (unknown,
// revoked, replayed, stale, forged, tampered, posting as another), and what a good request
// gets: the ack, the policy for its group when its etag differs, undelivered decisions, and
// when to come back. Last-seen is buffered, not written per request.
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentGraceMs } from '../../../src/console/server/app.js';
import {
  LoadMeter,
  SHED_IN_FLIGHT,
  stretchInterval,
} from '../../../src/console/server/backpressure.js';
import { CLOCK_SKEW_MS, MAX_BATCH } from '../../../src/core/sync/wire.js';
import {
  addUser,
  call,
  enroll,
  enrollmentToken,
  type Harness,
  login,
  makeConsole,
  nextEvents,
  signedHeaders,
  staff,
  sync,
  syncBody,
  T0,
  type TestAgent,
} from '../../helpers/console-app.js';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

async function setup(o: Parameters<typeof makeConsole>[0] = {}) {
  h = makeConsole(o);
  const s = await staff(h);
  const t = await enrollmentToken(h, s.admin, { group: 'finance', uses: 5, department: '财务部' });
  const a = await enroll(h, t.token, 'ws-01');
  const b = await enroll(h, t.token, 'ws-02');
  return { s, a, b };
}

const err = (r: { json: () => unknown }) =>
  r.json() as { error: string; message: string; retryInMs?: number };
const started = (a: TestAgent, ts: number, n = 1) =>
  nextEvents(
    a,
    ts,
    Array.from({ length: n }, () => ({ type: 'agent.started' })),
  );

describe('sync authentication', () => {
  it('a signed request is stored under its agent and acknowledged', async () => {
    const { a } = await setup();
    const r = await sync(h, a, syncBody(a, started(a, h.clock.now, 3)));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ ackedSeq: 3, decisions: [], nextInMs: 60_000 });
    expect(await h.store.countEvents(a.id)).toBe(3);
  });

  it('refuses missing or malformed headers with 401 SYNC_BAD_HEADERS naming the header', async () => {
    const { a } = await setup();
    const body = JSON.stringify(syncBody(a, []));
    for (const [name, value] of [
      ['x-baomi-agent', undefined],
      ['x-baomi-agent', 'ws-01'],
      ['x-baomi-time', 'yesterday'],
      ['x-baomi-time', '-5'],
      ['x-baomi-nonce', 'short'],
      ['x-baomi-nonce', undefined],
      ['x-baomi-signature', 'not base64url!'],
      ['x-baomi-signature', undefined],
    ] as const) {
      const headers = signedHeaders(a, body, h.clock.now);
      if (value === undefined) delete headers[name];
      else headers[name] = value;
      const r = await h.app.inject({ method: 'POST', url: '/api/v1/sync', headers, payload: body });
      expect(r.statusCode, `${name}=${value}`).toBe(401);
      expect(err(r).error).toBe('SYNC_BAD_HEADERS');
      expect(err(r).message).toContain(name);
    }
    expect(h.store.nonces.size).toBe(0);
  });

  it('refuses a timestamp more than five minutes off with 401 SYNC_CLOCK_SKEW saying the difference', async () => {
    const { a } = await setup();
    const body = syncBody(a, []);
    const ok = await sync(h, a, body, { time: h.clock.now - CLOCK_SKEW_MS });
    expect(ok.statusCode).toBe(200);
    for (const off of [-CLOCK_SKEW_MS - 1000, CLOCK_SKEW_MS + 7000, -86_400_000 * 365]) {
      const r = await sync(h, a, body, { time: h.clock.now + off });
      expect(r.statusCode).toBe(401);
      const e = err(r);
      expect(e.error).toBe('SYNC_CLOCK_SKEW');
      expect(e.message).toContain(`${Math.round(Math.abs(off) / 1000)} s`);
      expect(e.message).toContain(new Date(h.clock.now).toISOString());
    }
  });

  it('refuses a replayed nonce with 409 SYNC_REPLAY, and stores nothing the second time', async () => {
    const { a, b } = await setup();
    const body = syncBody(a, started(a, h.clock.now));
    const nonce = 'n'.repeat(22);
    expect((await sync(h, a, body, { nonce })).statusCode).toBe(200);
    h.store.events.clear();
    const again = await sync(h, a, body, { nonce });
    expect(again.statusCode).toBe(409);
    expect(err(again).error).toBe('SYNC_REPLAY');
    expect(await h.store.countEvents()).toBe(0);
    // Nonces are per agent: another agent's same random value is its own.
    expect((await sync(h, b, syncBody(b, []), { nonce })).statusCode).toBe(200);
  });

  it('refuses an unknown agent (401), a revoked one (403) and a signature by another key (401)', async () => {
    const { a, s } = await setup();
    const body = syncBody(a, started(a, h.clock.now));
    const unknown = await sync(h, a, body, { agentId: '0190a3c0-0000-7000-8000-00000000dead' });
    expect(unknown.statusCode).toBe(401);
    expect(err(unknown).error).toBe('SYNC_AGENT_UNKNOWN');

    const forger = generateKeyPairSync('ed25519').privateKey;
    const forged = await sync(h, a, body, { key: forger });
    expect(forged.statusCode).toBe(401);
    expect(err(forged).error).toBe('SYNC_BAD_SIGNATURE');

    expect((await call(h, s.admin, 'POST', `/api/v1/agents/${a.id}/revoke`)).statusCode).toBe(200);
    const revoked = await sync(h, a, body);
    expect(revoked.statusCode).toBe(403);
    expect(err(revoked).error).toBe('AGENT_REVOKED');
    // A forger learns nothing about revocation: a bad signature is still a bad signature.
    expect(err(await sync(h, a, body, { key: forger })).error).toBe('SYNC_BAD_SIGNATURE');
    expect(await h.store.countEvents()).toBe(0);
    expect(h.store.nonces.size).toBe(0);
    expect(h.store.audit.at(-1)).toMatchObject({
      action: 'agent.revoked',
      target: a.id,
      actor: 'ada',
    });
  });

  it('an agent this console knows, revoked through another console, is refused at its next request', async () => {
    const { a } = await setup();
    expect((await sync(h, a, syncBody(a, started(a, h.clock.now)))).statusCode).toBe(200);
    const stored = h.store.events.size;
    const nonces = h.store.nonces.size;
    // Written past this process, as another console on the same database would.
    await h.store.revokeAgent(a.id, h.clock.now);
    for (let i = 0; i < 2; i++) {
      const r = await sync(h, a, syncBody(a, started(a, h.clock.now)));
      expect(r.statusCode).toBe(403);
      expect(err(r).error).toBe('AGENT_REVOKED');
    }
    expect(h.store.events.size).toBe(stored);
    expect(h.store.nonces.size).toBe(nonces);
  });

  it('an agent revoked between its signature check and its ingest gets 403 AGENT_REVOKED, not a 500', async () => {
    const { a } = await setup();
    const { BaomiError } = await import('../../../src/core/errors.js');
    // The store refuses at ingest (its own check, inside the transaction), as a revocation
    // committed by another console process in that moment makes it do.
    h.store.ingest = async () => {
      throw new BaomiError('CONSOLE_DB_AGENT_REVOKED', { agentId: a.id });
    };
    const r = await sync(h, a, syncBody(a, started(a, h.clock.now)));
    expect(r.statusCode).toBe(403);
    expect(err(r).error).toBe('AGENT_REVOKED');
    expect(err(r).message).not.toContain('{{');
  });

  it('refuses a body, a path or a method other than the one signed', async () => {
    const { a } = await setup();
    const body = JSON.stringify(syncBody(a, started(a, h.clock.now)));
    const changed = body.replace('agent.started', 'agent.stopped');
    // Signed over `body`, sent `changed`.
    const tampered = await sync(h, a, changed, { signedBody: body });
    expect(err(tampered).error).toBe('SYNC_BAD_SIGNATURE');
    // Signed for another path (the path includes any query).
    const query = await sync(h, a, body, { url: '/api/v1/sync?x=1' });
    expect(err(query).error).toBe('SYNC_BAD_SIGNATURE');
    expect(await h.store.countEvents()).toBe(0);
  });

  it('an agent cannot post as another: its key does not verify for the other id, and events name no agent', async () => {
    const { a, b } = await setup();
    const asB = await sync(h, a, syncBody(a, started(a, h.clock.now)), { agentId: b.id });
    expect(asB.statusCode).toBe(401);
    expect(err(asB).error).toBe('SYNC_BAD_SIGNATURE');
    // An event whose host names another computer is still stored under the sender's id only.
    const events = nextEvents(a, h.clock.now, [{ type: 'agent.started' }]).map((e) => ({
      ...e,
      host: 'ws-02',
    }));
    const r = await sync(h, a, syncBody(a, events));
    // (the hash no longer matches the host; the memory store does not check chains)
    expect(r.statusCode).toBe(200);
    expect(await h.store.countEvents(b.id)).toBe(0);
    expect(await h.store.countEvents(a.id)).toBe(1);
    const bad = await sync(h, a, { ...syncBody(a, []), agentId: b.id });
    expect(bad.statusCode).toBe(400);
  });

  it('refuses a malformed batch with 400 and stores none of it', async () => {
    const { a } = await setup();
    const good = started(a, h.clock.now, 2);
    const cases: unknown[] = [
      { ...syncBody(a, good), v: 9 },
      syncBody(a, [good[0]!, { ...good[1]!, hash: 'zz' }]),
      syncBody(a, [good[0]!, { ...good[1]!, seq: 0 }]),
      syncBody(a, [good[0]!, { ...good[1]!, extra: 1 } as never]),
      { ...syncBody(a, []), events: Array.from({ length: MAX_BATCH + 1 }, () => good[0]) },
      { ...syncBody(a, good), heartbeat: { ...syncBody(a, good).heartbeat, os: 'dos' } },
      '',
    ];
    for (const c of cases) {
      const r = await sync(h, a, c);
      expect(r.statusCode).toBe(400);
      expect(err(r).error).toBe('CONSOLE_BAD_REQUEST');
    }
    expect(await h.store.countEvents()).toBe(0);
  });

  it('an event sent twice is stored once; SQL- and HTML-looking data is kept verbatim', async () => {
    const { a } = await setup();
    const nasty = "'); DELETE FROM events; -- <img src=x onerror=alert(1)>";
    const events = nextEvents(a, h.clock.now, [
      { type: 'file.created', data: { path: `/srv/${nasty}` }, user: nasty },
    ]);
    expect((await sync(h, a, syncBody(a, events))).json<{ ackedSeq: number }>().ackedSeq).toBe(1);
    expect((await sync(h, a, syncBody(a, events))).json<{ ackedSeq: number }>().ackedSeq).toBe(1);
    expect(await h.store.countEvents()).toBe(1);
    const s = await staff2();
    const page = await call(
      h,
      s,
      'GET',
      `/api/v1/events?text=${encodeURIComponent('DELETE FROM')}`,
    );
    expect(
      page.json<{ events: { user: string; data: { path: string } }[] }>().events[0],
    ).toMatchObject({
      user: nasty,
      data: { path: `/srv/${nasty}` },
    });
  });

  it('rate-limits one agent per minute (429 with retryInMs), not its neighbours', async () => {
    const { a, b } = await setup({ limits: { syncPerAgent: 2 } });
    for (let i = 0; i < 2; i++) expect((await sync(h, a, syncBody(a, []))).statusCode).toBe(200);
    const r = await sync(h, a, syncBody(a, []));
    expect(r.statusCode).toBe(429);
    expect(err(r).error).toBe('CONSOLE_RATE_LIMITED');
    expect(err(r).retryInMs).toBeGreaterThan(0);
    expect((await sync(h, b, syncBody(b, []))).statusCode).toBe(200);
  });
});

/** A second login on the current harness (an auditor reads events). */
async function staff2() {
  await addUser(h, 'reader', 'auditor');
  return login(h, 'reader');
}

describe('sync answers', () => {
  it('buffers last-seen and the heartbeat: no store write per sync, one flush with the newest per agent', async () => {
    const { a, b } = await setup();
    for (let i = 0; i < 3; i++) {
      h.clock.now += 1000;
      await sync(h, a, syncBody(a, []));
    }
    await sync(h, b, syncBody(b, []));
    expect(h.store.flushes).toEqual([]);
    expect(h.store.agents.get(a.id)!.lastSeen).toBeNull();
    // The API already shows what this process holds.
    const s = await staff2();
    const view = (await call(h, s, 'GET', `/api/v1/agents/${a.id}`)).json<{
      lastSeen: number;
      state: string;
    }>();
    expect(view).toMatchObject({ lastSeen: h.clock.now, state: 'online' });
    await h.app.baomi.flushLastSeen();
    expect(h.store.flushes).toHaveLength(1);
    expect(h.store.flushes[0]!.map((e) => [e.agentId, e.at]).sort()).toEqual(
      [
        [a.id, h.clock.now],
        [b.id, h.clock.now],
      ].sort(),
    );
    expect(h.store.agents.get(a.id)!.heartbeat).toMatchObject({
      agentVersion: '0.2.0',
      host: 'ws-01',
    });
  });

  it('keeps buffered last-seen when the flush fails, and writes it at close', async () => {
    const { a } = await setup();
    await sync(h, a, syncBody(a, []));
    h.store.down = Object.assign(new Error('gone'), { code: 'ECONNRESET' });
    await h.app.baomi.flushLastSeen();
    h.store.down = null;
    expect(h.store.agents.get(a.id)!.lastSeen).toBeNull();
    await h.app.close();
    expect(h.store.agents.get(a.id)!.lastSeen).toBe(h.clock.now);
    expect(h.logs()).toMatch(/last-seen flush failed/);
  });

  it('flags agents silent after three intervals, once; nobody in the grace after a start', async () => {
    const { a, b } = await setup();
    await sync(h, a, syncBody(a, []));
    await sync(h, b, syncBody(b, []));
    // Three intervals, but the console started at T0: a fleet that found it away may take up
    // to the agent's longest back-off to come back, and is not called silent meanwhile.
    h.clock.now += 3 * 60_000 + 1;
    await sync(h, b, syncBody(b, []));
    await h.app.baomi.checkSilent();
    expect(h.store.alerts).toEqual([]);
    h.clock.now = T0 + silentGraceMs(60_000);
    await sync(h, b, syncBody(b, []));
    await h.app.baomi.checkSilent();
    await h.app.baomi.checkSilent();
    expect(h.store.alerts.map((x) => [x.type, x.agentId])).toEqual([['agent.silent', a.id]]);
    const s = await staff2();
    const agents = (await call(h, s, 'GET', '/api/v1/agents')).json<{
      agents: { id: string; state: string }[];
    }>();
    expect(Object.fromEntries(agents.agents.map((x) => [x.id, x.state]))).toEqual({
      [a.id]: 'silent',
      [b.id]: 'online',
    });
  });

  it('shows staff whether each agent enforces USB and, when not, the reason it reported', async () => {
    const { a, b } = await setup();
    const off = syncBody(a, []);
    off.heartbeat = { ...off.heartbeat, usbEnforcing: false, usbReason: 'no-udev' };
    const on = syncBody(b, []);
    on.heartbeat = { ...on.heartbeat, usbEnforcing: true };
    expect((await sync(h, a, off)).statusCode).toBe(200);
    expect((await sync(h, b, on)).statusCode).toBe(200);
    const s = await staff2();
    const view = async (id: string) =>
      (await call(h, s, 'GET', `/api/v1/agents/${id}`)).json<{
        usbEnforcing: boolean | null;
        usbReason: string | null;
      }>();
    expect(await view(a.id)).toMatchObject({ usbEnforcing: false, usbReason: 'no-udev' });
    expect(await view(b.id)).toMatchObject({ usbEnforcing: true, usbReason: null });
  });

  it('hands the policy of the agent’s group when its etag differs, and records the etag handed', async () => {
    const { a } = await setup();
    const bytes = Buffer.from('version: 3\n');
    const p = await h.store.addPolicy({
      target: { kind: 'department', value: '财务部' },
      name: 'p',
      version: 3,
      sha256: 'x',
      bytes,
      signature: 'sig',
      etag: 'e3',
      uploadedBy: 'ada',
      uploadedAt: h.clock.now,
    });
    const first = (await sync(h, a, syncBody(a, [], null))).json<{
      policy?: { etag: string; bytes: string; signature: string };
    }>();
    expect(first.policy).toEqual({ etag: 'e3', bytes: bytes.toString('base64'), signature: 'sig' });
    expect(h.store.agents.get(a.id)!.policyEtag).toBe(p.etag);
    const same = (await sync(h, a, syncBody(a, [], 'e3'))).json<{ policy?: unknown }>();
    expect(same.policy).toBeUndefined();
  });

  it('sends decided, undelivered decisions until the agent records the outcome', async () => {
    const { a, s } = await setup();
    const requestId = '0190a3c0-0000-7000-8000-0000000000aa';
    const device = 'a'.repeat(64);
    await sync(
      h,
      a,
      syncBody(
        a,
        nextEvents(a, h.clock.now, [
          {
            type: 'usb.exception-requested',
            user: 'li',
            data: { requestId, device, reason: '审计' },
          },
        ]),
      ),
    );
    expect((await sync(h, a, syncBody(a, []))).json<{ decisions: unknown[] }>().decisions).toEqual(
      [],
    );
    await call(h, s.analyst, 'POST', `/api/v1/requests/${requestId}/decision`, {
      approve: false,
      note: '不需要',
    });
    for (let i = 0; i < 2; i++) {
      const d = (await sync(h, a, syncBody(a, []))).json<{ decisions: unknown[] }>().decisions;
      expect(d).toEqual([
        { requestId, approved: false, note: '不需要', decidedBy: 'ana', decidedAt: h.clock.now },
      ]);
    }
    await sync(
      h,
      a,
      syncBody(
        a,
        nextEvents(a, h.clock.now, [{ type: 'usb.exception-refused', data: { requestId } }]),
      ),
    );
    expect((await sync(h, a, syncBody(a, []))).json<{ decisions: unknown[] }>().decisions).toEqual(
      [],
    );
  });

  it('asks agents to come back later when the process is behind (back-pressure)', () => {
    expect(stretchInterval(60_000, 0, 0)).toBe(60_000);
    expect(stretchInterval(60_000, 50, 64)).toBe(60_000);
    expect(stretchInterval(60_000, 150, 0)).toBe(120_000);
    expect(stretchInterval(60_000, 0, 128)).toBe(120_000);
    expect(stretchInterval(60_000, 100, 0)).toBe(90_000);
    // At most twice: with +20 % jitter an agent still calls before three intervals (silent).
    expect(stretchInterval(60_000, 10_000, 10_000)).toBe(120_000);
    expect(stretchInterval(60_000, 10_000, 10_000) * 1.2).toBeLessThan(3 * 60_000);
    // Slow answers (a console behind its database while its event loop keeps up).
    expect(stretchInterval(60_000, 0, 0, 250)).toBe(60_000);
    expect(stretchInterval(60_000, 0, 0, 500)).toBe(90_000);
    expect(stretchInterval(60_000, 0, 0, 5_000)).toBe(120_000);
    // The stretch drawn between none (r = 0) and the full factor (r = 1); r out of range is
    // clamped, never shorter than the interval nor longer than twice it.
    expect(stretchInterval(60_000, 150, 0, 0, 0)).toBe(60_000);
    expect(stretchInterval(60_000, 150, 0, 0, 0.25)).toBe(75_000);
    expect(stretchInterval(60_000, 150, 0, 0, -3)).toBe(60_000);
    expect(stretchInterval(60_000, 10_000, 0, 0, 7)).toBe(120_000);
    expect(stretchInterval(60_000, 0, 0, 0, 0.9)).toBe(60_000);
  });

  it(`sheds sync requests unread (503 CONSOLE_BUSY) beyond ${SHED_IN_FLIGHT} in flight, and takes them again after`, async () => {
    const { a } = await setup();
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = h.app.server.address() as AddressInfo;
    expect((await sync(h, a, syncBody(a, started(a, h.clock.now)))).statusCode).toBe(200);
    // Requests whose body never finishes: each is in flight from its headers on.
    const sockets: Socket[] = [];
    const body = syncBody(a, started(a, h.clock.now));
    try {
      for (let i = 0; i < SHED_IN_FLIGHT; i++) {
        const c = connect(port, '127.0.0.1');
        c.on('error', () => {});
        c.write(
          'POST /api/v1/sync HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{',
        );
        sockets.push(c);
      }
      // Until the server has all of them in flight (an empty batch as the probe).
      for (let i = 0; i < 100; i++) {
        if ((await sync(h, a, syncBody(a, []))).statusCode === 503) break;
        await new Promise((ok) => setTimeout(ok, 50));
      }
      const r = await sync(h, a, body);
      expect(r.statusCode).toBe(503);
      expect(err(r).error).toBe('CONSOLE_BUSY');
      expect(err(r).retryInMs).toBe(60_000);
      expect(r.headers['retry-after']).toBe('60');
      expect(await h.store.countEvents(a.id)).toBe(1); // not read, not stored
    } finally {
      for (const c of sockets) c.destroy();
    }
    // The same batch again once the others are gone (the agent keeps what was refused).
    let r = await sync(h, a, body);
    for (let i = 0; i < 100 && r.statusCode !== 200; i++) {
      await new Promise((ok) => setTimeout(ok, 50));
      r = await sync(h, a, body);
    }
    expect(r.statusCode).toBe(200);
    expect(await h.store.countEvents(a.id)).toBe(2);
    // Real sockets: its two waits alone may take 5 s each on a loaded machine (CI timed out at
    // the unit project's 5 s default once, beside the integration suites).
  }, 30_000);

  it('measures its sync answers: a slow p99 over a window stretches the next intervals', () => {
    vi.useFakeTimers();
    const m = new LoadMeter();
    try {
      m.start(1000);
      for (let i = 0; i < 90; i++) m.answered(10);
      for (let i = 0; i < 10; i++) m.answered(750);
      expect(m.nextInMs(60_000, 1)).toBe(60_000); // judged at the end of the window
      vi.advanceTimersByTime(1000);
      expect(m.answerP99).toBe(750);
      expect(m.nextInMs(60_000, 1)).toBe(120_000);
      // Drawn per answer between no stretch and the full one, so a loaded window's agents
      // do not all come back together.
      expect(m.nextInMs(60_000, 0)).toBe(60_000);
      expect(m.nextInMs(60_000, 0.5)).toBe(90_000);
      const drawn = new Set(Array.from({ length: 50 }, () => m.nextInMs(60_000)));
      expect(drawn.size).toBeGreaterThan(10);
      for (const d of drawn) expect(d >= 60_000 && d <= 120_000, String(d)).toBe(true);
      for (let i = 0; i < 100; i++) m.answered(20);
      vi.advanceTimersByTime(1000);
      // (The interval itself also follows this process's real event-loop lag: not asserted.)
      expect(m.answerP99).toBe(20);
    } finally {
      m.stop();
      vi.useRealTimers();
    }
  });
});
