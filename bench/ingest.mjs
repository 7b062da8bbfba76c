// Benchmark: the console's ingest (issue 11, "Performance"). A real console process
// (`node bin/baomi.js console`, loopback, an ephemeral port) and BENCH_AGENTS simulated agents
// (bench/sim-agent.mjs: enrolled with a token made through the staff API, Ed25519-signed
// requests, valid hash chains) that each post batches of 500 events to /api/v1/sync one after
// the other, as an agent draining a backlog does, for BENCH_SECONDS: events stored per second
// and the latency of each request (from the call to the answer's last byte).
//
// Baseline, in the same run, with the same agents, the same pre-built bodies and the same
// time: bench/naive-ingest.mjs, a bench-only server with the same Fastify, the same database
// layout and settings and the console's own request authentication, which stores each event
// in its own transaction (its header says what it leaves out, all in its favour).
//
// The events are built and hashed before the clock starts (BENCH_PREGEN_EVENTS of them, about
// 11 µs each): hashing them during the run would put the clients' CPU on the two cores the
// servers use. Both sides start from the same chains (fresh databases, fresh enrollments). A
// side that runs out builds more during its run and says how many (`builtDuringRun`). Before
// the clock, each agent sends one batch (warm-up: JIT, first connections), not counted.
//
//   npm run bench:ingest             (builds, then: node bench/ingest.mjs)
// Env: BENCH_SECONDS (15), BENCH_AGENTS (50), BENCH_PREGEN_EVENTS (1,000,000),
// BENCH_DB (unset: SQLite in a tmp dir; `postgres`: a throwaway role and database on the local
// cluster, root; `postgres://…`: that database; both servers get a schema each, bench/postgres.mjs),
// BENCH_CPU_PROF=DIR (the console runs with --cpu-prof into DIR), BENCH_NAIVE_SYNCHRONOUS
// (FULL, the console's setting; NORMAL: a naive SQLite side that acknowledges before its
// commits reach the disk, for comparison only).
// Prints JSON lines; the last is one object with `ratio` (events/s, console / naive) and
// `target` (3), and `p99Ratio` with `p99Target` (0.3); `pass` needs both.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchDatabase, benchSchema, redact } from './postgres.mjs';
import {
  addStaffUser,
  BatchChain,
  consoleAckedTotal,
  enrollAll,
  enrollmentToken,
  load,
  log,
  request,
  SimAgent,
  sleep,
  startConsole,
  startScript,
  summarize,
} from './sim-agent.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 50);
const PREGEN = Number(process.env.BENCH_PREGEN_EVENTS ?? 1_000_000);
const BATCH = 500;
const TARGET = 3;
const P99_TARGET = 0.3;
// The naive side's SQLite synchronous setting: FULL (the console's) unless told otherwise.
const NAIVE_SYNC = (process.env.BENCH_NAIVE_SYNCHRONOUS ?? 'FULL').toUpperCase();
const STAFF = { name: 'bench', password: 'bench-password-long-enough' };

const dir = mkdtempSync(join(tmpdir(), 'baomi-bench-ingest-'));
const db = process.env.BENCH_DB ? await benchDatabase(process.env.BENCH_DB) : null;
const engine = db ? 'postgres' : 'sqlite';
const profDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : null;

/** One timed run of `agents` against `url`; what they stored, how fast, how long each took. */
async function drive(url, agents, chains) {
  // Warm-up: batch 0 of every agent, not counted.
  await Promise.all(
    agents.map(async (a, i) => {
      const b = chains[i].batches[0];
      const r = await a.sync(url, a.body(b.text, { seq: b.lastSeq, hash: b.lastHash }, 0));
      if (r.status !== 200) throw new Error(`warm-up sync: ${r.status} ${r.text.slice(0, 300)}`);
    }),
  );
  const latencies = [];
  const failures = {};
  let events = 0;
  let built = 0;
  let lastAnswer = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  await Promise.all(
    agents.map(async (a, i) => {
      const chain = chains[i];
      let k = 1;
      while (performance.now() < end) {
        let b = chain.batches[k];
        if (!b) {
          b = chain.grow();
          built += BATCH;
        }
        const waiting = (chain.batches.length - k) * BATCH;
        const r = await a.sync(url, a.body(b.text, { seq: b.lastSeq, hash: b.lastHash }, waiting));
        lastAnswer = r.at;
        latencies.push(r.ms);
        if (r.status !== 200) {
          // Counted and retried after the console's hint, as an agent would; never silent.
          failures[r.status] = (failures[r.status] ?? 0) + 1;
          let wait = 100;
          try {
            wait = JSON.parse(r.text).retryInMs ?? wait;
          } catch {}
          await sleep(Math.min(wait, 1000));
          continue;
        }
        const acked = JSON.parse(r.text).ackedSeq;
        if (acked !== b.lastSeq)
          throw new Error(`agent ${a.host}: ackedSeq ${acked}, sent ${b.lastSeq}`);
        events += BATCH;
        k++;
      }
      a.sentThrough = chain.batches[k - 1].lastSeq;
    }),
  );
  const seconds = (lastAnswer - start) / 1000;
  const lat = summarize(latencies);
  return {
    eventsPerSec: Math.round(events / seconds),
    events,
    requests: latencies.length,
    seconds: +seconds.toFixed(3),
    latencyMs: lat,
    failures,
    builtDuringRun: built,
    storedExpected: agents.reduce((n, a) => n + a.sentThrough, 0),
  };
}

async function naiveSide(chains) {
  const schema = db ? await benchSchema(db.url, 'bench_naive') : null;
  const dataDir = join(dir, 'naive');
  mkdirSync(dataDir);
  const server = await startScript(
    'naive-ingest.mjs',
    schema ? ['--db', schema.url] : ['--data-dir', dataDir, '--synchronous', NAIVE_SYNC],
    { logFile: join(dir, 'naive.log') },
  );
  const agents = chains.map((_, i) => new SimAgent(i + 1));
  try {
    await enrollAll(server.url, agents, 'naive-accepts-any-token');
    log({ phase: 'naive', agents: agents.length, load: load() });
    const r = await drive(server.url, agents, chains);
    const stored = JSON.parse((await request(server.url, { path: '/bench/stored' })).text).events;
    if (stored !== r.storedExpected)
      throw new Error(`naive stored ${stored} events, agents were told ${r.storedExpected}`);
    return { ...r, stored };
  } finally {
    for (const a of agents) a.close();
    await server.stop();
    await schema?.drop();
  }
}

async function consoleSide(chains) {
  const schema = db ? await benchSchema(db.url, 'bench_console') : null;
  const dataDir = join(dir, 'console');
  const where = { dataDir, ...(schema ? { db: schema.url } : {}) };
  addStaffUser({ ...where, ...STAFF });
  const server = await startConsole({
    ...where,
    logFile: join(dir, 'console.log'),
    nodeArgs: profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [],
  });
  const agents = chains.map((_, i) => new SimAgent(i + 1));
  try {
    const session = await enrollmentToken(server.url, { ...STAFF, uses: agents.length });
    await enrollAll(server.url, agents, session.token);
    log({ phase: 'console', agents: agents.length, pid: server.pid, load: load() });
    const r = await drive(server.url, agents, chains);
    const stored = await consoleAckedTotal(server.url, session);
    if (stored !== r.storedExpected)
      throw new Error(
        `console acknowledged ${stored} events, agents were told ${r.storedExpected}`,
      );
    return { ...r, stored };
  } finally {
    for (const a of agents) a.close();
    const exit = await server.stop();
    if (exit.code !== 0) log({ phase: 'console-exit', ...exit, log: join(dir, 'console.log') });
    await schema?.drop();
  }
}

try {
  log({
    bench: 'ingest',
    phase: 'start',
    engine,
    ...(db ? { db: redact(db.url) } : {}),
    agents: AGENTS,
    batch: BATCH,
    seconds: SECONDS,
    tmp: dir,
    load: load(),
  });
  const t0 = performance.now();
  const chains = Array.from(
    { length: AGENTS },
    (_, i) => new BatchChain(`ws-${String(i + 1).padStart(4, '0')}`, BATCH),
  );
  for (let built = 0; built < PREGEN; )
    for (const c of chains) {
      c.grow();
      built += BATCH;
    }
  log({
    phase: 'built',
    events: chains.reduce((n, c) => n + c.seq, 0),
    seconds: +((performance.now() - t0) / 1000).toFixed(1),
    rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
  });

  const naive = await naiveSide(chains);
  log({ phase: 'naive-done', ...naive });
  const con = await consoleSide(chains);
  log({ phase: 'console-done', ...con });

  const ratio = con.eventsPerSec / naive.eventsPerSec;
  const p99Ratio = con.latencyMs.p99 / naive.latencyMs.p99;
  log({
    bench: 'ingest',
    engine,
    ...(db?.version ? { postgres: db.version } : {}),
    agents: AGENTS,
    batch: BATCH,
    seconds: SECONDS,
    ...(db ? {} : { naiveSynchronous: NAIVE_SYNC }),
    ratio: +ratio.toFixed(2),
    target: TARGET,
    p99Ratio: +p99Ratio.toFixed(3),
    p99Target: P99_TARGET,
    pass: ratio >= TARGET && p99Ratio <= P99_TARGET,
    consoleEventsPerSec: con.eventsPerSec,
    naiveEventsPerSec: naive.eventsPerSec,
    consoleP50Ms: con.latencyMs.p50,
    consoleP99Ms: con.latencyMs.p99,
    naiveP50Ms: naive.latencyMs.p50,
    naiveP99Ms: naive.latencyMs.p99,
    consoleFailures: con.failures,
    naiveFailures: naive.failures,
    builtDuringRun: { console: con.builtDuringRun, naive: naive.builtDuringRun },
    load: load(),
    ...(profDir ? { cpuProfile: profDir } : {}),
  });
  rmSync(dir, { recursive: true, force: true });
} catch (e) {
  // The servers' logs stay for a look.
  log({ bench: 'ingest', error: String(e?.stack ?? e), kept: dir });
  process.exitCode = 1;
} finally {
  await db?.cleanup();
}
