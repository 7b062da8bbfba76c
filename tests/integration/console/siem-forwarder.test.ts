// The SIEM forwarder (src/console/siem) against a collector this test starts on loopback
// (tests/helpers/collector.ts) and a real SQLite store: batches delivered once each; a
// collector that accepts and never reads, one that resets mid-batch and one that never
// closes cost one batch at a time and lose nothing; failures logged once per change and kept
// on the sink's row; TLS with a test CA, the server name checked.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildConsole } from '../../../src/console/server/app.js';
import type { LeaseLoop } from '../../../src/console/server/lease-loop.js';
import { SiemForwarder } from '../../../src/console/siem/forwarder.js';
import { parseCollector } from '../../../src/console/siem/transport.js';
import { openConsoleStore } from '../../../src/console/store/index.js';
import type { ConsoleStore } from '../../../src/console/store/types.js';
import { consoleConfigSchema } from '../../../src/core/console/config/index.js';
import { type SiemSink, siemSinkSchema } from '../../../src/core/console/config/siem.js';
import { MAX_BATCH_BYTES } from '../../../src/core/console/siem/delivery.js';
import { AgentLog } from '../../console/store.suite.js';
import { type Collector, startCollector, unframe } from '../../helpers/collector.js';

const T = 1_800_000_000_000;
let dir: string;
let store: ConsoleStore;
const collectors: Collector[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baomi-siem-'));
  store = await openConsoleStore({ dataDir: join(dir, 'console') });
});
afterEach(async () => {
  for (const c of collectors.splice(0)) await c.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function collector(o: Parameters<typeof startCollector>[0] = {}) {
  const c = await startCollector(o);
  collectors.push(c);
  return c;
}

/** Agents a1…aN with `each` events, some of them large. */
async function fill(agents: number, each: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= agents; i++) {
    const id = `a${i}`;
    await store.createAgent({
      id,
      publicKey: 'k',
      exceptionSecret: 's',
      host: `ws-${i}`,
      os: 'linux',
      group: 'g',
      enrolledAt: T,
    });
    const log = new AgentLog(`ws-${i}`);
    for (let n = 0; n < each; n++)
      log.add({ data: { path: `/srv/finance/${n}.xlsx`, pad: 'x'.repeat((n % 7) * 300) } });
    await store.ingest(id, log.events, T);
    ids.push(...log.events.map((e) => e.id));
  }
  return ids;
}

function logger() {
  const lines: { level: number; msg: string; code?: string; sink?: string }[] = [];
  const stream = new Writable({
    write(chunk, _e, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: pino({ level: 'info' }, stream) as unknown as FastifyBaseLogger, lines };
}

function forwarder(
  url: string,
  o: { sink?: Partial<SiemSink>; ca?: string; clock?: { now: number }; closeMs?: number } = {},
) {
  const clock = o.clock ?? { now: T };
  const sink = siemSinkSchema.parse({
    name: 'soc',
    format: 'syslog',
    url,
    start: 'all',
    ...o.sink,
  });
  const { log, lines } = logger();
  const f = new SiemForwarder({
    sink,
    collector: parseCollector(url, o.ca),
    store,
    now: () => clock.now,
    log,
    timeouts: { connectMs: 2000, closeMs: o.closeMs ?? 300 },
    random: () => 0.5,
  });
  return { f, clock, lines };
}

/** Steps until the forwarder says nothing is waiting (or `max` steps). */
async function drain(f: SiemForwarder, max = 1000): Promise<number> {
  for (let i = 1; i <= max; i++) if (!(await f.step())) return i;
  throw new Error('still busy');
}

/** The event id of each message, from its STRUCTURED-DATA. */
const idsOf = (messages: string[]) =>
  messages.map((m) => /\[baomi@32473 id="([^"]+)"/.exec(m)?.[1] ?? `?${m.slice(0, 80)}`);

describe('SIEM forwarder', () => {
  it('delivers every event once, in batches of at most 16 KiB each on its own connection', async () => {
    const ids = await fill(3, 120);
    const c = await collector();
    const { f } = forwarder(`tcp://127.0.0.1:${c.port}`);
    await drain(f);
    expect(idsOf(c.messages).sort()).toEqual([...ids].sort());
    expect(c.connections.length).toBeGreaterThan(5);
    for (const conn of c.connections) {
      expect(conn.ended).toBe('eof');
      expect(conn.bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
    expect(c.maxOpen).toBe(1);
    // Per agent in seq order.
    const seqs = new Map<string, number[]>();
    for (const m of c.messages) {
      const [, agent, seq] = /agent="([^"]+)" seq="(\d+)"/.exec(m)!;
      seqs.set(agent!, [...(seqs.get(agent!) ?? []), Number(seq)]);
    }
    for (const s of seqs.values()) expect(s).toEqual([...s].sort((a, b) => a - b));
    expect((await store.siemSinks())[0]).toMatchObject({
      name: 'soc',
      delivered: 360,
      behind: 0,
      failingSince: null,
    });
    // Nothing new: nothing sent.
    const made = c.connections.length;
    expect(await f.step()).toBe(false);
    expect(c.connections).toHaveLength(made);
  });

  it('filters pass over events but move the position; a restart resumes where it stopped', async () => {
    await fill(1, 10);
    const c = await collector();
    const url = `tcp://127.0.0.1:${c.port}`;
    const first = forwarder(url, { sink: { minSeverity: 'high' } });
    await drain(first.f);
    expect(c.messages).toEqual([]);
    expect((await store.siemSinks())[0]).toMatchObject({ delivered: 0, skipped: 10, behind: 0 });
    expect(c.connections).toHaveLength(0);
    // More events; a new forwarder (a restarted console) sends only those that pass.
    const log = new AgentLog('ws-1');
    log.many(10);
    const more = [
      log.add({ severity: 'high', type: 'usb.blocked' }),
      log.add({ severity: 'critical', type: 'file.deleted' }),
      log.add({ severity: 'low' }),
    ];
    await store.ingest('a1', log.events, T);
    await drain(forwarder(url, { sink: { minSeverity: 'high', types: ['usb.*'] } }).f);
    expect(idsOf(c.messages)).toEqual([more[0]!.id]);
  });

  it('a collector that accepts and never reads: one batch per attempt, retried with back-off, logged once, nothing lost', async () => {
    const ids = await fill(2, 400);
    const c = await collector({ behaviour: 'stall' });
    const { f, clock, lines } = forwarder(`tcp://127.0.0.1:${c.port}`);
    expect(await f.step()).toBe(false);
    expect(f.state).toMatchObject({ failures: 1, failing: 'SIEM_TIMEOUT', retryAt: T + 1000 });
    // Not due yet: no attempt.
    clock.now += 999;
    expect(await f.step()).toBe(false);
    expect(c.connections).toHaveLength(1);
    for (let i = 0; i < 4; i++) {
      clock.now = f.state.retryAt;
      expect(await f.step()).toBe(false);
    }
    expect(c.connections).toHaveLength(5);
    expect(f.state.retryAt - clock.now).toBe(16_000); // 1, 2, 4, 8, 16 s
    // Each attempt carried the same first batch, and only it (read now: Linux still hands a
    // reset connection's bytes to a reader, so a collector that was only stuck and reads late
    // would see the batch each time: the README's "deduplicate on the event id").
    await c.readStalled();
    const carried = c.connections.map((x) => idsOf(unframe(Buffer.concat(x.data))));
    expect(carried[0]!.length).toBeGreaterThan(10);
    for (const x of carried) expect(x).toEqual(carried[0]);
    for (const x of c.connections) expect(x.bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    const warned = lines.filter((l) => l.level === 40);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ code: 'SIEM_TIMEOUT', sink: 'soc' });
    const row = (await store.siemSinks())[0]!;
    expect(row).toMatchObject({
      delivered: 0,
      behind: 800,
      failingSince: T,
      failures: 5,
      lastError: {
        code: 'SIEM_TIMEOUT',
        params: { sink: 'soc', url: `tcp://127.0.0.1:${c.port}` },
      },
    });
    // The collector reads again: everything arrives once, the recovery is logged and recorded.
    c.behaviour = 'read';
    clock.now = f.state.retryAt;
    await drain(f);
    expect(idsOf(c.messages).sort()).toEqual([...ids].sort());
    expect(lines.filter((l) => l.level === 30 && /delivers again/.test(l.msg))).toHaveLength(1);
    expect((await store.siemSinks())[0]).toMatchObject({
      delivered: 800,
      failingSince: null,
      failures: 0,
      lastError: { code: 'SIEM_TIMEOUT' },
    });
  });

  it('a reset mid-batch sends the whole batch again; the collector keeps each event once', async () => {
    const ids = await fill(2, 60);
    const c = await collector({ behaviour: 'reset' });
    c.resetAfter = 2000;
    const { f, clock, lines } = forwarder(`tcp://127.0.0.1:${c.port}`);
    expect(await f.step()).toBe(false);
    clock.now = f.state.retryAt;
    expect(await f.step()).toBe(false);
    expect(f.state).toMatchObject({ failures: 2, failing: 'SIEM_RESET' });
    expect(c.connections.map((x) => x.ended)).toEqual(['reset', 'reset']);
    c.behaviour = 'read';
    clock.now = f.state.retryAt;
    await drain(f);
    expect(idsOf(c.messages).sort()).toEqual([...ids].sort());
    expect(lines.filter((l) => l.level === 40).map((l) => l.code)).toEqual(['SIEM_RESET']);
  });

  it('a collector that reads but never closes is a timeout: the batch is not counted as delivered', async () => {
    await fill(1, 5);
    const c = await collector({ behaviour: 'hold' });
    const { f } = forwarder(`tcp://127.0.0.1:${c.port}`);
    expect(await f.step()).toBe(false);
    expect(f.state.failing).toBe('SIEM_TIMEOUT');
    expect((await store.siemSinks())[0]).toMatchObject({ delivered: 0, behind: 5 });
  });

  it('nothing listens: SIEM_UNREACHABLE, and a change of failure is logged again', async () => {
    await fill(1, 5);
    const c = await collector({ behaviour: 'stall' });
    const port = c.port;
    const { f, clock, lines } = forwarder(`tcp://127.0.0.1:${port}`);
    expect(await f.step()).toBe(false);
    await c.close();
    collectors.splice(collectors.indexOf(c), 1);
    clock.now = f.state.retryAt;
    expect(await f.step()).toBe(false);
    clock.now = f.state.retryAt;
    expect(await f.step()).toBe(false);
    expect(lines.filter((l) => l.level === 40).map((l) => l.code)).toEqual([
      'SIEM_TIMEOUT',
      'SIEM_UNREACHABLE',
    ]);
    expect((await store.siemSinks())[0]).toMatchObject({
      failures: 3,
      lastError: { code: 'SIEM_UNREACHABLE', params: { reason: 'ECONNREFUSED' } },
    });
  });
});

describe('SIEM forwarder over TLS', () => {
  /** A test CA (in `sub`) and a collector certificate it signed with these subjectAltNames. */
  function pki(sub: string, san: string): { ca: string; key: string; cert: string } {
    const at = join(dir, sub);
    mkdirSync(at);
    writeFileSync(join(at, 'san.ext'), `subjectAltName=${san}\n`);
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: at, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    const days = ['-days', '2'];
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', ...days, '-subj', '/CN=CA');
    run('req', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=collector');
    return {
      ca: readFileSync(join(at, 'ca.crt'), 'utf8'),
      key: readFileSync(join(at, 'srv.key'), 'utf8'),
      cert: execFileSync(
        'openssl',
        [
          'x509',
          '-req',
          '-in',
          'srv.csr',
          '-CA',
          'ca.crt',
          '-CAkey',
          'ca.key',
          '-CAcreateserial',
          ...days,
          '-extfile',
          'san.ext',
        ],
        { cwd: at, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    };
  }

  it('delivers to a collector whose certificate the sink’s CA signed for the name in the URL', async () => {
    const ids = await fill(1, 50);
    const p = pki('good', 'DNS:localhost');
    const c = await collector({ tls: p });
    const { f } = forwarder(`tls://localhost:${c.port}`, { ca: p.ca, closeMs: 2000 });
    await drain(f);
    expect(idsOf(c.messages).sort()).toEqual([...ids].sort());
    expect(c.connections.every((x) => x.ended === 'eof')).toBe(true);
  });

  it('refuses another name and another CA: SIEM_TLS_FAILED, nothing sent, nothing advanced', async () => {
    await fill(1, 5);
    const p = pki('good', 'DNS:localhost');
    const other = pki('other', 'DNS:localhost');
    const c = await collector({ tls: p });
    const byIp = forwarder(`tls://127.0.0.1:${c.port}`, { ca: p.ca });
    expect(await byIp.f.step()).toBe(false);
    expect(byIp.lines.find((l) => l.level === 40)).toMatchObject({
      code: 'SIEM_TLS_FAILED',
      reason: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    const wrongCa = forwarder(`tls://localhost:${c.port}`, { ca: other.ca });
    expect(await wrongCa.f.step()).toBe(false);
    expect(wrongCa.f.state.failing).toBe('SIEM_TLS_FAILED');
    const noCa = forwarder(`tls://localhost:${c.port}`);
    expect(await noCa.f.step()).toBe(false);
    expect(noCa.f.state.failing).toBe('SIEM_TLS_FAILED');
    expect(c.messages).toEqual([]);
    expect((await store.siemSinks())[0]).toMatchObject({ delivered: 0, behind: 5, failures: 3 });
  });
});

describe('SIEM workers', () => {
  const key = () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return {
      privateKey,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  };
  const build = (siem: unknown[]) =>
    buildConsole({
      store,
      config: consoleConfigSchema.parse({ siem }),
      exceptionKey: key(),
      syncIntervalMs: 60_000,
      log: { level: 'silent' },
      timers: false,
      workers: false,
    });

  it('one worker per sink, under the lease siem:<name>; a CA gone since the file was read stops the console', async () => {
    const app = build([
      { name: 'soc', format: 'cef', url: 'tcp://127.0.0.1:1' },
      { name: 'archive', format: 'syslog', url: 'tls://siem.example:6514' },
    ]);
    expect(app.baomi.workers.map((w) => w.name)).toEqual(['siem:soc', 'siem:archive']);
    await app.close();
    expect(() =>
      build([{ name: 'soc', format: 'cef', url: 'tls://x:1', ca: join(dir, 'gone.pem') }]),
    ).toThrow(expect.objectContaining({ code: 'CONSOLE_CONFIG_INVALID' }));
  });

  it('a worker forwards under its lease; another holder keeps it from sending', async () => {
    const ids = await fill(1, 10);
    const c = await collector();
    const app = build([
      { name: 'soc', format: 'syslog', url: `tcp://127.0.0.1:${c.port}`, start: 'all' },
    ]);
    const [worker] = app.baomi.workers as LeaseLoop[];
    expect(await store.tryLease('siem:soc', 'another-console', Date.now(), 60_000)).toBe(true);
    await worker!.tick();
    expect(c.messages).toEqual([]);
    await store.releaseLease('siem:soc', 'another-console');
    await worker!.tick();
    expect(idsOf(c.messages).sort()).toEqual([...ids].sort());
    await app.close();
  });
});
