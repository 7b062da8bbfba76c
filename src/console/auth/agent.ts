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
// What never changes about an enrolled agent is kept per console process (AgentKeys): its
// public key (parsed once), its group, and its revocation once seen (a revocation is final).
// A request of a known agent then needs no read before its transaction. Whether it was revoked
// since is read in that transaction, under the agent's row lock (store.syncRound → ingest
// refuses a revoked agent, CONSOLE_DB_AGENT_REVOKED: 403, the nonce rolled back with the rest),
// so a revocation made through any console process holds for the agent's next request. An
// unknown id is read every time (never remembered as unknown).
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

/** The fields of an agent row that never change once enrolled (and revokedAt, final). */
export type AgentIdentity = Pick<AgentRow, 'id' | 'publicKey' | 'group' | 'revokedAt'>;

/** Agents kept; past this many the map starts again (a larger fleet only reads more often). */
const MAX_AGENTS = 100_000;

/** Known agents of one console process (one per server: sync.ts). */
export class AgentKeys {
  private readonly known = new Map<string, { agent: AgentIdentity; key: KeyObject | null }>();

  async get(deps: Deps, id: string): Promise<{ agent: AgentIdentity; key: KeyObject | null }> {
    const had = this.known.get(id);
    if (had) return had;
    const row = await deps.store.agent(id);
    if (!row) throw new ApiError('SYNC_AGENT_UNKNOWN');
    let key: KeyObject | null = null;
    try {
      key = createPublicKey(row.publicKey);
    } catch {
      key = null; // a stored key that does not parse verifies nothing
    }
    const entry = {
      agent: { id: row.id, publicKey: row.publicKey, group: row.group, revokedAt: row.revokedAt },
      key,
    };
    if (this.known.size >= MAX_AGENTS) this.known.clear();
    this.known.set(id, entry);
    return entry;
  }

  /** The agent was found revoked (in its transaction): remembered, since it is final. */
  revoked(id: string, at: number): void {
    const had = this.known.get(id);
    if (had && had.agent.revokedAt === null)
      this.known.set(id, { ...had, agent: { ...had.agent, revokedAt: at } });
  }
}

/** The agent a signed request comes from, and its nonce, which the caller must record with
 *  what the request writes (store.syncRound), refusing the request when it was used. */
export async function authenticateAgent(
  deps: Deps,
  req: FastifyRequest,
  agents: AgentKeys,
): Promise<{ agent: AgentIdentity; nonce: string }> {
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

  const { agent, key } = await agents.get(deps, agentId);
  const text = signedText({
    time,
    nonce,
    method: req.method,
    path: req.url,
    bodySha256: sha256Hex(req.rawBody ?? Buffer.alloc(0)),
  });
  let ok = false;
  try {
    ok =
      key !== null &&
      verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64url'));
  } catch {
    ok = false;
  }
  if (!ok) throw new ApiError('SYNC_BAD_SIGNATURE');
  if (agent.revokedAt !== null)
    throw new ApiError('AGENT_REVOKED', { at: new Date(agent.revokedAt).toISOString() });
  return { agent, nonce };
}
