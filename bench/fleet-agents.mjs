// A slice of bench/fleet.mjs's simulated fleet, in a process of its own (forked, IPC), so the
// agents' signing and HTTP never share one event loop with more than a few thousand others and
// the reader can see what the clients cost (each slice reports its CPU and event-loop lag).
//
// Each agent does on the wire what the real one does (bench/sim-agent.mjs: Ed25519 key, real
// /enroll, signed requests, its own hash chain) and times its requests by the real agent's
// rules, the functions themselves imported from dist/agent/sync/schedule.js:
//   - a connection per request (src/agent/sync/http.ts: agent:false), 30 s timeout;
//   - after a 200: the interval is max(policy interval, the console's nextInMs), ±20 %; when the
//     batch was full and more is waiting, base/2 … base/2 × 1.2 (backlogDelay);
//   - after a failure (no connection, 5xx, 429, 401/403): backoffDelay(interval, failures):
//     uniform between the interval and min(15 min, interval × 2^failures), never sooner than
//     the console's retryInMs; 413 halves the batch;
//   - 503 CONSOLE_BUSY (the console shed it unread): the console's retryInMs as the interval,
//     ±20 %, the back-off not grown (src/agent/modules/sync.ts busy);
//   - the acknowledgement recorded as the agent does: never beyond the last event sent.
// The first request of each agent comes at a uniform moment of the first interval (a fleet in
// its steady state, not one booted in the same second).
//
// Messages (from the parent): init, enroll, start, phase, mark, progress, finish, report.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  backlogDelay,
  backoffDelay,
  baseInterval,
  normalDelay,
} from '../dist/agent/sync/schedule.js';
import { MAX_BATCH, WIRE_VERSION } from '../dist/core/sync/wire.js';
import { EventMix, rng } from './fleet-mix.mjs';
import { AGENT_VERSION, SimAgent } from './sim-agent.mjs';

const REQUEST_TIMEOUT_MS = 30_000;
/** Latency histogram: 100 ms buckets up to 4 hours. */
const BUCKET_MS = 100;
const BUCKETS = (4 * 3600_000) / BUCKET_MS;

/** 500 source addresses on loopback (127.1.0.1 …): a fleet comes from many addresses. */
export function sourceAddress(n) {
  const i = n % 500;
  return `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

const s = {
  o: null,
  agents: [],
  urls: [],
  stopAt: Number.POSITIVE_INFINITY,
  finishing: false,
  phase: 'start',
  /** Flat [sentAtEpochMs, ms, status (0: no answer), events, consoleIndex] per request. */
  records: [],
  hist: new Map(),
  inFlight: 0,
  nextIn: new Map(),
  policies: 0,
  decisions: 0,
  ackAboveHead: 0,
  settledSent: false,
};
const lag = monitorEventLoopDelay({ resolution: 10 });
const cpuAtStart = process.cpuUsage();

function histOf(phase) {
  let h = s.hist.get(phase);
  if (!h) {
    h = new Uint32Array(BUCKETS + 1);
    s.hist.set(phase, h);
  }
  return h;
}

class FleetAgent {
  constructor(n) {
    const o = s.o;
    this.n = n;
    this.sim = new SimAgent(n, {
      keepAlive: false,
      localAddress: sourceAddress(n),
      ...(o.ca ? { ca: o.ca } : {}),
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    this.mix = null;
    this.outbox = [];
    this.acked = 0;
    this.failures = 0;
    this.r = rng(o.seed * 7919 + n);
    this.etag = null;
    this.policy = null;
    this.batchCap = MAX_BATCH;
    this.requests = 0;
    this.timer = null;
    this.markSeq = null;
    this.caughtUpAt = null;
    this.done = false;
  }

  body(events, waiting) {
    const hb = {
      agentVersion: AGENT_VERSION,
      host: this.sim.host,
      os: 'linux',
      policy: this.policy,
      eventsWaiting: waiting,
      idleSource: 'logind',
      usbEnforcing: true,
      seatUser: this.mix.user,
      head: { seq: this.mix.seq, hash: this.mix.head },
    };
    return Buffer.from(
      `{"v":${WIRE_VERSION},"events":${JSON.stringify(events)},"heartbeat":${JSON.stringify(hb)},"policyEtag":${JSON.stringify(this.etag)}}`,
    );
  }

  schedule(ms) {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.round().catch((e) => {
        process.stderr.write(`agent ${this.n}: ${e?.stack ?? e}\n`);
        this.fail();
      });
    }, ms);
  }

  fail(retryInMs) {
    this.failures++;
    this.schedule(backoffDelay(s.o.intervalMs, this.failures, this.r(), retryInMs));
  }

  produce(now) {
    for (const e of this.mix.advance(Math.min(now, s.stopAt))) this.outbox.push(e);
  }

  async round() {
    this.produce(Date.now());
    if (s.finishing && this.outbox.length === 0 && this.acked === this.mix.seq) {
      this.done = true;
      checkSettled();
      return;
    }
    const limit = Math.max(1, Math.min(s.o.batch, MAX_BATCH, this.batchCap));
    const batch = this.outbox.slice(0, limit);
    const full = batch.length >= limit;
    const waiting = full ? this.outbox.length - batch.length : 0;
    const body = this.body(batch, waiting);
    const sentThrough = batch.length > 0 ? batch[batch.length - 1].seq : this.acked;
    const idx = (this.n + this.requests++) % s.urls.length;
    const sentAt = Date.now();
    const t0 = performance.now();
    s.inFlight++;
    let r;
    try {
      r = await this.sim.sync(s.urls[idx], body);
    } catch {
      s.inFlight--;
      s.records.push(sentAt, performance.now() - t0, 0, batch.length, idx);
      this.fail();
      return;
    }
    s.inFlight--;
    s.records.push(sentAt, r.ms, r.status, batch.length, idx);
    if (r.status !== 200) {
      let retryInMs;
      let code;
      try {
        ({ retryInMs, error: code } = JSON.parse(r.text));
      } catch {}
      if (r.status === 503 && code === 'CONSOLE_BUSY') {
        this.schedule(normalDelay(baseInterval(s.o.intervalMs, retryInMs), this.r()));
        return;
      }
      if (r.status === 413) this.batchCap = Math.max(1, Math.floor(batch.length / 2));
      this.fail(retryInMs);
      return;
    }
    const answer = JSON.parse(r.text);
    if (answer.ackedSeq > this.mix.seq) s.ackAboveHead++;
    const ack = Math.min(answer.ackedSeq, Math.max(sentThrough, this.acked));
    const arrived = Date.now();
    const h = histOf(s.phase);
    while (this.outbox.length > 0 && this.outbox[0].seq <= ack) {
      const e = this.outbox.shift();
      h[Math.min(BUCKETS, Math.floor(Math.max(0, arrived - e.ts) / BUCKET_MS))]++;
    }
    if (ack > this.acked) this.acked = ack;
    if (this.markSeq !== null && this.caughtUpAt === null && this.acked >= this.markSeq)
      this.caughtUpAt = arrived;
    if (answer.policy) {
      // The real agent judges it (signature, version) and reports it in its heartbeat.
      this.etag = answer.policy.etag;
      this.policy = { name: 'bench fleet', version: 1 };
      s.policies++;
    }
    s.decisions += answer.decisions.length;
    this.failures = 0;
    this.batchCap = MAX_BATCH;
    // To the second: the console draws each stretch at random (backpressure.ts).
    const asked = Math.round(answer.nextInMs / 1000) * 1000;
    s.nextIn.set(asked, (s.nextIn.get(asked) ?? 0) + 1);
    const base = baseInterval(s.o.intervalMs, answer.nextInMs);
    const more = full && this.mix.seq > this.acked;
    if (s.finishing && this.outbox.length === 0 && this.acked === this.mix.seq && !more) {
      this.done = true;
      checkSettled();
      return;
    }
    this.schedule(more ? backlogDelay(base, this.r()) : normalDelay(base, this.r()));
  }
}

function checkSettled() {
  if (s.settledSent || !s.finishing) return;
  if (s.agents.every((a) => a.done)) {
    s.settledSent = true;
    process.send({ event: 'settled' });
  }
}

async function enroll(urls, token, parallel) {
  const t0 = performance.now();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < s.agents.length) {
      const a = s.agents[next++];
      for (let attempt = 0; ; attempt++) {
        try {
          await a.sim.enroll(urls[a.n % urls.length], token);
          break;
        } catch (e) {
          if (attempt >= 5) throw e;
          failed++;
          await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { ms: Math.round(performance.now() - t0), retried: failed };
}

process.on('message', async (m) => {
  try {
    if (m.cmd === 'init') {
      s.o = m;
      s.agents = m.numbers.map((n) => new FleetAgent(n));
      process.send({ event: 'ready', agents: s.agents.length });
    } else if (m.cmd === 'enroll') {
      const r = await enroll(m.urls, m.token, m.parallel);
      process.send({ event: 'enrolled', ...r });
    } else if (m.cmd === 'start') {
      s.urls = m.urls;
      s.phase = m.phase;
      lag.enable();
      const now = Date.now();
      for (const a of s.agents) {
        a.mix = new EventMix(a.sim.host, s.o.seed * 104729 + a.n, now, s.o.eventsX);
        a.schedule(Math.floor(a.r() * s.o.intervalMs));
      }
      process.send({ event: 'started' });
    } else if (m.cmd === 'phase') {
      s.phase = m.phase;
      process.send({ event: 'phase' });
    } else if (m.cmd === 'mark') {
      // Everything the agents produced until now (the outage's backlog) must get through.
      const now = Date.now();
      for (const a of s.agents) {
        a.produce(now);
        a.markSeq = a.mix.seq;
        a.caughtUpAt = a.acked >= a.markSeq ? now : null;
      }
      process.send({ event: 'marked' });
    } else if (m.cmd === 'progress') {
      let caughtUp = 0;
      let lastCaughtUp = 0;
      let backlog = 0;
      let failing = 0;
      for (const a of s.agents) {
        if (a.caughtUpAt !== null) {
          caughtUp++;
          lastCaughtUp = Math.max(lastCaughtUp, a.caughtUpAt);
        }
        backlog += a.outbox.length;
        if (a.failures > 0) failing++;
      }
      process.send({
        event: 'progress',
        caughtUp,
        lastCaughtUp,
        backlog,
        failing,
        inFlight: s.inFlight,
        requests: s.records.length / 5,
      });
    } else if (m.cmd === 'finish') {
      s.stopAt = m.at;
      s.finishing = true;
      for (const a of s.agents) {
        // An agent that is up to date and idle is done now; the rest on their next round.
        a.produce(m.at);
        if (a.outbox.length === 0 && a.acked === a.mix.seq && a.timer) {
          clearTimeout(a.timer);
          a.timer = null;
          a.done = true;
        }
      }
      checkSettled();
      process.send({ event: 'finishing' });
    } else if (m.cmd === 'report') {
      for (const a of s.agents) if (a.timer) clearTimeout(a.timer);
      lag.disable();
      const cpu = process.cpuUsage(cpuAtStart);
      process.send({
        event: 'report',
        records: Float64Array.from(s.records),
        hist: s.hist,
        agents: s.agents.map((a) => [a.n, a.sim.id, a.mix?.seq ?? 0, a.acked]),
        nextIn: [...s.nextIn],
        policies: s.policies,
        decisions: s.decisions,
        ackAboveHead: s.ackAboveHead,
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        lagP99Ms: Math.round(lag.percentile(99) / 1e6),
        lagMaxMs: Math.round(lag.max / 1e6),
        rssMb: Math.round(process.memoryUsage().rss / 1048576),
      });
    }
  } catch (e) {
    process.send({ event: 'error', error: String(e?.stack ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
