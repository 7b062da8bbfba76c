// GET /metrics: Prometheus text format (metrics.ts says what is in it).
//
// Who may read it: any member of staff, with an API token (`Authorization: Bearer bmt_…`,
// which Prometheus sends from `authorization.credentials_file`) or a session. Not open: the
// figures tell how large the fleet is, how many agents are silent and how far behind they
// are, which is not for anyone on the network. Not "open on loopback" either: a console
// behind a reverse proxy on the same machine (a common TLS setup) sees every request come
// from 127.0.0.1, so loopback says nothing about who is asking. Every role may already list
// the agents (GET /api/v1/agents), so no role learns more here than it can read there; give
// Prometheus its own account (an auditor: it can change nothing) and its own token.
import type { FastifyInstance } from 'fastify';
import { requireStaff } from '../../auth/staff.js';
import type { Deps } from '../deps.js';
import { S } from '../schemas.js';

export function metricsRoutes(app: FastifyInstance, deps: Deps): void {
  app.get(
    '/metrics',
    { schema: S.query({}), preValidation: requireStaff(deps, 'any') },
    async (_req, reply) => {
      const text = await deps.metrics.render();
      return reply.type(deps.metrics.contentType).send(text);
    },
  );
}
