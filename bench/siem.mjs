// Benchmark: SIEM export to a real rsyslog (issue 12 §3). Two questions, on this machine:
//
// 1. Throughput. The console's forwarder (dist/console/siem/forwarder.js: store reads, both
//    formats' work, one connection per batch of ≤ 16 KiB, waiting for the collector's close)
//    sends BENCH_EVENTS stored events to rsyslog's imtcp; the time runs until rsyslog's file
//    holds them all. Baseline, same run, same rsyslog: the same framed messages, formatted
//    before the clock, written down one persistent connection (the least a sender can do).
//    `ratio` = forwarder events/s ÷ baseline events/s.
// 2. Exactness across kills. The forwarder sends the same events again to a fresh file of
//    a fresh rsyslog that is killed with SIGKILL BENCH_KILLS times at random moments (0.1 to
//    1.2 s apart) and started again at once; afterwards every event id is counted in the
//    file: `lost` (not there) and `duplicated` (more than once); `killsWithBatchInFlight`
//    counts the kills that came while a batch was between connect and the collector's close.
//    rsyslog runs with the configuration the README documents (imtcp, omfile, its default
//    queues); BENCH_RSYSLOG_QUEUE=direct gives the ruleset and the main queue direct queues
//    instead, for comparison; BENCH_SIGNAL=SIGTERM stops it instead of killing it.
//
//   npm run build && node bench/siem.mjs
// Env: BENCH_EVENTS (20,000), BENCH_KILLS (20), BENCH_FORMAT (syslog | cef),
// BENCH_RSYSLOG_QUEUE (default | direct), BENCH_SIGNAL (SIGKILL | SIGTERM).
// Prints JSON lines; the last has `ratio`, `target` (0.1: per-batch connections cost, a
// tenth of a persistent stream is the floor we accept), `lost`, `duplicated`, `kills`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';

const root = resolve(import.meta.dirname, '..');
const { SiemForwarder } = await import(join(root, 'dist/console/siem/forwarder.js'));
const { parseCollector, deliverBatch } = await import(join(root, 'dist/console/siem/transport.js'));
const { openConsoleStore } = await import(join(root, 'dist/console/store/index.js'));
const { siemSinkSchema } = await import(join(root, 'dist/core/console/config/siem.js'));
const { formatEvent } = await import(join(root, 'dist/core/console/siem/format.js'));
const { octetFrame } = await import(join(root, 'dist/core/console/siem/syslog.js'));
const { eventHash } = await import(join(root, 'dist/core/events/chain.js'));

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const KILLS = Number(process.env.BENCH_KILLS ?? 20);
const FORMAT = process.env.BENCH_FORMAT ?? 'syslog';
const DIRECT = process.env.BENCH_RSYSLOG_QUEUE === 'direct';
const SIGNAL = process.env.BENCH_SIGNAL ?? 'SIGKILL';
const AGENTS = 8;
const TARGET = 0.1;
const log = (o) => console.log(JSON.stringify(o));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'baomi-bench-siem-'));

async function freePort() {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  await once(s, 'close');
  return port;
}

const accepts = (port) =>
  new Promise((res) => {
    const s = connect(port, '127.0.0.1', () => {
      s.end();
      res(true);
    });
    s.on('error', () => res(false));
  });

class Rsyslog {
  constructor(name, port) {
    this.dir = join(dir, name);
    this.port = port;
    this.file = join(this.dir, 'out.log');
    mkdirSync(join(this.dir, 'work'), { recursive: true });
    const q = DIRECT ? ' queue.type="direct"' : '';
    writeFileSync(
      join(this.dir, 'rsyslog.conf'),
      `global(workDirectory="${this.dir}/work" maxMessageSize="8k")
module(load="imtcp")
${DIRECT ? 'main_queue(queue.type="direct")' : ''}
template(name="raw" type="string" string="%rawmsg%\\n")
ruleset(name="baomi"${q}) { action(type="omfile" file="${this.file}" template="raw") }
input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="baomi")
`,
    );
  }
  async start() {
    this.child = spawn(
      'rsyslogd',
      ['-n', '-f', join(this.dir, 'rsyslog.conf'), '-i', join(this.dir, 'pid')],
      {
        stdio: 'ignore',
      },
    );
    for (let i = 0; i < 200; i++) {
      if (await accepts(this.port)) return;
      await sleep(10);
    }
    throw new Error('rsyslogd did not start');
  }
  async kill(signal) {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    c.kill(signal);
    await once(c, 'exit');
  }
  lines() {
    return existsSync(this.file) ? readFileSync(this.file, 'utf8').split('\n').filter(Boolean) : [];
  }
  count() {
    if (!existsSync(this.file)) return 0;
    const b = readFileSync(this.file);
    let n = 0;
    for (const x of b) if (x === 10) n++;
    return n;
  }
}

// Stored events: AGENTS chains of realistic file events.
const store = await openConsoleStore({ dataDir: join(dir, 'console') });
const all = [];
for (let a = 0; a < AGENTS; a++) {
  const agentId = `0190a000-0000-7000-8000-${String(a).padStart(12, '0')}`;
  await store.createAgent({
    id: agentId,
    publicKey: 'k',
    exceptionSecret: 's',
    host: `ws-fin-${a}`,
    os: 'linux',
    group: 'finance',
    enrolledAt: 0,
  });
  let prev = '0'.repeat(64);
  const events = [];
  for (let seq = 1; seq <= EVENTS / AGENTS; seq++) {
    const e = {
      id: `0190a000-0000-7000-9${String(a).padStart(3, '0')}-${String(seq).padStart(12, '0')}`,
      seq,
      ts: 1_800_000_000_000 + seq,
      type: 'file.modified',
      severity: 'info',
      level: 'AAA',
      user: '张三',
      host: `ws-fin-${a}`,
      data: {
        path: `/srv/finance/2026/预算/${seq}.xlsx`,
        size: 10_000 + seq,
        owner: 'zhangsan',
        detectedBy: 'watch',
        root: '/srv/finance',
      },
      prevHash: prev,
    };
    e.hash = eventHash(e);
    prev = e.hash;
    events.push(e);
  }
  for (let i = 0; i < events.length; i += 500)
    await store.ingest(agentId, events.slice(i, i + 500), 1);
  all.push(...events.map((e) => ({ ...e, agentId })));
}
log({ phase: 'stored', events: all.length });

const quiet = pino({ level: 'silent' });
function forwarder(name, port) {
  const sink = siemSinkSchema.parse({
    name,
    format: FORMAT,
    url: `tcp://127.0.0.1:${port}`,
    start: 'all',
  });
  return new SiemForwarder({
    sink,
    collector: parseCollector(sink.url),
    store,
    now: Date.now,
    log: quiet,
    random: () => 0.5,
    deliver: async (c, batch, t) => {
      inFlight = true;
      try {
        await deliverBatch(c, batch, t);
      } finally {
        inFlight = false;
      }
    },
  });
}
/** A batch is on its way (connect … the collector's close). */
let inFlight = false;

async function untilLines(r, n, ms = 120_000) {
  const end = Date.now() + ms;
  while (r.count() < n) {
    if (Date.now() > end) throw new Error(`rsyslog wrote ${r.count()} of ${n}`);
    await sleep(5);
  }
}

// 1. Throughput: baseline, then the forwarder, each into its own rsyslog.
const framed = Buffer.from(
  all
    .map((e) =>
      octetFrame(
        formatEvent(e, { format: FORMAT, facility: 'authpriv', maxBytes: 8192, version: 'bench' }),
      ),
    )
    .join(''),
);
const base = new Rsyslog('baseline', await freePort());
await base.start();
let t0 = performance.now();
await new Promise((res, rej) => {
  const s = connect(base.port, '127.0.0.1', () => s.end(framed));
  s.on('error', rej);
  s.on('close', res);
  s.resume();
});
await untilLines(base, all.length);
const baseSec = (performance.now() - t0) / 1000;
await base.kill('SIGTERM');
log({ phase: 'baseline', events: all.length, seconds: +baseSec.toFixed(2), bytes: framed.length });

const fast = new Rsyslog('forwarder', await freePort());
await fast.start();
const f1 = forwarder('throughput', fast.port);
t0 = performance.now();
let batches = 0;
while (await f1.step()) batches++;
await untilLines(fast, all.length);
const fwdSec = (performance.now() - t0) / 1000;
await fast.kill('SIGTERM');
log({ phase: 'forwarder', events: all.length, seconds: +fwdSec.toFixed(2), batches });

// 2. SIGKILL at random moments while the forwarder sends.
const victim = new Rsyslog('kills', await freePort());
await victim.start();
const f2 = forwarder('kills', victim.port);
let sending = true;
const loop = (async () => {
  while (sending) if (!(await f2.step())) await sleep(20);
})();
let killed = 0;
let inFlightAtKill = 0;
for (; killed < KILLS; killed++) {
  await sleep(100 + Math.random() * 1100);
  if ((await store.siemSinks()).find((r) => r.name === 'kills').behind === 0) break;
  inFlightAtKill += inFlight ? 1 : 0;
  await victim.kill(SIGNAL);
  await victim.start();
}
for (;;) {
  const row = (await store.siemSinks()).find((r) => r.name === 'kills');
  if (row.behind === 0) break;
  await sleep(50);
}
sending = false;
await loop;
await victim.kill('SIGTERM');
const counts = new Map();
for (const l of victim.lines()) {
  const id = /\[baomi@32473 id="([^"]+)"/.exec(l)?.[1];
  counts.set(id, (counts.get(id) ?? 0) + 1);
}
const lost = all.filter((e) => !counts.has(e.id)).length;
const duplicated = [...counts.values()].filter((n) => n > 1).length;
await store.close();
rmSync(dir, { recursive: true, force: true });

const fwdEps = all.length / fwdSec;
const baseEps = all.length / baseSec;
log({
  bench: 'siem',
  format: FORMAT,
  rsyslogQueue: DIRECT ? 'direct' : 'default',
  signal: SIGNAL,
  events: all.length,
  ratio: +(fwdEps / baseEps).toFixed(3),
  target: TARGET,
  forwarderEventsPerSec: Math.round(fwdEps),
  baselineEventsPerSec: Math.round(baseEps),
  batchesPerSec: Math.round(batches / fwdSec),
  kills: killed,
  killsWithBatchInFlight: inFlightAtKill,
  lost,
  duplicated,
  pass: fwdEps / baseEps >= TARGET,
  cpus: (await import('node:os')).cpus().length,
  node: process.version,
});
