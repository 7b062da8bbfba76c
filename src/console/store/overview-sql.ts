// The overview's SQL for both engines (core/console/overview.ts says what is counted and why
// it is a rollup). `p` numbers the parameters for the engine (sql.ts Params).
import type { Params } from './sql.js';

/** SQLite: what one ingest stored, added in place (one writer: no counter row is contended). */
export const SQLITE_ADD_COUNT = `INSERT INTO event_counts (hour, group_name, type, n) VALUES (?, ?, ?, ?)
  ON CONFLICT (hour, group_name, type) DO UPDATE SET n = n + excluded.n`;

/** PostgreSQL: what one ingest stored, appended as deltas (never waits on another console). */
export const PG_ADD_DELTAS = `INSERT INTO event_count_deltas (hour, group_name, type, n)
  SELECT h, $1, t, n FROM unnest($2::bigint[], $3::text[], $4::bigint[]) AS u(h, t, n)`;

/** PostgreSQL: the deltas committed so far, folded into the counts in one statement (a delta
 *  committed meanwhile is not in this DELETE's snapshot: it waits for the next fold). */
export const PG_FOLD = `WITH d AS (DELETE FROM event_count_deltas RETURNING hour, group_name, type, n)
  INSERT INTO event_counts (hour, group_name, type, n)
  SELECT hour, group_name, type, sum(n) FROM d GROUP BY hour, group_name, type
  ON CONFLICT (hour, group_name, type) DO UPDATE SET n = event_counts.n + excluded.n`;

export function countsSql(
  engine: 'sqlite' | 'postgres',
  p: Params,
  q: { sinceHour: number; group?: string },
): string {
  const since = p.add(q.sinceHour);
  const group = q.group === undefined ? '' : ` AND group_name = ${p.add(q.group)}`;
  const from =
    engine === 'sqlite'
      ? `SELECT hour, type, n FROM event_counts WHERE hour >= ${since}${group}`
      : `SELECT hour, type, n FROM event_counts WHERE hour >= ${since}${group}
         UNION ALL SELECT hour, type, n FROM event_count_deltas WHERE hour >= ${since}${group}`;
  return `SELECT hour, type, sum(n) AS n FROM (${from}) x GROUP BY hour, type ORDER BY hour, type`;
}

export const NEW_ALERTS_SQL = `SELECT severity, count(*) AS n FROM alerts WHERE state = '预报'
  GROUP BY severity ORDER BY severity`;

/**
 * idle.exposure events carry running totals ({date, minutes, final}): the highest per
 * workstation, user and date (`agent_id, user_name, d, m`), over events from `sinceTs` (and
 * before `untilTs`) whose date is `sinceDate` or later (and before `untilDate`). Values an
 * agent sent that are not a date and a number (YYYY-MM-DD, as isIdleDate) are left out (the
 * event itself is stored as sent), and so is a document holding an escaped NUL: jsonb refuses
 * it (PostgreSQL keeps `data` as text, and one such event would fail the whole query) and
 * SQLite's text functions stop at it (a date would read as shorter than it is); both engines
 * leave the same events out.
 */
export function idleMaxSql(
  engine: 'sqlite' | 'postgres',
  p: Params,
  q: { sinceTs: number; sinceDate: string; untilTs?: number; untilDate?: string },
): string {
  // Parameters in the order they stand in the text (SQLite's `?` are positional).
  const ts = p.add(q.sinceTs);
  const untilTs = q.untilTs === undefined ? '' : ` AND ts < ${p.add(q.untilTs)}`;
  const d = engine === 'sqlite' ? "json_extract(data, '$.date')" : "j->>'date'";
  const date = p.add(q.sinceDate);
  const untilDate = q.untilDate === undefined ? '' : ` AND ${d} < ${p.add(q.untilDate)}`;
  return engine === 'sqlite'
    ? `SELECT agent_id, user_name, ${d} AS d, max(json_extract(data, '$.minutes')) AS m
         FROM events
         WHERE type = 'idle.exposure' AND ts >= ${ts}${untilTs} AND user_name IS NOT NULL
           AND instr(data, '\\u0000') = 0 AND json_valid(data) AND json_type(data, '$.minutes') IN ('integer', 'real')
           AND json_type(data, '$.date') = 'text'
           AND ${d} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
           AND ${d} >= ${date}${untilDate}
         GROUP BY agent_id, user_name, d`
    : `SELECT agent_id, user_name, ${d} AS d, max((j->>'minutes')::numeric) AS m
         FROM (SELECT agent_id, user_name, data::jsonb AS j FROM events
               WHERE type = 'idle.exposure' AND ts >= ${ts}${untilTs} AND user_name IS NOT NULL
                 AND strpos(data, '\\u0000') = 0) e
         WHERE jsonb_typeof(j->'minutes') = 'number' AND jsonb_typeof(j->'date') = 'string'
           AND ${d} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' AND ${d} >= ${date}${untilDate}
         GROUP BY agent_id, user_name, d`;
}

/** The users with the most idle, unlocked minutes (idleMaxSql summed per user). */
export function idleTopSql(
  engine: 'sqlite' | 'postgres',
  p: Params,
  q: { sinceTs: number; sinceDate: string; limit: number },
): string {
  const inner = idleMaxSql(engine, p, q);
  const limit = p.add(Math.max(0, Math.trunc(q.limit)));
  return `SELECT user_name, sum(m) AS minutes FROM (${inner}) x
    WHERE m > 0 GROUP BY user_name ORDER BY minutes DESC, user_name LIMIT ${limit}`;
}
