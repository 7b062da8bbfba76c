// Who is posting to /api/v1/sync (core/sync/wire.ts): an enrolled agent, proven by an Ed25519
// signature over signedText({time, nonce, method, path, bodySha256}) made with the key whose
// public half the console stored at enrollment.
//
// SECURITY: the order matters and must not change. Cheap checks of form and time come before
// the database; the signature before anything is written; the nonce is handed back only for a
// valid signature of a live agent, and the caller records it in the same transaction as the
// batch (store.syncRound: a nonce used already is a replay and stores nothing), so no one
// without an agent's key can fill the nonce table or learn whether an agent was revoked. The
// batch is then stored under this agent's id only: nothing in the body or the URL can name
// another agent.
//
// Parsed public keys are kept by their PEM text (an agent's key never changes: a new key is a
// new enrollment), which spares a PEM parse per request; the row itself, revocation included,
// is read from the database on every request.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import {
  AGENT_HEADER,
  CLOCK_SKEW_MS,
  NONCE_HEADER,
  SIGNATURE_HEADER,
  signedText,
  TIME_HEADER,
} from '../../core/sync/wire.js';
import type { Deps } from '../server/deps.js';
import { ApiError } from '../server/errors.js';
import type { AgentRow } from '../store/types.js';
import { sha256Hex } from './secrets.js';

const FORMS: [string, RegExp][] = [
  [AGENT_HEADER, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/],
  [TIME_HEADER, /^\d{1,16}$/],
  // 16 or more random bytes, base64url.
  [NONCE_HEADER, /^[A-Za-z0-9_-]{22,128}$/],
  // 64 bytes, base64url without padding.
  [SIGNATURE_HEADER, /^[A-Za-z0-9_-]{86}$/],
];

function header(req: FastifyRequest, name: string, form: RegExp): string {
  const v = req.headers[name];
  if (typeof v !== 'string' || !form.test(v))
    throw new ApiError('SYNC_BAD_HEADERS', { header: name });
  return v;
}

/** Parsed keys kept; past this many the map starts again (a fleet larger than this only
 *  parses more often). */
const MAX_KEYS = 50_000;
const keys = new Map<string, KeyObject>();

function publicKeyOf(pem: string): KeyObject {
  let k = keys.get(pem);
  if (!k) {
    if (keys.size >= MAX_KEYS) keys.clear();
    k = createPublicKey(pem);
    keys.set(pem, k);
  }
  return k;
}

/** The agent a signed request comes from, and its nonce, which the caller must record with
 *  what the request writes (store.syncRound), refusing the request when it was used. */
export async function authenticateAgent(
  deps: Deps,
  req: FastifyRequest,
): Promise<{ agent: AgentRow; nonce: string }> {
  const [agentId, timeText, nonce, signature] = FORMS.map(([name, form]) =>
    header(req, name, form),
  ) as [string, string, string, string];
  const time = Number(timeText);
  const now = deps.now();
  if (Math.abs(now - time) > CLOCK_SKEW_MS)
    throw new ApiError('SYNC_CLOCK_SKEW', {
      seconds: Math.round(Math.abs(now - time) / 1000),
      agentTime: new Date(Math.min(time, 8.64e15)).toISOString(),
      consoleTime: new Date(now).toISOString(),
      limit: CLOCK_SKEW_MS / 1000,
    });

  const agent = await deps.store.agent(agentId);
  if (!agent) throw new ApiError('SYNC_AGENT_UNKNOWN');
  const text = signedText({
    time,
    nonce,
    method: req.method,
    path: req.url,
    bodySha256: sha256Hex(req.rawBody ?? Buffer.alloc(0)),
  });
  let ok = false;
  try {
    ok = verify(
      null,
      Buffer.from(text, 'utf8'),
      publicKeyOf(agent.publicKey),
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    ok = false;
  }
  if (!ok) throw new ApiError('SYNC_BAD_SIGNATURE');
  if (agent.revokedAt !== null)
    throw new ApiError('AGENT_REVOKED', { at: new Date(agent.revokedAt).toISOString() });
  return { agent, nonce };
}
