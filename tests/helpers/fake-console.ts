// A small console that speaks the wire format (src/core/sync/wire.ts) on loopback, for the
// agent's sync tests. It is written against the contract, not the agent's code: requests are
// parsed with wire.ts's zod schemas and every sync request's Ed25519 signature is checked
// with node:crypto against the public key the agent presented at enrollment, over wire.ts's
// signedText (a request that does not verify is answered 401 and recorded as such). Events
// are stored once per seq (a resent one counts as a duplicate), their hashes checked with the
// core's chain rules, and acknowledged through the highest seq stored without a gap. Tests
// script the rest: a policy to hand out, decisions, failures, a crash after storing.
//
// Its state lives outside the server, so a test can close the server ("kill" it, dropping
// every open connection) and start a new one on the same port with the same state.
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomBytes, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { eventHash } from '../../src/core/events/chain.js';
import type { BaomiEvent } from '../../src/core/events/types.js';
import { encodeToken } from '../../src/core/exceptions/token.js';
import { generateKeyPair, signPolicy } from '../../src/core/policy/signature.js';
import {
  AGENT_HEADER,
  CLOCK_SKEW_MS,
  type EnrollResponse,
  enrollRequest,
  NONCE_HEADER,
  SIGNATURE_HEADER,
  type SyncRequest,
  type SyncResponse,
  signedText,
  syncRequest,
  TIME_HEADER,
  type WireDecision,
  type WirePolicy,
} from '../../src/core/sync/wire.js';

export interface TlsFiles {
  cert: string;
  key: string;
  certPem: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost, made by openssl in `dir`. */
export function makeTls(dir: string, name = 'console'): TlsFiles {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=baomi test ${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key, certPem: readFileSync(cert, 'utf8') };
}

export interface FakeAgent {
  agentId: string;
  publicKeyPem: string;
  group: string;
  host: string;
  events: Map<number, BaomiEvent>;
  ackedSeq: number;
  duplicates: number;
  /** Events whose hash or link did not check (the seq). */
  brokenAt: number[];
  nonces: Set<string>;
}

export interface SyncRecord {
  at: number;
  agentId: string | undefined;
  /** Answered 401: unknown agent, bad time, reused nonce or a signature that does not verify. */
  verified: boolean;
  status: number;
  body?: SyncRequest;
  answer?: SyncResponse;
}

/** What a test scripts for the next sync requests (first matching wins, then removed). */
export interface Scripted {
  /** Answer with this status and body instead of storing (a console error). */
  status?: number;
  body?: unknown;
  /** Store the events, then drop the connection without answering (a crash after commit). */
  dropAfterStore?: boolean;
  /** Answer 200 with this ackedSeq instead of the real one (a lying or confused console). */
  ackedSeq?: number;
}

export interface ConsoleState {
  tokens: Set<string>;
  agents: Map<string, FakeAgent>;
  enrolls: { body: unknown; status: number }[];
  requests: SyncRecord[];
  exceptionKey: { privateKeyPem: string; publicKeyPem: string };
  /** Handed to agents whose policyEtag differs. */
  policy?: WirePolicy;
  /** Decisions by requestId, sent until the agent's event about each arrives. */
  decisions: Map<string, WireDecision>;
  delivered: Set<string>;
  script: Scripted[];
  nextInMs: number;
}

export function consoleState(): ConsoleState {
  return {
    tokens: new Set(['enroll-token-1']),
    agents: new Map(),
    enrolls: [],
    requests: [],
    exceptionKey: generateKeyPair(),
    decisions: new Map(),
    delivered: new Set(),
    script: [],
    nextInMs: 0,
  };
}

export interface FakeConsole {
  url: string;
  port: number;
  state: ConsoleState;
  /** Stops listening and drops every open connection at once. */
  close(): Promise<void>;
}

export async function startFakeConsole(
  o: { state?: ConsoleState; port?: number; tls?: TlsFiles | null } = {},
): Promise<FakeConsole> {
  const state = o.state ?? consoleState();
  const handler = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const send = (status: number, json: unknown) => {
        const text = JSON.stringify(json);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(text);
      };
      try {
        if (req.method === 'POST' && req.url === '/api/v1/enroll') return enroll(state, body, send);
        if (req.method === 'POST' && req.url === '/api/v1/sync')
          return sync(state, req, body, send, () => req.socket.destroy());
        send(404, { error: 'NOT_FOUND', message: 'no such route' });
      } catch (e) {
        send(500, { error: 'INTERNAL', message: String(e) });
      }
    });
  };
  const server: Server = o.tls
    ? createHttpsServer({ cert: o.tls.certPem, key: readFileSync(o.tls.key) }, handler)
    : createHttpServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function enroll(state: ConsoleState, body: Buffer, send: (s: number, j: unknown) => void) {
  let parsed: ReturnType<typeof enrollRequest.parse>;
  try {
    parsed = enrollRequest.parse(JSON.parse(body.toString('utf8')));
  } catch (e) {
    state.enrolls.push({ body: null, status: 400 });
    return send(400, { error: 'BAD_REQUEST', message: String(e).slice(0, 200) });
  }
  if (!state.tokens.has(parsed.token)) {
    state.enrolls.push({ body: parsed, status: 401 });
    return send(401, { error: 'ENROLL_TOKEN_INVALID', message: 'unknown or used token' });
  }
  createPublicKey(parsed.publicKey); // throws on a bad key: a 500 the test would see
  const agentId = `agent-${randomBytes(6).toString('hex')}`;
  state.agents.set(agentId, {
    agentId,
    publicKeyPem: parsed.publicKey,
    group: 'finance',
    host: parsed.host,
    events: new Map(),
    ackedSeq: 0,
    duplicates: 0,
    brokenAt: [],
    nonces: new Set(),
  });
  state.enrolls.push({ body: parsed, status: 200 });
  const answer: EnrollResponse = {
    agentId,
    group: 'finance',
    exceptionSecret: randomBytes(32).toString('base64url'),
    exceptionKey: state.exceptionKey.publicKeyPem,
  };
  send(200, answer);
}

function sync(
  state: ConsoleState,
  req: IncomingMessage,
  body: Buffer,
  send: (s: number, j: unknown) => void,
  drop: () => void,
) {
  const h = (name: string) => {
    const v = req.headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const agentId = h(AGENT_HEADER);
  const record: SyncRecord = { at: Date.now(), agentId, verified: false, status: 401 };
  state.requests.push(record);
  const agent = agentId ? state.agents.get(agentId) : undefined;
  const time = Number(h(TIME_HEADER));
  const nonce = h(NONCE_HEADER) ?? '';
  const signature = h(SIGNATURE_HEADER) ?? '';
  if (!agent || !Number.isSafeInteger(time) || Math.abs(Date.now() - time) > CLOCK_SKEW_MS)
    return send(401, { error: 'AUTH', message: 'unknown agent or time' });
  if (nonce.length < 22 || agent.nonces.has(nonce))
    return send(401, { error: 'AUTH', message: 'nonce reused' });
  const text = signedText({
    time,
    nonce,
    method: req.method ?? '',
    path: req.url ?? '',
    bodySha256: createHash('sha256').update(body).digest('hex'),
  });
  const ok = verify(
    null,
    Buffer.from(text, 'utf8'),
    createPublicKey(agent.publicKeyPem),
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) return send(401, { error: 'AUTH', message: 'bad signature' });
  agent.nonces.add(nonce);
  record.verified = true;
  let parsed: SyncRequest;
  try {
    parsed = syncRequest.parse(JSON.parse(body.toString('utf8')));
  } catch (e) {
    record.status = 400;
    return send(400, { error: 'BAD_REQUEST', message: String(e).slice(0, 300) });
  }
  record.body = parsed;
  const scripted = state.script.shift();
  if (scripted?.status !== undefined) {
    record.status = scripted.status;
    return send(scripted.status, scripted.body ?? { error: 'SCRIPTED', message: 'scripted' });
  }
  for (const e of parsed.events) store(state, agent, e as BaomiEvent);
  if (scripted?.dropAfterStore) {
    record.status = 0;
    return drop();
  }
  const answer: SyncResponse = {
    ackedSeq: scripted?.ackedSeq ?? agent.ackedSeq,
    decisions: [...state.decisions.values()].filter((d) => !state.delivered.has(d.requestId)),
    nextInMs: state.nextInMs,
    ...(state.policy && parsed.policyEtag !== state.policy.etag ? { policy: state.policy } : {}),
  };
  record.status = 200;
  record.answer = answer;
  send(200, answer);
}

function store(state: ConsoleState, agent: FakeAgent, e: BaomiEvent) {
  if (agent.events.has(e.seq)) {
    agent.duplicates++;
    return;
  }
  const prev = agent.events.get(e.seq - 1);
  if (eventHash(e) !== e.hash || (prev && prev.hash !== e.prevHash)) agent.brokenAt.push(e.seq);
  agent.events.set(e.seq, e);
  while (agent.events.has(agent.ackedSeq + 1)) agent.ackedSeq++;
  const id = e.data.requestId;
  if (typeof id === 'string' && (e.type === 'usb.exception' || e.type === 'usb.exception-refused'))
    state.delivered.add(id);
}

/** A staff decision on a request the agent sent (its `usb.exception-requested` event). */
export function decide(
  state: ConsoleState,
  requestId: string,
  d: { approved: boolean; note?: string; hours?: number },
): WireDecision {
  let asked: BaomiEvent | undefined;
  for (const a of state.agents.values())
    for (const e of a.events.values())
      if (e.type === 'usb.exception-requested' && e.data.requestId === requestId) asked = e;
  if (!asked) throw new Error(`no request ${requestId} has reached the console`);
  const now = Date.now();
  const decision: WireDecision = {
    requestId,
    approved: d.approved,
    note: d.note ?? (d.approved ? '同意 approved' : '不同意 denied'),
    decidedBy: 'analyst-wang',
    decidedAt: now,
    ...(d.approved
      ? {
          token: encodeToken(
            {
              id: requestId,
              device: String(asked.data.device),
              user: asked.user ?? '',
              host: asked.host,
              notBefore: now - 60_000,
              notAfter: now + (d.hours ?? 2) * 3_600_000,
              reason: String(asked.data.reason),
            },
            createPrivateKey(state.exceptionKey.privateKeyPem),
          ),
        }
      : {}),
  };
  state.decisions.set(requestId, decision);
  return decision;
}

/** A policy for the console to hand out: the bytes, signed with `privateKeyPem`. */
export function consolePolicy(text: string, privateKeyPem: string): WirePolicy {
  const bytes = Buffer.from(text, 'utf8');
  const signature = signPolicy(bytes, privateKeyPem);
  const etag = createHash('sha256')
    .update(Buffer.concat([bytes, Buffer.from([0]), Buffer.from(signature, 'utf8')]))
    .digest('hex');
  return { etag, bytes: bytes.toString('base64'), signature };
}

/** The agent's events as the console stored them, by seq. */
export function storedSeqs(agent: FakeAgent): number[] {
  return [...agent.events.keys()].sort((a, b) => a - b);
}
