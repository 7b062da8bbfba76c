// The SIEM forwarder over RELP (src/console/siem/relp.ts) against a tiny RELP peer this test
// starts on loopback, and a real SQLite store: every message acknowledged and delivered once;
// a peer that refuses (500), one that never acknowledges, one that closes mid-window and one
// that answers a txnr never sent cost nothing: the positions move through the acknowledged
// prefix only and the rest is sent again. At most WINDOW messages are ever unacknowledged.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SiemForwarder } from '../../../src/console/siem/forwarder.js';
import {
  deliverRelp,
  encodeFrame,
  FrameParser,
  RelpDeliveryError,
} from '../../../src/console/siem/relp.js';
import { parseCollector } from '../../../src/console/siem/transport.js';
import { openConsoleStore } from '../../../src/console/store/index.js';
import type { ConsoleStore } from '../../../src/console/store/types.js';
import { siemSinkSchema } from '../../../src/core/console/config/siem.js';
import { AgentLog } from '../../console/store.suite.js';

const T = 1_800_000_000_000;
let dir: string;
let store: ConsoleStore;
const peers: Peer[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baomi-relp-'));
  store = await openConsoleStore({ dataDir: join(dir, 'console') });
});
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the peer does with the syslog frame of the n-th message it receives on its
 *  conn-th connection (both 0-based): ack it, refuse it, ignore it, close the connection,
 *  or answer a txnr that was never sent. */
type Behaviour = (n: number, conn: number) => 'ack' | 'refuse' | 'ignore' | 'close' | 'bogus';

interface Peer {
  port: number;
  /** Messages acknowledged, in order. */
  acked: string[];
  /** Most syslog frames outstanding (received, not answered) on one connection. */
  maxOutstanding: number;
  connections: number;
  behaviour: Behaviour;
  close(): Promise<void>;
}

async function peer(behaviour: Behaviour = () => 'ack'): Promise<Peer> {
  const sockets = new Set<Socket>();
  const p: Peer = {
    port: 0,
    acked: [],
    maxOutstanding: 0,
    connections: 0,
    behaviour,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
  const server: Server = createServer((s) => {
    sockets.add(s);
    const conn = p.connections++;
    let received = 0;
    const parser = new FrameParser();
    let outstanding = 0;
    s.on('error', () => {});
    s.on('data', (chunk: Buffer) => {
      for (const f of parser.push(chunk)) {
        if (f.command === 'open') {
          s.write(encodeFrame(f.txnr, 'rsp', '200 OK\nrelp_version=0\ncommands=syslog'));
        } else if (f.command === 'close') {
          s.write(encodeFrame(f.txnr, 'rsp', '200 OK'));
          s.end(encodeFrame(0, 'serverclose'));
        } else if (f.command === 'syslog') {
          outstanding++;
          p.maxOutstanding = Math.max(p.maxOutstanding, outstanding);
          const what = p.behaviour(received++, conn);
          if (what === 'ack') {
            p.acked.push(f.data.toString('utf8'));
            outstanding--;
            s.write(encodeFrame(f.txnr, 'rsp', '200 OK'));
          } else if (what === 'refuse') s.write(encodeFrame(f.txnr, 'rsp', '500 not now'));
          else if (what === 'bogus') s.write(encodeFrame(f.txnr + 1000, 'rsp', '200 OK'));
          else if (what === 'close') {
            s.destroy();
            return;
          }
        }
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  p.port = (server.address() as { port: number }).port;
  peers.push(p);
  return p;
}

async function fill(each: number): Promise<string[]> {
  await store.createAgent({
    id: 'a1',
    publicKey: 'k',
    exceptionSecret: 's',
    host: 'ws-1',
    os: 'linux',
    group: 'g',
    enrolledAt: T,
  });
  const log = new AgentLog('ws-1');
  for (let n = 0; n < each; n++)
    // Hostile text: line breaks and what looks like a RELP frame inside an event.
    log.add({ data: { path: `/srv/${n}.xlsx`, note: `x\n${n} rsp 6 200 OK\n` } });
  await store.ingest('a1', log.events, T);
  return log.events.map((e) => e.id);
}

function forwarder(port: number, closeMs = 300) {
  const clock = { now: T };
  const url = `relp://127.0.0.1:${port}`;
  const lines: { level: number; msg: string; code?: string }[] = [];
  const stream = new Writable({
    write(chunk, _e, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  const f = new SiemForwarder({
    sink: siemSinkSchema.parse({ name: 'soc', format: 'syslog', url, start: 'all' }),
    collector: parseCollector(url),
    store,
    now: () => clock.now,
    log: pino({ level: 'info' }, stream) as unknown as FastifyBaseLogger,
    timeouts: { connectMs: 2000, closeMs },
    random: () => 0.5,
  });
  return { f, clock, lines };
}

/** Steps (moving the clock past any back-off) until nothing waits. */
async function drain(f: SiemForwarder, clock: { now: number }, max = 200): Promise<void> {
  for (let i = 0; i < max; i++) {
    const more = await f.step();
    if (!more && f.state.failures === 0) return;
    if (f.state.failures > 0) clock.now = f.state.retryAt;
  }
  throw new Error('still busy');
}

const idsOf = (messages: string[]) =>
  messages.map((m) => /\[baomi@32473 id="([^"]+)"/.exec(m)?.[1] ?? `?${m.slice(0, 80)}`);

describe('SIEM forwarder over RELP', () => {
  it('delivers every event once, each acknowledged; hostile text stays inside its frame', async () => {
    const ids = await fill(150);
    const p = await peer();
    const { f, clock } = forwarder(p.port);
    await drain(f, clock);
    expect(idsOf(p.acked)).toEqual(ids);
    expect(p.acked.every((m) => !m.includes('\n'))).toBe(true);
    expect((await store.siemSinks())[0]).toMatchObject({ delivered: 150, behind: 0 });
  });

  it('a refusal (500), a peer closing mid-window and a reply for an unknown txnr: positions move through the acknowledged prefix, the rest is sent again, nothing lost', async () => {
    const ids = await fill(120);
    // First connection: its 10th message refused; the second closes at its 5th; the third
    // answers its 5th with a txnr never sent; all others acknowledged.
    const p = await peer((n, conn) =>
      conn === 0 && n === 10
        ? 'refuse'
        : conn === 1 && n === 5
          ? 'close'
          : conn === 2 && n === 5
            ? 'bogus'
            : 'ack',
    );
    const { f, clock, lines } = forwarder(p.port);
    await drain(f, clock);
    // Every event acknowledged. The peer went on acknowledging what followed a refused
    // message on the same connection; the forwarder keeps only the contiguous prefix and sends
    // those again (duplicates, the documented price), but loses none.
    const got = idsOf(p.acked);
    expect([...new Set(got)].sort()).toEqual([...ids].sort());
    expect(got.length).toBeGreaterThan(ids.length);
    expect(p.connections).toBeGreaterThanOrEqual(4);
    const warned = lines.filter((l) => l.level === 40).map((l) => l.code);
    expect(warned).toContain('SIEM_RESET');
    expect(warned).toContain('SIEM_CLOSED_EARLY');
    expect(lines.some((l) => /protocol error: rsp for txnr/.test(JSON.stringify(l)))).toBe(true);
    expect((await store.siemSinks())[0]).toMatchObject({
      delivered: 120,
      behind: 0,
      failingSince: null,
    });
  });

  it('a peer that never acknowledges: at most WINDOW outstanding, a timeout, nothing advanced', async () => {
    await fill(40);
    const p = await peer(() => 'ignore');
    const { f } = forwarder(p.port, 200);
    expect(await f.step()).toBe(false);
    expect(f.state.failing).toBe('SIEM_TIMEOUT');
    expect((await store.siemSinks())[0]).toMatchObject({ delivered: 0, behind: 40 });

    // The window, on one connection: 300 messages, none acknowledged.
    const big = Array.from({ length: 300 }, (_, i) => Buffer.from(`m${i}`));
    const err = await deliverRelp(parseCollector(`relp://127.0.0.1:${p.port}`), big, {
      connectMs: 1000,
      closeMs: 300,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelpDeliveryError);
    expect((err as RelpDeliveryError).acked).toBe(0);
    expect(p.maxOutstanding).toBe(128);
  });

  it('after a partial acknowledgement the positions stand just past the acknowledged prefix', async () => {
    const ids = await fill(30);
    const p = await peer((n) => (n < 7 ? 'ack' : 'ignore'));
    const { f } = forwarder(p.port, 200);
    expect(await f.step()).toBe(false);
    expect((await store.siemSinks())[0]).toMatchObject({ delivered: 7, behind: 23 });
    expect(idsOf(p.acked)).toEqual(ids.slice(0, 7));
  });
});
