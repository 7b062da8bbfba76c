// The sync module on the fake clock, a real store and a transport that answers in memory:
// what each request carries (signed, ascending, above the ack), when the acknowledgement is
// recorded (after a 200 only, never above the head), back-off and the backlog's pace, the
// policy etag, decisions applied once, and enrollment picked up while running.
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  verify,
} from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConfig, ModuleContext } from '../../../src/agent/module.js';
import { ETAG_KEY, syncModule } from '../../../src/agent/modules/sync.js';
import type { OfferOutcome } from '../../../src/agent/policy/manager.js';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import {
  type HttpAnswer,
  type PostOptions,
  type Transport,
  TransportError,
} from '../../../src/agent/sync/http.js';
import type { RedeemResult } from '../../../src/agent/usb/exceptions.js';
import type { Json } from '../../../src/core/events/types.js';
import type { Notice, SyncStatus } from '../../../src/core/protocol/messages.js';
import {
  AGENT_HEADER,
  NONCE_HEADER,
  SIGNATURE_HEADER,
  type SyncRequest,
  type SyncResponse,
  signedText,
  TIME_HEADER,
  type WireDecision,
} from '../../../src/core/sync/wire.js';
import { createFakePlatform, type FakePlatform } from '../../../src/platform/fake/index.js';
import { tmpDirs } from '../store/helpers.js';
import { moduleContext, policyInForce, until } from './helpers.js';

const dirs = tmpDirs();
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
  dirs.cleanup();
});

const MIN = 60_000;
const CONSOLE = 'https://console.test';

interface Call {
  url: URL;
  body: SyncRequest;
  raw: Buffer;
  headers: Record<string, string>;
  options: PostOptions;
}

/** enrollment.json and agent.key as `baomi enroll` leaves them; the public half back. */
function enrollHere(dataDir: string, extra: Record<string, unknown> = {}): KeyObject {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    join(dataDir, 'agent.key'),
    privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    { mode: 0o600 },
  );
  writeFileSync(
    join(dataDir, 'enrollment.json'),
    JSON.stringify({
      v: 1,
      console: CONSOLE,
      agentId: 'agent-1',
      group: 'finance',
      exceptionSecret: 'c2VjcmV0',
      enrolledAt: 1,
      ...extra,
    }),
    { mode: 0o600 },
  );
  return publicKey;
}

const ok = (r: Partial<SyncResponse> & { ackedSeq: number }): HttpAnswer => ({
  status: 200,
  headers: {},
  body: Buffer.from(JSON.stringify({ decisions: [], nextInMs: 0, ...r })),
});
const status = (code: number, body: unknown = { error: 'X', message: 'scripted' }): HttpAnswer => ({
  status: code,
  headers: {},
  body: Buffer.from(JSON.stringify(body)),
});

function setup(
  o: {
    enrolled?: boolean;
    sync?: string;
    random?: number;
    enrollment?: Record<string, unknown>;
  } = {},
) {
  const p: FakePlatform = createFakePlatform();
  const dataDir = dirs.make();
  const publicKey = o.enrolled === false ? null : enrollHere(dataDir, o.enrollment);
  const store: EventStore = openStore({
    dataDir,
    host: 'ws',
    now: () => p.clock.now(),
    batchWindowMs: 1,
  });
  const calls: Call[] = [];
  let answer: (req: SyncRequest, n: number) => HttpAnswer | Error = (req) =>
    ok({ ackedSeq: req.events.at(-1)?.seq ?? store.getAckedSeq() });
  const transport: Transport = async (url, raw, headers, options) => {
    const body = JSON.parse(raw.toString('utf8')) as SyncRequest;
    calls.push({ url, body, raw, headers, options });
    const a = answer(body, calls.length);
    if (a instanceof Error) throw a;
    return a;
  };
  const offers: { bytes: Buffer; signature: string; etag?: string }[] = [];
  let offerOutcome: OfferOutcome = 'rejected';
  const redeemed: { token: string; record: Record<string, Json> }[] = [];
  /** Set: redeeming throws (the store refusing a write while an answer is applied). */
  const failRedeem = { on: false };
  const notices: Notice[] = [];
  const m = syncModule({
    transport,
    random: () => o.random ?? 0.5,
    host: 'ws',
    offerPolicy: async (bytes, signature, from) => {
      offers.push({ bytes, signature, ...(from.etag ? { etag: from.etag } : {}) });
      return offerOutcome;
    },
    redeem: async (token, record): Promise<RedeemResult> => {
      if (failRedeem.on) throw new Error('SQLITE_FULL: database or disk is full');
      redeemed.push({ token, record });
      await store.append({
        type: 'usb.exception',
        severity: 'medium',
        data: { ...record, id: String(record.requestId), device: 'd' },
      });
      return {
        ok: true,
        exception: {
          id: String(record.requestId),
          device: '46f4:0001:S1',
          user: 'alice',
          notBefore: 0,
          notAfter: p.clock.now() + 3_600_000,
          reason: 'r',
        },
      };
    },
  });
  const ctx: ModuleContext = {
    ...moduleContext(store, p),
    config: { dataDir, lang: 'en' } as AgentConfig,
    seatUser: () => 'alice',
    notice: (n) => notices.push(n),
    statusSlices: () => ({
      policy: { name: 't', version: 3 },
      idleSource: 'x11',
      usb: { enforcing: false, reason: 'USB_NOT_ENFORCING' },
    }),
  };
  cleanup = async () => {
    await m.stop();
    store.close();
  };
  const sync = () => ((m.status as () => Record<string, unknown>)() as { sync: SyncStatus }).sync;
  const start = (extra = o.sync ?? `sync: { console: ${CONSOLE}, interval: 60s, batch: 5 }`) => {
    m.start(ctx);
    m.apply?.(policyInForce(extra));
  };
  /** Moves the clock to the next planned request and waits until its answer is handled. */
  const step = async () => {
    const before = calls.length;
    const next = sync().nextAt;
    if (next === undefined) throw new Error('no request planned');
    p.clock.advance(next - p.clock.now());
    await until('the round', () => calls.length > before && sync().nextAt !== undefined);
    return { call: calls[calls.length - 1]!, delay: (sync().nextAt as number) - p.clock.now() };
  };
  const add = async (n: number) => {
    for (let i = 0; i < n; i++)
      await store.append({ type: 'file.created', severity: 'info', data: { path: `/f/${i}` } });
  };
  return {
    p,
    m,
    store,
    dataDir,
    publicKey,
    calls,
    offers,
    redeemed,
    failRedeem,
    notices,
    sync,
    start,
    step,
    add,
    answer: (f: typeof answer) => {
      answer = f;
    },
    outcome: (x: OfferOutcome) => {
      offerOutcome = x;
    },
  };
}

describe('sync module', () => {
  it('sends the events above the ack, signed, with the heartbeat; acks only after a 200', async () => {
    const s = setup();
    await s.add(3);
    s.start();
    expect(s.sync().nextAt! - s.p.clock.now()).toBeLessThanOrEqual(0.2 * MIN);
    s.answer(() => status(500));
    const first = await s.step();
    expect(first.call.body.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    // Nothing acknowledged on a failure, and back-off from the interval.
    expect(s.store.getAckedSeq()).toBe(0);
    expect(s.sync().lastError).toMatchObject({ code: 'SYNC_HTTP', params: { status: 500 } });
    expect(first.delay).toBe(90_000); // interval + (2×interval − interval) × 0.5

    // The signature verifies against the key from enrollment, over wire.ts's signed text.
    const h = first.call.headers;
    expect(h[AGENT_HEADER]).toBe('agent-1');
    expect(first.call.url.href).toBe(`${CONSOLE}/api/v1/sync`);
    const text = signedText({
      time: Number(h[TIME_HEADER]),
      nonce: h[NONCE_HEADER]!,
      method: 'POST',
      path: '/api/v1/sync',
      bodySha256: createHash('sha256').update(first.call.raw).digest('hex'),
    });
    expect(Buffer.from(h[NONCE_HEADER]!, 'base64url').length).toBeGreaterThanOrEqual(16);
    const pub = createPublicKey(s.publicKey!.export({ type: 'spki', format: 'pem' }));
    const sig = Buffer.from(h[SIGNATURE_HEADER]!, 'base64url');
    expect(verify(null, Buffer.from(text), pub, sig)).toBe(true);
    expect(verify(null, Buffer.from(`${text}x`), pub, sig)).toBe(false);
    expect(first.call.body.heartbeat).toMatchObject({
      host: 'ws',
      os: 'linux',
      policy: { name: 't', version: 3 },
      eventsWaiting: 0, // all three are in this request
      idleSource: 'x11',
      usbEnforcing: false,
      usbReason: 'USB_NOT_ENFORCING',
      seatUser: 'alice',
      head: { seq: 3, hash: s.store.head().hash },
    });
    expect(first.call.body.policyEtag).toBeNull();

    s.answer(() => ok({ ackedSeq: 3 }));
    const second = await s.step();
    expect(second.call.body.events.map((e) => e.seq)).toEqual([1, 2, 3]); // resent from the ack
    expect(second.call.headers[NONCE_HEADER]).not.toBe(h[NONCE_HEADER]);
    expect(s.store.getAckedSeq()).toBe(3);
    expect(s.sync().lastSuccess).toBe(s.p.clock.now());
    expect(s.sync().eventsWaiting).toBe(0);
    expect(second.delay).toBe(MIN); // interval ± 20 %, at the middle

    await s.add(1);
    s.answer((req) => ok({ ackedSeq: req.events.at(-1)!.seq }));
    const third = await s.step();
    expect(third.call.body.events.map((e) => e.seq)).toEqual([4]);
    expect(s.store.getAckedSeq()).toBe(4);
  });

  it('refuses an ack above its own head, and records no more than it sent', async () => {
    const s = setup({ sync: `sync: { console: ${CONSOLE}, interval: 60s, batch: 2 }` });
    await s.add(4);
    s.start();
    s.answer(() => ok({ ackedSeq: 99 }));
    const above = await s.step();
    expect(s.store.getAckedSeq()).toBe(0);
    expect(s.sync().lastError).toMatchObject({
      code: 'SYNC_ACK_ABOVE_HEAD',
      params: { acked: 99, head: 4 },
    });
    expect(above.delay).toBeGreaterThanOrEqual(MIN); // backing off
    // Acked through 4 when only 1…2 were sent: 2 recorded, 3…4 still sent.
    s.answer(() => ok({ ackedSeq: 4 }));
    await s.step();
    expect(s.store.getAckedSeq()).toBe(2);
    s.answer((req) => ok({ ackedSeq: req.events.at(-1)!.seq }));
    const next = await s.step();
    expect(next.call.body.events.map((e) => e.seq)).toEqual([3, 4]);
    expect(s.store.getAckedSeq()).toBe(4);
  });

  it('backs off exponentially with jitter up to 15 minutes, honours retryInMs, acks nothing', async () => {
    const s = setup({ random: 1 });
    await s.add(2);
    s.start();
    s.answer(() => new TransportError('ECONNREFUSED'));
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) delays.push((await s.step()).delay);
    expect(delays).toEqual([120_000, 240_000, 480_000, 900_000, 900_000]);
    expect(s.store.getAckedSeq()).toBe(0);
    expect(s.sync().lastError).toMatchObject({
      code: 'SYNC_UNREACHABLE',
      params: { console: CONSOLE, reason: 'ECONNREFUSED' },
    });
    s.answer(() => status(401, { error: 'AUTH', message: 'revoked' }));
    await s.step();
    expect(s.sync().lastError).toMatchObject({
      code: 'SYNC_REVOKED',
      params: { status: 401, message: 'revoked' },
    });
    expect(s.store.getAckedSeq()).toBe(0);
    s.answer(() => status(429, { error: 'RATE', message: 'slow down', retryInMs: 1_800_000 }));
    const limited = await s.step();
    expect(limited.delay).toBe(1_800_000);
    expect(s.sync().lastError?.code).toBe('SYNC_RATE_LIMITED');
    // One success resets the back-off.
    s.answer(() => ok({ ackedSeq: 2 }));
    expect((await s.step()).delay).toBeLessThanOrEqual(1.2 * MIN);
    expect(s.store.getAckedSeq()).toBe(2);
  });

  it('a console that sheds the request because it is loaded (503 CONSOLE_BUSY) is called again after the interval it asks, without growing the back-off', async () => {
    const s = setup({ random: 1 });
    await s.add(2);
    s.start();
    s.answer(() => new TransportError('ECONNREFUSED'));
    const down: number[] = [];
    for (let i = 0; i < 4; i++) down.push((await s.step()).delay);
    expect(down).toEqual([120_000, 240_000, 480_000, 900_000]);
    s.answer(() => status(503, { error: 'CONSOLE_BUSY', message: 'busy', retryInMs: 2 * MIN }));
    // The interval asked (two), ±20 %: not the 15 minutes the back-off had reached.
    expect((await s.step()).delay).toBe(1.2 * 2 * MIN);
    expect((await s.step()).delay).toBe(1.2 * 2 * MIN);
    expect(s.sync().lastError).toMatchObject({ code: 'SYNC_BUSY', params: { console: CONSOLE } });
    expect(s.store.getAckedSeq()).toBe(0);
    // Never sooner than the policy's interval, never later than the longest back-off.
    s.answer(() => status(503, { error: 'CONSOLE_BUSY', message: 'busy', retryInMs: 1 }));
    expect((await s.step()).delay).toBe(1.2 * MIN);
    s.answer(() =>
      status(503, { error: 'CONSOLE_BUSY', message: 'busy', retryInMs: 10 * 60 * MIN }),
    );
    expect((await s.step()).delay).toBe(1.2 * 15 * MIN);
    // Another 503 (no such code) is a failure like any other.
    s.answer(() =>
      status(503, { error: 'CONSOLE_DB_UNAVAILABLE', message: 'db', retryInMs: 5_000 }),
    );
    expect((await s.step()).delay).toBe(900_000);
    expect(s.sync().lastError?.code).toBe('SYNC_HTTP');
    s.answer(() => ok({ ackedSeq: 2 }));
    await s.step();
    expect(s.store.getAckedSeq()).toBe(2);
  });

  it('drains a backlog in batches, no sooner than half an interval apart', async () => {
    const s = setup();
    await s.add(12);
    s.start();
    const rounds = [await s.step(), await s.step(), await s.step()];
    expect(rounds.map((r) => r.call.body.events.map((e) => e.seq))).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
      [11, 12],
    ]);
    // Waiting: what this request does not carry (the console shows it as the backlog).
    expect(rounds.map((r) => r.call.body.heartbeat.eventsWaiting)).toEqual([7, 2, 0]);
    expect(rounds.map((r) => r.delay)).toEqual([33_000, 33_000, MIN]);
    for (const r of rounds.slice(0, 2)) expect(r.delay).toBeGreaterThanOrEqual(MIN / 2);
    expect(s.store.getAckedSeq()).toBe(12);
  });

  it('judges a console policy once: its etag is kept (refused too) and sent from then on', async () => {
    const s = setup();
    s.start();
    const policy = {
      etag: 'e1'.repeat(32),
      bytes: Buffer.from('version: 9').toString('base64'),
      signature: 'sig',
    };
    s.answer((req) => ok({ ackedSeq: req.events.at(-1)?.seq ?? 0, policy }));
    // A judge that did not run: offered again next time, etag not kept.
    s.outcome('failed');
    await s.step();
    expect(s.offers).toHaveLength(1);
    expect(s.store.getState(ETAG_KEY)).toBeUndefined();
    s.outcome('rejected');
    const second = await s.step();
    expect(second.call.body.policyEtag).toBeNull();
    expect(s.offers).toHaveLength(2);
    expect(s.offers[1]).toMatchObject({ signature: 'sig', etag: policy.etag });
    expect(s.offers[1]!.bytes.toString()).toBe('version: 9');
    expect(s.store.getState(ETAG_KEY)).toBe(policy.etag);
    // Sent from now on; the same policy again (a console that ignores the etag) is not judged.
    const third = await s.step();
    expect(third.call.body.policyEtag).toBe(policy.etag);
    expect(s.offers).toHaveLength(2);
  });

  it('applies each decision once and tells the person', async () => {
    const s = setup();
    const approved: WireDecision = {
      requestId: '01970000-0000-7000-8000-00000000000a',
      approved: true,
      note: 'ok for the audit',
      decidedBy: 'wang',
      decidedAt: 1,
      token: 'BMX1.x.y',
    };
    const denied: WireDecision = {
      requestId: '01970000-0000-7000-8000-00000000000b',
      approved: false,
      note: '不同意 no',
      decidedBy: 'li',
      decidedAt: 2,
    };
    await s.store.append({
      type: 'usb.exception-requested',
      severity: 'low',
      user: 'bob',
      data: {
        requestId: denied.requestId,
        device: '46f4:0001:S9',
        deviceLabel: 'Stick (46f4:0001)',
        reason: 'r',
      },
    });
    s.start();
    s.answer((req) =>
      ok({
        ackedSeq: req.events.at(-1)?.seq ?? s.store.getAckedSeq(),
        decisions: [approved, denied],
      }),
    );
    await s.step();
    await s.step(); // the console sends them again until it has the events
    expect(s.redeemed).toEqual([
      {
        token: 'BMX1.x.y',
        record: { requestId: approved.requestId, decidedBy: 'wang', decidedAt: 1 },
      },
    ]);
    const refused = s.store.query({ types: ['usb.exception-refused'] });
    expect(refused).toHaveLength(1);
    expect(refused[0]!.user).toBe('bob');
    expect(refused[0]!.data).toMatchObject({
      requestId: denied.requestId,
      code: 'EXCEPTION_DENIED',
      params: { note: '不同意 no', decidedBy: 'li' },
      note: '不同意 no',
      decidedBy: 'li',
      device: '46f4:0001:S9',
    });
    expect(s.store.query({ types: ['usb.exception'] })).toHaveLength(1);
    expect(s.notices.map((n) => n.code)).toEqual([
      'usb.notice.exceptionApproved',
      'usb.notice.exceptionDenied',
    ]);
    expect(s.notices[1]!.params).toMatchObject({ device: 'Stick (46f4:0001)', decidedBy: 'li' });
    // Whoever has no tray sees them through the OS's notifier, in their language.
    await until('both shown', () => s.p.notifier.shown.length === 2);
    expect(s.p.notifier.shown.map((x) => x.notice.title)).toEqual([
      'USB exception approved',
      'USB exception denied',
    ]);
    expect(s.p.notifier.shown[1]!.notice.body).toMatch(/Stick \(46f4:0001\)[\s\S]*li: 不同意 no/);
  });

  it('a round that throws on this side is said in status and tried again, never the end of syncing', async () => {
    const s = setup();
    await s.add(2);
    const approved: WireDecision = {
      requestId: '01970000-0000-7000-8000-00000000000b',
      approved: true,
      note: 'ok',
      decidedBy: 'wang',
      decidedAt: 1,
      token: 'BMX1.x.y',
    };
    s.failRedeem.on = true;
    s.start();
    s.answer((req) =>
      ok({ ackedSeq: req.events.at(-1)?.seq ?? s.store.getAckedSeq(), decisions: [approved] }),
    );
    const first = await s.step();
    expect(s.sync().lastError).toMatchObject({ code: 'SYNC_ROUND_FAILED' });
    expect(String(s.sync().lastError?.params.reason)).toContain('SQLITE_FULL');
    expect(first.delay).toBeGreaterThan(0); // a next round is planned (with back-off)
    s.failRedeem.on = false;
    await s.step();
    expect(s.redeemed.map((r) => r.token)).toEqual(['BMX1.x.y']);
    // The error stays on record with its time; a later success says it is over.
    expect(s.sync().lastSuccess).toBeGreaterThan(s.sync().lastError?.at as number);
  });

  it('waits for an enrollment, and picks one made while it runs', async () => {
    const s = setup({ enrolled: false });
    await s.add(1);
    s.start();
    for (let i = 0; i < 3; i++) s.p.clock.advance(MIN);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.calls).toHaveLength(0);
    expect(s.sync()).toMatchObject({ console: CONSOLE, enrolled: false });
    enrollHere(s.dataDir);
    expect(s.sync()).toMatchObject({ enrolled: true, agentId: 'agent-1' });
    const r = await s.step();
    expect(r.call.body.events.map((e) => e.seq)).toEqual([1]);
  });

  it('is off without sync in the policy, and stops a request in flight at once', async () => {
    const s = setup({ sync: 'retention: { days: 30 }' });
    s.start();
    expect(s.sync()).toEqual(expect.objectContaining({ console: null }));
    expect(s.sync().nextAt).toBeUndefined();
    s.m.apply?.(policyInForce(`sync: { console: ${CONSOLE}, interval: 60s }`));
    expect(s.sync().nextAt).toBeDefined();
    let aborted = false;
    s.answer(() => new Error('unused'));
    const hang: Transport = (_u, _b, _h, o) =>
      new Promise((_r, reject) =>
        o.signal?.addEventListener('abort', () => {
          aborted = true;
          reject(new TransportError('aborted'));
        }),
      );
    // Swap the transport by a module of its own on the same context.
    const m2 = syncModule({ transport: hang, random: () => 0 });
    const ctx2 = {
      ...moduleContext(s.store, s.p),
      config: { dataDir: s.dataDir, lang: 'en' } as AgentConfig,
    };
    m2.start(ctx2 as ModuleContext);
    m2.apply?.(policyInForce(`sync: { console: ${CONSOLE}, interval: 60s }`));
    s.p.clock.advance(1);
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    await m2.stop();
    expect(aborted).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(s.store.getAckedSeq()).toBe(0);
  });

  it('trusts the pinned certificate alone, with a timeout, and syncs with the console it enrolled with', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const s = setup({ enrollment: { ca: pem, console: 'https://enrolled.test:8443/baomi' } });
    s.start();
    const r = await s.step();
    expect(r.call.options.ca).toBe(pem);
    expect(r.call.options.timeoutMs).toBeGreaterThan(0);
    expect(r.call.options.signal).toBeInstanceOf(AbortSignal);
    // A path prefix is kept, and signed as sent.
    expect(r.call.url.href).toBe('https://enrolled.test:8443/baomi/api/v1/sync');
    expect(s.sync()).toMatchObject({
      console: CONSOLE,
      enrolledWith: 'https://enrolled.test:8443/baomi',
    });
    const plain = setup();
    plain.start();
    expect((await plain.step()).call.options.ca).toBeUndefined();
  });

  it('an unreadable enrollment sends nothing and says why; fixed, it sends', async () => {
    const s = setup();
    writeFileSync(join(s.dataDir, 'enrollment.json'), '{"v":1,');
    await s.add(1);
    s.start();
    s.p.clock.advance(s.sync().nextAt! - s.p.clock.now());
    await until('the error', () => s.sync().lastError?.code === 'SYNC_ENROLLMENT_UNREADABLE');
    expect(s.sync().lastError?.params.file).toBe(join(s.dataDir, 'enrollment.json'));
    expect(s.calls).toEqual([]);
    enrollHere(s.dataDir);
    const r = await s.step();
    expect(r.call.body.events.map((e) => e.seq)).toEqual([1]);
  });

  it('a body over the wire limit goes in halves, never dropping an event; 413 halves the batch', async () => {
    const s = setup({ sync: `sync: { console: ${CONSOLE}, interval: 60s, batch: 40 }` });
    const big = 'x'.repeat(150_000);
    for (let i = 0; i < 40; i++)
      await s.store.append({
        type: 'file.created',
        severity: 'info',
        data: { path: `/${i}`, big },
      });
    s.start();
    const first = await s.step();
    expect(first.call.raw.length).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(first.call.body.events.map((e) => e.seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(s.store.getAckedSeq()).toBe(20);
    s.answer(() => status(413, { error: 'TOO_LARGE', message: 'body too large' }));
    const refused = await s.step();
    expect(refused.call.body.events).toHaveLength(20);
    expect(s.store.getAckedSeq()).toBe(20);
    s.answer((req) => ok({ ackedSeq: req.events.at(-1)!.seq }));
    const smaller = await s.step();
    expect(smaller.call.body.events.map((e) => e.seq)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 21),
    );
  });

  it('one event larger than a request may be: said, and nothing skipped', async () => {
    const s = setup();
    await s.store.append({
      type: 'file.created',
      severity: 'info',
      data: { path: '/x', big: 'y'.repeat(4 * 1024 * 1024) },
    });
    await s.add(1);
    s.start();
    s.p.clock.advance(s.sync().nextAt! - s.p.clock.now());
    await until('the error', () => s.sync().lastError?.code === 'SYNC_EVENT_TOO_LARGE');
    expect(s.sync().lastError?.params.seq).toBe(1);
    expect(s.calls).toEqual([]);
    expect(s.store.getAckedSeq()).toBe(0);
  });

  it('an answer it cannot read acknowledges nothing; a console that lost events gets them again', async () => {
    const s = setup();
    await s.add(3);
    s.start();
    s.answer(() => ({ status: 200, headers: {}, body: Buffer.from('{"ackedSeq":"3"}') }));
    await s.step();
    expect(s.sync().lastError).toMatchObject({ code: 'SYNC_BAD_RESPONSE' });
    expect(s.store.getAckedSeq()).toBe(0);
    s.answer(() => ok({ ackedSeq: 3 }));
    await s.step();
    expect(s.store.getAckedSeq()).toBe(3);
    // Restored from a backup: the console holds only 1; the agent sends 2… again.
    s.answer(() => ok({ ackedSeq: 1 }));
    await s.step();
    expect(s.store.getAckedSeq()).toBe(1);
    s.answer((req) => ok({ ackedSeq: req.events.at(-1)?.seq ?? 1 }));
    const again = await s.step();
    expect(again.call.body.events.map((e) => e.seq)).toEqual([2, 3]);
    expect(s.store.getAckedSeq()).toBe(3);
  });

  it('a shorter interval in a new policy takes effect at once; stopped, it plans nothing', async () => {
    const s = setup();
    s.start();
    await s.step();
    expect(s.sync().nextAt! - s.p.clock.now()).toBe(MIN);
    s.m.apply?.(policyInForce(`sync: { console: ${CONSOLE}, interval: 5s }`));
    expect(s.sync().nextAt! - s.p.clock.now()).toBeLessThanOrEqual(1_000);
    // The same policy again does not push the next request back.
    const at = s.sync().nextAt;
    s.m.apply?.(policyInForce(`sync: { console: ${CONSOLE}, interval: 5s }`));
    expect(s.sync().nextAt).toBe(at);
    await s.m.stop();
    expect(s.sync().nextAt).toBeUndefined();
    s.p.clock.advance(10 * MIN);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.calls).toHaveLength(1);
  });
});
