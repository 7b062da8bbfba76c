// Agents as staff see them: GET /agents, GET /agents/:id, POST /agents/:id/revoke (admin).
import type { FastifyInstance } from 'fastify';
import { requireStaff } from '../../auth/staff.js';
import type { Group } from '../../store/types.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import { S } from '../schemas.js';
import { agentView } from '../views.js';

export function agentRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;
  const groups = async () =>
    new Map<string, Group>((await store.listGroups()).map((g) => [g.name, g]));

  app.get<{ Querystring: { group?: string; text?: string } }>(
    '/api/v1/agents',
    {
      schema: S.query({ group: S.text(100), text: S.text(200) }),
      preValidation: requireStaff(deps, 'any'),
    },
    async (req) => {
      const [rows, byName] = await Promise.all([store.listAgents(req.query), groups()]);
      const now = deps.now();
      return {
        agents: rows.map((a) =>
          agentView(a, byName.get(a.group), now, deps.syncIntervalMs, deps.lastSeen.peek(a.id)),
        ),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/agents/:id',
    { schema: S.idParam(), preValidation: requireStaff(deps, 'any') },
    async (req) => {
      const a = await store.agent(req.params.id);
      if (!a) throw new ApiError('CONSOLE_NOT_FOUND', { what: 'agent', id: req.params.id });
      const group = (await store.group(a.group)) ?? undefined;
      return agentView(a, group, deps.now(), deps.syncIntervalMs, deps.lastSeen.peek(a.id));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/agents/:id/revoke',
    { schema: { ...S.idParam(), ...S.noBody }, preValidation: requireStaff(deps, ['admin']) },
    async (req) => {
      const a = await store.agent(req.params.id);
      if (!a) throw new ApiError('CONSOLE_NOT_FOUND', { what: 'agent', id: req.params.id });
      // The revocation and its audit row are one transaction. Revoking twice changes nothing
      // and is not recorded twice.
      await store.revokeAgent(
        a.id,
        deps.now(),
        deps.auditRow(req, 'agent.revoked', a.id, { host: a.host, group: a.group }),
      );
      return { ok: true };
    },
  );
}
