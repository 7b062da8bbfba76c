// Benchmark: a fleet against one console (issue 12, "Performance"; `npm run bench:fleet`).
//
// --agents (10,000) simulated agents (bench/fleet-agents.mjs, in --workers processes) sync
// every --interval (60 s) ±20 %, about 170 requests/s for 10,000, on the real agent's rules,
// carrying the event mix of bench/fleet-mix.mjs (× --events-x), for --minutes (10) against:
//   1. the baseline: bench/empty-sync.mjs (the same Fastify parsing each body and acknowledging
//      it at once: no signature, no database), one per console, the SAME agents, seeds and
//      schedule rules (--baseline-minutes, default --minutes; 0 skips it);
//   2. the console(s): `baomi console` processes (SQLite in the data dir, or --db: PostgreSQL;
//      --consoles N on one PostgreSQL, each agent's requests going round-robin over them, as
//      through a balancer), agents enrolled through the real /enroll with multi-use tokens
//      made through the staff API. Then the console is stopped for --outage-minutes while the
//      agents keep producing and retrying with the agent's back-off; it is started again on
//      the same port(s) and the drain is measured (requests per 10 s window against the
//      steady rate) until every agent has delivered everything it produced before the
//      restart; then the agents stop producing and deliver the rest.
// Checked at the end, not assumed: for every agent, the seq it produced = the seq it recorded
// as acknowledged = the console's ackedSeq (staff API) = the number of its events in the
// console's database = their highest seq (no loss, none twice); alerts raised, by type.
// Printed: request latency (p50/p99/max) and rate per phase, event commit-to-ack latency,
// the CPU of the console(s), of PostgreSQL, of the bench's own processes, of the whole
// machine, and the load average, so the reader can judge what limited the run.
//
//   npm run bench:fleet -- --agents 10000 --minutes 5 --outage-minutes 3
//   npm run bench:fleet -- --db postgres --events-x 10 --consoles 2
// --db postgres: the local cluster (started if down, as root), a throwaway role and database;
// --db postgres://…: a database you give (a schema bench_fleet in it, dropped after).
// --tls: the console(s) and the baseline over HTTPS (a self-signed certificate; a TLS handshake
// per request, as real agents make). --console-prof DIR: the console runs with --cpu-prof.
// The last line is one JSON object with `ratio` (console p99 / baseline p99 of a request) and
// `target`.
import { fork, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { parseDuration } from '../dist/core/policy/units.js';
import { benchDatabase, benchSchema, redact } from './postgres.mjs';
import {
  addStaffUser,
  enrollmentToken,
  load,
  log,
  percentile,
  ROOT,
  requestJson,
  sleep,
  startProcess,
  startScript,
} from './sim-agent.mjs';

const { values: a } = parseArgs({
  options: {
    agents: { type: 'string', default: '10000' },
    minutes: { type: 'string', default: '10' },
    'outage-minutes': { type: 'string', default: '10' },
    'baseline-minutes': { type: 'string' },
    interval: { type: 'string', default: '60s' },
    'events-x': { type: 'string', default: '1' },
    db: { type: 'string' },
    consoles: { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    tls: { type: 'boolean', default: false },
    'console-prof': { type: 'string' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});
const AGENTS = Number(a.agents);
const MINUTES = Number(a.minutes);
const OUTAGE_MIN = Number(a['outage-minutes']);
const BASELINE_MIN = Number(a['baseline-minutes'] ?? a.minutes);
const INTERVAL_MS = parseDuration(a.interval);
const EVENTS_X = Number(a['events-x']);
const CONSOLES = Number(a.consoles);
const WORKERS = Number(a.workers);
const SEED = Number(a.seed);
const BATCH = 500;
const WINDOW_MS = 10_000;
const TARGET = { p99Ms: 500, lost: 0, drainPeakVsNormal: 2 };
const STAFF = { name: 'bench', password: 'bench-password-long-enough' };
const GROUP = 'bench';
const CLK_TCK = 100;
const LOG_EVERY_MS = Number(process.env.BENCH_LOG_EVERY_MS ?? 30_000);

for (const [k, v] of Object.entries({
  AGENTS,
  MINUTES,
  OUTAGE_MIN,
  BASELINE_MIN,
  EVENTS_X,
  CONSOLES,
  WORKERS,
}))
  if (!Number.isFinite(v) || v < 0) throw new Error(`bad flag for ${k}: ${v}`);
if (INTERVAL_MS === null || INTERVAL_MS < 5000) throw new Error('--interval: 5s or more');
if (CONSOLES > 1 && !a.db)
  throw new Error('--consoles 2 needs --db (several consoles share one PostgreSQL)');

const dir = mkdtempSync(join(tmpdir(), 'baomi-bench-fleet-'));
const round = (x, d = 1) =>
  x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d;

// CPU: /proc/<pid>/stat utime + stime; /proc/stat for the machine.

function pidCpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

function machineCpuMs() {
  const l = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const idle = l[3] + l[4];
  const total = l.slice(0, 8).reduce((x, y) => x + y, 0);
  return { busy: ((total - idle) * 1000) / CLK_TCK };
}

/** Every postgres process on the machine (other users' too: an upper bound). */
function postgresPids() {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') out.push(Number(d));
    } catch {}
  }
  return out;
}

/** Sums the CPU of groups of processes over phases, sampling every 2 s (pids come and go). */
class CpuMeter {
  constructor(groups) {
    this.groups = groups; // name -> () => pids
    this.seen = new Map(); // `${group}:${pid}` -> {first, last}
    this.marks = [];
    this.timer = setInterval(() => this.sample(), 2000);
    this.timer.unref();
    this.sample();
  }
  sample() {
    for (const [g, pids] of Object.entries(this.groups))
      for (const pid of pids()) {
        const v = pidCpuMs(pid);
        if (v === null) continue;
        const k = `${g}:${pid}`;
        const had = this.seen.get(k);
        if (had) had.last = v;
        else this.seen.set(k, { first: v, last: v });
      }
  }
  totals() {
    this.sample();
    const t = { machine: machineCpuMs().busy };
    for (const g of Object.keys(this.groups)) t[g] = 0;
    for (const [k, v] of this.seen) t[k.slice(0, k.indexOf(':'))] += v.last - v.first;
    return t;
  }
  mark(name) {
    this.marks.push({ name, at: Date.now(), t: this.totals() });
  }
  /** Cores used by each group between two marks. */
  between(from, to) {
    const x = this.marks.find((m) => m.name === from);
    const y = this.marks.find((m) => m.name === to);
    const wall = y.at - x.at;
    const out = {};
    for (const k of Object.keys(y.t)) out[k] = round((y.t[k] - x.t[k]) / wall, 3);
    return out;
  }
  stop() {
    clearInterval(this.timer);
  }
}

// Setup pieces

function makeTls() {
  const key = join(dir, 'tls.key');
  const cert = join(dir, 'tls.pem');
  const r = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    key,
    '-out',
    cert,
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  return { key, cert, ca: readFileSync(cert, 'utf8') };
}

/** One exception key for every console process (they must sign with the same key). */
function exceptionKeyFile() {
  const file = join(dir, 'exception.key');
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return file;
}

/** A policy for the bench group, signed with a throwaway key (the console checks the form;
 *  agents check the key, and the simulated ones take it as the real one would). */
function benchPolicy() {
  const text = [
    'version: 1',
    'name: bench fleet',
    'issued: 2026-01-01T00:00:00Z',
    'expires: 2099-01-01T00:00:00Z',
    `sync: { console: "https://console.example.com", interval: ${a.interval}, batch: ${BATCH} }`,
    'usb: { storage: block }',
    'folders:',
    '  - { path: /srv/finance, level: AA }',
    '',
  ].join('\n');
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    policy: Buffer.from(text).toString('base64'),
    signature: sign(null, Buffer.from(text), privateKey).toString('base64'),
  };
}

function consoleArgs(c, listen) {
  return [
    ...(a['console-prof'] ? ['--cpu-prof', '--cpu-prof-dir', a['console-prof']] : []),
    join(ROOT, 'bin/baomi.js'),
    'console',
    '--data-dir',
    c.dataDir,
    ...(c.db ? ['--db', c.db] : []),
    '--exception-key',
    c.keyFile,
    '--listen',
    listen,
    '--sync-interval',
    a.interval,
    ...(c.tls ? ['--tls-cert', c.tls.cert, '--tls-key', c.tls.key] : []),
  ];
}

async function startConsoleAt(c, listen) {
  return startProcess(consoleArgs(c, listen), {
    logFile: join(dir, `console-${c.i}.log`),
    ready: /(https?:\/\/127\.0\.0\.1:\d+)/,
  });
}

// Workers

function spawnWorkers(opts) {
  const ws = [];
  for (let w = 0; w < WORKERS; w++) {
    const child = fork(join(ROOT, 'bench/fleet-agents.mjs'), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const waiters = new Map();
    const on = { settled: false };
    child.on('message', (m) => {
      if (m.event === 'error') {
        log({ phase: 'worker-error', worker: w, error: m.error });
        process.exit(1);
      }
      if (m.event === 'settled') on.settled = true;
      const f = waiters.get(m.event);
      if (f) {
        waiters.delete(m.event);
        f(m);
      }
    });
    const ask = (msg, event) =>
      new Promise((res) => {
        waiters.set(event, res);
        child.send(msg);
      });
    const numbers = [];
    for (let n = 1 + w; n <= AGENTS; n += WORKERS) numbers.push(n);
    ws.push({ child, ask, on, numbers, pid: child.pid });
  }
  return Promise.all(
    ws.map((x) => x.ask({ cmd: 'init', numbers: x.numbers, seed: SEED, ...opts }, 'ready')),
  ).then(() => ws);
}

const all = (ws, msg, event) => Promise.all(ws.map((w) => w.ask(msg, event)));

async function progress(ws) {
  const ps = await all(ws, { cmd: 'progress' }, 'progress');
  return {
    caughtUp: ps.reduce((n, p) => n + p.caughtUp, 0),
    lastCaughtUp: Math.max(...ps.map((p) => p.lastCaughtUp)),
    backlog: ps.reduce((n, p) => n + p.backlog, 0),
    failing: ps.reduce((n, p) => n + p.failing, 0),
    inFlight: ps.reduce((n, p) => n + p.inFlight, 0),
    requests: ps.reduce((n, p) => n + p.requests, 0),
  };
}

async function finishAndReport(ws, timeoutMs) {
  const at = Date.now();
  await all(ws, { cmd: 'finish', at }, 'finishing');
  const end = Date.now() + timeoutMs;
  while (!ws.every((w) => w.on.settled) && Date.now() < end) await sleep(1000);
  const settled = ws.every((w) => w.on.settled);
  const reports = await all(ws, { cmd: 'report' }, 'report');
  for (const w of ws) w.child.kill();
  return { settled, settleSeconds: round((Date.now() - at) / 1000), reports };
}

// Statistics

function mergeRecords(reports) {
  const out = [];
  for (const r of reports)
    for (let i = 0; i < r.records.length; i += 5)
      out.push({
        at: r.records[i],
        ms: r.records[i + 1],
        status: r.records[i + 2],
        events: r.records[i + 3],
      });
  return out.sort((x, y) => x.at - y.at);
}

function latency(list) {
  const s = Float64Array.from(list.map((r) => r.ms)).sort();
  return {
    n: s.length,
    p50: round(percentile(s, 50)),
    p99: round(percentile(s, 99)),
    max: round(s.length ? s[s.length - 1] : null),
  };
}

function statuses(list) {
  const o = {};
  for (const r of list) o[r.status] = (o[r.status] ?? 0) + 1;
  return o;
}

/** Requests per second in 10 s windows of [from, to) (a last window under 5 s is left out). */
function windows(recs, from, to) {
  const n = Math.max(1, Math.round((to - from) / WINDOW_MS));
  const w = new Array(n).fill(0);
  for (const r of recs) {
    const i = Math.floor((r.at - from) / WINDOW_MS);
    if (r.at >= from && i < n) w[i]++;
  }
  return w.map((c, i) => round(c / (Math.min(WINDOW_MS, to - from - i * WINDOW_MS) / 1000), 1));
}

function phaseStats(recs, from, to) {
  const inside = recs.filter((r) => r.at >= from && r.at < to);
  const ok = inside.filter((r) => r.status === 200);
  const events = inside.reduce((n, r) => n + (r.status === 200 ? r.events : 0), 0);
  return {
    seconds: round((to - from) / 1000),
    requests: inside.length,
    requestsPerSec: round(inside.length / ((to - from) / 1000)),
    eventsPerSec: round(events / ((to - from) / 1000)),
    statuses: statuses(inside),
    requestMs: latency(inside),
    requestMsOk: latency(ok),
    requestMsByEvents: {
      upTo5: latency(ok.filter((r) => r.events <= 5)),
      upTo100: latency(ok.filter((r) => r.events > 5 && r.events <= 100)),
      over100: latency(ok.filter((r) => r.events > 100)),
    },
    eventsPerRequest: eventsPerRequest(ok),
  };
}

function eventsPerRequest(ok) {
  const s = Float64Array.from(ok.map((r) => r.events)).sort();
  let le5 = 0;
  for (const x of s) if (x <= 5) le5++;
  return {
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    max: s.length ? s[s.length - 1] : null,
    shareUpTo5: round(le5 / Math.max(1, s.length), 3),
  };
}

/** Commit-to-ack latency of events acknowledged in `phase` (100 ms buckets). */
function ackLatency(reports, phase) {
  let sum = null;
  for (const r of reports) {
    const h = r.hist.get(phase);
    if (!h) continue;
    if (!sum) sum = new Float64Array(h.length);
    for (let i = 0; i < h.length; i++) sum[i] += h[i];
  }
  if (!sum) return null;
  const n = sum.reduce((x, y) => x + y, 0);
  const at = (p) => {
    let c = 0;
    for (let i = 0; i < sum.length; i++) {
      c += sum[i];
      if (c >= Math.ceil((p / 100) * n)) return (i + 1) * 100;
    }
    return null;
  };
  return { events: n, p50Ms: at(50), p99Ms: at(99) };
}

/** The intervals the console asked for: how many answers, how many stretched, p50/p99/max. */
function nextInSummary(reports) {
  const all = reports.flatMap((r) => r.nextIn).sort((x, y) => x[0] - y[0]);
  const n = all.reduce((k, [, c]) => k + c, 0);
  const at = (p) => {
    let c = 0;
    for (const [v, k] of all) {
      c += k;
      if (c >= Math.ceil((p / 100) * n)) return v;
    }
    return null;
  };
  const stretched = all.filter(([v]) => v > INTERVAL_MS).reduce((k, [, c]) => k + c, 0);
  return {
    answers: n,
    stretched,
    p50: at(50),
    p99: at(99),
    max: all.length ? all[all.length - 1][0] : null,
  };
}

function clientCost(reports, wallMs) {
  return {
    workers: reports.length,
    cpuCores: round(reports.reduce((n, r) => n + r.cpuMs, 0) / wallMs, 3),
    lagP99Ms: Math.max(...reports.map((r) => r.lagP99Ms)),
    lagMaxMs: Math.max(...reports.map((r) => r.lagMaxMs)),
    rssMb: reports.map((r) => r.rssMb),
  };
}

function agentsOf(reports) {
  return reports.flatMap((r) => r.agents.map(([n, id, seq, acked]) => ({ n, id, seq, acked })));
}

// The two sides

async function baselineSide(tls) {
  const servers = [];
  for (let i = 0; i < CONSOLES; i++)
    servers.push(
      await startScript(
        'empty-sync.mjs',
        [
          '--interval-ms',
          String(INTERVAL_MS),
          ...(tls ? ['--tls-cert', tls.cert, '--tls-key', tls.key] : []),
        ],
        { logFile: join(dir, `empty-${i}.log`) },
      ),
    );
  const urls = servers.map((s) => s.url);
  let ws = [];
  const meter = new CpuMeter({
    server: () => servers.map((s) => s.pid),
    bench: () => [process.pid, ...ws.map((w) => w.pid)],
  });
  ws = await spawnWorkers(workerOpts(tls));
  try {
    await all(ws, { cmd: 'enroll', urls, token: 'empty-accepts-any', parallel: 16 }, 'enrolled');
    log({ phase: 'baseline-start', agents: AGENTS, urls, load: load() });
    meter.mark('start');
    const t0 = Date.now();
    await all(ws, { cmd: 'start', urls, phase: 'steady' }, 'started');
    await sleepLogging(ws, BASELINE_MIN * 60_000, 'baseline', meter);
    const t1 = Date.now();
    meter.mark('end');
    const fin = await finishAndReport(ws, 10 * INTERVAL_MS);
    const recs = mergeRecords(fin.reports);
    const agents = agentsOf(fin.reports);
    const unacked = agents.filter((x) => x.acked !== x.seq).length;
    return {
      ...phaseStats(recs, t0, t1),
      windowsPerSec: summaryOfWindows(windows(recs, t0, t1)),
      ackLatency: ackLatency(fin.reports, 'steady'),
      produced: agents.reduce((n, x) => n + x.seq, 0),
      unacked,
      settled: fin.settled,
      cpuCores: meter.between('start', 'end'),
      bench: clientCost(fin.reports, t1 - t0),
      load: load(),
    };
  } finally {
    meter.stop();
    for (const w of ws) w.child.kill();
    for (const s of servers) await s.stop();
  }
}

function workerOpts(tls) {
  return {
    intervalMs: INTERVAL_MS,
    eventsX: EVENTS_X,
    batch: BATCH,
    ...(tls ? { ca: tls.ca } : {}),
  };
}

function summaryOfWindows(w) {
  const s = Float64Array.from(w).sort();
  return { n: w.length, min: s[0], p50: percentile(s, 50), max: s[s.length - 1] };
}

async function sleepLogging(ws, ms, phase, meter) {
  const end = Date.now() + ms;
  let last = Date.now();
  let lastReq = (await progress(ws)).requests;
  let cpu = meter?.totals();
  while (Date.now() < end) {
    await sleep(Math.min(LOG_EVERY_MS, end - Date.now()));
    const p = await progress(ws);
    const now = Date.now();
    const t = meter?.totals();
    const cores = t
      ? Object.fromEntries(Object.keys(t).map((k) => [k, round((t[k] - cpu[k]) / (now - last), 2)]))
      : undefined;
    log({
      phase,
      left: Math.round((end - now) / 1000),
      requestsPerSec: round((p.requests - lastReq) / ((now - last) / 1000)),
      backlog: p.backlog,
      failing: p.failing,
      inFlight: p.inFlight,
      cores,
      load: load(),
    });
    last = now;
    lastReq = p.requests;
    cpu = t;
  }
}

async function consoleSide(tls, keyFile) {
  const db = a.db ? await benchDatabase(a.db) : null;
  const schema = db ? await benchSchema(db.url, 'bench_fleet') : null;
  const cs = Array.from({ length: CONSOLES }, (_, i) => ({
    i,
    dataDir: join(dir, `console-${i}`),
    db: schema?.url,
    keyFile,
    tls,
    proc: null,
    listen: '127.0.0.1:0',
  }));
  for (const c of cs) mkdirSync(c.dataDir, { recursive: true });
  addStaffUser({ dataDir: cs[0].dataDir, db: schema?.url, ...STAFF });
  for (const c of cs) {
    c.proc = await startConsoleAt(c, c.listen);
    c.listen = `127.0.0.1:${new URL(c.proc.url).port}`;
  }
  const urls = cs.map((c) => c.proc.url);
  const pgAdmin = schema ? new pg.Client({ connectionString: schema.url }) : null;
  await pgAdmin?.connect();
  let pgBackends = [];
  const pgPoll = pgAdmin
    ? setInterval(async () => {
        try {
          const r = await pgAdmin.query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'baomi-console'",
          );
          pgBackends = r.rows.map((x) => x.pid);
        } catch {}
      }, 2000)
    : null;
  let ws = [];
  const meter = new CpuMeter({
    console: () => cs.map((c) => c.proc?.pid).filter(Boolean),
    ...(pgAdmin ? { postgresBackends: () => pgBackends, postgresAll: postgresPids } : {}),
    bench: () => [process.pid, ...ws.map((w) => w.pid)],
  });
  const staffOpts = tls ? { ca: tls.ca } : {};
  try {
    // Staff: a session, enrollment tokens (10,000 uses at most each), the group's policy.
    const tokens = [];
    let session;
    for (let left = AGENTS; left > 0; left -= 10_000) {
      session = await enrollmentTokenTls(
        urls[0],
        { ...STAFF, uses: Math.min(10_000, left), group: GROUP },
        staffOpts,
      );
      tokens.push(session.token);
    }
    await requestJson(urls[0], {
      method: 'POST',
      path: '/api/v1/policies',
      agent: session.agent,
      headers: session.headers,
      ...staffOpts,
      json: { target: { kind: 'group', value: GROUP }, ...benchPolicy() },
    });
    ws = await spawnWorkers(workerOpts(tls));
    if (tokens.length > 1)
      throw new Error('more than 10,000 agents: one token per worker slice is not written yet');
    const e0 = Date.now();
    const enrolled = await all(
      ws,
      { cmd: 'enroll', urls, token: tokens[0], parallel: 16 },
      'enrolled',
    );
    const enrollSeconds = round((Date.now() - e0) / 1000);
    log({
      phase: 'enrolled',
      agents: AGENTS,
      seconds: enrollSeconds,
      perSec: round(AGENTS / enrollSeconds),
      retried: enrolled.reduce((n, x) => n + x.retried, 0),
      load: load(),
    });

    // Steady
    meter.mark('steady');
    const t0 = Date.now();
    await all(ws, { cmd: 'start', urls, phase: 'steady' }, 'started');
    log({ phase: 'steady-start', consoles: urls, pids: cs.map((c) => c.proc.pid), load: load() });
    await sleepLogging(ws, MINUTES * 60_000, 'steady', meter);
    const t1 = Date.now();
    meter.mark('outage');
    const loadSteady = load();

    // Outage: every console stopped (SIGTERM: a clean stop, as for maintenance).
    let t2 = t1;
    let t3 = t1;
    let drainDone = null;
    if (OUTAGE_MIN > 0) {
      await all(ws, { cmd: 'phase', phase: 'outage' }, 'phase');
      for (const c of cs) {
        const exit = await c.proc.stop();
        c.proc = null;
        log({ phase: 'console-stopped', console: c.i, ...exit });
      }
      await sleepLogging(ws, OUTAGE_MIN * 60_000, 'outage', meter);
      for (const c of cs) c.proc = await startConsoleAt(c, c.listen);
      t2 = Date.now();
      meter.mark('drain');
      await all(ws, { cmd: 'phase', phase: 'drain' }, 'phase');
      await all(ws, { cmd: 'mark' }, 'marked');
      log({ phase: 'console-restarted', pids: cs.map((c) => c.proc.pid), load: load() });
      // Until every agent has delivered what it produced before the restart (the agent's
      // back-off reaches 15 minutes, so that bounds it, plus a margin).
      const end = Date.now() + 15 * 60_000 + 10 * INTERVAL_MS;
      for (;;) {
        await sleep(10_000);
        const p = await progress(ws);
        log({
          phase: 'drain',
          caughtUp: p.caughtUp,
          of: AGENTS,
          backlog: p.backlog,
          failing: p.failing,
          inFlight: p.inFlight,
          load: load(),
        });
        if (p.caughtUp === AGENTS) {
          drainDone = p.lastCaughtUp;
          break;
        }
        if (Date.now() > end) break;
      }
      t3 = Date.now();
      meter.mark('final');
    } else meter.mark('drain');

    await all(ws, { cmd: 'phase', phase: 'final' }, 'phase');
    const fin = await finishAndReport(ws, 20 * 60_000);
    const tEnd = Date.now();
    meter.mark('end');
    const recs = mergeRecords(fin.reports);
    const agents = agentsOf(fin.reports);

    // What the console holds.
    const view = await requestJson(urls[0], {
      path: '/api/v1/agents',
      agent: session.agent,
      headers: session.headers,
      ...staffOpts,
    });
    const consoleAcked = new Map(view.json.agents.map((x) => [x.id, x.ackedSeq]));
    const stored = await storedCounts(cs[0], schema);
    const check = {
      agents: agents.length,
      produced: 0,
      ackedByAgents: 0,
      consoleAcked: 0,
      stored: 0,
      mismatches: [],
    };
    for (const x of agents) {
      const s = stored.perAgent.get(x.id) ?? { n: 0, max: 0 };
      check.produced += x.seq;
      check.ackedByAgents += x.acked;
      check.consoleAcked += consoleAcked.get(x.id) ?? 0;
      check.stored += s.n;
      if (x.acked !== x.seq || consoleAcked.get(x.id) !== x.seq || s.n !== x.seq || s.max !== x.seq)
        if (check.mismatches.length < 10)
          check.mismatches.push({
            host: x.n,
            produced: x.seq,
            acked: x.acked,
            consoleAcked: consoleAcked.get(x.id),
            stored: s.n,
            maxSeq: s.max,
          });
    }
    check.lost = check.produced - check.stored;
    check.duplicates = stored.total - stored.distinct;
    check.alerts = stored.alerts;

    const steady = phaseStats(recs, t0, t1);
    // The steady rate: after the first interval (the agents' first requests are spread over it).
    const steadyWindows = windows(recs, t0, t1);
    const normal = steady.requestsPerSec;
    const drainWindows = OUTAGE_MIN > 0 ? windows(recs, t2, t3) : [];
    const drainPeak = drainWindows.length ? Math.max(...drainWindows) : null;
    return {
      enrollSeconds,
      steady: {
        ...steady,
        windowsPerSec: summaryOfWindows(steadyWindows),
        ackLatency: ackLatency(fin.reports, 'steady'),
        cpuCores: meter.between('steady', 'outage'),
        load: loadSteady,
      },
      outage:
        OUTAGE_MIN > 0
          ? {
              ...phaseStats(recs, t1, t2),
              windowsPerSec: summaryOfWindows(windows(recs, t1, t2)),
              cpuCores: meter.between('outage', 'drain'),
            }
          : null,
      drain:
        OUTAGE_MIN > 0
          ? {
              ...phaseStats(recs, t2, t3),
              allCaughtUp: drainDone !== null,
              caughtUpSeconds: drainDone ? round((drainDone - t2) / 1000) : null,
              windowsPerSec: drainWindows,
              peakPerSec: drainPeak,
              peakVsNormal: round(drainPeak / normal, 2),
              ackLatency: ackLatency(fin.reports, 'drain'),
              cpuCores: meter.between('drain', 'final'),
            }
          : null,
      final: {
        ...phaseStats(recs, t3, tEnd),
        settled: fin.settled,
        settleSeconds: fin.settleSeconds,
      },
      nextInMs: nextInSummary(fin.reports),
      policiesDelivered: fin.reports.reduce((n, r) => n + r.policies, 0),
      ackAboveHead: fin.reports.reduce((n, r) => n + r.ackAboveHead, 0),
      check,
      bench: clientCost(fin.reports, tEnd - t0),
      postgres: db?.version ?? (db ? 'given' : null),
    };
  } finally {
    meter.stop();
    if (pgPoll) clearInterval(pgPoll);
    await pgAdmin?.end();
    for (const w of ws) w.child.kill();
    for (const c of cs) if (c.proc) await c.proc.stop();
    if (!a.keep) await schema?.drop();
    await db?.cleanup();
  }
}

async function enrollmentTokenTls(url, o, staffOpts) {
  if (!staffOpts.ca) return enrollmentToken(url, o);
  // enrollmentToken with the pinned CA on every request.
  const login = await requestJson(url, {
    method: 'POST',
    path: '/api/v1/login',
    agent: false,
    ...staffOpts,
    json: { name: o.name, password: o.password },
  });
  const set = [login.headers['set-cookie'] ?? []]
    .flat()
    .find((c) => c.startsWith('baomi_session='));
  const headers = { cookie: set.split(';')[0], 'x-csrf-token': login.json.csrfToken };
  const t = await requestJson(url, {
    method: 'POST',
    path: '/api/v1/enrollment-tokens',
    agent: false,
    headers,
    ...staffOpts,
    json: { group: o.group, uses: o.uses, hours: 24 },
  });
  return { token: t.json.token, headers, agent: false };
}

/** Events per agent (count, highest seq), total vs distinct (agent, seq), alerts by type. */
async function storedCounts(c, schema) {
  const perAgent = new Map();
  let total = 0;
  let distinct = 0;
  let alerts = {};
  if (schema) {
    const cl = new pg.Client({ connectionString: schema.url });
    await cl.connect();
    try {
      for (const r of (
        await cl.query(
          'SELECT agent_id, count(*)::int AS n, max(seq)::int AS max FROM events GROUP BY agent_id',
        )
      ).rows) {
        perAgent.set(r.agent_id, { n: r.n, max: r.max });
        total += r.n;
      }
      distinct = (
        await cl.query(
          'SELECT count(*)::int AS n FROM (SELECT DISTINCT agent_id, seq FROM events) d',
        )
      ).rows[0].n;
      for (const r of (await cl.query('SELECT type, count(*)::int AS n FROM alerts GROUP BY type'))
        .rows)
        alerts[r.type] = r.n;
    } finally {
      await cl.end();
    }
  } else {
    const d = new Database(join(c.dataDir, 'console.db'), { readonly: true });
    try {
      for (const r of d
        .prepare('SELECT agent_id, count(*) AS n, max(seq) AS max FROM events GROUP BY agent_id')
        .all()) {
        perAgent.set(r.agent_id, { n: r.n, max: r.max });
        total += r.n;
      }
      distinct = d
        .prepare('SELECT count(*) AS n FROM (SELECT DISTINCT agent_id, seq FROM events)')
        .get().n;
      alerts = Object.fromEntries(
        d
          .prepare('SELECT type, count(*) AS n FROM alerts GROUP BY type')
          .all()
          .map((r) => [r.type, r.n]),
      );
    } finally {
      d.close();
    }
  }
  return { perAgent, total, distinct, alerts };
}

// Run

try {
  const tls = a.tls ? makeTls() : null;
  const keyFile = exceptionKeyFile();
  if (a['console-prof']) mkdirSync(a['console-prof'], { recursive: true });
  const engine = a.db ? 'postgres' : 'sqlite';
  log({
    bench: 'fleet',
    phase: 'start',
    engine,
    ...(a.db ? { db: redact(a.db) } : {}),
    agents: AGENTS,
    minutes: MINUTES,
    outageMinutes: OUTAGE_MIN,
    baselineMinutes: BASELINE_MIN,
    intervalMs: INTERVAL_MS,
    eventsX: EVENTS_X,
    consoles: CONSOLES,
    workers: WORKERS,
    tls: Boolean(tls),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGb: round(totalmem() / 2 ** 30) },
    tmp: dir,
    load: load(),
  });
  const base = BASELINE_MIN > 0 ? await baselineSide(tls) : null;
  if (base) log({ phase: 'baseline-done', ...base });
  const con = await consoleSide(tls, keyFile);
  log({ phase: 'console-done', ...con });
  const p99 = con.steady.requestMs.p99;
  const ratio = base ? p99 / base.requestMs.p99 : null;
  const consoleCores = con.steady.cpuCores.console + (con.steady.cpuCores.postgresBackends ?? 0);
  const pass =
    p99 <= TARGET.p99Ms &&
    con.check.lost === 0 &&
    con.check.mismatches.length === 0 &&
    con.check.duplicates === 0 &&
    (con.drain === null ||
      (con.drain.allCaughtUp && con.drain.peakVsNormal <= TARGET.drainPeakVsNormal));
  log({
    bench: 'fleet',
    engine,
    ...(con.postgres ? { postgres: con.postgres } : {}),
    agents: AGENTS,
    consoles: CONSOLES,
    eventsX: EVENTS_X,
    tls: Boolean(tls),
    minutes: MINUTES,
    outageMinutes: OUTAGE_MIN,
    ratio: ratio === null ? null : round(ratio, 2),
    target: TARGET,
    pass,
    p99Ms: p99,
    p50Ms: con.steady.requestMs.p50,
    baselineP99Ms: base?.requestMs.p99 ?? null,
    baselineP50Ms: base?.requestMs.p50 ?? null,
    requestsPerSec: con.steady.requestsPerSec,
    baselineRequestsPerSec: base?.requestsPerSec ?? null,
    eventsPerSec: con.steady.eventsPerSec,
    drainPeakVsNormal: con.drain?.peakVsNormal ?? null,
    drainCaughtUpSeconds: con.drain?.caughtUpSeconds ?? null,
    produced: con.check.produced,
    stored: con.check.stored,
    lost: con.check.lost,
    duplicates: con.check.duplicates,
    mismatches: con.check.mismatches.length,
    alerts: con.check.alerts,
    consoleCores: round(consoleCores, 3),
    agentsPerConsoleCore: round(AGENTS / consoleCores, 0),
    benchCores: con.bench.cpuCores,
    machineBusyCores: con.steady.cpuCores.machine,
    load: load(),
  });
  if (!a.keep && pass) rmSync(dir, { recursive: true, force: true });
  else log({ kept: dir });
} catch (e) {
  log({ bench: 'fleet', error: String(e?.stack ?? e), kept: dir });
  process.exitCode = 1;
}
