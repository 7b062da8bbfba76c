// Reading events back for the log viewer, the CLI and the sync outbox.
import { SEVERITIES, severityRank } from '../../core/events/types.js';
import { levelsAtOrAbove } from '../../core/levels.js';
import { EVENT_COLUMNS, type EventRow, rowToEvent } from './rows.js';
import type { BaomiEvent, Db, QueryFilter } from './types.js';

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** Escapes LIKE's wildcards so the text is matched literally. */
function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Type globs use `*` only; GLOB's other metacharacters never occur in type names. */
function globLiteral(s: string): string {
  return s.replace(/[[?]/g, (c) => `[${c}]`);
}

export function buildQuery(f: QueryFilter): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];

  if (f.types && f.types.length > 0) {
    const ors = f.types.map((t) => {
      params.push(t.includes('*') ? globLiteral(t) : t);
      return t.includes('*') ? 'type GLOB ?' : 'type = ?';
    });
    where.push(`(${ors.join(' OR ')})`);
  }
  if (f.minSeverity !== undefined) {
    const allowed = SEVERITIES.filter((s) => severityRank(s) >= severityRank(f.minSeverity!));
    where.push(`severity IN (${placeholders(allowed.length)})`);
    params.push(...allowed);
  }
  if (f.level !== undefined) {
    const levels = levelsAtOrAbove(f.level);
    where.push(`level IN (${placeholders(levels.length)})`);
    params.push(...levels);
  }
  if (f.since !== undefined) {
    where.push('ts >= ?');
    params.push(f.since);
  }
  if (f.until !== undefined) {
    where.push('ts < ?');
    params.push(f.until);
  }
  if (f.text !== undefined && f.text !== '') {
    // `data` holds JSON, where a backslash or quote in a path is escaped: search for the
    // escaped form so `C:\Users` finds "C:\\Users".
    const escaped = JSON.stringify(f.text).slice(1, -1);
    where.push("data LIKE ? ESCAPE '\\'");
    params.push(`%${likeLiteral(escaped)}%`);
  }
  if (f.user !== undefined) {
    where.push('user = ?');
    params.push(f.user);
  }
  if (f.afterSeq !== undefined) {
    where.push('seq > ?');
    params.push(f.afterSeq);
  }
  if (f.beforeSeq !== undefined) {
    where.push('seq < ?');
    params.push(f.beforeSeq);
  }

  let sql = `SELECT ${EVENT_COLUMNS} FROM events`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += ` ORDER BY seq ${f.order === 'desc' ? 'DESC' : 'ASC'}`;
  if (f.limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(Math.max(0, Math.trunc(f.limit)));
  }
  return { sql, params };
}

export function queryEvents(db: Db, filter: QueryFilter = {}): BaomiEvent[] {
  const { sql, params } = buildQuery(filter);
  return (db.prepare(sql).all(...params) as EventRow[]).map(rowToEvent);
}
