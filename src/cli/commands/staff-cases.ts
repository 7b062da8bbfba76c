// `baomi console cases [--stage S] [--assignee NAME] [--overdue] [--limit N]`, the cases of the
// early-warning process (预报 → 调查 → 初步评估 → 处置 → 结案; core/console/cases.ts), newest
// first, complete unless --limit (pages of 500 with `before`); `baomi console case ID`, one case
// with its alerts, attached events and history, or one change of it (admin, analyst):
//   --stage STAGE --note TEXT [--severity S] [--outcome TEXT]   move it (routes/cases.ts)
//   --add-note TEXT | --assign NAME | --unassign | --add-alert ID… | --add-event AGENT:SEQ…
// printing the case as it is after; and `baomi console case open --title T --alert ID…
// [--assignee NAME] [--note TEXT]`. What the console refuses (a role, a move the stage rule
// does not allow, 初步评估 without the severity found, 处置 without the outcome, a closed case,
// an alert in another case, an id that does not exist) is said in its own words.
import type { Command } from 'commander';
import type { CaseDetail } from '../../console/store/types.js';
import { ALERT_STAGE_ALIASES, ALERT_STAGES, alertStageOf } from '../../core/console/alerts.js';
import type { AgentView } from '../../core/console/api.js';
import type { CaseEntry, CaseEventRef, CaseRow, CaseStage } from '../../core/console/cases.js';
import { BaomiError } from '../../core/errors.js';
import { SEVERITIES } from '../../core/events/types.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { CommandContext } from '../context.js';
import { jsonLine } from '../printable.js';
import type { StaffClient } from '../staff/client.js';
import { choice, flagsOf, type StaffFlags, wholeNumber, withStaff } from '../staff/open.js';
import { type Column, note, out, printRecord, tableOf, when } from '../staff/output.js';
import { printPaged } from '../staff/paged.js';
import { parseLimit } from '../time.js';

/** The console's largest page of cases (routes/cases.ts). */
const PAGE = 500;
/** What a table writes for "none" (no due time at 结案, no assignee). */
const NONE = '—';

/** A stage by its Chinese name or English alias (as `alert --state`), else bad usage. */
function stageOf(option: string, value: string | undefined): CaseStage | undefined {
  if (value === undefined) return undefined;
  const stage = alertStageOf(value);
  if (!stage)
    throw new BaomiError(
      'CLI_BAD_CHOICE',
      {
        option,
        value,
        choices: [...ALERT_STAGES, ...Object.keys(ALERT_STAGE_ALIASES)].join(', '),
      },
      2,
    );
  return stage;
}

/** Host names by agent id (the API's rows carry only the id). */
async function hosts(c: StaffClient): Promise<Map<string, string>> {
  const { agents } = await c.get<{ agents: AgentView[] }>('/api/v1/agents');
  return new Map(agents.map((a) => [a.id, a.host]));
}

const overdue = (r: CaseRow, now: number) => r.dueAt !== null && r.dueAt < now;

export function caseColumns(t: Translate, csv: boolean, now: number): Column<CaseRow>[] {
  return [
    { name: 'id', cell: (r) => String(r.id) },
    { name: 'opened', cell: () => '', time: (r) => r.openedAt },
    { name: 'stage', cell: (r) => r.stage },
    { name: 'severity', cell: (r) => r.severity },
    { name: 'title', cell: (r) => r.title },
    { name: 'assignee', cell: (r) => r.assignee ?? (csv ? '' : NONE) },
    { name: 'due', cell: () => '', time: (r) => r.dueAt, ...(csv ? {} : { none: NONE }) },
    {
      name: 'overdue',
      // CSV: a word scripts compare; the table: a marker in the reader's language.
      cell: (r) =>
        csv ? String(overdue(r, now)) : overdue(r, now) ? t('cli.staff.case.overdue') : '',
    },
    { name: 'alerts', cell: (r) => String(r.alertIds.length) },
  ];
}

interface CasesFlags extends StaffFlags {
  stage?: string;
  assignee?: string;
  overdue?: boolean;
  limit?: string;
}

/** `baomi console cases`: newest first, every page unless --limit. */
export async function cases(ctx: CommandContext, _o: unknown, cmd: Command): Promise<number> {
  const f = flagsOf<CasesFlags>(cmd);
  const stage = stageOf('--stage', f.stage);
  const limit = parseLimit(f.limit);
  const cols = caseColumns(ctx.t, Boolean(f.csv), Date.now());
  return withStaff(ctx, f, async (c) => {
    const { shown, more } = await printPaged(
      c,
      {
        path: '/api/v1/cases',
        key: 'cases',
        query: { stage, assignee: f.assignee, overdue: f.overdue ? 'true' : undefined },
        page: PAGE,
        limit,
        cols,
        none: ctx.t('cli.staff.cases.none'),
      },
      f,
      ctx.t,
    );
    // Cut by --limit: say so when older cases match.
    if (more) note(ctx.t('cli.staff.cases.more', { shown, limit }));
    return 0;
  });
}

interface CaseFlags extends StaffFlags {
  stage?: string;
  note?: string;
  severity?: string;
  outcome?: string;
  addNote?: string;
  assign?: string;
  unassign?: boolean;
  addAlert?: readonly string[];
  addEvent?: readonly string[];
}

/** An alert id from a flag (a whole number), else bad usage. */
const alertIds = (option: string, values: readonly string[]) =>
  values.map((v) => wholeNumber(option, v, 1, Number.MAX_SAFE_INTEGER)!);

/** `AGENT:SEQ` (the agent's id, the event's seq), else bad usage. */
export function eventRef(value: string): CaseEventRef {
  const m = /^([^:]+):(\d{1,16})$/.exec(value.trim());
  const seq = m ? Number(m[2]) : 0;
  if (!m || !Number.isSafeInteger(seq) || seq < 1)
    throw new BaomiError('CONSOLE_CLIENT_BAD_EVENT_REF', { value }, 2);
  return { agentId: m[1]!, seq };
}

/** The one change the flags ask for: [API path, body], or null to show the case. */
export function caseChange(f: CaseFlags): [string, Record<string, unknown>] | null {
  const asked = [
    f.stage !== undefined,
    f.addNote !== undefined,
    f.assign !== undefined,
    f.unassign === true,
    f.addAlert !== undefined,
    f.addEvent !== undefined,
  ].filter(Boolean).length;
  if (asked > 1) throw new BaomiError('CONSOLE_CLIENT_CASE_CHANGE', {}, 2);
  const withMove = f.note !== undefined || f.severity !== undefined || f.outcome !== undefined;
  if ((f.stage === undefined && withMove) || (f.stage !== undefined && f.note === undefined))
    throw new BaomiError('CONSOLE_CLIENT_CASE_STAGE_NOTE', {}, 2);
  if (f.stage !== undefined) {
    const severity = choice('--severity', f.severity, SEVERITIES);
    // 初步评估 without --severity, 处置 without --outcome: the console says what is missing.
    return [
      'stage',
      {
        stage: stageOf('--stage', f.stage),
        note: f.note,
        ...(severity === undefined ? {} : { severity }),
        ...(f.outcome === undefined ? {} : { outcome: f.outcome }),
      },
    ];
  }
  if (f.addNote !== undefined) return ['notes', { text: f.addNote }];
  if (f.assign !== undefined) return ['assign', { assignee: f.assign }];
  if (f.unassign) return ['assign', { assignee: null }];
  if (f.addAlert !== undefined)
    return ['alerts', { alertIds: alertIds('--add-alert', f.addAlert) }];
  if (f.addEvent !== undefined) return ['events', { events: f.addEvent.map(eventRef) }];
  return null;
}

/** `baomi console case ID [one change]`: prints the case (as it is after a change). */
export async function caseCommand(
  ctx: CommandContext,
  id: string,
  _o: unknown,
  cmd: Command,
): Promise<number> {
  const f = flagsOf<CaseFlags>(cmd);
  const change = caseChange(f);
  // The console checks the id (400 for a malformed one, 404 for an unknown one): sent as typed.
  const path = `/api/v1/cases/${encodeURIComponent(id)}`;
  return withStaff(ctx, f, async (c) => {
    const detail = change
      ? await c.post<CaseDetail>(`${path}/${change[0]}`, change[1])
      : await c.get<CaseDetail>(path);
    await printCase(ctx.t, c, detail, f);
    return 0;
  });
}

interface OpenFlags extends StaffFlags {
  title: string;
  alert: string[];
  assignee?: string;
  note?: string;
}

/** `baomi console case open --title T --alert ID… [--assignee NAME] [--note TEXT]`. */
export async function caseOpen(ctx: CommandContext, _o: unknown, cmd: Command): Promise<number> {
  const f = flagsOf<OpenFlags>(cmd);
  const ids = alertIds('--alert', f.alert);
  return withStaff(ctx, f, async (c) => {
    const detail = await c.post<CaseDetail>('/api/v1/cases', {
      title: f.title,
      alertIds: ids,
      ...(f.assignee === undefined ? {} : { assignee: f.assignee }),
      ...(f.note === undefined ? {} : { note: f.note }),
    });
    await printCase(ctx.t, c, detail, f);
    return 0;
  });
}

/** The case's fields, then its alerts, events and history as tables; --json: the API's object. */
async function printCase(
  t: Translate,
  c: StaffClient,
  d: CaseDetail,
  f: { json?: boolean; utc?: boolean },
): Promise<void> {
  if (f.json) {
    out(`${jsonLine(d)}\n`);
    return;
  }
  const host = await hosts(c);
  const label = (k: string) => t(`cli.staff.label.${k}`);
  const late = overdue(d, Date.now());
  printRecord(
    [
      [label('case'), String(d.id)],
      [label('title'), d.title],
      [label('stage'), d.stage],
      [label('severity'), d.severity],
      [label('openedBy'), d.openedBy],
      [label('opened'), when(d.openedAt, f.utc)],
      [label('assignee'), d.assignee ?? NONE],
      [
        label('due'),
        d.dueAt === null
          ? NONE
          : `${when(d.dueAt, f.utc)}${late ? ` (${t('cli.staff.case.overdue')})` : ''}`,
      ],
      [label('updated'), when(d.updatedAt, f.utc)],
      [label('outcome'), d.outcome ?? ''],
    ],
    d,
    false,
  );
  const hostOf = (agentId: string | null) => (agentId ? (host.get(agentId) ?? '') : '');
  const section = (title: string, body: string) => out(`\n${title}\n${body}\n`);

  const alertCols: Column<CaseDetail['alerts'][number]>[] = [
    { name: 'id', cell: (a) => String(a.id) },
    { name: 'time', cell: () => '', time: (a) => a.ts },
    { name: 'host', cell: (a) => hostOf(a.agentId) },
    { name: 'type', cell: (a) => a.type },
    { name: 'severity', cell: (a) => a.severity },
    { name: 'state', cell: (a) => a.state },
  ];
  section(label('alerts'), tableOf(d.alerts, alertCols, t, f.utc));

  const eventCols: Column<CaseEventRef>[] = [
    { name: 'event', cell: (e) => `${hostOf(e.agentId) || e.agentId}:${e.seq}` },
    { name: 'agent', cell: (e) => e.agentId },
  ];
  section(
    label('events'),
    d.events.length ? tableOf(d.events, eventCols, t, f.utc) : t('cli.staff.case.noEvents'),
  );

  const entryCols: Column<CaseEntry>[] = [
    { name: 'time', cell: () => '', time: (e) => e.ts },
    { name: 'actor', cell: (e) => e.actor },
    { name: 'change', cell: (e) => t(`cli.staff.case.kind.${e.kind}`) },
    { name: 'what', cell: (e) => entryText(t, e, hostOf) },
  ];
  section(label('history'), tableOf(d.entries, entryCols, t, f.utc));
}

/** What one line of a case's history says, in the reader's language. */
export function entryText(t: Translate, e: CaseEntry, hostOf: (agentId: string) => string): string {
  const d = e.data;
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String).join(', ') : text(v));
  const parts: string[] = [];
  switch (e.kind) {
    case 'opened':
      parts.push(
        t('cli.staff.case.entry.opened', { title: text(d.title), alerts: list(d.alerts) }),
      );
      if (d.assignee) parts.push(t('cli.staff.case.entry.assignee', { name: text(d.assignee) }));
      if (d.note) parts.push(t('cli.staff.case.entry.note', { text: text(d.note) }));
      break;
    case 'stage':
      parts.push(`${text(d.from)} → ${text(d.to)}`);
      parts.push(t('cli.staff.case.entry.note', { text: text(d.note) }));
      if (d.severity)
        parts.push(
          t('cli.staff.case.entry.severity', {
            severity: text(d.severity),
            was: text(d.was),
            assessment: t(`cli.staff.case.assessment.${text(d.assessment)}`),
          }),
        );
      if (d.outcome) parts.push(t('cli.staff.case.entry.outcome', { text: text(d.outcome) }));
      break;
    case 'note':
      parts.push(text(d.text));
      break;
    case 'assigned':
      parts.push(`${text(d.from) || NONE} → ${text(d.to) || NONE}`);
      break;
    case 'alerts':
      parts.push(t('cli.staff.case.entry.alerts', { ids: list(d.added) || NONE }));
      break;
    case 'events': {
      const refs = Array.isArray(d.added) ? d.added.map(String) : [];
      const named = refs.map((r) => {
        const at = r.lastIndexOf(':');
        const h = at > 0 ? hostOf(r.slice(0, at)) : '';
        return h ? `${h}${r.slice(at)}` : r;
      });
      parts.push(t('cli.staff.case.entry.events', { refs: named.join(', ') || NONE }));
      break;
    }
    default:
      parts.push(jsonLine(d));
  }
  return parts.join(t('cli.listSeparator'));
}
