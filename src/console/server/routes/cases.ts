// Cases of the early-warning process (issue 13 §5; rules: core/console/cases.ts; storage:
// store/cases-sql.ts). Reading is for every staff role; opening and changing a case is for
// admin and analyst (DESIGN.md: analysts work on alerts and cases), each change one audit row
// `case.opened` / `case.changed` written in the change's own transaction.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CONSOLE_API_CODES, type ConsoleApiCode } from '../../../core/codes/console.js';
import { ALERT_STAGES } from '../../../core/console/alerts.js';
import {
  CASE_LINKS_MAX,
  CASE_NOTE_MAX,
  CASE_TITLE_MAX,
  type CaseChange,
  type CaseEventRef,
  type CaseRow,
  type CaseStage,
} from '../../../core/console/cases.js';
import { isBaomiError } from '../../../core/errors.js';
import type { Json, Severity } from '../../../core/events/types.js';
import { SEVERITIES } from '../../../core/events/types.js';
import { requireStaff } from '../../auth/staff.js';
import type { CaseDetail } from '../../store/types.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import { queryInt, S } from '../schemas.js';

const ID = { type: 'string', pattern: '^[1-9][0-9]{0,14}$' };
const ALERT_ID = S.int(1, Number.MAX_SAFE_INTEGER);
const params = { params: S.object({ id: ID }, ['id']) };

const API_CODES: ReadonlySet<string> = new Set(CONSOLE_API_CODES);

/** A store refusal with an API code becomes that answer (the rest is the server's failure). */
async function answer<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (isBaomiError(e) && API_CODES.has(e.code))
      throw new ApiError(e.code as ConsoleApiCode, e.params);
    throw e;
  }
}

export function caseRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;
  const writers = requireStaff(deps, ['admin', 'analyst']);

  /** One change: the case, or 404. */
  async function change(req: FastifyRequest<{ Params: { id: string } }>, c: CaseChange) {
    const id = Number(req.params.id);
    const done = await answer(
      store.changeCase(id, c, (before: CaseRow) =>
        deps.auditRow(req, 'case.changed', `case:${id}`, details(before, c)),
      ),
    );
    if (!done) throw new ApiError('CONSOLE_NOT_FOUND', { what: 'case', id: String(id) });
    return done;
  }

  app.get<{
    Querystring: {
      stage?: CaseStage;
      assignee?: string;
      overdue?: 'true' | 'false';
      before?: string;
      limit?: string;
    };
  }>(
    '/api/v1/cases',
    {
      schema: S.query({
        stage: S.enumOf(ALERT_STAGES),
        assignee: S.name,
        overdue: S.enumOf(['true', 'false']),
        before: S.qint,
        limit: S.qint,
      }),
      preValidation: requireStaff(deps, 'any'),
    },
    async (req) => {
      const limit = queryInt('limit', req.query.limit, 1, 500) ?? 100;
      const before = queryInt('before', req.query.before, 1, Number.MAX_SAFE_INTEGER);
      const cases = await store.listCases({
        limit,
        ...(req.query.stage ? { stage: req.query.stage } : {}),
        ...(req.query.assignee ? { assignee: req.query.assignee } : {}),
        ...(req.query.overdue === 'true' ? { overdueAt: deps.now() } : {}),
        ...(before !== undefined ? { before } : {}),
      });
      return { cases, next: cases.length === limit ? String(cases.at(-1)!.id) : null };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/cases/:id',
    { schema: params, preValidation: requireStaff(deps, 'any') },
    async (req): Promise<CaseDetail> => {
      const c = await store.getCase(Number(req.params.id));
      if (!c) throw new ApiError('CONSOLE_NOT_FOUND', { what: 'case', id: req.params.id });
      return c;
    },
  );

  app.post<{ Body: { title: string; alertIds: number[]; assignee?: string; note?: string } }>(
    '/api/v1/cases',
    {
      schema: S.body(
        {
          title: S.text(CASE_TITLE_MAX),
          alertIds: { type: 'array', items: ALERT_ID, minItems: 1, maxItems: CASE_LINKS_MAX },
          assignee: S.name,
          note: S.text(CASE_NOTE_MAX),
        },
        ['title', 'alertIds'],
      ),
      preValidation: writers,
    },
    async (req) =>
      answer(
        store.openCase(
          {
            title: req.body.title,
            alertIds: req.body.alertIds,
            by: req.staff!.user.name,
            at: deps.now(),
            ...(req.body.assignee !== undefined ? { assignee: req.body.assignee } : {}),
            ...(req.body.note !== undefined ? { note: req.body.note } : {}),
          },
          (c) =>
            deps.auditRow(req, 'case.opened', `case:${c.id}`, {
              title: c.title,
              alerts: c.alertIds,
              stage: c.stage,
              assignee: c.assignee,
            }),
        ),
      ),
  );

  app.post<{
    Params: { id: string };
    Body: { stage: CaseStage; note: string; severity?: Severity; outcome?: string };
  }>(
    '/api/v1/cases/:id/stage',
    {
      schema: {
        ...params,
        ...S.body(
          {
            stage: S.enumOf(ALERT_STAGES),
            note: S.text(CASE_NOTE_MAX),
            severity: S.enumOf(SEVERITIES),
            outcome: S.text(CASE_NOTE_MAX),
          },
          ['stage', 'note'],
        ),
      },
      preValidation: writers,
    },
    async (req) =>
      change(req, {
        kind: 'stage',
        stage: req.body.stage,
        note: req.body.note,
        by: req.staff!.user.name,
        at: deps.now(),
        ...(req.body.severity !== undefined ? { severity: req.body.severity } : {}),
        ...(req.body.outcome !== undefined ? { outcome: req.body.outcome } : {}),
      }),
  );

  app.post<{ Params: { id: string }; Body: { text: string } }>(
    '/api/v1/cases/:id/notes',
    {
      schema: { ...params, ...S.body({ text: S.text(CASE_NOTE_MAX) }, ['text']) },
      preValidation: writers,
    },
    async (req) =>
      change(req, { kind: 'note', text: req.body.text, by: req.staff!.user.name, at: deps.now() }),
  );

  app.post<{ Params: { id: string }; Body: { assignee: string | null } }>(
    '/api/v1/cases/:id/assign',
    {
      schema: {
        ...params,
        ...S.body({ assignee: { anyOf: [S.name, { type: 'null' }] } }, ['assignee']),
      },
      preValidation: writers,
    },
    async (req) =>
      change(req, {
        kind: 'assign',
        assignee: req.body.assignee,
        by: req.staff!.user.name,
        at: deps.now(),
      }),
  );

  app.post<{ Params: { id: string }; Body: { alertIds: number[] } }>(
    '/api/v1/cases/:id/alerts',
    {
      schema: {
        ...params,
        ...S.body(
          {
            alertIds: { type: 'array', items: ALERT_ID, minItems: 1, maxItems: CASE_LINKS_MAX },
          },
          ['alertIds'],
        ),
      },
      preValidation: writers,
    },
    async (req) =>
      change(req, {
        kind: 'alerts',
        alertIds: req.body.alertIds,
        by: req.staff!.user.name,
        at: deps.now(),
      }),
  );

  app.post<{ Params: { id: string }; Body: { events: CaseEventRef[] } }>(
    '/api/v1/cases/:id/events',
    {
      schema: {
        ...params,
        ...S.body(
          {
            events: {
              type: 'array',
              minItems: 1,
              maxItems: CASE_LINKS_MAX,
              items: S.object({ agentId: S.uuid, seq: S.int(1, Number.MAX_SAFE_INTEGER) }, [
                'agentId',
                'seq',
              ]),
            },
          },
          ['events'],
        ),
      },
      preValidation: writers,
    },
    async (req) =>
      change(req, {
        kind: 'events',
        events: req.body.events,
        by: req.staff!.user.name,
        at: deps.now(),
      }),
  );
}

/** The audit row's details of a change: what was asked and the stage it was made from. */
function details(before: CaseRow, c: CaseChange): Record<string, Json> {
  const { by: _b, at: _a, ...asked } = c;
  return { ...(asked as unknown as Record<string, Json>), from: before.stage };
}
