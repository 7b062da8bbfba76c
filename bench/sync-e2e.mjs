// Benchmark: end to end through the console (issue 11, "Performance"). BENCH_AGENTS (200)
// simulated agents (bench/sim-agent.mjs) against a real console process on loopback, for
// BENCH_SECONDS (30):
//   - each agent commits one event every 1–3 s (uniform), stamped at that moment: the
//     simulated agent's commit (it gets its seq and hash, and joins the agent's outbox);
//   - each agent syncs on the real agent's schedule: its first request at a random moment of
//     the first interval, then after the answer's nextInMs with ±20 % jitter (uniform); the
//     console runs with --sync-interval BENCH_INTERVAL (5s), so nextInMs is 5 s unless the
//     console stretches it under load. A request carries every event above the acknowledged
//     seq (at most 500).
// Latency of an event: from its commit in the agent to the console's commit of the request
// that carried it, taken as the moment that request's answer (whose ackedSeq covers the
// event) is back at the agent: the console answers after its commit, and loopback adds
// well under a millisecond. After BENCH_SECONDS the agents stop producing and keep syncing
// until every event is acknowledged, so every event counts. Most of the latency is the wait
// for the next sync (uniform over about one interval): p50 is about half an interval.
//
// Baseline, in the same run, the same agents and schedule: bench/empty-sync.mjs, a Fastify
// server that parses each body and acknowledges it at once (no signature check, no
// database), as DESIGN.md asks for capacities. `ratio` is the console's p99 over the empty
// server's; the target (<= 1.1) is ours, the issue sets none: the console's work (signature,
// nonce, validation, rehash, the transaction and its fsync) should add little to an
// interval-bound latency. Also printed: request rates and each request's own latency.
//
//   npm run bench:sync-e2e           (builds, then: node bench/sync-e2e.mjs)
// Env: BENCH_SECONDS (30), BENCH_AGENTS (200), BENCH_INTERVAL (5s; the console's minimum),
// BENCH_DB (as bench/ingest.mjs: unset SQLite; `postgres`; or a postgres:// URL).
// Prints JSON lines; the last is one object with `ratio` and `target`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../dist/core/policy/units.js';
import { benchDatabase, benchSchema, redact } from './postgres.mjs';
import {
  addStaffUser,
  consoleAckedTotal,
  enrollAll,
  enrollmentToken,
  load,
  log,
  SimAgent,
  sleep,
  startConsole,
  startScript,
  summarize,
} from './sim-agent.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 200);
const INTERVAL = process.env.BENCH_INTERVAL ?? '5s';
const INTERVAL_MS = parseDuration(INTERVAL);
const JITTER = 0.2;
const EVENT_EVERY_MS = [1000, 3000];
const MAX_BATCH = 500;
const TARGET = 1.1;
const STAFF = { name: 'bench', password: 'bench-password-long-enough' };

const dir = mkdtempSync(join(tmpdir(), 'baomi-bench-e2e-'));
const db = process.env.BENCH_DB ? await benchDatabase(process.env.BENCH_DB) : null;
const engine = db ? 'postgres' : 'sqlite';
const uniform = (lo, hi) => lo + Math.random() * (hi - lo);

/** One simulated agent's life over the window: producing on its clock, syncing on its own. */
async function live(a, url, t) {
  const produce = () => {
    if (performance.now() >= t.end) return;
    a.commit();
    t.committed++;
    a.timer = setTimeout(produce, uniform(...EVENT_EVERY_MS));
  };
  a.timer = setTimeout(produce, uniform(0, EVENT_EVERY_MS[1]));
  await sleep(uniform(0, INTERVAL_MS));
  for (;;) {
    if (performance.now() >= t.end && a.outbox.length === 0) break;
    const batch = a.outbox.slice(0, MAX_BATCH);
    const body = a.body(
      Buffer.from(JSON.stringify(batch.map((x) => x.event))),
      { seq: a.seq, hash: a.head },
      a.outbox.length,
    );
    const sentAt = performance.now();
    const r = await a.sync(url, body);
    t.requests.push({ sentAt, ms: r.ms });
    let next = INTERVAL_MS;
    if (r.status === 200) {
      const answer = JSON.parse(r.text);
      while (a.outbox.length > 0 && a.outbox[0].event.seq <= answer.ackedSeq)
        t.latencies.push(r.at - a.outbox.shift().at);
      next = answer.nextInMs;
      t.nextInMs.push(next);
    } else {
      // Counted, then retried after the hint, as the agent does; never silent.
      t.failures[r.status] = (t.failures[r.status] ?? 0) + 1;
      try {
        next = JSON.parse(r.text).retryInMs ?? next;
      } catch {}
    }
    if (performance.now() >= t.end && a.outbox.length === 0) break;
    await sleep(next * uniform(1 - JITTER, 1 + JITTER));
  }
}

async function drive(url, agents) {
  const t = { committed: 0, requests: [], latencies: [], nextInMs: [], failures: {}, end: 0 };
  const start = performance.now();
  t.end = start + SECONDS * 1000;
  await Promise.all(agents.map((a) => live(a, url, t)));
  const inWindow = t.requests.filter((r) => r.sentAt < t.end).length;
  const e2e = summarize(t.latencies);
  if (e2e.n !== t.committed)
    throw new Error(`${t.committed} events committed, ${e2e.n} acknowledged`);
  return {
    events: t.committed,
    commitToConsoleMs: e2e,
    requestsPerSec: +(inWindow / SECONDS).toFixed(1),
    requests: t.requests.length,
    requestMs: summarize(t.requests.map((r) => r.ms)),
    nextInMs: summarize(t.nextInMs),
    failures: t.failures,
    drainSeconds: +((performance.now() - t.end) / 1000).toFixed(1),
  };
}

async function emptySide() {
  const server = await startScript('empty-sync.mjs', ['--interval-ms', String(INTERVAL_MS)], {
    logFile: join(dir, 'empty.log'),
  });
  const agents = Array.from({ length: AGENTS }, (_, i) => new SimAgent(i + 1));
  try {
    await enrollAll(server.url, agents, 'empty-accepts-any-token');
    log({ phase: 'empty', agents: agents.length, load: load() });
    return await drive(server.url, agents);
  } finally {
    for (const a of agents) a.close();
    await server.stop();
  }
}

async function consoleSide() {
  const schema = db ? await benchSchema(db.url, 'bench_console') : null;
  const where = { dataDir: join(dir, 'console'), ...(schema ? { db: schema.url } : {}) };
  addStaffUser({ ...where, ...STAFF });
  const server = await startConsole({
    ...where,
    syncInterval: INTERVAL,
    logFile: join(dir, 'console.log'),
  });
  const agents = Array.from({ length: AGENTS }, (_, i) => new SimAgent(i + 1));
  try {
    const session = await enrollmentToken(server.url, { ...STAFF, uses: agents.length });
    await enrollAll(server.url, agents, session.token);
    log({ phase: 'console', agents: agents.length, pid: server.pid, load: load() });
    const r = await drive(server.url, agents);
    const stored = await consoleAckedTotal(server.url, session);
    if (stored !== r.events)
      throw new Error(`console acknowledged ${stored} of ${r.events} events`);
    return { ...r, stored };
  } finally {
    for (const a of agents) a.close();
    const exit = await server.stop();
    if (exit.code !== 0) log({ phase: 'console-exit', ...exit });
    await schema?.drop();
  }
}

try {
  if (INTERVAL_MS === null || INTERVAL_MS < 5000)
    throw new Error(`BENCH_INTERVAL ${INTERVAL}: 5s or more`);
  log({
    bench: 'sync-e2e',
    phase: 'start',
    engine,
    ...(db ? { db: redact(db.url) } : {}),
    agents: AGENTS,
    seconds: SECONDS,
    intervalMs: INTERVAL_MS,
    tmp: dir,
    load: load(),
  });
  const empty = await emptySide();
  log({ phase: 'empty-done', ...empty });
  const con = await consoleSide();
  log({ phase: 'console-done', ...con });
  const ratio = con.commitToConsoleMs.p99 / empty.commitToConsoleMs.p99;
  log({
    bench: 'sync-e2e',
    engine,
    ...(db?.version ? { postgres: db.version } : {}),
    agents: AGENTS,
    seconds: SECONDS,
    syncIntervalMs: INTERVAL_MS,
    jitter: JITTER,
    eventEveryMs: EVENT_EVERY_MS,
    ratio: +ratio.toFixed(3),
    target: TARGET,
    pass: ratio <= TARGET,
    p50Ratio: +(con.commitToConsoleMs.p50 / empty.commitToConsoleMs.p50).toFixed(3),
    consoleP50Ms: con.commitToConsoleMs.p50,
    consoleP99Ms: con.commitToConsoleMs.p99,
    emptyP50Ms: empty.commitToConsoleMs.p50,
    emptyP99Ms: empty.commitToConsoleMs.p99,
    consoleRequestsPerSec: con.requestsPerSec,
    emptyRequestsPerSec: empty.requestsPerSec,
    consoleRequestP50Ms: con.requestMs.p50,
    consoleRequestP99Ms: con.requestMs.p99,
    emptyRequestP50Ms: empty.requestMs.p50,
    emptyRequestP99Ms: empty.requestMs.p99,
    events: { console: con.events, empty: empty.events },
    consoleFailures: con.failures,
    emptyFailures: empty.failures,
    load: load(),
  });
  rmSync(dir, { recursive: true, force: true });
} catch (e) {
  log({ bench: 'sync-e2e', error: String(e?.stack ?? e), kept: dir });
  process.exitCode = 1;
} finally {
  await db?.cleanup();
}
