// SQL of the metrics' fleet summary and of the per-person export (issue 12 points 5 and 6),
// written once for both engines (sql.ts Params: placeholders differ, nothing else does but
// the JSON of heartbeats). Every value is a parameter: a person's name comes from staff, and
// it is whatever text a workstation reported as its seat user.
import { NAMES_PERSON } from './cases-sql.js';
import type { EventKey } from './cursor.js';
import type { Row } from './rows.js';
import { type Engine, EVENT_COLUMNS, Params } from './sql.js';
import type { FleetSummary, RequestKey } from './types.js';

/** Rows per page of an export (each section is read in pages of this many). */
export const PERSON_PAGE_MAX = 5000;

const limitOf = (n: number) => Math.min(PERSON_PAGE_MAX, Math.max(1, Math.trunc(n)));

/** One aggregate over the agents; `?1` is onlineSince. */
export function fleetSummarySql(engine: Engine, onlineSince: number) {
  const p = new Params(engine);
  const since = p.add(onlineSince);
  const since2 = engine === 'postgres' ? since : p.add(onlineSince);
  // eventsWaiting counts only when the heartbeat holds a number there (a hostile agent's
  // string is not summed). The heartbeat is JSON text in both engines.
  const waiting =
    engine === 'postgres'
      ? `CASE WHEN revoked_at IS NULL AND jsonb_typeof(heartbeat::jsonb -> 'eventsWaiting') = 'number'
              THEN (heartbeat::jsonb ->> 'eventsWaiting')::numeric END`
      : `CASE WHEN revoked_at IS NULL AND json_type(heartbeat, '$.eventsWaiting') IN ('integer', 'real')
              THEN json_extract(heartbeat, '$.eventsWaiting') END`;
  const sql = `SELECT
      coalesce(sum(CASE WHEN revoked_at IS NULL THEN 1 ELSE 0 END), 0) AS enrolled,
      coalesce(sum(CASE WHEN revoked_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS revoked,
      coalesce(sum(CASE WHEN revoked_at IS NULL AND last_seen IS NULL THEN 1 ELSE 0 END), 0) AS never,
      coalesce(sum(CASE WHEN revoked_at IS NULL AND last_seen >= ${since} THEN 1 ELSE 0 END), 0) AS online,
      coalesce(sum(CASE WHEN revoked_at IS NULL AND last_seen < ${since2} THEN 1 ELSE 0 END), 0) AS silent,
      coalesce(sum(${waiting}), 0) AS waiting
    FROM agents`;
  return { sql, values: p.values };
}

export function toFleetSummary(r: Row): FleetSummary {
  return {
    enrolled: Number(r.enrolled),
    online: Number(r.online),
    silent: Number(r.silent),
    never: Number(r.never),
    revoked: Number(r.revoked),
    eventsWaiting: Number(r.waiting),
  };
}

export function personCountsSql(engine: Engine, user: string) {
  const p = new Params(engine);
  const sql = `SELECT
      (SELECT count(*) FROM events WHERE user_name = ${p.add(user)}) AS events,
      (SELECT count(*) FROM requests WHERE user_name = ${p.add(user)}) AS requests,
      (SELECT count(*) FROM alerts WHERE user_name = ${p.add(user)}) AS alerts,
      (SELECT count(*) FROM cases WHERE ${NAMES_PERSON.replace(/\?/g, () => p.add(user))}) AS cases`;
  return { sql, values: p.values };
}

export function personEventsSql(engine: Engine, user: string, after: EventKey | null, n: number) {
  const p = new Params(engine);
  let sql = `SELECT ${EVENT_COLUMNS} FROM events WHERE user_name = ${p.add(user)}`;
  if (after)
    sql += ` AND (ts, agent_id, seq) > (${p.add(after.ts)}, ${p.add(after.agentId)}, ${p.add(after.seq)})`;
  sql += ` ORDER BY ts, agent_id, seq LIMIT ${p.add(limitOf(n))}`;
  return { sql, values: p.values };
}

export function personRequestsSql(
  engine: Engine,
  user: string,
  after: RequestKey | null,
  n: number,
) {
  const p = new Params(engine);
  let sql = `SELECT * FROM requests WHERE user_name = ${p.add(user)}`;
  if (after) sql += ` AND (requested_at, id) > (${p.add(after.requestedAt)}, ${p.add(after.id)})`;
  sql += ` ORDER BY requested_at, id LIMIT ${p.add(limitOf(n))}`;
  return { sql, values: p.values };
}

export function personAlertsSql(engine: Engine, user: string, afterId: number, n: number) {
  const p = new Params(engine);
  const sql = `SELECT * FROM alerts WHERE user_name = ${p.add(user)} AND id > ${p.add(afterId)}
    ORDER BY id LIMIT ${p.add(limitOf(n))}`;
  return { sql, values: p.values };
}
