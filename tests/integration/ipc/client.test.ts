// The local-socket client against the real socket servers, over real unix sockets.
import { chownSync } from 'node:fs';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SocketServers } from '../../../src/agent/socket/server.js';
import { claimSocketServers } from '../../../src/agent/socket/server.js';
import { isBaomiError } from '../../../src/core/errors.js';
import {
  type EventFilter,
  MAX_LINE_BYTES,
  type PushFrame,
} from '../../../src/core/protocol/messages.js';
import {
  type AgentConnection,
  connectAgent,
  type SubscriptionFrame,
} from '../../../src/ipc/index.js';
import { MemoryLog, serveLog, sleep, socketDir, until } from './helpers.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
function track<T extends SocketServers | AgentConnection>(x: T): T {
  cleanup.push(() => x.close());
  return x;
}

/** A bare connection speaking the protocol by hand: what a misbehaving client can do. */
function raw(path: string) {
  const sock = connect(path);
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  sock.setEncoding('utf8');
  sock.on('data', (c: string) => {
    buf += c;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      lines.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
  });
  cleanup.push(() => sock.destroy());
  return {
    lines,
    send: (m: object) => sock.write(`${JSON.stringify(m)}\n`),
    frames: () => lines.filter((l) => 'push' in l) as PushFrame[],
    ready: new Promise<void>((r) => sock.once('connect', () => r())),
  };
}

describe('ipc client ↔ socket server', () => {
  it('keeps many requests in flight on one connection, each answered by its own id', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    // Answers in a scrambled order: later requests often finish first.
    track(
      await serveLog(p, log, {}, async (req) => {
        const f = (req as { filter: EventFilter }).filter;
        await sleep(((f.afterSeq ?? 0) * 7919) % 40);
        return { events: [{ seq: f.afterSeq }] };
      }),
    );
    const c = track(await connectAgent(p.admin));
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => c.request('events.query', { filter: { afterSeq: i } })),
    );
    expect(answers.map((a) => a.events[0]?.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('times a request out without spoiling the connection for the next one', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    track(
      await serveLog(p, log, {}, (req) =>
        req.type === 'verify' ? new Promise(() => {}) : log.handler(req, { socket: 'admin' }),
      ),
    );
    const c = track(await connectAgent(p.admin, { timeoutMs: 300 }));
    const started = Date.now();
    const err = await c.request('verify', {}).catch((e) => e);
    expect(err).toMatchObject({
      code: 'SOCKET_TIMEOUT',
      params: { socket: p.admin, seconds: 0.3 },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await c.request('status', {})).toMatchObject({ events: { stored: 0 } });
  });

  it('retries AGENT_STARTING until the agent serves, and gives up after a bounded time', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    const servers = track(await claimSocketServers(p));
    // Before serve(): every request, the subscription too, is answered AGENT_STARTING.
    const r = raw(p.agent);
    await r.ready;
    r.send({ id: 7, type: 'status' });
    r.send({ id: 8, type: 'subscribe', afterSeq: 0, window: 4 });
    await until('two answers', () => r.lines.length === 2);
    expect(r.lines.map((l) => (l.error as { code: string }).code)).toEqual([
      'AGENT_STARTING',
      'AGENT_STARTING',
    ]);

    const patient = track(await connectAgent(p.admin, { startingMs: 10_000 }));
    const impatient = track(await connectAgent(p.admin, { startingMs: 300 }));
    const waiting = patient.request('status', {});
    const refused = await impatient.request('status', {}).catch((e) => e);
    expect(refused).toMatchObject({
      code: 'SOCKET_AGENT_STARTING',
      params: { socket: p.admin, seconds: 0.3 },
    });
    log.append(2);
    servers.serve(log.handler, log.source);
    expect(await waiting).toMatchObject({ events: { stored: 2 } });
  });

  it('never has more than `window` unacknowledged frames out to a slow client', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    track(await serveLog(p, log));
    const r = raw(p.admin);
    await r.ready;
    r.send({ id: 1, type: 'subscribe', afterSeq: 0, window: 4 });
    await until('subscribed', () => r.lines.length === 1);
    log.append(30);
    await until('a full window', () => r.frames().length === 4);
    await sleep(150);
    expect(r.frames().map((f) => (f as { n: number }).n)).toEqual([1, 2, 3, 4]);
    r.send({ type: 'ack', through: 2 });
    await until('two more', () => r.frames().length === 6);
    await sleep(100);
    expect(r.frames()).toHaveLength(6);
    // Now ack slowly, each frame some time after it came: the outstanding count stays bounded.
    let acked = 2;
    let most = 0;
    while (acked < 30) {
      const seen = r.frames().length;
      most = Math.max(most, seen - acked);
      if (seen > acked) {
        await sleep(5);
        acked++;
        r.send({ type: 'ack', through: acked });
      } else await sleep(5);
    }
    expect(most).toBeLessThanOrEqual(4);
    const seqs = r.frames().map((f) => (f as { event: { seq: number } }).event.seq);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(r.frames().some((f) => f.push === 'resync')).toBe(false);
  });

  it('tells a client whose socket stops draining to resync, instead of buffering for it', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    track(await serveLog(p, log, { maxWriteBuffer: 64 * 1024 }));
    const sock = connect(p.admin);
    cleanup.push(() => sock.destroy());
    await new Promise((r) => sock.once('connect', r));
    sock.write(`${JSON.stringify({ id: 1, type: 'subscribe', afterSeq: 0, window: 1000 })}\n`);
    await sleep(50);
    // ~4 MB of frames at once, all within the window: more than the kernel's socket buffer
    // takes, so they pile up in the agent's write buffer before this client reads a byte.
    log.append(1000, [undefined], 4096);
    let text = '';
    sock.setEncoding('utf8');
    sock.on('data', (c: string) => {
      text += c;
    });
    await until('the resync frame', () => text.includes('"push":"resync"'));
    const frames = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => 'push' in l);
    const last = frames.at(-1);
    expect(last.push).toBe('resync');
    // It says where to page from: the last event actually written to this client.
    expect(last.afterSeq).toBe(frames.at(-2).event.seq);
    expect(frames.length).toBeLessThan(1000);
    log.append(5);
    await sleep(100);
    expect(text.trim().split('\n').at(-1)).toContain('"push":"resync"');
  });

  it('refuses a request line over 1 MiB however it arrives, and reads one just under it', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    log.append(1);
    track(await serveLog(p, log));
    /** A status request padded to `bytes` of UTF-8 (`char` repeated), without its newline. */
    const line = (bytes: number, char: string) => {
      const head = '{"id":7,"type":"status","pad":"';
      const each = Buffer.byteLength(char);
      const n = Math.floor((bytes - head.length - 2) / each);
      return `${head}${char.repeat(n)}"}`;
    };
    const send = async (text: string, chunk: number) => {
      const sock = connect(p.admin); // a plain socket, written in pieces
      cleanup.push(() => sock.destroy());
      await new Promise((r) => sock.once('connect', r));
      const got: string[] = [];
      sock.setEncoding('utf8');
      sock.on('data', (d: string) => got.push(d));
      const closed = new Promise((r) => sock.once('close', r));
      const bytes = Buffer.from(`${text}\n`);
      for (let i = 0; i < bytes.length && !sock.destroyed; i += chunk)
        sock.write(bytes.subarray(i, i + chunk));
      return { got, closed };
    };
    for (const [char, chunk] of [
      ['x', 2 * MAX_LINE_BYTES],
      ['x', 64 * 1024],
      ['保', 64 * 1024 + 1], // pieces that split a character
    ] as const) {
      const tooBig = await send(line(MAX_LINE_BYTES + 4096, char), chunk);
      await tooBig.closed;
      expect(tooBig.got.join(''), `${char} in ${chunk}`).toContain('PROTOCOL_TOO_LARGE');
    }
    const fits = await send(line(MAX_LINE_BYTES - 4096, '保'), 64 * 1024 + 1);
    await until('answer', () => fits.got.join('').includes('\n'));
    expect(JSON.parse(fits.got.join(''))).toMatchObject({ id: 7, ok: true });
  });

  it('drops a connection that keeps asking and never reads its answers', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    log.append(100, [undefined], 4096); // each full answer ~420 KB
    track(await serveLog(p, log, { maxWriteBuffer: 64 * 1024 })); // dropped past 1 MiB
    const sock = connect(p.admin);
    cleanup.push(() => sock.destroy());
    await new Promise((r) => sock.once('connect', r));
    sock.pause(); // reads nothing for now
    for (let i = 1; i <= 40; i++)
      sock.write(`${JSON.stringify({ id: i, type: 'events.query', filter: {} })}\n`);
    await sleep(500);
    // Reading now: some answers, then the end: the agent did not keep 40 × 420 KB for it.
    let received = '';
    sock.setEncoding('utf8');
    sock.on('data', (c: string) => {
      received += c;
    });
    const closed = new Promise((r) => sock.once('close', r));
    sock.resume();
    await closed;
    const answers = received.split('\n').length - 1;
    expect(answers).toBeLessThan(10);
    // Others are served as before.
    const c = track(await connectAgent(p.admin));
    expect((await c.request('events.query', { filter: { limit: 1 } })).events).toHaveLength(1);
  });

  it('stops reading a client that never reads, and holds at most twice the buffer for it', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    log.append(20, [undefined], 1024);
    track(await serveLog(p, log, { maxWriteBuffer: 64 * 1024 }));
    const sock = connect(p.admin);
    cleanup.push(() => sock.destroy());
    await new Promise((r) => sock.once('connect', r));
    sock.pause(); // reads nothing
    const before = process.memoryUsage().rss;
    // 5,000 small requests (each answer ~25 KB): without back-pressure ~120 MB would wait.
    const line = `${JSON.stringify({ id: 1, type: 'events.query', filter: {} })}\n`;
    sock.write(line.repeat(5000));
    await sleep(1000);
    // The server (this process) holds at most a few buffers' worth for it, not 120 MB.
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
    // Dropped or paused: either way the server still answers another client at once.
    const c = track(await connectAgent(p.admin, { timeoutMs: 2000 }));
    expect((await c.request('events.query', { filter: { limit: 1 } })).events).toHaveLength(1);
  });

  it('closes connections beyond the cap at once, and serves again when one goes', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    log.append(1);
    track(await serveLog(p, log, { maxConnections: 3 }));
    const held = [];
    for (let i = 0; i < 3; i++) held.push(track(await connectAgent(p.agent, { seatToken: null })));
    for (const c of held) expect((await c.request('status', {})) ?? null).not.toBeUndefined();
    const fourth = connect(p.agent);
    cleanup.push(() => fourth.destroy());
    await new Promise((r) => fourth.once('close', r)); // refused by closing
    held[0]?.close();
    await sleep(100);
    const again = track(await connectAgent(p.agent, { seatToken: null }));
    expect(await again.request('status', {})).toBeDefined();
  });

  it('hands a slow subscriber every event once, in order, acknowledging as it goes', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    log.append(5); // committed before the subscription: sent from afterSeq
    track(await serveLog(p, log));
    const c = track(await connectAgent(p.admin));
    const got: number[] = [];
    const notices: string[] = [];
    const sub = c.subscribe({ afterSeq: 2, window: 3 }, async (f) => {
      if (f.push === 'event') got.push(f.event.seq);
      if (f.push === 'notice') notices.push(f.notice.code);
      await sleep(3);
    });
    await sub.ready;
    log.append(40);
    log.notice({ code: 'usb.blocked', params: { vendor: '0781' }, seq: 45 });
    await until('all events', () => got.length === 43 && notices.length === 1);
    expect(got).toEqual(Array.from({ length: 43 }, (_, i) => i + 3));
    expect(sub.lastSeq).toBe(45);
    await sub.close();
    log.append(3);
    await sleep(100);
    expect(got).toHaveLength(43);
  });

  it('tells a client that fell behind to resync; paging then catches up with nothing missing or twice', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    track(await serveLog(p, log, { maxPending: 10 }));
    const c = track(await connectAgent(p.admin));
    const got: number[] = [];
    const frames: SubscriptionFrame['push'][] = [];
    let fed = false;
    const sub = c.subscribe({ afterSeq: 0, window: 2, pageSize: 25 }, async (f) => {
      frames.push(f.push);
      if (f.push === 'event') got.push(f.event.seq);
      // While the client pages, the agent goes on committing.
      if (f.push === 'resync' && !fed) {
        fed = true;
        setTimeout(() => log.append(60), 5);
      }
      await sleep(1);
    });
    await sub.ready;
    log.append(200); // far more than window + maxPending at once
    await until('everything', () => got.length === 260, 20_000);
    expect(frames).toContain('resync');
    expect(got).toEqual(Array.from({ length: 260 }, (_, i) => i + 1));
    // And it is live again afterwards.
    log.append(3);
    await until('the live tail', () => got.length === 263);
    expect(new Set(got).size).toBe(263);
  });

  it("shows agent.sock subscribers and queries only the seat user's events, and nothing without a valid token", async () => {
    const p = socketDir();
    const log = new MemoryLog();
    const TOKEN = 'A'.repeat(43);
    track(await serveLog(p, log, { resolveSeat: (t) => (t === TOKEN ? 'alice' : undefined) }));
    const follow = async (seatToken: string | null, path = p.agent) => {
      const c = track(await connectAgent(path, { seatToken }));
      const got: string[] = [];
      await c.subscribe({ afterSeq: 0, window: 50 }, (f) => {
        if (f.push === 'event') got.push(`${f.event.seq}:${f.event.user ?? '-'}`);
        if (f.push === 'notice') got.push(`notice:${f.notice.code}`);
      }).ready;
      return { c, got };
    };
    log.append(3, ['alice', 'bob', undefined]); // 1 bob, 2 -, 3 alice
    const alice = await follow(TOKEN);
    const forged = await follow('B'.repeat(43));
    const malformed = await follow('not a token');
    const none = await follow(null);
    const admin = await follow(null, p.admin);
    log.append(6, ['alice', 'bob', undefined]);
    log.notice({ code: 'usb.blocked', params: {} });
    await until('admin saw all', () => admin.got.length === 10);
    await until('alice saw hers', () => alice.got.length === 4);
    await sleep(100);
    expect(alice.got).toEqual(['3:alice', '6:alice', '9:alice', 'notice:usb.blocked']);
    for (const other of [forged, malformed, none]) expect(other.got).toEqual([]);

    const q = async (c: AgentConnection, filter: EventFilter = {}) =>
      (await c.request('events.query', { filter })).events.map((e) => e.seq);
    expect(await q(alice.c)).toEqual([3, 6, 9]);
    // Asking for someone else's events by name changes nothing.
    expect(await q(alice.c, { user: 'bob' })).toEqual([3, 6, 9]);
    expect(await q(none.c, { user: 'bob' })).toEqual([]);
    expect(await q(forged.c)).toEqual([]);
    expect(await q(admin.c)).toHaveLength(9);

    // The tray's idle report: the seat user only; the agent does not serve it yet.
    for (const c of [none.c, forged.c])
      await expect(c.request('idle.report', { idleMs: 1, at: 1 })).rejects.toMatchObject({
        code: 'PROTOCOL_SEAT_REQUIRED',
      });
    await expect(alice.c.request('idle.report', { idleMs: 1, at: 1 })).rejects.toMatchObject({
      code: 'PROTOCOL_UNSUPPORTED',
      params: { type: 'idle.report' },
    });
    // Admin-only stays admin-only, token or not.
    await expect(alice.c.request('verify', {})).rejects.toMatchObject({
      code: 'PROTOCOL_ADMIN_ONLY',
    });
  });

  it('reconnects with backoff when the agent restarts, and the subscription resumes where it was', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    let servers = await serveLog(p, log);
    cleanup.push(() => servers.close());
    const states: string[] = [];
    const c = track(
      await connectAgent(p.admin, {
        reconnect: { minMs: 20, maxMs: 200 },
        onState: (s) => states.push(s),
      }),
    );
    const got: number[] = [];
    await c.subscribe({ afterSeq: 0, window: 8 }, (f) => {
      if (f.push === 'event') got.push(f.event.seq);
    }).ready;
    log.append(3);
    await until('first three', () => got.length === 3);

    await servers.close();
    await until('disconnected', () => c.state === 'disconnected');
    log.append(4); // committed while the client is away
    const during = c.request('status', {}); // waits for the connection
    await sleep(300);
    servers = await serveLog(p, log);
    expect(await during).toMatchObject({ events: { stored: 7 } });
    await until('caught up', () => got.length === 7);
    log.append(2);
    await until('live again', () => got.length === 9);
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Each failed attempt says so; backoff (20, 40, 80, 160, 200 ms…) keeps them few.
    expect(states.filter((s, i) => s !== states[i - 1])).toEqual([
      'connected',
      'disconnected',
      'connected',
    ]);
    const retries = states.filter((s) => s === 'disconnected').length - 1;
    expect(retries).toBeGreaterThanOrEqual(2);
    expect(retries).toBeLessThanOrEqual(8);
  });

  it('fails what is pending when a one-shot connection loses the agent, and stays closed', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    const servers = await serveLog(p, log, {}, () => new Promise(() => {}));
    const c = track(await connectAgent(p.admin));
    const pending = c.request('status', {});
    await sleep(50);
    await servers.close();
    await expect(pending).rejects.toMatchObject({ code: 'SOCKET_CLOSED' });
    await expect(c.request('status', {})).rejects.toMatchObject({ code: 'SOCKET_CLOSED' });
    await expect(connectAgent(p.admin)).rejects.toMatchObject({ code: 'SOCKET_UNREACHABLE' });
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses a socket owned by another user before connecting (its owner would get the seat token)',
    async () => {
      const p = socketDir();
      const log = new MemoryLog();
      let seen = 0;
      track(
        await serveLog(p, log, {
          resolveSeat: () => {
            seen++;
            return undefined;
          },
        }),
      );
      chownSync(p.agent, 65534, 65534);
      const err = await connectAgent(p.agent, { seatToken: 'A'.repeat(43) }).catch((e) => e);
      expect(isBaomiError(err) && err.code).toBe('SOCKET_UNTRUSTED');
      expect(err.params).toEqual({ socket: p.agent, owner: 65534 });
      expect(seen).toBe(0);
      // With reconnect (the tray) it keeps refusing, and says why.
      const errors: string[] = [];
      const tray = track(
        await connectAgent(p.agent, {
          reconnect: { minMs: 20, maxMs: 40 },
          onState: (_s, e) => e && errors.push(e.code),
        }),
      );
      await until('two refusals', () => errors.length >= 2);
      expect(new Set(errors)).toEqual(new Set(['SOCKET_UNTRUSTED']));
      expect(tray.state).toBe('disconnected');
      chownSync(p.agent, 0, 0);
      await until('connected', () => tray.state === 'connected');
    },
  );
});
