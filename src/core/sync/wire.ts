// The agent ↔ console wire format (DESIGN.md "Sync wire format"), shared by the agent's sync
// module, `baomi enroll` and the console's routes. Pure: schemas, types and the bytes that
// are signed; the signing itself (node:crypto Ed25519) is in sign.ts.
//
// Authentication (a deliberate change from DESIGN.md's HMAC, see the session note): at
// enrollment the agent makes an Ed25519 key pair and the console stores only its public
// key. An HMAC would need the console to hold the agent's secret (or a hash that is itself
// the key), so a copy of the console's database would let anyone post as any agent; a
// public key lets no one. Every request after enrollment carries four headers and is
// signed over `signedBytes()`; the console refuses a timestamp more than CLOCK_SKEW_MS away
// from its clock and a nonce it has seen from that agent within that window (replay).
import * as z from 'zod';

export const WIRE_VERSION = 1;

/** Headers of a signed agent request (lowercase, as Node presents them). */
export const AGENT_HEADER = 'x-baomi-agent';
export const TIME_HEADER = 'x-baomi-time';
export const NONCE_HEADER = 'x-baomi-nonce';
export const SIGNATURE_HEADER = 'x-baomi-signature';

/** How far an agent's clock may be from the console's, and how long nonces are remembered. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Largest request body the console reads (a batch of 500 events with long paths fits). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Most events in one sync request (the policy's sync.batch is capped to it). */
export const MAX_BATCH = 1000;

const SIGN_DOMAIN = 'baomi-sync-v1';

/**
 * The exact bytes an agent signs: domain, time (ms since the epoch, decimal), nonce, method
 * (upper case), path with query, and the lowercase hex SHA-256 of the body, joined by "\n".
 */
export function signedText(p: {
  time: number;
  nonce: string;
  method: string;
  path: string;
  bodySha256: string;
}): string {
  return [SIGN_DOMAIN, String(p.time), p.nonce, p.method.toUpperCase(), p.path, p.bodySha256].join(
    '\n',
  );
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const short = (max: number) => z.string().min(1).max(max);

/** An event as the agent stored it; the console re-checks its hash with the core's chain walk. */
export const wireEvent = z
  .object({
    id: uuid,
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    ts: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    type: short(64),
    severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
    level: short(16).optional(),
    user: short(256).optional(),
    host: short(256),
    data: z.record(z.string(), z.unknown()),
    prevHash: hex64,
    hash: hex64,
  })
  .strict();

export const heartbeat = z
  .object({
    agentVersion: short(32),
    host: short(256),
    os: z.enum(['linux', 'win32', 'darwin']),
    policy: z.object({ name: short(200), version: z.number().int().min(1) }).nullable(),
    /** Events stored above the acknowledged seq and not carried by this request. */
    eventsWaiting: z.number().int().min(0),
    idleSource: short(16),
    usbEnforcing: z.boolean(),
    usbReason: short(64).optional(),
    seatUser: short(256).optional(),
    /** The agent's newest seq and its hash (the console compares with what it holds). */
    head: z.object({ seq: z.number().int().min(0), hash: hex64 }),
  })
  .strict();
export type Heartbeat = z.infer<typeof heartbeat>;

export const syncRequest = z
  .object({
    v: z.literal(WIRE_VERSION),
    /** Events above the last acknowledged seq, ascending, at most MAX_BATCH. */
    events: z.array(wireEvent).max(MAX_BATCH),
    heartbeat,
    /** The etag of the last console policy this agent judged (accepted or not); null: none. */
    policyEtag: z.string().max(128).nullable(),
  })
  .strict();
export type SyncRequest = z.infer<typeof syncRequest>;

/** A staff decision on an exception request, delivered until the agent records its outcome. */
export interface WireDecision {
  requestId: string;
  approved: boolean;
  note: string;
  decidedBy: string;
  decidedAt: number;
  /** Approved only: a BMX1 token signed with the console's exception key. */
  token?: string;
}

/** A policy staff assigned to this agent's group; the agent offers it to its judge. */
export interface WirePolicy {
  /** Changes whenever the bytes or the signature change (sha256 of both, hex). */
  etag: string;
  /** The policy file's exact bytes, base64. */
  bytes: string;
  /** The `.sig` file's text (base64 of the Ed25519 signature). */
  signature: string;
}

export interface SyncResponse {
  /** Highest seq stored without gaps (gaps explained by store.pruned or a recorded sync.gap
   *  count as filled). The agent records it only now: the console has committed. */
  ackedSeq: number;
  policy?: WirePolicy;
  decisions: WireDecision[];
  /** When to call again (the agent adds ±20 % jitter); longer when the console is loaded. */
  nextInMs: number;
}

export const enrollRequest = z
  .object({
    v: z.literal(WIRE_VERSION),
    token: short(200),
    host: short(256),
    os: z.enum(['linux', 'win32', 'darwin']),
    agentVersion: short(32),
    /** The agent's Ed25519 public key, SPKI PEM. */
    publicKey: z.string().min(40).max(1000),
  })
  .strict();
export type EnrollRequest = z.infer<typeof enrollRequest>;

export interface EnrollResponse {
  agentId: string;
  group: string;
  /** 32 random bytes, base64url: short exception codes read over the phone derive from it. */
  exceptionSecret: string;
  /** The console's exception public key (SPKI PEM) that signs approvals. */
  exceptionKey: string;
}

/** Error body of every 4xx/5xx the console sends (never a stack trace). */
export interface WireError {
  error: string;
  message: string;
  /** When to retry (429/503). */
  retryInMs?: number;
}

export { hex64, uuid };
