// The per-person export (issue 12 point 6: access requests under PIPL): every record the
// console holds about one employee, as one JSON document or one CSV file. Pure: the server
// streams what these functions write (routes/people.ts), the staff CLI checks what it
// received with them (`baomi console person-export`), and tests read a CSV back with them.
//
// Both forms end with the number of rows they hold, so a download cut short is seen:
// - JSON: one document, one line per record (JSON.stringify never writes a raw newline):
//     {"format":"baomi-person-export/1","user":…,"exportedAt":…,"exportedBy":…,"auditSeq":…,"notes":[…],
//     "events":[
//     {…}
//     ,{…}
//     ],
//     "requests":[ … ],
//     "alerts":[ … ],
//     "cases":[ … ],
//     "counts":{"events":N,"requests":N,"alerts":N,"cases":N,"rows":N}}
// - CSV (RFC 4180, CRLF): a header, an `export` row (who, when, the audit row), one row per
//   record with a `record` column (event | request | alert | case) and stable columns, and an
//   `end` row whose `data` holds the counts.
//
// SECURITY: every string in it came from a workstation (paths, host names, the user name
// itself) or from staff: hostile. A CSV cell that a spreadsheet would run as a formula (it
// starts with = + - @, a tab or a CR, or their full-width forms) gets a leading apostrophe;
// so does a cell that starts with an apostrophe, so reading it back (strip one) is exact.
// Cases (core/console/cases.ts) that name the person: a case gathering an alert about them or
// holding one of their events. A case may also hold other people's alerts and events: those
// are withheld (only how many: `otherRecords`), and the history's lists of alerts and events
// are cut to the person's own (exportedCase). The staff's notes are the person's data too.

import { type Cell, csvCell, decodeCsvCell } from '../csv.js';
import type { BaomiEvent, Json, Severity } from '../events/types.js';
import type { AlertStage } from './alerts.js';
import type { RequestView } from './api.js';
import type { CaseEntry, CaseEventRef, CaseRow } from './cases.js';

export { CsvReader, csvCell, decodeCsvCell } from '../csv.js';

export const PERSON_EXPORT_FORMAT = 'baomi-person-export/1';
export const PERSON_EXPORT_FORMATS = ['json', 'csv'] as const;
export type PersonExportFormat = (typeof PERSON_EXPORT_FORMATS)[number];

/** The kinds of record, in the order of the sections. */
export const PERSON_RECORD_KINDS = ['event', 'request', 'alert', 'case'] as const;
export type PersonRecordKind = (typeof PERSON_RECORD_KINDS)[number];

/** An event as the console stores it (the agent's event plus where and when it arrived). */
export interface ExportedEvent extends BaomiEvent {
  agentId: string;
  receivedAt: number;
}

/** An exception request the person made. The approval token itself is withheld (a credential
 *  for the device exception, not information about the person): `tokenIssued` says whether
 *  one was. */
export type ExportedRequest = Omit<RequestView, 'token'> & { tokenIssued: boolean };

/** An alert raised from one of the person's events. */
export interface ExportedAlert {
  id: number;
  agentId: string | null;
  ts: number;
  type: string;
  severity: Severity;
  seq: number | null;
  data: { [k: string]: Json };
  state: AlertStage;
  user?: string;
  stateBy?: string;
  stateAt?: number;
  stateNote?: string;
}

/** A case that names the person, cut to what is about them (exportedCase). */
export interface ExportedCase extends Omit<CaseRow, 'alertIds'> {
  /** The person's alerts in it. */
  alertIds: number[];
  /** The person's events attached to it. */
  events: CaseEventRef[];
  /** Alerts and events in it about other people: withheld, only counted. */
  otherRecords: number;
  /** Its history: who did what when (lists of alerts and events cut to the person's). */
  entries: CaseEntry[];
}

/** A case as the person's export shows it: other people's alerts and events left out. */
export function exportedCase(
  c: CaseRow & { events: CaseEventRef[]; entries: CaseEntry[] },
  mine: { alerts: ReadonlySet<number>; events: ReadonlySet<string> },
): ExportedCase {
  const ref = (e: CaseEventRef) => `${e.agentId}:${e.seq}`;
  const alertIds = c.alertIds.filter((id) => mine.alerts.has(id));
  const events = c.events.filter((e) => mine.events.has(ref(e)));
  const keep = (k: string, v: unknown): unknown => {
    if (!Array.isArray(v)) return v;
    if (k === 'alerts' || (k === 'added' && v.every((x) => typeof x === 'number')))
      return v.filter((x) => mine.alerts.has(x as number));
    if (k === 'added') return v.filter((x) => mine.events.has(String(x)));
    return v;
  };
  // Field by field, never `...c`: what the store hands over may carry more (the alerts
  // themselves, other people's among them), and only these leave.
  return {
    id: c.id,
    title: c.title,
    stage: c.stage,
    severity: c.severity,
    openedBy: c.openedBy,
    openedAt: c.openedAt,
    assignee: c.assignee,
    dueAt: c.dueAt,
    updatedAt: c.updatedAt,
    outcome: c.outcome,
    alertIds,
    events,
    otherRecords: c.alertIds.length - alertIds.length + (c.events.length - events.length),
    entries: c.entries.map((e) => ({
      ...e,
      data: Object.fromEntries(
        Object.entries(e.data).map(([k, v]) => [k, keep(k, v)]),
      ) as CaseEntry['data'],
    })),
  };
}

export interface PersonExportHeader {
  format: typeof PERSON_EXPORT_FORMAT;
  user: string;
  exportedAt: number;
  exportedBy: string;
  /** The seq of the `person.exported` audit row written before the export began. */
  auditSeq: number;
  notes: { en: string; 'zh-CN': string }[];
}

export interface PersonExportCounts {
  events: number;
  requests: number;
  alerts: number;
  cases: number;
  /** Every record row of the export (events + requests + alerts + cases). */
  rows: number;
}

/** What every export says about itself, in both languages. */
export const PERSON_EXPORT_NOTES: PersonExportHeader['notes'] = [
  {
    en: 'An event’s user is the person logged in at the workstation’s console when it was recorded (the seat user), not necessarily who made a file change: the operating system does not say who did.',
    'zh-CN':
      '事件的用户是记录时在该工作站控制台登录的人（座席用户），不一定是修改文件的人：操作系统不提供操作者。',
  },
  {
    en: 'Events, exception requests and alerts are matched on this exact user name (case included). Files whose owner is this person but that were changed while someone else was logged in are not in this export.',
    'zh-CN':
      '事件、例外申请和告警按此用户名精确匹配（区分大小写）。文件所有者是此人、但修改时登录的是他人的记录不在本导出中。',
  },
  {
    en: 'Cases are those that gather an alert about this person or hold one of their events, with their history and staff notes; other people’s alerts and events in a case are withheld (otherRecords counts them).',
    'zh-CN':
      '案件指汇集了涉及此人的告警或包含其事件的案件，附其处理记录和工作人员备注；案件中涉及他人的告警和事件不导出（otherRecords 为其数量）。',
  },
  {
    en: 'Approval tokens of exception requests are withheld (tokenIssued says whether one was issued).',
    'zh-CN': '例外申请的批准令牌不导出（tokenIssued 表示是否已签发）。',
  },
];

export function countsOf(c: { events: number; requests: number; alerts: number; cases: number }) {
  const counts: PersonExportCounts = {
    events: c.events,
    requests: c.requests,
    alerts: c.alerts,
    cases: c.cases,
    rows: c.events + c.requests + c.alerts + c.cases,
  };
  return counts;
}

// JSON ----------------------------------------------------------------------------------------

/** JSON sections, in order; each is opened, filled one record per line, and closed. */
export const JSON_SECTIONS: Record<PersonRecordKind, string> = {
  event: 'events',
  request: 'requests',
  alert: 'alerts',
  case: 'cases',
};

/** The first line: the document's fields before the sections (ends with a comma). */
export function jsonHead(h: PersonExportHeader): string {
  const s = JSON.stringify(h);
  return `${s.slice(0, -1)},\n`;
}

export function jsonSectionOpen(kind: PersonRecordKind): string {
  return `"${JSON_SECTIONS[kind]}":[\n`;
}

/** One record line; every record but a section's first starts with the comma. */
export function jsonRecord(record: object, first: boolean): string {
  return `${first ? '' : ','}${JSON.stringify(record)}\n`;
}

export function jsonSectionClose(): string {
  return '],\n';
}

/** The last line: the counts, closing the document. */
export function jsonTail(counts: PersonExportCounts): string {
  return `"counts":${JSON.stringify(counts)}}\n`;
}

/** A record line of the JSON form (a line after the first that starts an object). */
export function isJsonRecordLine(line: string, lineNo: number): boolean {
  return lineNo > 0 && (line.startsWith('{"') || line.startsWith(',{"'));
}

/** The counts of a JSON export's last line, or null when that line is not the end. */
export function jsonTailCounts(lastLine: string): PersonExportCounts | null {
  const m = /^"counts":(\{.*\})\}$/.exec(lastLine);
  if (!m) return null;
  try {
    return JSON.parse(m[1]!) as PersonExportCounts;
  } catch {
    return null;
  }
}

// CSV -----------------------------------------------------------------------------------------

export const CSV_COLUMNS = [
  'record',
  'id',
  'agent_id',
  'seq',
  'ts',
  'time',
  'received_at',
  'type',
  'severity',
  'level',
  'user',
  'host',
  'data',
  'prev_hash',
  'hash',
  'state',
  'device',
  'device_label',
  'reason',
  'decided_by',
  'decided_at',
  'note',
  'delivered_at',
  'token_issued',
  'state_by',
  'state_at',
  'state_note',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

function csvLine(cells: Partial<Record<Column, Cell>>): string {
  return `${CSV_COLUMNS.map((c) => csvCell(cells[c])).join(',')}\r\n`;
}

const iso = (ms: number) => {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
};

/** The first line: a UTF-8 BOM (so spreadsheets read the Chinese text right) and the names. */
export function csvHeaderLine(): string {
  return `\ufeff${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvHeadRow(h: PersonExportHeader): string {
  return csvLine({
    record: 'export',
    user: h.user,
    ts: h.exportedAt,
    time: iso(h.exportedAt),
    data: JSON.stringify({
      format: h.format,
      exportedBy: h.exportedBy,
      auditSeq: h.auditSeq,
      notes: h.notes,
    }),
  });
}

export function csvEventRow(e: ExportedEvent): string {
  return csvLine({
    record: 'event',
    id: e.id,
    agent_id: e.agentId,
    seq: e.seq,
    ts: e.ts,
    time: iso(e.ts),
    received_at: e.receivedAt,
    type: e.type,
    severity: e.severity,
    level: e.level,
    user: e.user,
    host: e.host,
    data: JSON.stringify(e.data),
    prev_hash: e.prevHash,
    hash: e.hash,
  });
}

export function csvRequestRow(r: ExportedRequest): string {
  return csvLine({
    record: 'request',
    id: r.id,
    agent_id: r.agentId,
    ts: r.requestedAt,
    time: iso(r.requestedAt),
    user: r.user,
    state: r.state,
    device: r.device,
    device_label: r.deviceLabel,
    reason: r.reason,
    decided_by: r.decidedBy,
    decided_at: r.decidedAt,
    note: r.note,
    delivered_at: r.deliveredAt,
    token_issued: r.tokenIssued,
  });
}

export function csvAlertRow(a: ExportedAlert): string {
  return csvLine({
    record: 'alert',
    id: a.id,
    agent_id: a.agentId,
    seq: a.seq,
    ts: a.ts,
    time: iso(a.ts),
    type: a.type,
    severity: a.severity,
    user: a.user,
    data: JSON.stringify(a.data),
    state: a.state,
    state_by: a.stateBy,
    state_at: a.stateAt,
    state_note: a.stateNote,
  });
}

export function csvCaseRow(c: ExportedCase): string {
  const { id, openedAt, severity, stage, ...rest } = c;
  return csvLine({
    record: 'case',
    id,
    ts: openedAt,
    time: iso(openedAt),
    severity,
    state: stage,
    data: JSON.stringify(rest),
  });
}

/** The last row: `end`, its data the counts. */
export function csvEndRow(counts: PersonExportCounts): string {
  return csvLine({ record: 'end', data: JSON.stringify(counts) });
}

/** The counts of a CSV export's last record, or null when it is not the `end` row. */
export function csvEndCounts(record: (string | null)[]): PersonExportCounts | null {
  if (record.length !== CSV_COLUMNS.length || decodeCsvCell(record[0] ?? null) !== 'end')
    return null;
  try {
    return JSON.parse(
      decodeCsvCell(record[CSV_COLUMNS.indexOf('data')] ?? null) ?? '',
    ) as PersonExportCounts;
  } catch {
    return null;
  }
}
