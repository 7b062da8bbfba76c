// POST /api/v1/sync (core/sync/wire.ts): one signed request per agent per interval carrying a
// batch of events, the heartbeat and the policy etag; the answer carries the highest seq
// stored without a gap, a new policy, undelivered decisions and when to call again.
//
// Per request the database sees: the agent row (read), the nonce (the one write outside the
// batch), the batch in one transaction (store.ingest), the group and its policy (reads), the
// undelivered decisions (read). Last-seen and the heartbeat go to the buffer (last-seen.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BaomiEvent, Json } from '../../../core/events/types.js';
import {
  type SyncResponse,
  syncRequest,
  type WireDecision,
  type WirePolicy,
} from '../../../core/sync/wire.js';
import { authenticateAgent } from '../../auth/agent.js';
import type { ExceptionRequestRow, Group } from '../../store/types.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import { zodDetail } from '../zod-detail.js';

export function syncRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;
  // Two bounds, per process (see app.ts): by address before authentication (generous: one
  // office behind a NAT is many agents), then by agent once its signature is verified.
  const byIp = app.createRateLimit({
    max: deps.limits.syncPerIp,
    timeWindow: 60_000,
    keyGenerator: (req) => `sync-ip:${req.ip}`,
  });
  const byAgent = app.createRateLimit({
    max: deps.limits.syncPerAgent,
    timeWindow: 60_000,
    keyGenerator: (req) => `sync-agent:${req.agentRow?.id}`,
    // LRU size (LocalStore; not in the option types): one entry per agent of a large fleet.
    ...({ cache: 50_000 } as object),
  });
  const limit = async (req: FastifyRequest, limiter: typeof byIp): Promise<void> => {
    const r = await limiter(req);
    if (!r.isAllowed && r.isExceeded)
      throw new ApiError('CONSOLE_RATE_LIMITED', { seconds: r.ttlInSeconds }, r.ttl);
  };

  app.post(
    '/api/v1/sync',
    {
      schema: { body: { type: 'object' } },
      config: { rateLimit: false },
      onRequest: async (req) => limit(req, byIp),
      // After the body is read (its hash is signed) and before it is validated.
      preValidation: async (req) => {
        req.agentRow = await authenticateAgent(deps, req);
        await limit(req, byAgent);
      },
    },
    async (req) => {
      const agent = req.agentRow!;
      const parsed = syncRequest.safeParse(req.body);
      if (!parsed.success)
        throw new ApiError('CONSOLE_BAD_REQUEST', { detail: zodDetail(parsed.error) });
      const body = parsed.data;
      const now = deps.now();
      // Stored under the authenticated agent only; an event's own `host` is kept as sent.
      const result = await store.ingest(agent.id, body.events as BaomiEvent[], now);
      for (const a of result.alerts)
        req.log.warn({ agent: agent.id, alert: a.type, seq: a.seq }, 'sync alert raised');
      deps.lastSeen.record(agent.id, now, body.heartbeat as { [k: string]: Json });

      const group: Group = (await store.group(agent.group)) ?? {
        name: agent.group,
        department: null,
        personnelClass: null,
      };
      const chosen = await store.policyFor(group);
      let policy: WirePolicy | undefined;
      if (chosen && chosen.etag !== body.policyEtag) {
        policy = {
          etag: chosen.etag,
          bytes: Buffer.from(chosen.bytes).toString('base64'),
          signature: chosen.signature,
        };
        if (agent.policyEtag !== chosen.etag) await store.setPolicyEtag(agent.id, chosen.etag);
      }
      const decisions = (await store.undeliveredDecisions(agent.id)).map(wireDecision);
      const answer: SyncResponse = {
        ackedSeq: result.ackedSeq,
        ...(policy ? { policy } : {}),
        decisions,
        nextInMs: deps.load.nextInMs(deps.syncIntervalMs),
      };
      return answer;
    },
  );
}

export function wireDecision(r: ExceptionRequestRow): WireDecision {
  return {
    requestId: r.id,
    approved: r.state === 'approved',
    note: r.note ?? '',
    decidedBy: r.decidedBy ?? '',
    decidedAt: r.decidedAt ?? 0,
    ...(r.state === 'approved' && r.token ? { token: r.token } : {}),
  };
}
