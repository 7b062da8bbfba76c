// Simulated agents and the processes they talk to, shared by the console benches
// (bench/ingest.mjs, bench/sync-e2e.mjs). A simulated agent does on the wire what a real one
// does (src/core/sync/wire.ts): it makes an Ed25519 key, enrolls with an enrollment token,
// keeps a hash chain of events (dist/core/events/chain.js eventHash, the agent's own
// function) and signs every sync request over signedText(). It has no store: its "commit"
// of an event is the moment the event gets its seq and hash.
//
// Servers run as processes of their own, so what a bench measures in them is not shared with
// the clients' event loop: the real console (`node bin/baomi.js console`), and the bench-only
// baselines (bench/naive-ingest.mjs, bench/empty-sync.mjs), each printing its URL on stdout.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { eventHash } from '../dist/core/events/chain.js';
import { GENESIS_HASH } from '../dist/core/events/types.js';
import {
  AGENT_HEADER,
  NONCE_HEADER,
  SIGNATURE_HEADER,
  signedText,
  TIME_HEADER,
  WIRE_VERSION,
} from '../dist/core/sync/wire.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const SYNC_PATH = '/api/v1/sync';
export const AGENT_VERSION = '0.2.0';

export const log = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
export const load = () => loadavg().map((x) => Math.round(x * 100) / 100);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile of an ascending array (p in 0..100); null when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** {n, p50, p99, max, mean} of a list of milliseconds, rounded to 0.1 ms. */
export function summarize(values) {
  const s = Float64Array.from(values).sort();
  const r = (x) => (x === null ? null : Math.round(x * 10) / 10);
  let sum = 0;
  for (const v of s) sum += v;
  return {
    n: s.length,
    p50: r(percentile(s, 50)),
    p99: r(percentile(s, 99)),
    max: r(s.length ? s[s.length - 1] : null),
    mean: r(s.length ? sum / s.length : null),
  };
}

// HTTP

/**
 * One request over `agent` (a keep-alive http.Agent, or false: a connection of its own, as
 * the real agent makes); resolves with the status, the body text and the milliseconds from
 * the call to the last byte of the answer. Never rejects on a status; rejects on a broken
 * connection or after `timeoutMs`. An https:// URL trusts `ca` alone (the pinned
 * certificate); `localAddress` picks the source address (127.x.y.z: many "offices").
 */
export function request(
  url,
  { method = 'GET', path, body, headers = {}, agent, localAddress, timeoutMs, ca },
) {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const u = new URL(path, url);
    const secure = u.protocol === 'https:';
    const req = (secure ? https : http).request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        agent,
        ...(localAddress ? { localAddress } : {}),
        ...(timeoutMs ? { timeout: timeoutMs } : {}),
        ...(secure && ca ? { ca } : {}),
        headers: {
          ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          done({
            status: res.statusCode,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - t0,
            at: performance.now(),
          }),
        );
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', fail);
    req.end(body);
  });
}

/** JSON request; throws with the answer's text unless the status is 2xx. */
export async function requestJson(url, o) {
  const body = o.json === undefined ? undefined : Buffer.from(JSON.stringify(o.json));
  const r = await request(url, { ...o, body });
  if (r.status < 200 || r.status > 299)
    throw new Error(`${o.method ?? 'GET'} ${o.path}: ${r.status} ${r.text.slice(0, 300)}`);
  return { ...r, json: r.text ? JSON.parse(r.text) : null };
}

// Events

/** A realistic file event of agent `host` (the same shape as bench/store.js's). */
export function fileEvent(host, seq, ts, prevHash) {
  const e = {
    id: uuidv7(),
    seq,
    ts,
    type: 'file.modified',
    severity: 'info',
    level: 'AA',
    user: 'zhang.wei',
    host,
    data: {
      path: `/srv/finance/2026/Q${(seq % 4) + 1}/report-${seq}.xlsx`,
      size: 10_000 + (seq % 5000),
      owner: 'zhang.wei',
      detectedBy: 'watch',
      root: '/srv/finance',
    },
    prevHash,
  };
  e.hash = eventHash(e);
  return e;
}

/**
 * A chain of `count` events of `host` in batches of `size`, each batch pre-serialised as the
 * JSON text of its array (what a sync body carries), with its last seq and hash.
 */
export class BatchChain {
  constructor(host, size, tsBase = Date.now()) {
    this.host = host;
    this.size = size;
    this.tsBase = tsBase;
    this.seq = 0;
    this.head = GENESIS_HASH;
    this.batches = [];
  }

  /** Appends one batch; returns it. */
  grow() {
    const events = new Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const e = fileEvent(this.host, this.seq + 1, this.tsBase + this.seq, this.head);
      this.seq = e.seq;
      this.head = e.hash;
      events[i] = e;
    }
    const b = { text: Buffer.from(JSON.stringify(events)), lastSeq: this.seq, lastHash: this.head };
    this.batches.push(b);
    return b;
  }
}

// Agents

export class SimAgent {
  /**
   * `n`: its number (host name ws-NNNN). By default one keep-alive connection; `keepAlive:
   * false` opens a connection per request, as the real agent does (src/agent/sync/http.ts),
   * from `localAddress` when given, trusting `ca` for an https:// console, and gives up after
   * `timeoutMs` (the real agent's 30 s).
   */
  constructor(n, { keepAlive = true, localAddress, ca, timeoutMs } = {}) {
    this.n = n;
    this.host = `ws-${String(n).padStart(4, '0')}`;
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.http = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : false;
    this.wire = { localAddress, ca, timeoutMs };
    this.id = null;
    // Its live chain (sync-e2e): events committed and not yet acknowledged.
    this.seq = 0;
    this.head = GENESIS_HASH;
    this.ackedSeq = 0;
    this.outbox = [];
  }

  async enroll(url, token) {
    const r = await requestJson(url, {
      method: 'POST',
      path: '/api/v1/enroll',
      agent: this.http,
      ...this.wire,
      json: {
        v: WIRE_VERSION,
        token,
        host: this.host,
        os: 'linux',
        agentVersion: AGENT_VERSION,
        publicKey: this.publicKeyPem,
      },
    });
    this.id = r.json.agentId;
    return this.id;
  }

  heartbeat(head, eventsWaiting) {
    return {
      agentVersion: AGENT_VERSION,
      host: this.host,
      os: 'linux',
      policy: null,
      eventsWaiting,
      idleSource: 'none',
      usbEnforcing: false,
      head,
    };
  }

  /** A sync body around `eventsJson` (the JSON text of an array of events). */
  body(eventsJson, head, eventsWaiting) {
    return Buffer.concat([
      Buffer.from(`{"v":${WIRE_VERSION},"events":`),
      eventsJson,
      Buffer.from(
        `,"heartbeat":${JSON.stringify(this.heartbeat(head, eventsWaiting))},"policyEtag":null}`,
      ),
    ]);
  }

  /** POST /api/v1/sync signed as wire.ts says; {status, text, ms, at}. */
  sync(url, body) {
    const time = Date.now();
    const nonce = randomBytes(16).toString('base64url');
    const bodySha256 = createHash('sha256').update(body).digest('hex');
    const text = signedText({ time, nonce, method: 'POST', path: SYNC_PATH, bodySha256 });
    const signature = sign(null, Buffer.from(text, 'utf8'), this.privateKey).toString('base64url');
    return request(url, {
      method: 'POST',
      path: SYNC_PATH,
      body,
      agent: this.http,
      ...this.wire,
      headers: {
        [AGENT_HEADER]: this.id,
        [TIME_HEADER]: String(time),
        [NONCE_HEADER]: nonce,
        [SIGNATURE_HEADER]: signature,
      },
    });
  }

  /** Commits one event to its live chain now; `at` is performance.now() of the commit. */
  commit() {
    const e = fileEvent(this.host, this.seq + 1, Date.now(), this.head);
    this.seq = e.seq;
    this.head = e.hash;
    this.outbox.push({ event: e, at: performance.now() });
  }

  close() {
    if (this.http) this.http.destroy();
  }
}

// Processes

/**
 * Spawns `node ARGS` (cwd: the checkout), stderr into `logFile`, and waits for the first
 * stdout line matching `ready` (a RegExp whose first group is the URL). `stop()` sends
 * SIGTERM and waits for the exit.
 */
export async function startProcess(args, { logFile, ready, env = {}, timeoutMs = 30_000 }) {
  const err = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', err],
    env: { ...process.env, ...env },
  });
  closeSync(err);
  let out = '';
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const url = await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${args.join(' ')}: no start line`)), timeoutMs);
    child.stdout.on('data', (c) => {
      out += c.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        done(m[1]);
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      const tail = readFileSync(logFile, 'utf8').slice(-2000);
      fail(
        new Error(`${args.join(' ')} exited (${code ?? signal}) before starting: ${out}${tail}`),
      );
    });
  });
  child.stdout.resume();
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const r = await exited;
      return r;
    },
  };
}

/** The console's CLI arguments for a data dir and an optional PostgreSQL URL. */
function consoleWhere(dataDir, db) {
  return ['--data-dir', dataDir, ...(db ? ['--db', db] : [])];
}

/** `baomi console user add NAME --role admin`, the password piped on stdin. */
export function addStaffUser({ dataDir, db, name, password }) {
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin/baomi.js'),
      'console',
      ...consoleWhere(dataDir, db),
      'user',
      'add',
      name,
      '--role',
      'admin',
    ],
    { input: `${password}\n`, encoding: 'utf8', cwd: ROOT },
  );
  if (r.status !== 0) throw new Error(`console user add: ${r.status} ${r.stderr}${r.stdout}`);
}

/** The real console on loopback (an ephemeral port), its log in `logFile`. */
export function startConsole({ dataDir, db, syncInterval = '60s', logFile, nodeArgs = [] }) {
  return startProcess(
    [
      ...nodeArgs,
      join(ROOT, 'bin/baomi.js'),
      'console',
      ...consoleWhere(dataDir, db),
      '--listen',
      '127.0.0.1:0',
      '--sync-interval',
      syncInterval,
    ],
    { logFile, ready: /(http:\/\/127\.0\.0\.1:\d+)/ },
  );
}

/** A bench-only server script that prints `{"url": …}` on its first line. */
export function startScript(file, args, { logFile }) {
  return startProcess([join(ROOT, 'bench', file), ...args], {
    logFile,
    ready: /"url":"(https?:\/\/127\.0\.0\.1:\d+)"/,
  });
}

/** Logs in as staff (cookie session) and makes an enrollment token for `uses` agents. */
export async function enrollmentToken(url, { name, password, uses, group = 'bench' }) {
  const agent = new http.Agent({ keepAlive: false });
  const login = await requestJson(url, {
    method: 'POST',
    path: '/api/v1/login',
    agent,
    json: { name, password },
  });
  const set = [login.headers['set-cookie'] ?? []]
    .flat()
    .find((c) => c.startsWith('baomi_session='));
  if (!set) throw new Error('login: no session cookie');
  const headers = { cookie: set.split(';')[0], 'x-csrf-token': login.json.csrfToken };
  const t = await requestJson(url, {
    method: 'POST',
    path: '/api/v1/enrollment-tokens',
    agent,
    headers,
    json: { group, uses, hours: 1 },
  });
  return { token: t.json.token, headers, agent };
}

/** Enrolls `agents` with `token`, a few at a time. */
export async function enrollAll(url, agents, token, parallel = 8) {
  for (let i = 0; i < agents.length; i += parallel)
    await Promise.all(agents.slice(i, i + parallel).map((a) => a.enroll(url, token)));
}

/** Sum of ackedSeq over the console's agents (staff API), to check what it says it stored. */
export async function consoleAckedTotal(url, session) {
  const r = await requestJson(url, {
    path: '/api/v1/agents',
    agent: session.agent,
    headers: session.headers,
  });
  return r.json.agents.reduce((n, a) => n + a.ackedSeq, 0);
}
