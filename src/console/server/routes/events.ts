// GET /api/v1/events: the filters of `baomi events`, against every agent's stored events,
// paged by an opaque cursor (`after` → `next`).
import type { FastifyInstance } from 'fastify';
import { SEVERITIES, type Severity } from '../../../core/events/types.js';
import { isLevel } from '../../../core/levels.js';
import { parseRfc3339 } from '../../../core/policy/units.js';
import { requireStaff } from '../../auth/staff.js';
import type { ConsoleEventFilter } from '../../store/types.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import { queryInt, queryList, S } from '../schemas.js';

export const EVENTS_LIMIT_DEFAULT = 100;
export const EVENTS_LIMIT_MAX = 1000;

export interface EventFilterQuery {
  agent?: string;
  user?: string;
  type?: string | string[];
  level?: string;
  severity?: Severity;
  since?: string;
  until?: string;
  text?: string;
}

interface EventsQuery extends EventFilterQuery {
  after?: string;
  limit?: string;
  order?: 'asc' | 'desc';
}

/** ms since the epoch, or RFC 3339 with its zone. */
function moment(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = /^\d{1,16}$/.test(v) ? Number(v) : parseRfc3339(v);
  if (ms === null) throw new ApiError('CONSOLE_BAD_REQUEST', { detail: `querystring/${name}` });
  return ms;
}

/** The filter of an events query (the filters of `baomi events`); 400 on a bad value. */
export function eventFilter(q: EventFilterQuery): Omit<ConsoleEventFilter, 'limit'> {
  if (q.level !== undefined && !isLevel(q.level))
    throw new ApiError('CONSOLE_BAD_REQUEST', { detail: 'querystring/level' });
  const types = queryList(q.type);
  const f: Omit<ConsoleEventFilter, 'limit'> = {
    ...(q.agent === undefined ? {} : { agentId: q.agent }),
    ...(q.user === undefined ? {} : { user: q.user }),
    ...(types ? { types } : {}),
    ...(q.level === undefined ? {} : { level: q.level }),
    ...(q.severity === undefined ? {} : { severity: q.severity }),
    ...(q.text === undefined ? {} : { text: q.text }),
  };
  const since = moment('since', q.since);
  const until = moment('until', q.until);
  if (since !== undefined) f.since = since;
  if (until !== undefined) f.until = until;
  return f;
}

/** The query-string schema of the filters (shared with the export). */
export const EVENT_FILTER_SCHEMA = {
  agent: S.uuid,
  user: S.text(256),
  // Repeatable (?type=a&type=b) or comma-separated (?type=a,b).
  type: S.repeatable(S.text(640), 50),
  level: S.text(16),
  severity: S.enumOf(SEVERITIES),
  since: S.text(40),
  until: S.text(40),
  text: S.text(200),
};

export function eventRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Querystring: EventsQuery }>(
    '/api/v1/events',
    {
      schema: S.query({
        ...EVENT_FILTER_SCHEMA,
        after: S.text(200),
        limit: S.qint,
        order: S.enumOf(['asc', 'desc']),
      }),
      preValidation: requireStaff(deps, 'any'),
    },
    async (req) => {
      const q = req.query;
      const f: ConsoleEventFilter = {
        ...eventFilter(q),
        limit: queryInt('limit', q.limit, 1, EVENTS_LIMIT_MAX) ?? EVENTS_LIMIT_DEFAULT,
        ...(q.after === undefined ? {} : { after: q.after }),
        ...(q.order === undefined ? {} : { order: q.order }),
      };
      return deps.store.queryEvents(f);
    },
  );
}
