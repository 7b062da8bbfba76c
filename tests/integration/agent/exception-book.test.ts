// The agent's exception book (src/agent/usb/exceptions.ts) on a real store in a temporary
// data dir: redemption and its record, an id redeemed once, what survives a restart, a clock
// set back, who may redeem, and keys the trust rules ignore.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../../src/agent/store/index.js';
import { openStore } from '../../../src/agent/store/index.js';
import {
  createExceptionBook,
  type ExceptionBook,
  STATE_KEY,
} from '../../../src/agent/usb/exceptions.js';
import { jcs } from '../../../src/core/events/jcs.js';
import {
  type ExceptionPayload,
  encodeToken,
  keyFingerprint,
  tokenFingerprint,
} from '../../../src/core/exceptions/token.js';
import { generateKeyPair } from '../../../src/core/policy/signature.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const key = generateKeyPair();
const policyKey = generateKeyPair();

const made: string[] = [];
const open: EventStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Setup {
  root: string;
  dataDir: string;
  trustDir: string;
  clock: { t: number; now(): number };
  logs: Record<string, unknown>[];
  store: EventStore;
  book: ExceptionBook;
  reopen(): void;
}

function setup(opts: { withKey?: boolean } = {}): Setup {
  const root = mkdtempSync(join(tmpdir(), 'baomi-exc-'));
  made.push(root);
  const trustDir = join(root, 'trust');
  mkdirSync(join(trustDir, 'exceptions'), { recursive: true, mode: 0o755 });
  chmodSync(join(trustDir, 'exceptions'), 0o755);
  mkdirSync(join(trustDir, 'policy'), { mode: 0o755 });
  chmodSync(join(trustDir, 'policy'), 0o755);
  writeFileSync(join(trustDir, 'policy', 'it-2026.pub'), policyKey.publicKeyPem, { mode: 0o644 });
  if (opts.withKey !== false)
    writeFileSync(join(trustDir, 'exceptions', 'security.pub'), key.publicKeyPem, {
      mode: 0o644,
    });
  const clock = {
    t: T0 + HOUR,
    now() {
      return this.t;
    },
  };
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      cb();
    },
  });
  const log = pino({ level: 'info' }, sink);
  const s: Setup = {
    root,
    dataDir: join(root, 'data'),
    trustDir,
    clock,
    logs,
    store: undefined as never,
    book: undefined as never,
    reopen() {
      if (s.store) {
        s.store.close();
        open.splice(open.indexOf(s.store), 1);
      }
      s.store = openStore({ dataDir: s.dataDir, host: 'ws-042', now: () => clock.t });
      open.push(s.store);
      s.book = createExceptionBook({ store: s.store, trustDir, clock, log, host: 'ws-042' });
    },
  };
  s.reopen();
  return s;
}

let n = 0;
function token(over: Partial<ExceptionPayload> = {}, pem = key.privateKeyPem): string {
  n++;
  return encodeToken(
    {
      id: `019ad7a0-1c2b-7d3e-8f40-${String(n).padStart(12, '0')}`,
      device: '0781:5581:4C530001',
      user: 'alice',
      notBefore: T0,
      notAfter: T0 + 2 * HOUR,
      reason: '审计部门拷贝账目 audit copy',
      ...over,
    },
    pem,
  );
}
const idOf = (t: string) =>
  JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).id as string;

const events = (s: Setup, type: string) => s.store.query({ types: [type] });

describe('exception book', () => {
  it('redeems a token for the seat user, records it, and keeps it in force', async () => {
    const s = setup();
    const t = token();
    const r = await s.book.redeem(t, { socket: 'agent', seatUser: 'alice' });
    const exception = {
      id: idOf(t),
      device: '0781:5581:4C530001',
      user: 'alice',
      notBefore: T0,
      notAfter: T0 + 2 * HOUR,
      reason: '审计部门拷贝账目 audit copy',
    };
    expect(r).toEqual({ ok: true, exception });
    const [e] = events(s, 'usb.exception');
    expect(e?.severity).toBe('medium');
    expect(e?.data).toEqual({
      ...exception,
      key: 'security',
      keyFingerprint: keyFingerprint(key.publicKeyPem),
      fingerprint: tokenFingerprint(t),
      socket: 'agent',
    });
    expect(s.book.active(s.clock.t)).toEqual([exception]);
    expect(s.book.active(T0 - 1)).toEqual([]);
    expect(s.book.active(T0)).toEqual([exception]);
    expect(s.book.active(T0 + 2 * HOUR)).toEqual([]);
    expect(JSON.parse(s.store.getState(STATE_KEY)!).redeemed).toHaveLength(1);
    expect(s.logs.some((l) => l.msg === 'exception redeemed' && l.id === exception.id)).toBe(true);
  });

  it('redeems an id once, and records the refusal without the token', async () => {
    const s = setup();
    const t = token();
    expect((await s.book.redeem(t, { seatUser: 'alice' })).ok).toBe(true);
    s.clock.t += 60_000;
    const again = await s.book.redeem(t.replace(/(.{40})/g, '$1\n'), { seatUser: 'alice' });
    expect(again).toEqual({
      ok: false,
      code: 'EXCEPTION_ALREADY_REDEEMED',
      params: {
        at: new Date(T0 + HOUR).toISOString(),
        notAfter: new Date(T0 + 2 * HOUR).toISOString(),
      },
    });
    const [refused] = events(s, 'usb.exception-refused');
    expect(refused?.data).toEqual({
      code: 'EXCEPTION_ALREADY_REDEEMED',
      params: again.ok ? {} : again.params,
      id: idOf(t),
      fingerprint: tokenFingerprint(t),
      socket: 'agent',
    });
    expect(refused?.severity).toBe('medium');
    // The token is a bearer credential: neither half of it is anywhere in the log.
    const everything = JSON.stringify(s.store.query({}));
    for (const part of t.split('.').slice(1)) expect(everything).not.toContain(part);
    expect(JSON.stringify(s.logs)).not.toContain(t.split('.')[2]);
  });

  it('keeps exceptions in force and ids spent across a restart', async () => {
    const s = setup();
    const t = token();
    await s.book.redeem(t, { seatUser: 'alice' });
    s.reopen();
    expect(s.book.active(s.clock.t).map((e) => e.id)).toEqual([idOf(t)]);
    const again = await s.book.redeem(t, { seatUser: 'alice' });
    expect(!again.ok && again.code).toBe('EXCEPTION_ALREADY_REDEEMED');
  });

  it('rebuilds the book from the events when its state is unreadable', async () => {
    const s = setup();
    const t = token();
    await s.book.redeem(t, { seatUser: 'alice' });
    s.store.setState(STATE_KEY, '{not json');
    s.reopen();
    expect(s.book.active(s.clock.t).map((e) => e.id)).toEqual([idOf(t)]);
    expect(s.logs.some((l) => l.msg === 'exception state unreadable; rebuilt from events')).toBe(
      true,
    );
    const again = await s.book.redeem(t, { seatUser: 'alice' });
    expect(!again.ok && again.code).toBe('EXCEPTION_ALREADY_REDEEMED');
  });

  it('refuses a window that ends before the newest stored event (clock set back)', async () => {
    const s = setup();
    // The agent recorded something at T0 + 5h; then the clock reads T0 + 1h again.
    s.clock.t = T0 + 5 * HOUR;
    await s.store.append({ type: 'agent.started', severity: 'info', data: {} });
    s.clock.t = T0 + HOUR;
    const r = await s.book.redeem(token(), { seatUser: 'alice' });
    expect(r).toEqual({
      ok: false,
      code: 'EXCEPTION_CLOCK_BACK',
      params: {
        notAfter: new Date(T0 + 2 * HOUR).toISOString(),
        newest: new Date(T0 + 5 * HOUR).toISOString(),
      },
    });
    expect(events(s, 'usb.exception-refused')[0]?.severity).toBe('high');
    expect(events(s, 'usb.exception')).toEqual([]);
  });

  it('takes an exception out of force when the clock is set back after its window', async () => {
    const s = setup();
    await s.book.redeem(token(), { seatUser: 'alice' });
    s.clock.t = T0 + 3 * HOUR; // after the window: something is recorded
    await s.store.append({ type: 'agent.started', severity: 'info', data: {} });
    s.clock.t = T0 + HOUR; // and the clock goes back into the window
    expect(s.book.active(s.clock.t)).toEqual([]);
  });

  it('lets only the seat user redeem on agent.sock; root on admin.sock for anyone', async () => {
    const s = setup();
    const bob = await s.book.redeem(token(), { socket: 'agent', seatUser: 'bob' });
    expect(bob).toEqual({
      ok: false,
      code: 'EXCEPTION_WRONG_USER',
      params: { user: 'alice', seatUser: 'bob' },
    });
    const nobody = await s.book.redeem(token(), { socket: 'agent' });
    expect(nobody).toEqual({
      ok: false,
      code: 'EXCEPTION_NO_SEAT_USER',
      params: { user: 'alice' },
    });
    expect((await s.book.redeem(token())).ok).toBe(false); // agent.sock is the default
    const admin = await s.book.redeem(token(), { socket: 'admin' });
    expect(admin.ok).toBe(true);
    const adminWithSeat = await s.book.redeem(token(), { socket: 'admin', seatUser: 'bob' });
    expect(adminWithSeat.ok).toBe(true);
    expect(events(s, 'usb.exception').map((e) => e.data.socket)).toEqual(['admin', 'admin']);
    expect(events(s, 'usb.exception-refused').map((e) => e.data.code)).toEqual([
      'EXCEPTION_WRONG_USER',
      'EXCEPTION_NO_SEAT_USER',
      'EXCEPTION_NO_SEAT_USER',
    ]);
  });

  it('refuses another host, an expired token, a forged one, and junk', async () => {
    const s = setup();
    const other = await s.book.redeem(token({ host: 'ws-999' }), { seatUser: 'alice' });
    expect(!other.ok && other.code).toBe('EXCEPTION_WRONG_HOST');
    expect((await s.book.redeem(token({ host: 'WS-042' }), { seatUser: 'alice' })).ok).toBe(true);
    const expired = await s.book.redeem(token({ notBefore: T0 - 3 * HOUR, notAfter: T0 - HOUR }), {
      seatUser: 'alice',
    });
    expect(!expired.ok && expired.code).toBe('EXCEPTION_EXPIRED');
    // Another user's name in a genuine token: the signature no longer holds.
    const [, body, sig] = token().split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
    const altered = Buffer.from(jcs({ ...payload, user: 'mallory' })).toString('base64url');
    const forged = `BMX1.${altered}.${sig}`;
    const f = await s.book.redeem(forged, { seatUser: 'mallory' });
    expect(f).toEqual({ ok: false, code: 'EXCEPTION_BAD_SIGNATURE', params: {} });
    const junk = await s.book.redeem('hello', { seatUser: 'alice' });
    expect(!junk.ok && junk.code).toBe('EXCEPTION_MALFORMED');
    const refused = events(s, 'usb.exception-refused');
    const last = refused.at(-1)!;
    expect(last.data).toEqual({
      code: 'EXCEPTION_MALFORMED',
      params: { part: 'shape' },
      fingerprint: tokenFingerprint('hello'),
      socket: 'agent',
    });
    expect(last.severity).toBe('low');
  });

  it('trusts exception keys only: a policy key signs no exception', async () => {
    const s = setup();
    const byPolicyKey = await s.book.redeem(token({}, policyKey.privateKeyPem), {
      seatUser: 'alice',
    });
    expect(byPolicyKey).toEqual({ ok: false, code: 'EXCEPTION_BAD_SIGNATURE', params: {} });
    expect(events(s, 'usb.exception-refused')[0]?.severity).toBe('high');
    const none = setup({ withKey: false });
    const r = await none.book.redeem(token(), { seatUser: 'alice' });
    expect(r).toEqual({ ok: false, code: 'EXCEPTION_NO_TRUSTED_KEYS', params: {} });
  });

  it('ignores an unsafe key with its reason, and says so in the refusal', async () => {
    const s = setup({ withKey: false });
    const dir = join(s.trustDir, 'exceptions');
    const file = join(dir, 'security.pub');
    writeFileSync(file, key.publicKeyPem);
    chmodSync(file, 0o666);
    const r = await s.book.redeem(token(), { seatUser: 'alice' });
    expect(r).toEqual({ ok: false, code: 'EXCEPTION_KEYS_UNSAFE', params: { count: 1 } });
    expect(s.logs).toContainEqual(
      expect.objectContaining({ module: 'usb', file, mode: '0666', writableBy: 'others' }),
    );
    // A link to a good key is no key either.
    chmodSync(file, 0o644);
    const real = join(s.root, 'real.pub');
    writeFileSync(real, key.publicKeyPem, { mode: 0o644 });
    rmSync(file);
    symlinkSync(real, file);
    const linked = await s.book.redeem(token(), { seatUser: 'alice' });
    expect(!linked.ok && linked.code).toBe('EXCEPTION_KEYS_UNSAFE');
    expect(s.logs).toContainEqual(expect.objectContaining({ file, writableBy: 'link' }));
    // Made safe, it is read at the next redemption (no restart).
    rmSync(file);
    writeFileSync(file, key.publicKeyPem, { mode: 0o644 });
    chmodSync(file, 0o644);
    expect((await s.book.redeem(token(), { seatUser: 'alice' })).ok).toBe(true);
  });

  it('redeems one token once even when asked twice at the same moment', async () => {
    const s = setup();
    const t = token();
    const [a, b] = await Promise.all([
      s.book.redeem(t, { seatUser: 'alice' }),
      s.book.redeem(t, { seatUser: 'alice' }),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect(events(s, 'usb.exception')).toHaveLength(1);
  });

  it('forgets ended exceptions in its state, but never lets them back in', async () => {
    const s = setup();
    const first = token({ notAfter: T0 + 2 * HOUR });
    await s.book.redeem(first, { seatUser: 'alice' });
    s.clock.t = T0 + 3 * HOUR;
    const second = token({ notBefore: T0 + 2 * HOUR, notAfter: T0 + 4 * HOUR });
    await s.book.redeem(second, { seatUser: 'alice' });
    const kept = JSON.parse(s.store.getState(STATE_KEY)!).redeemed.map((r: { id: string }) => r.id);
    expect(kept).toEqual([idOf(second)]);
    // Its id is kept as ended (the second redemption saw its window over).
    const ended = JSON.parse(s.store.getState(STATE_KEY)!).ended.map((r: { id: string }) => r.id);
    expect(ended).toEqual([idOf(first)]);
    s.clock.t = T0 + HOUR; // clock set back into the first one's window
    const replay = await s.book.redeem(first, { seatUser: 'alice' });
    expect(!replay.ok && replay.code).toBe('EXCEPTION_ALREADY_REDEEMED');
    expect(s.book.active(s.clock.t)).toEqual([]);
  });

  it('records an exception`s end when seen; the clock set back never revives it, nor a restart', async () => {
    const s = setup();
    const t = token({ notAfter: T0 + 2 * HOUR });
    await s.book.redeem(t, { seatUser: 'alice' });
    expect(await s.book.endExpired(T0 + 2 * HOUR - 1)).toEqual([]); // not over yet
    // The window is over; nothing else was recorded since the redemption.
    s.clock.t = T0 + 2 * HOUR + 60_000;
    const over = await s.book.endExpired(s.clock.t);
    expect(over.map((e) => e.id)).toEqual([idOf(t)]);
    const [ended, ...more] = events(s, 'usb.exception-ended');
    expect(more).toEqual([]);
    expect(ended).toMatchObject({
      ts: T0 + 2 * HOUR + 60_000,
      severity: 'info',
      data: {
        id: idOf(t),
        device: '0781:5581:4C530001',
        user: 'alice',
        notBefore: T0,
        notAfter: T0 + 2 * HOUR,
        redeemedAt: T0 + HOUR,
      },
    });
    expect(s.store.newestTs()).toBeGreaterThanOrEqual(T0 + 2 * HOUR);
    expect(JSON.parse(s.store.getState(STATE_KEY)!)).toMatchObject({
      redeemed: [],
      ended: [{ id: idOf(t), notAfter: T0 + 2 * HOUR, endedAt: T0 + 2 * HOUR + 60_000 }],
    });
    // Seen once: asking again records nothing more.
    expect(await s.book.endExpired(s.clock.t + HOUR)).toEqual([]);
    expect(events(s, 'usb.exception-ended')).toHaveLength(1);

    // Someone sets the clock back into the window: not in force, not redeemable again.
    s.clock.t = T0 + HOUR;
    expect(s.book.active(s.clock.t)).toEqual([]);
    const again = await s.book.redeem(t, { seatUser: 'alice' });
    expect(!again.ok && again.code).toBe('EXCEPTION_ALREADY_REDEEMED');
    // Nor after a restart, nor when the state is lost and rebuilt from the events.
    s.reopen();
    expect(s.book.active(s.clock.t)).toEqual([]);
    s.store.setState(STATE_KEY, 'garbage');
    s.reopen();
    expect(s.book.active(s.clock.t)).toEqual([]);
    const rebuilt = await s.book.redeem(t, { seatUser: 'alice' });
    expect(!rebuilt.ok && rebuilt.code).toBe('EXCEPTION_ALREADY_REDEEMED');
  });

  it('ends only what is over, one event each, oldest first', async () => {
    const s = setup();
    const a = token({ notAfter: T0 + 3 * HOUR });
    const b = token({ notAfter: T0 + 2 * HOUR });
    const c = token({ notAfter: T0 + 6 * HOUR });
    for (const x of [a, b, c])
      expect((await s.book.redeem(x, { seatUser: 'alice' })).ok).toBe(true);
    s.clock.t = T0 + 4 * HOUR;
    expect((await s.book.endExpired(s.clock.t)).map((e) => e.id)).toEqual([idOf(b), idOf(a)]);
    expect(events(s, 'usb.exception-ended').map((e) => e.data.id)).toEqual([idOf(b), idOf(a)]);
    expect(s.book.active(s.clock.t).map((e) => e.id)).toEqual([idOf(c)]);
  });
});
