// GET /api/v1/reports/departments?from=MS&to=MS&fromDate=YYYY-MM-DD&toDate=YYYY-MM-DD
// [&format=json|csv] — the confidentiality office's report (issue 13 §9, core/console/
// reports.ts): per department, over [from, to) (the page sends the viewer's week or month),
// what the store counted per enrollment group, added up, beside the agents enrolled and those
// not reporting now. `fromDate`/`toDate` are the same period as the viewer's dates (the
// agents date their idle totals in their own zones); without them, the UTC dates of from/to.
// Any staff role reads it; the CSV is the same rows (a download, no audit row: it names no
// person, only departments' totals).
import type { FastifyInstance } from 'fastify';
import { isIdleDate } from '../../../core/console/overview.js';
import {
  addCounts,
  type DepartmentRow,
  emptyCounts,
  REPORT_MAX_DAYS,
  type ReportQuery,
  type ReportView,
  reportCsv,
} from '../../../core/console/reports.js';
import { requireStaff } from '../../auth/staff.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import { queryInt, S } from '../schemas.js';
import { agentView } from '../views.js';

const DAY_MS = 86_400_000;
const FORMATS = ['json', 'csv'] as const;

function bad(detail: string): ApiError {
  return new ApiError('CONSOLE_BAD_REQUEST', { detail });
}

function date(name: string, v: string | undefined, ms: number): string {
  const d = v ?? new Date(ms).toISOString().slice(0, 10);
  if (!isIdleDate(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))
    throw bad(`querystring/${name} must be a date, YYYY-MM-DD`);
  return d;
}

export function period(q: {
  from?: string;
  to?: string;
  fromDate?: string;
  toDate?: string;
}): ReportQuery {
  const from = queryInt('from', q.from, 0, 8.64e15);
  const to = queryInt('to', q.to, 0, 8.64e15);
  if (from === undefined || to === undefined) throw bad('querystring/from and to are required');
  if (to <= from) throw bad('querystring/to must be after from');
  if (to - from > REPORT_MAX_DAYS * DAY_MS)
    throw bad(`querystring: a report covers at most ${REPORT_MAX_DAYS} days`);
  const fromDate = date('fromDate', q.fromDate, from);
  const toDate = date('toDate', q.toDate, to);
  if (toDate <= fromDate) throw bad('querystring/toDate must be after fromDate');
  return { from, to, fromDate, toDate };
}

async function build(deps: Deps, q: ReportQuery): Promise<ReportView> {
  const now = deps.now();
  const [counts, agents, groups] = await Promise.all([
    deps.store.reportCounts(q),
    deps.store.listAgents(),
    deps.store.listGroups(),
  ]);
  const departmentOf = new Map(groups.map((g) => [g.name, g.department ?? null]));
  const rows = new Map<string | null, DepartmentRow>();
  const row = (group: string) => {
    const department = departmentOf.get(group) ?? null;
    let r = rows.get(department);
    if (!r) {
      const { group: _, ...zero } = emptyCounts('');
      r = { department, groups: [], agents: 0, notReporting: 0, ...zero };
      rows.set(department, r);
    }
    if (!r.groups.includes(group)) r.groups.push(group);
    return r;
  };
  const byName = new Map(groups.map((g) => [g.name, g]));
  for (const a of agents) {
    const v = agentView(a, byName.get(a.group), now, deps.syncIntervalMs, deps.lastSeen.peek(a.id));
    if (v.state === 'revoked') continue;
    const r = row(a.group);
    r.agents++;
    if (v.state === 'silent' || v.state === 'never') r.notReporting++;
  }
  for (const c of counts) addCounts(row(c.group), c);
  const departments = [...rows.values()].sort((a, b) =>
    a.department === null
      ? 1
      : b.department === null
        ? -1
        : a.department.localeCompare(b.department),
  );
  for (const d of departments) d.groups.sort();
  return { ...q, at: now, departments };
}

export function reportRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{
    Querystring: {
      from?: string;
      to?: string;
      fromDate?: string;
      toDate?: string;
      format?: (typeof FORMATS)[number];
    };
  }>(
    '/api/v1/reports/departments',
    {
      schema: S.query({
        from: S.qint,
        to: S.qint,
        fromDate: S.text(10),
        toDate: S.text(10),
        format: S.enumOf(FORMATS),
      }),
      preValidation: requireStaff(deps, 'any'),
    },
    async (req, reply) => {
      const view = await build(deps, period(req.query));
      if (req.query.format !== 'csv') return view;
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="baomi-report-${view.fromDate}-${view.toDate}.csv"`,
        )
        .send(reportCsv(view));
    },
  );
}
