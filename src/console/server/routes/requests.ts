// Alerts and exception requests: GET /alerts, a change of an alert's stage and the decision on
// a request (admin, analyst), GET /requests. An approval is a BMX1 token (core/exceptions/token.ts) signed with the
// console's exception key for the one person, device and computer of the request; the agent
// receives it on its next sync (store.undeliveredDecisions) until it records the outcome.
import type { FastifyInstance } from 'fastify';
import { ALERT_STAGES } from '../../../core/console/alerts.js';
import { isBaomiError } from '../../../core/errors.js';
import { encodeToken, MAX_WINDOW_DAYS } from '../../../core/exceptions/token.js';
import { requireStaff } from '../../auth/staff.js';
import type { AlertRow, AlertState, RequestState } from '../../store/types.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import { queryInt, queryList, S } from '../schemas.js';

/** The stages, from core (one list for the store, the API and the CLI). */
export const ALERT_STATES: readonly AlertState[] = ALERT_STAGES;
export const REQUEST_STATES: readonly RequestState[] = ['pending', 'approved', 'denied'];
export const DECISION_HOURS_DEFAULT = 8;
/** The most alerts one answer holds (newest first). */
export const ALERTS_LIMIT_MAX = 1000;
/** The longest note on a change of an alert's stage. */
export const ALERT_NOTE_MAX = 2000;

/** The token, or CONSOLE_REQUEST_UNSIGNABLE naming the field core refused. */
function signable(id: string, encode: () => string): string {
  try {
    return encode();
  } catch (e) {
    // A field of the request (never the console's own key): the request cannot be approved.
    if (isBaomiError(e) && e.code === 'EXCEPTION_BAD_FIELD')
      throw new ApiError('CONSOLE_REQUEST_UNSIGNABLE', { id, field: String(e.params.field) });
    if (isBaomiError(e) && e.code === 'EXCEPTION_REASON_TOO_LONG')
      throw new ApiError('CONSOLE_REQUEST_UNSIGNABLE', { id, field: 'reason' });
    throw e;
  }
}
/** An alert's id in a path: a positive whole number JavaScript holds exactly. */
const ALERT_ID = { type: 'string', pattern: '^[1-9][0-9]{0,14}$' };
/** 31 days: the longest window a token may have. */
export const DECISION_HOURS_MAX = MAX_WINDOW_DAYS * 24;

export function requestRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  app.get<{
    Querystring: {
      state?: AlertState;
      agent?: string;
      type?: string | string[];
      before?: string;
      limit?: string;
    };
  }>(
    '/api/v1/alerts',
    {
      schema: S.query({
        state: S.enumOf(ALERT_STATES),
        agent: S.uuid,
        // Exact alert types, repeatable (?type=a&type=b) or comma-separated (?type=a,b).
        type: S.repeatable(S.text(640), 50),
        // The next page: `next` of the answer before (ids smaller than it).
        before: S.qint,
        limit: S.qint,
      }),
      preValidation: requireStaff(deps, 'any'),
    },
    async (req) => {
      const types = queryList(req.query.type);
      const limit = queryInt('limit', req.query.limit, 1, ALERTS_LIMIT_MAX) ?? 100;
      const before = queryInt('before', req.query.before, 1, Number.MAX_SAFE_INTEGER);
      const alerts = await store.listAlerts({
        limit,
        ...(req.query.state ? { state: req.query.state } : {}),
        ...(req.query.agent ? { agentId: req.query.agent } : {}),
        ...(types ? { types } : {}),
        ...(before === undefined ? {} : { beforeId: before }),
      });
      // A full page may have more behind it: `next` asks for them (null: this was the last),
      // a string as the cases' and the events' cursors are.
      return { alerts, next: alerts.length === limit ? String(alerts.at(-1)!.id) : null };
    },
  );

  app.post<{ Params: { id: string }; Body: { state: AlertState; note: string } }>(
    '/api/v1/alerts/:id/state',
    {
      schema: {
        params: S.object({ id: ALERT_ID }, ['id']),
        ...S.body({ state: S.enumOf(ALERT_STATES), note: S.text(ALERT_NOTE_MAX) }, [
          'state',
          'note',
        ]),
      },
      preValidation: requireStaff(deps, ['admin', 'analyst']),
    },
    async (req) => {
      const id = Number(req.params.id);
      const { state, note } = req.body;
      let alert: AlertRow | null;
      try {
        // The stage is read, checked and changed, and its audit row appended, in one
        // transaction: the row's `from` is the stage the change was made from.
        alert = await store.setAlertState(
          id,
          { state, by: req.staff!.user.name, at: deps.now(), note },
          (before) =>
            deps.auditRow(req, 'alert.changed', String(id), {
              from: before.state,
              to: state,
              note,
            }),
        );
      } catch (e) {
        if (isBaomiError(e) && e.code === 'CONSOLE_ALERT_BAD_TRANSITION')
          throw new ApiError('CONSOLE_ALERT_BAD_TRANSITION', e.params);
        if (isBaomiError(e) && e.code === 'CONSOLE_ALERT_IN_CASE')
          throw new ApiError('CONSOLE_ALERT_IN_CASE', e.params);
        throw e;
      }
      if (!alert) throw new ApiError('CONSOLE_NOT_FOUND', { what: 'alert', id: String(id) });
      return alert;
    },
  );

  app.get<{ Querystring: { state?: RequestState; agent?: string } }>(
    '/api/v1/requests',
    {
      schema: S.query({ state: S.enumOf(REQUEST_STATES), agent: S.uuid }),
      preValidation: requireStaff(deps, 'any'),
    },
    async (req) => ({
      requests: await store.listRequests({
        ...(req.query.state ? { state: req.query.state } : {}),
        ...(req.query.agent ? { agentId: req.query.agent } : {}),
      }),
    }),
  );

  app.post<{ Params: { id: string }; Body: { approve: boolean; note: string; hours?: number } }>(
    '/api/v1/requests/:id/decision',
    {
      schema: {
        // Any id ingest accepted (text of at most 200), so that every stored request can be
        // decided: an approval of an id that is not the agent's UUIDv7 is refused by the
        // token's own check (400 EXCEPTION_BAD_FIELD), a denial goes through.
        ...S.idParam('any'),
        ...S.body(
          {
            approve: { type: 'boolean' },
            // What was decided and why goes into the audit trail: never empty.
            note: S.text(1000),
            hours: S.int(1, DECISION_HOURS_MAX),
          },
          ['approve', 'note'],
        ),
      },
      preValidation: requireStaff(deps, ['admin', 'analyst']),
    },
    async (req) => {
      const { id } = req.params;
      const { approve, note } = req.body;
      // The reason in the audit trail: spaces alone say nothing.
      if (note.trim() === '')
        throw new ApiError('CONSOLE_BAD_REQUEST', { detail: 'body/note is blank' });
      const staff = req.staff!;
      const request = await store.request(id);
      if (!request) throw new ApiError('CONSOLE_NOT_FOUND', { what: 'request', id });
      if (request.state !== 'pending')
        throw new ApiError('CONSOLE_ALREADY_DECIDED', { id, state: request.state });
      const now = deps.now();
      const hours = req.body.hours ?? DECISION_HOURS_DEFAULT;
      let token: string | null = null;
      if (approve) {
        const user = request.user;
        if (!user) throw new ApiError('CONSOLE_REQUEST_NO_USER', { id });
        const agent = await store.agent(request.agentId);
        if (!agent) throw new ApiError('CONSOLE_NOT_FOUND', { what: 'agent', id: request.agentId });
        if (agent.revokedAt !== null)
          throw new ApiError('CONSOLE_REQUEST_AGENT_REVOKED', {
            id,
            agent: agent.id,
            at: new Date(agent.revokedAt).toISOString(),
          });
        // The name the computer last gave itself (a renamed computer checks its new name).
        const hb = deps.lastSeen.peek(agent.id)?.heartbeat ?? agent.heartbeat;
        const host = typeof hb?.host === 'string' ? hb.host : agent.host;
        // Core refuses a field that does not fit a token (EXCEPTION_BAD_FIELD…): said as
        // what it is for staff, a request that cannot be approved (they are the issuer).
        token = signable(id, () =>
          encodeToken(
            {
              id: request.id,
              device: request.device,
              user,
              host,
              notBefore: now,
              notAfter: now + hours * 3600_000,
              reason: request.reason,
            },
            deps.exceptionKey.privateKey,
          ),
        );
      }
      // The decision and its audit row are one transaction: a decision is never stored (and
      // its token never delivered) without its row.
      const decided = await store.decideRequest(
        id,
        { approved: approve, by: staff.user.name, at: now, note, token },
        deps.auditRow(req, approve ? 'request.approved' : 'request.denied', id, {
          agent: request.agentId,
          device: request.device,
          user: request.user,
          note,
          ...(approve ? { hours } : {}),
        }),
      );
      // Another member of staff decided it in the meantime.
      if (!decided) {
        const now2 = await store.request(id);
        throw new ApiError('CONSOLE_ALREADY_DECIDED', { id, state: now2?.state ?? 'decided' });
      }
      return (await store.request(id))!;
    },
  );
}
