// `baomi console alerts`, `baomi console alert ID --state STATE --note TEXT` (a change of an
// alert's stage), `baomi console requests`, and the decisions on exception requests:
// `baomi console approve ID --note TEXT [--hours N]` and `baomi console deny ID --note TEXT`.
// An approval is a BMX1 token the console signs for the one person, device and computer of
// the request; the agent gets it at its next sync (core/console/api.ts).
import type { Command } from 'commander';
import { ALERT_STAGE_ALIASES, ALERT_STAGES, alertStageOf } from '../../core/console/alerts.js';
import type { AgentView, AlertView, RequestView } from '../../core/console/api.js';
import { BaomiError } from '../../core/errors.js';
import { MAX_WINDOW_DAYS } from '../../core/exceptions/limits.js';
import { parseToken } from '../../core/exceptions/token.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { CommandContext } from '../context.js';
import { jsonLine } from '../printable.js';
import type { StaffClient } from '../staff/client.js';
import { choice, flagsOf, type StaffFlags, wholeNumber, withStaff } from '../staff/open.js';
import { type Column, note, out, printRecord, printRows, when } from '../staff/output.js';
import { printPaged } from '../staff/paged.js';
import { parseLimit } from '../time.js';

export const ALERT_STATES = ALERT_STAGES;
export const REQUEST_STATES = ['pending', 'approved', 'denied'] as const;
/** Alerts asked for at once (the console lists at most 1000: routes/requests.ts). */
const ALERTS_PAGE = 1000;
/** Longest approval window the console signs (31 days, in hours). */
const HOURS_MAX = MAX_WINDOW_DAYS * 24;

/** Host names by agent id, for rows that carry only the id. */
async function hosts(c: StaffClient): Promise<Map<string, string>> {
  const { agents } = await c.get<{ agents: AgentView[] }>('/api/v1/agents');
  return new Map(agents.map((a) => [a.id, a.host]));
}

interface AlertsFlags extends StaffFlags {
  state?: string;
  agent?: string;
  type?: string[];
  limit?: string;
}

/** A stage by its name or its English alias (as `alert ID --state` takes it), or bad usage. */
function stageFilter(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const stage = alertStageOf(value);
  if (stage) return stage;
  throw new BaomiError(
    'CLI_BAD_CHOICE',
    {
      option: '--state',
      value,
      choices: [...ALERT_STAGES, ...Object.keys(ALERT_STAGE_ALIASES)].join(', '),
    },
    2,
  );
}

/** `baomi console alerts`: newest first, every page unless --limit (pages of ALERTS_PAGE). */
export async function alerts(ctx: CommandContext, _o: unknown, cmd: Command): Promise<number> {
  const f = flagsOf<AlertsFlags>(cmd);
  const state = stageFilter(f.state);
  const limit = parseLimit(f.limit);
  if (f.type?.some((x) => x.trim() === ''))
    throw new BaomiError('CLI_EMPTY_VALUE', { option: '--type' }, 2);
  return withStaff(ctx, f, async (c) => {
    const host = await hosts(c);
    const cols: Column<AlertView>[] = [
      { name: 'id', cell: (a) => String(a.id) },
      { name: 'time', cell: () => '', time: (a) => a.ts },
      ...(f.csv ? [{ name: 'agent', cell: (a: AlertView) => a.agentId ?? '' }] : []),
      { name: 'host', cell: (a) => (a.agentId ? (host.get(a.agentId) ?? '') : '') },
      { name: 'type', cell: (a) => a.type },
      { name: 'severity', cell: (a) => a.severity },
      { name: 'state', cell: (a) => a.state },
      { name: 'seq', cell: (a) => (a.seq === null ? '' : String(a.seq)) },
      { name: 'data', cell: (a) => jsonLine(a.data) },
    ];
    const { shown, more } = await printPaged(
      c,
      {
        path: '/api/v1/alerts',
        key: 'alerts',
        query: { state, agent: f.agent, type: f.type },
        page: ALERTS_PAGE,
        limit,
        cols,
        none: ctx.t('cli.staff.alerts.none'),
      },
      f,
      ctx.t,
    );
    // Cut by --limit: said when older alerts match (never a silent "that is all").
    if (more) note(ctx.t('cli.staff.alerts.cut', { shown, limit }));
    return 0;
  });
}

interface AlertFlags extends StaffFlags {
  state: string;
  note: string;
}

/** `baomi console alert ID --state STATE --note TEXT`: prints the alert as it is after. */
export async function alert(
  ctx: CommandContext,
  id: string,
  _o: unknown,
  cmd: Command,
): Promise<number> {
  const f = flagsOf<AlertFlags>(cmd);
  const state = alertStageOf(f.state);
  if (!state)
    throw new BaomiError(
      'CLI_BAD_CHOICE',
      {
        option: '--state',
        value: f.state,
        choices: [...ALERT_STAGES, ...Object.keys(ALERT_STAGE_ALIASES)].join(', '),
      },
      2,
    );
  // The console checks the id and the note (400 with what is wrong); the id goes as typed.
  return withStaff(ctx, f, async (c) => {
    const a = await c.post<AlertView>(`/api/v1/alerts/${encodeURIComponent(id)}/state`, {
      state,
      note: f.note,
    });
    const host = a.agentId ? (await hosts(c)).get(a.agentId) : undefined;
    const label = (k: string) => ctx.t(`cli.staff.label.${k}`);
    printRecord(
      [
        [label('alert'), String(a.id)],
        [label('time'), when(a.ts, f.utc)],
        [label('agent'), a.agentId ? `${host ?? ''} (${a.agentId})`.trim() : ''],
        [label('type'), a.type],
        [label('severity'), a.severity],
        [label('seq'), a.seq === null ? '' : String(a.seq)],
        [label('state'), a.state],
        [label('changedBy'), a.stateBy ?? ''],
        [label('changed'), when(a.stateAt, f.utc)],
        [label('note'), a.stateNote ?? ''],
        [label('data'), jsonLine(a.data)],
      ],
      a,
      f.json,
    );
    return 0;
  });
}

interface RequestsFlags extends StaffFlags {
  state?: string;
  agent?: string;
}

function requestColumns(t: Translate, host: Map<string, string>, csv: boolean) {
  const cols: Record<string, Column<RequestView>> = {
    id: { name: 'id', cell: (r) => r.id },
    requested: { name: 'requested', cell: () => '', time: (r) => r.requestedAt },
    agent: { name: 'agent', cell: (r) => r.agentId },
    host: { name: 'host', cell: (r) => host.get(r.agentId) ?? '' },
    user: { name: 'user', cell: (r) => r.user ?? '' },
    device: {
      name: 'device',
      cell: (r) => (csv || !r.deviceLabel ? r.device : `${r.deviceLabel} (${r.device})`),
    },
    label: { name: 'device_label', cell: (r) => r.deviceLabel ?? '' },
    reason: { name: 'reason', cell: (r) => r.reason },
    state: { name: 'state', cell: (r) => (csv ? r.state : t(`cli.staff.request.${r.state}`)) },
    decidedBy: { name: 'decided_by', cell: (r) => r.decidedBy ?? '' },
    decided: { name: 'decided', cell: () => '', time: (r) => r.decidedAt },
    note: { name: 'note', cell: (r) => r.note ?? '' },
    delivered: { name: 'delivered', cell: () => '', time: (r) => r.deliveredAt },
  };
  const names = csv
    ? Object.keys(cols)
    : ['id', 'requested', 'host', 'user', 'device', 'reason', 'state', 'decidedBy', 'note'];
  return names.map((n) => cols[n]!);
}

export async function requests(ctx: CommandContext, _o: unknown, cmd: Command): Promise<number> {
  const f = flagsOf<RequestsFlags>(cmd);
  const state = choice('--state', f.state, REQUEST_STATES);
  return withStaff(ctx, f, async (c) => {
    const { requests: rows } = await c.get<{ requests: RequestView[] }>('/api/v1/requests', {
      state,
      agent: f.agent,
    });
    const host = await hosts(c);
    printRows(
      rows,
      requestColumns(ctx.t, host, Boolean(f.csv)),
      f,
      ctx.t,
      ctx.t('cli.staff.requests.none'),
    );
    return 0;
  });
}

interface DecideFlags extends StaffFlags {
  note: string;
  hours?: string;
}

async function decide(
  ctx: CommandContext,
  id: string,
  cmd: Command,
  approve: boolean,
): Promise<number> {
  const f = flagsOf<DecideFlags>(cmd);
  const hours = approve ? wholeNumber('--hours', f.hours, 1, HOURS_MAX) : undefined;
  return withStaff(ctx, f, async (c) => {
    const r = await c.post<RequestView>(`/api/v1/requests/${encodeURIComponent(id)}/decision`, {
      approve,
      note: f.note,
      ...(hours === undefined ? {} : { hours }),
    });
    if (f.json) {
      out(`${jsonLine(r)}\n`);
      return 0;
    }
    const device = r.deviceLabel ? `${r.deviceLabel} (${r.device})` : r.device;
    const parsed = r.token ? parseToken(r.token) : null;
    const payload = parsed?.ok ? parsed.token.payload : null;
    const params = {
      id: r.id,
      user: r.user ?? '?',
      device,
      host: payload?.host ?? '',
      until: when(payload?.notAfter, f.utc),
    };
    out(`${ctx.t(approve ? 'cli.staff.approved' : 'cli.staff.denied', params)}\n`);
    return 0;
  });
}

export function approve(ctx: CommandContext, id: string, _o: unknown, cmd: Command) {
  return decide(ctx, id, cmd, true);
}

export function deny(ctx: CommandContext, id: string, _o: unknown, cmd: Command) {
  return decide(ctx, id, cmd, false);
}
