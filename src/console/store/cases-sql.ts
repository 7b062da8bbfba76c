// Cases (issue 13 §5; the rules: core/console/cases.ts) written ONCE for both engines: each
// operation is a generator that yields the statements it needs and receives their rows, so
// SQLite's store drives it synchronously inside its IMMEDIATE transaction and PostgreSQL's
// asynchronously inside one of its transactions (sqlite.ts / postgres.ts runCase). Statements
// use `?` placeholders (postgres.ts numbers them); `lock` marks a read PostgreSQL takes FOR
// UPDATE (SQLite's writer already holds the only write lock).

import {
  assessment,
  type CaseChange,
  type CaseEntry,
  type CaseEventRef,
  type CaseFilter,
  type CaseOpen,
  type CaseRow,
  type CaseStage,
  caseDueAt,
  checkCaseChange,
  highestSeverity,
} from '../../core/console/cases.js';
import { type ExportedCase, exportedCase } from '../../core/console/person-export.js';
import { BaomiError } from '../../core/errors.js';
import type { Severity } from '../../core/events/types.js';
import type { Row } from './rows.js';
import { toAlert } from './rows.js';
import type { AlertRow, AuditInput, CaseDetail } from './types.js';

export type CaseStep = { sql: string; params: unknown[]; lock?: boolean } | { audit: AuditInput };
export type CaseProgram<T> = Generator<CaseStep, T, Row[]>;

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function toCase(r: Row, alertIds: number[]): CaseRow {
  return {
    id: Number(r.id),
    title: String(r.title),
    stage: r.stage as CaseStage,
    severity: r.severity as Severity,
    openedBy: String(r.opened_by),
    openedAt: Number(r.opened_at),
    assignee: r.assignee === null || r.assignee === undefined ? null : String(r.assignee),
    dueAt: r.due_at === null || r.due_at === undefined ? null : Number(r.due_at),
    updatedAt: Number(r.updated_at),
    outcome: r.outcome === null || r.outcome === undefined ? null : String(r.outcome),
    alertIds,
  };
}

function toEntry(r: Row): CaseEntry {
  return {
    id: Number(r.id),
    caseId: Number(r.case_id),
    ts: Number(r.ts),
    actor: String(r.actor),
    kind: r.kind as CaseEntry['kind'],
    data: JSON.parse(String(r.data)),
  };
}

function notFound(what: string, id: string | number): never {
  throw new BaomiError('CONSOLE_NOT_FOUND', { what, id: String(id) }, 1);
}

function* entry(
  caseId: number,
  at: number,
  actor: string,
  kind: CaseEntry['kind'],
  data: CaseEntry['data'],
): CaseProgram<void> {
  yield {
    sql: 'INSERT INTO case_entries (case_id, ts, actor, kind, data) VALUES (?, ?, ?, ?, ?)',
    params: [caseId, at, actor, kind, JSON.stringify(data)],
  };
}

/** The alerts named, each found and in no other case; throws otherwise. */
function* freeAlerts(ids: readonly number[], caseId: number | null): CaseProgram<AlertRow[]> {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  // Locked (PostgreSQL): two staff gathering one alert at once are serialised, the second
  // then finds it taken.
  const rows = yield {
    sql: `SELECT * FROM alerts WHERE id IN (${marks(unique.length)}) ORDER BY id`,
    params: unique,
    lock: true,
  };
  const found = rows.map(toAlert);
  const missing = unique.find((id) => !found.some((a) => a.id === id));
  if (missing !== undefined) notFound('alert', missing);
  const taken = yield {
    sql: `SELECT alert_id, case_id FROM case_alerts WHERE alert_id IN (${marks(unique.length)})`,
    params: unique,
  };
  const other = taken.find((t) => Number(t.case_id) !== caseId);
  if (other)
    throw new BaomiError(
      'CONSOLE_CASE_ALERT_TAKEN',
      { alert: Number(other.alert_id), case: Number(other.case_id) },
      1,
    );
  const mine = new Set(taken.map((t) => Number(t.alert_id)));
  return found.filter((a) => !mine.has(a.id));
}

function* staffExists(name: string): CaseProgram<void> {
  const rows = yield { sql: 'SELECT 1 AS x FROM users WHERE name = ?', params: [name] };
  if (rows.length === 0) notFound('staffUser', name);
}

/** The alerts of a case (or only `ids` of them) follow its stage (who moved them, when and
 *  why, as a staff move does). */
function* mirror(
  caseId: number,
  stage: CaseStage,
  by: string,
  at: number,
  note: string,
  ids?: readonly number[],
): CaseProgram<void> {
  if (ids?.length === 0) return;
  yield {
    sql: `UPDATE alerts SET state = ?, state_by = ?, state_at = ?, state_note = ?
          WHERE id IN (SELECT alert_id FROM case_alerts WHERE case_id = ?)${
            ids ? ` AND id IN (${marks(ids.length)})` : ''
          }`,
    params: [stage, by, at, note, caseId, ...(ids ?? [])],
  };
}

function* caseRow(id: number, lock = false): CaseProgram<CaseRow | null> {
  const rows = yield { sql: 'SELECT * FROM cases WHERE id = ?', params: [id], lock };
  if (rows.length === 0) return null;
  const ids = yield {
    sql: 'SELECT alert_id FROM case_alerts WHERE case_id = ? ORDER BY alert_id',
    params: [id],
  };
  return toCase(
    rows[0]!,
    ids.map((r) => Number(r.alert_id)),
  );
}

export function* getCase(id: number): CaseProgram<CaseDetail | null> {
  const c = yield* caseRow(id);
  if (!c) return null;
  const alerts = yield {
    sql: `SELECT a.* FROM alerts a JOIN case_alerts ca ON ca.alert_id = a.id
          WHERE ca.case_id = ? ORDER BY a.id`,
    params: [id],
  };
  const events = yield {
    sql: 'SELECT agent_id, seq FROM case_events WHERE case_id = ? ORDER BY agent_id, seq',
    params: [id],
  };
  const entries = yield {
    sql: 'SELECT * FROM case_entries WHERE case_id = ? ORDER BY id',
    params: [id],
  };
  return {
    ...c,
    alerts: alerts.map(toAlert),
    events: events.map((r) => ({ agentId: String(r.agent_id), seq: Number(r.seq) })),
    entries: entries.map(toEntry),
  };
}

export function* listCases(f: CaseFilter): CaseProgram<CaseRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, v: unknown) => {
    where.push(cond);
    params.push(v);
  };
  if (f.stage !== undefined) add('stage = ?', f.stage);
  if (f.assignee !== undefined) add('assignee = ?', f.assignee);
  if (f.overdueAt !== undefined) add('due_at < ?', f.overdueAt);
  if (f.before !== undefined) add('id < ?', f.before);
  const rows = yield {
    sql: `SELECT * FROM cases${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
          ORDER BY id DESC LIMIT ?`,
    params: [...params, f.limit],
  };
  if (rows.length === 0) return [];
  const ids = rows.map((r) => Number(r.id));
  const links = yield {
    sql: `SELECT case_id, alert_id FROM case_alerts WHERE case_id IN (${marks(ids.length)})
          ORDER BY alert_id`,
    params: ids,
  };
  return rows.map((r) =>
    toCase(
      r,
      links.filter((l) => Number(l.case_id) === Number(r.id)).map((l) => Number(l.alert_id)),
    ),
  );
}

/** Opens a case gathering `o.alertIds` (each found, in no other case). It starts at the
 *  furthest stage its alerts reached (结案 alerts: re-opened at 调查), with their highest
 *  severity, and its alerts follow it from then on. */
export function* openCase(o: CaseOpen, audit: (c: CaseRow) => AuditInput): CaseProgram<CaseDetail> {
  const alerts = yield* freeAlerts(o.alertIds, null);
  if (o.assignee !== undefined) yield* staffExists(o.assignee);
  // 预报 when every alert is new; otherwise 调查 (alerts that went further alone are
  // re-opened with it): a case reaches 初步评估 and 处置 only through their checks.
  const stage: CaseStage = alerts.every((a) => a.state === '预报') ? '预报' : '调查';
  const made = yield {
    sql: `INSERT INTO cases (title, stage, severity, opened_by, opened_at, assignee, due_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    params: [
      o.title,
      stage,
      highestSeverity(alerts.map((a) => a.severity)),
      o.by,
      o.at,
      o.assignee ?? null,
      caseDueAt(stage, o.at),
      o.at,
    ],
  };
  const id = Number(made[0]!.id);
  for (const a of alerts)
    yield { sql: 'INSERT INTO case_alerts (alert_id, case_id) VALUES (?, ?)', params: [a.id, id] };
  yield* mirror(id, stage, o.by, o.at, `case ${id}: ${o.title}`);
  yield* entry(id, o.at, o.by, 'opened', {
    title: o.title,
    stage,
    alerts: alerts.map((a) => a.id),
    assignee: o.assignee ?? null,
    note: o.note ?? null,
  });
  const c = (yield* caseRow(id))!;
  yield { audit: audit(c) };
  return (yield* getCase(id))!;
}

/** One change of a case by staff (checkCaseChange's rules), its history line and its audit
 *  row; null when there is no such case. */
export function* changeCase(
  id: number,
  change: CaseChange,
  audit: (before: CaseRow) => AuditInput,
): CaseProgram<CaseDetail | null> {
  const before = yield* caseRow(id, true);
  if (!before) return null;
  checkCaseChange(before, change);
  const { by, at } = change;
  const touch = { sql: 'UPDATE cases SET updated_at = ? WHERE id = ?', params: [at, id] };
  // The case's alerts locked in id order before anything changes them (PostgreSQL; as
  // freeAlerts does), so two changes over the same alerts never wait on each other in a cycle.
  yield {
    sql: 'SELECT id FROM alerts WHERE id IN (SELECT alert_id FROM case_alerts WHERE case_id = ?) ORDER BY id',
    params: [id],
    lock: true,
  };
  switch (change.kind) {
    case 'stage': {
      const severity = change.severity ?? before.severity;
      const outcome = change.stage === '处置' ? change.outcome!.trim() : before.outcome;
      yield {
        sql: 'UPDATE cases SET stage = ?, severity = ?, outcome = ?, due_at = ?, updated_at = ? WHERE id = ?',
        params: [change.stage, severity, outcome, caseDueAt(change.stage, at), at, id],
      };
      yield* mirror(id, change.stage, by, at, change.note);
      yield* entry(id, at, by, 'stage', {
        from: before.stage,
        to: change.stage,
        note: change.note,
        ...(change.severity !== undefined
          ? {
              severity: change.severity,
              assessment: assessment(before.severity, change.severity),
              was: before.severity,
            }
          : {}),
        ...(change.stage === '处置' ? { outcome } : {}),
      });
      break;
    }
    case 'note':
      yield touch;
      yield* entry(id, at, by, 'note', { text: change.text });
      break;
    case 'assign':
      if (change.assignee !== null) yield* staffExists(change.assignee);
      yield {
        sql: 'UPDATE cases SET assignee = ?, updated_at = ? WHERE id = ?',
        params: [change.assignee, at, id],
      };
      yield* entry(id, at, by, 'assigned', { from: before.assignee, to: change.assignee });
      break;
    case 'alerts': {
      const added = yield* freeAlerts(change.alertIds, id);
      for (const a of added)
        yield {
          sql: 'INSERT INTO case_alerts (alert_id, case_id) VALUES (?, ?)',
          params: [a.id, id],
        };
      yield* mirror(
        id,
        before.stage,
        by,
        at,
        `case ${id}: ${before.title}`,
        added.map((a) => a.id),
      );
      const severity = highestSeverity([before.severity, ...added.map((a) => a.severity)]);
      yield {
        sql: 'UPDATE cases SET severity = ?, updated_at = ? WHERE id = ?',
        params: [severity, at, id],
      };
      yield* entry(id, at, by, 'alerts', { added: added.map((a) => a.id) });
      break;
    }
    case 'events': {
      const added: CaseEventRef[] = [];
      for (const e of change.events) {
        const found = yield {
          sql: 'SELECT user_name FROM events WHERE agent_id = ? AND seq = ?',
          params: [e.agentId, e.seq],
        };
        if (found.length === 0) notFound('event', `${e.agentId}:${e.seq}`);
        const made = yield {
          sql: `INSERT INTO case_events (case_id, agent_id, seq, user_name) VALUES (?, ?, ?, ?)
                ON CONFLICT DO NOTHING RETURNING seq`,
          params: [id, e.agentId, e.seq, found[0]!.user_name ?? null],
        };
        if (made.length > 0) added.push(e);
      }
      yield touch;
      yield* entry(id, at, by, 'events', {
        added: added.map((e) => `${e.agentId}:${e.seq}`),
      });
      break;
    }
  }
  yield { audit: audit(before) };
  return yield* getCase(id);
}

/** The case an alert is in, or null (setAlertState refuses to move such an alert alone). */
export function* caseOfAlert(alertId: number): CaseProgram<number | null> {
  const rows = yield {
    sql: 'SELECT case_id FROM case_alerts WHERE alert_id = ?',
    params: [alertId],
  };
  return rows.length ? Number(rows[0]!.case_id) : null;
}

/** The refusal of setAlertState for an alert that is in a case. */
export function alertInCase(id: number, caseId: number): BaomiError {
  return new BaomiError('CONSOLE_ALERT_IN_CASE', { id, case: caseId }, 1);
}

/** A statement of a case program for PostgreSQL: `?` numbered, FOR UPDATE where asked. */
export function caseSql(sql: string, lock = false): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`) + (lock ? ' FOR UPDATE' : '');
}

/** The cases that name `user` (an alert about them, or one of their events attached), by id
 *  after `afterId`, each cut to what is about them (person-export.ts exportedCase). Read-only:
 *  run inside the export's snapshot. */
export function* personCases(
  user: string,
  afterId: number,
  n: number,
): CaseProgram<ExportedCase[]> {
  const ids = yield {
    sql: `SELECT id FROM cases WHERE id > ? AND (${NAMES_PERSON}) ORDER BY id LIMIT ?`,
    params: [afterId, user, user, n],
  };
  const out: ExportedCase[] = [];
  for (const r of ids) {
    const id = Number(r.id);
    const c = (yield* getCase(id))!;
    const alerts = yield {
      sql: `SELECT ca.alert_id FROM case_alerts ca JOIN alerts a ON a.id = ca.alert_id
            WHERE ca.case_id = ? AND a.user_name = ?`,
      params: [id, user],
    };
    const events = yield {
      sql: 'SELECT agent_id, seq FROM case_events WHERE case_id = ? AND user_name = ?',
      params: [id, user],
    };
    out.push(
      exportedCase(c, {
        alerts: new Set(alerts.map((a) => Number(a.alert_id))),
        events: new Set(events.map((e) => `${e.agent_id}:${e.seq}`)),
      }),
    );
  }
  return out;
}

/** A case names the person: `?` twice, the user. */
export const NAMES_PERSON = `id IN (SELECT ca.case_id FROM case_alerts ca JOIN alerts a ON a.id = ca.alert_id
        WHERE a.user_name = ?)
     OR id IN (SELECT case_id FROM case_events WHERE user_name = ?)`;

/** Runs a read-only case program synchronously (SQLite's snapshot connection). */
export function runCaseSync<T>(
  prog: CaseProgram<T>,
  all: (sql: string, params: unknown[]) => Row[],
): T {
  let r = prog.next();
  while (!r.done) {
    const step = r.value;
    if ('audit' in step) throw new Error('a read-only case program wrote an audit row');
    r = prog.next(all(step.sql, step.params));
  }
  return r.value;
}

/** Runs a read-only case program on PostgreSQL (statements numbered by caseSql). */
export async function runCaseAsync<T>(
  prog: CaseProgram<T>,
  all: (sql: string, params: unknown[]) => Promise<Row[]>,
): Promise<T> {
  let r = prog.next();
  while (!r.done) {
    const step = r.value;
    if ('audit' in step) throw new Error('a read-only case program wrote an audit row');
    r = prog.next(await all(caseSql(step.sql, step.lock), step.params));
  }
  return r.value;
}
