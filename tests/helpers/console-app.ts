// A console server on the in-memory store, driven with Fastify's inject (no sockets), and
// what its tests need around it: staff users, logins, enrolled agents that sign their sync
// requests as wire.ts says, and chained events.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { hashPassword } from '../../src/console/auth/password.js';
import { buildConsole, type ConsoleOptions } from '../../src/console/server/app.js';
import type { Role } from '../../src/console/store/types.js';
import { eventHash } from '../../src/core/events/chain.js';
import { type BaomiEvent, GENESIS_HASH, type Json } from '../../src/core/events/types.js';
import {
  AGENT_HEADER,
  NONCE_HEADER,
  SIGNATURE_HEADER,
  type SyncRequest,
  signedText,
  TIME_HEADER,
  WIRE_VERSION,
} from '../../src/core/sync/wire.js';
import { MemoryConsoleStore } from './console-store-memory.js';

export const PASSWORD = 'correct horse battery';
export const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

export interface Harness {
  app: FastifyInstance;
  store: MemoryConsoleStore;
  clock: { now: number };
  key: { privateKey: KeyObject; publicKeyPem: string };
  logs: () => string;
}

export function makeConsole(o: Partial<ConsoleOptions> = {}): Harness {
  const store = new MemoryConsoleStore();
  const clock = { now: T0 };
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const key = {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  let logged = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logged += chunk.toString();
      cb();
    },
  });
  const app = buildConsole({
    store,
    exceptionKey: key,
    syncIntervalMs: 60_000,
    now: () => clock.now,
    log: { level: 'debug', stream },
    timers: false,
    ...o,
  });
  return { app, store, clock, key, logs: () => logged };
}

export async function addUser(h: Harness, name: string, role: Role, password = PASSWORD) {
  return h.store.createUser({
    name,
    role,
    passwordHash: await hashPassword(password),
    at: h.clock.now,
  });
}

export interface Login {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
}

export async function login(h: Harness, name: string, password = PASSWORD): Promise<Login> {
  const r = await h.app.inject({
    method: 'POST',
    url: '/api/v1/login',
    payload: { name, password },
  });
  if (r.statusCode !== 200) throw new Error(`login ${name}: ${r.statusCode} ${r.body}`);
  const set = r.cookies.find((c) => c.name === 'baomi_session');
  if (!set) throw new Error('no session cookie');
  const csrf = r.json<{ csrfToken: string }>().csrfToken;
  const cookie = `baomi_session=${set.value}`;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

/** An admin, an analyst and an auditor, each logged in. */
export async function staff(h: Harness) {
  await addUser(h, 'ada', 'admin');
  await addUser(h, 'ana', 'analyst');
  await addUser(h, 'aud', 'auditor');
  return {
    admin: await login(h, 'ada'),
    analyst: await login(h, 'ana'),
    auditor: await login(h, 'aud'),
  };
}

export function call(
  h: Harness,
  as: Login | null,
  method: InjectOptions['method'],
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method,
    url,
    headers: as?.headers ?? {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

export interface TestAgent {
  id: string;
  privateKey: KeyObject;
  publicKeyPem: string;
  exceptionSecret: string;
  exceptionKey: string;
  host: string;
  seq: number;
  head: string;
}

export async function enrollmentToken(
  h: Harness,
  admin: Login,
  body: Record<string, unknown> = { group: 'finance' },
): Promise<{ id: string; token: string }> {
  const r = await call(h, admin, 'POST', '/api/v1/enrollment-tokens', body);
  if (r.statusCode !== 200) throw new Error(`enrollment token: ${r.statusCode} ${r.body}`);
  return r.json();
}

export function enrollBody(token: string, publicKeyPem: string, host = 'ws-01') {
  return {
    v: WIRE_VERSION,
    token,
    host,
    os: 'linux',
    agentVersion: '0.2.0',
    publicKey: publicKeyPem,
  };
}

export async function enroll(h: Harness, token: string, host = 'ws-01'): Promise<TestAgent> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const r = await h.app.inject({
    method: 'POST',
    url: '/api/v1/enroll',
    payload: enrollBody(token, publicKeyPem, host),
  });
  if (r.statusCode !== 200) throw new Error(`enroll: ${r.statusCode} ${r.body}`);
  const a = r.json<{ agentId: string; exceptionSecret: string; exceptionKey: string }>();
  return {
    id: a.agentId,
    privateKey,
    publicKeyPem,
    exceptionSecret: a.exceptionSecret,
    exceptionKey: a.exceptionKey,
    host,
    seq: 0,
    head: GENESIS_HASH,
  };
}

/** The next events of this agent's chain (seq and hashes filled in). */
export function nextEvents(
  a: TestAgent,
  ts: number,
  inputs: {
    type: string;
    data?: { [k: string]: Json };
    user?: string;
    severity?: BaomiEvent['severity'];
  }[],
): BaomiEvent[] {
  return inputs.map((i) => {
    a.seq++;
    const e = {
      id: uuidv7(),
      seq: a.seq,
      ts,
      type: i.type,
      severity: i.severity ?? 'info',
      ...(i.user ? { user: i.user } : {}),
      host: a.host,
      data: i.data ?? {},
      prevHash: a.head,
    } as Omit<BaomiEvent, 'hash'>;
    const hash = eventHash(e);
    a.head = hash;
    return { ...e, hash } as BaomiEvent;
  });
}

export function syncBody(
  a: TestAgent,
  events: BaomiEvent[],
  policyEtag: string | null = null,
): SyncRequest {
  return {
    v: WIRE_VERSION,
    events: events as SyncRequest['events'],
    heartbeat: {
      agentVersion: '0.2.0',
      host: a.host,
      os: 'linux',
      policy: null,
      eventsWaiting: 0,
      idleSource: 'none',
      usbEnforcing: false,
      head: { seq: a.seq, hash: a.head },
    },
    policyEtag,
  };
}

export interface SignOptions {
  time?: number;
  nonce?: string;
  path?: string;
  /** Sign with another key (a forger). */
  key?: KeyObject;
  /** Claim another agent's id. */
  agentId?: string;
  /** Sign these bytes but send `body`. */
  signedBody?: string;
}

/** Headers of a signed agent request over exactly `body`. */
export function signedHeaders(
  a: TestAgent,
  body: string,
  now: number,
  o: SignOptions = {},
): Record<string, string> {
  const time = o.time ?? now;
  const nonce = o.nonce ?? randomBytes(16).toString('base64url');
  const text = signedText({
    time,
    nonce,
    method: 'POST',
    path: o.path ?? '/api/v1/sync',
    bodySha256: createHash('sha256')
      .update(o.signedBody ?? body)
      .digest('hex'),
  });
  const signature = sign(null, Buffer.from(text), o.key ?? a.privateKey).toString('base64url');
  return {
    'content-type': 'application/json',
    [AGENT_HEADER]: o.agentId ?? a.id,
    [TIME_HEADER]: String(time),
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: signature,
  };
}

export function sync(
  h: Harness,
  a: TestAgent,
  body: unknown,
  o: SignOptions & { url?: string } = {},
): Promise<LightMyRequestResponse> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return h.app.inject({
    method: 'POST',
    url: o.url ?? '/api/v1/sync',
    headers: signedHeaders(a, text, h.clock.now, o),
    payload: text,
  });
}
