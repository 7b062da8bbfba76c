// POST /api/v1/sync (core/sync/wire.ts): one signed request per agent per interval carrying a
// batch of events, the heartbeat and the policy etag; the answer carries the highest seq
// stored without a gap, a new policy, undelivered decisions and when to call again.
//
// Per request the database sees (issue 12, measured by bench/fleet.mjs) ONE transaction
// (store.syncRound): the nonce, the batch (its agent's row locked, revocation checked), the
// etag handed out when it changed, and the undelivered decisions. The agent's key and group
// are read once per process (auth/agent.ts AgentKeys: they never change). The group's policy comes
// from the PolicyCache (policy-cache.ts: at most POLICY_CACHE_MS old); last-seen and the
// heartbeat go to the buffer (last-seen.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isBaomiError } from '../../../core/errors.js';
import type { BaomiEvent, Json } from '../../../core/events/types.js';
import {
  type SyncResponse,
  syncRequest,
  type WireDecision,
  type WirePolicy,
} from '../../../core/sync/wire.js';
import { AgentKeys, authenticateAgent } from '../../auth/agent.js';
import type { ExceptionRequestRow } from '../../store/types.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import { zodDetail } from '../zod-detail.js';

export function syncRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;
  // The nonce of each authenticated request, recorded with its batch.
  const nonces = new WeakMap<FastifyRequest, string>();
  const agents = new AgentKeys();
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
      onRequest: async (req) => {
        // Shed before anything is read (backpressure.ts SHED_IN_FLIGHT); the agent keeps
        // its events and calls again no sooner than one interval.
        if (deps.load.overloaded)
          throw new ApiError(
            'CONSOLE_BUSY',
            { seconds: Math.ceil(deps.syncIntervalMs / 1000) },
            deps.syncIntervalMs,
          );
        await limit(req, byIp);
      },
      // How long answers take is one of the load signals (backpressure.ts).
      onResponse: async (_req, reply) => deps.load.answered(reply.elapsedTime),
      // After the body is read (its hash is signed) and before it is validated.
      preValidation: async (req) => {
        const auth = await authenticateAgent(deps, req, agents);
        req.agentRow = auth.agent;
        nonces.set(req, auth.nonce);
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
      const { policy: chosen } = await deps.policies.forGroup(agent.group);
      const offer = chosen && chosen.etag !== body.policyEtag ? chosen : null;
      // Stored under the authenticated agent only; an event's own `host` is kept as sent.
      let round: Awaited<ReturnType<typeof store.syncRound>>;
      try {
        round = await store.syncRound({
          agentId: agent.id,
          nonce: nonces.get(req)!,
          events: body.events as BaomiEvent[],
          now,
          // Recorded when handed (rare: the agent then reports this etag as judged).
          ...(offer ? { policyEtag: offer.etag } : {}),
        });
      } catch (e) {
        // Revoked through any console since this process last read the agent: final.
        if (isBaomiError(e) && e.code === 'CONSOLE_DB_AGENT_REVOKED') agents.revoked(agent.id, now);
        throw e;
      }
      if (round.replay) throw new ApiError('SYNC_REPLAY');
      const result = round.ingest;
      for (const a of result.alerts)
        req.log.warn({ agent: agent.id, alert: a.type, seq: a.seq }, 'sync alert raised');
      deps.lastSeen.record(agent.id, now, body.heartbeat as { [k: string]: Json });
      const policy: WirePolicy | undefined = offer
        ? {
            etag: offer.etag,
            bytes: Buffer.from(offer.bytes).toString('base64'),
            signature: offer.signature,
          }
        : undefined;
      const decisions = round.decisions.map(wireDecision);
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
