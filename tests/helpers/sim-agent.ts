// A simulated agent for tests and benchmarks against a REAL console over HTTP(S): it makes its
// Ed25519 key, enrolls with an enrollment token (POST /api/v1/enroll), keeps its own hash
// chain, and posts signed batches (POST /api/v1/sync) exactly as core/sync/wire.ts says:
// the signature is Ed25519 over signedText({time, nonce, method, path, bodySha256}), base64url.
//
//   const a = await SimAgent.enroll(url, token, { ca, host: 'ws-01' });
//   await a.sync(a.next([{ type: 'file.created', data: { path: '/srv/x' } }]));
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { v7 as uuidv7 } from 'uuid';
import { eventHash } from '../../src/core/events/chain.js';
import { type BaomiEvent, GENESIS_HASH, type Json } from '../../src/core/events/types.js';
import {
  AGENT_HEADER,
  type EnrollResponse,
  type Heartbeat,
  NONCE_HEADER,
  SIGNATURE_HEADER,
  type SyncRequest,
  type SyncResponse,
  signedText,
  TIME_HEADER,
  WIRE_VERSION,
} from '../../src/core/sync/wire.js';

export interface HttpAnswer {
  status: number;
  text: string;
  json: <T = unknown>() => T;
}

/** One HTTP(S) request; `ca` pins the console's certificate. */
export function httpCall(
  url: string,
  method: string,
  body: string | undefined,
  headers: Record<string, string> = {},
  ca?: string | Buffer,
): Promise<HttpAnswer> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method,
        headers: {
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          ...headers,
        },
        ...(ca ? { ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, json: <T>() => JSON.parse(text) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface EventInput {
  type: string;
  data?: { [k: string]: Json };
  user?: string;
  severity?: BaomiEvent['severity'];
  level?: string;
  /** Default: now. */
  ts?: number;
}

export interface SimAgentOptions {
  host?: string;
  os?: 'linux' | 'win32' | 'darwin';
  agentVersion?: string;
  /** The console's certificate (PEM) to pin. */
  ca?: string | Buffer;
}

export class SimAgent {
  seq = 0;
  head = GENESIS_HASH;
  policyEtag: string | null = null;
  /** What the heartbeat says; tests may change it (policy in force, seat user…). */
  heartbeat: Partial<Heartbeat> = {};

  private constructor(
    readonly base: string,
    readonly id: string,
    readonly group: string,
    readonly privateKey: KeyObject,
    readonly publicKeyPem: string,
    readonly enrollment: EnrollResponse,
    readonly host: string,
    readonly os: 'linux' | 'win32' | 'darwin',
    readonly agentVersion: string,
    readonly ca: string | Buffer | undefined,
  ) {}

  /** Enrolls a new agent with `token` at the console `url` (its base, e.g. https://127.0.0.1:7443). */
  static async enroll(url: string, token: string, o: SimAgentOptions = {}): Promise<SimAgent> {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const host = o.host ?? `sim-${randomBytes(3).toString('hex')}`;
    const os = o.os ?? 'linux';
    const agentVersion = o.agentVersion ?? '0.2.0';
    const base = url.replace(/\/+$/, '');
    const r = await httpCall(
      `${base}/api/v1/enroll`,
      'POST',
      JSON.stringify({ v: WIRE_VERSION, token, host, os, agentVersion, publicKey: publicKeyPem }),
      {},
      o.ca,
    );
    if (r.status !== 200) throw new Error(`enroll: ${r.status} ${r.text}`);
    const e = r.json<EnrollResponse>();
    return new SimAgent(
      base,
      e.agentId,
      e.group,
      privateKey,
      publicKeyPem,
      e,
      host,
      os,
      agentVersion,
      o.ca,
    );
  }

  /** The next events of this agent's chain (seq, prevHash and hash filled in). */
  next(inputs: EventInput[], now = Date.now()): BaomiEvent[] {
    return inputs.map((i) => {
      this.seq++;
      const e = {
        id: uuidv7(),
        seq: this.seq,
        ts: i.ts ?? now,
        type: i.type,
        severity: i.severity ?? 'info',
        ...(i.level ? { level: i.level } : {}),
        ...(i.user ? { user: i.user } : {}),
        host: this.host,
        data: i.data ?? {},
        prevHash: this.head,
      } as Omit<BaomiEvent, 'hash'>;
      const hash = eventHash(e);
      this.head = hash;
      return { ...e, hash } as BaomiEvent;
    });
  }

  body(events: BaomiEvent[]): SyncRequest {
    return {
      v: WIRE_VERSION,
      events: events as SyncRequest['events'],
      heartbeat: {
        agentVersion: this.agentVersion,
        host: this.host,
        os: this.os,
        policy: null,
        eventsWaiting: 0,
        idleSource: 'none',
        usbEnforcing: false,
        head: { seq: this.seq, hash: this.head },
        ...this.heartbeat,
      },
      policyEtag: this.policyEtag,
    };
  }

  /** Headers of a signed request for exactly these body bytes. */
  signedHeaders(path: string, body: string, time = Date.now()): Record<string, string> {
    const nonce = randomBytes(16).toString('base64url');
    const text = signedText({
      time,
      nonce,
      method: 'POST',
      path,
      bodySha256: createHash('sha256').update(body).digest('hex'),
    });
    return {
      [AGENT_HEADER]: this.id,
      [TIME_HEADER]: String(time),
      [NONCE_HEADER]: nonce,
      [SIGNATURE_HEADER]: sign(null, Buffer.from(text, 'utf8'), this.privateKey).toString(
        'base64url',
      ),
    };
  }

  /** One signed sync request; the raw answer (any status). */
  async post(body: SyncRequest | string): Promise<HttpAnswer> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const path = `${new URL(this.base).pathname.replace(/\/+$/, '')}/api/v1/sync`;
    return httpCall(
      `${this.base}/api/v1/sync`,
      'POST',
      text,
      this.signedHeaders(path, text),
      this.ca,
    );
  }

  /** Sends these events (and the heartbeat); throws unless the console answers 200. Keeps the
   *  policy etag it is handed, as an agent does after judging the policy. */
  async sync(events: BaomiEvent[] = []): Promise<SyncResponse> {
    const r = await this.post(this.body(events));
    if (r.status !== 200) throw new Error(`sync: ${r.status} ${r.text}`);
    const answer = r.json<SyncResponse>();
    if (answer.policy) this.policyEtag = answer.policy.etag;
    return answer;
  }
}
