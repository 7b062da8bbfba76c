// SQL that both engines share, written once with the few differences named: placeholders
// (`?` in SQLite, `$n` in PostgreSQL), case-insensitive LIKE (SQLite's LIKE already ignores
// ASCII case; PostgreSQL needs ILIKE) and type globs (GLOB in SQLite, LIKE in PostgreSQL).
//
// SECURITY: every value reaches the database as a parameter; the only text spliced into SQL
// is placeholders and fixed fragments from this file. Keep it that way: a filter comes from
// a staff member's query string and an event's text from a workstation.
import { SEVERITIES, type Severity, severityRank } from '../../core/events/types.js';
import { levelsAtOrAbove } from '../../core/levels.js';
import { decodeCursor, type EventKey } from './cursor.js';
import type { ConsoleEventFilter } from './types.js';

export type Engine = 'sqlite' | 'postgres';

/** Collects parameter values and hands out the engine's placeholder for each. */
export class Params {
  readonly values: unknown[] = [];
  constructor(readonly engine: Engine) {}
  add(v: unknown): string {
    this.values.push(v);
    return this.engine === 'postgres' ? `$${this.values.length}` : '?';
  }
  list(vs: readonly unknown[]): string {
    return vs.map((v) => this.add(v)).join(', ');
  }
}

/** Escapes LIKE's wildcards (and the escape character) so the text is matched literally. */
export function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `column` contains `text`, ignoring ASCII case (both engines), as a literal. */
export function containsText(p: Params, column: string, text: string): string {
  const op = p.engine === 'postgres' ? 'ILIKE' : 'LIKE';
  return `${column} ${op} ${p.add(`%${likeLiteral(text)}%`)} ESCAPE '\\'`;
}

/** A type filter: exact, or a glob where `*` is the only wildcard (as `baomi events`). */
function typeMatch(p: Params, t: string): string {
  if (!t.includes('*')) return `type = ${p.add(t)}`;
  if (p.engine === 'sqlite') {
    // GLOB's other metacharacters are made literal.
    return `type GLOB ${p.add(t.replace(/[[?]/g, (c) => `[${c}]`))}`;
  }
  return `type LIKE ${p.add(likeLiteral(t).replaceAll('*', '%'))} ESCAPE '\\'`;
}

export function severitiesAtLeast(s: Severity): Severity[] {
  return SEVERITIES.filter((x) => severityRank(x) >= severityRank(s));
}

/** Columns of the events table, in the order rowToEvent reads them. */
export const EVENT_COLUMNS =
  'agent_id, seq, id, ts, type, severity, level, user_name, host, data, prev_hash, hash, received_at';

/** Rows fetched per page are capped here whatever the caller asks. */
export const MAX_PAGE = 10_000;

export function pageSize(limit: number): number {
  const n = Math.trunc(Number.isFinite(limit) ? limit : 1);
  return Math.min(MAX_PAGE, Math.max(1, n));
}

/**
 * The keyset query of one events page: rows ordered by (ts, agent_id, seq), after the cursor,
 * one more than the page so the caller knows whether another page follows.
 */
export function eventPageQuery(
  engine: Engine,
  f: ConsoleEventFilter,
): { sql: string; values: unknown[]; limit: number } {
  const p = new Params(engine);
  const where: string[] = [];
  const desc = f.order !== 'asc';
  if (f.agentId !== undefined) where.push(`agent_id = ${p.add(f.agentId)}`);
  if (f.user !== undefined) where.push(`user_name = ${p.add(f.user)}`);
  if (f.types && f.types.length > 0)
    where.push(`(${f.types.map((t) => typeMatch(p, t)).join(' OR ')})`);
  if (f.level !== undefined) where.push(`level IN (${p.list(levelsAtOrAbove(f.level))})`);
  if (f.severity !== undefined)
    where.push(`severity IN (${p.list(severitiesAtLeast(f.severity))})`);
  if (f.since !== undefined) where.push(`ts >= ${p.add(f.since)}`);
  // `until` is exclusive, as in `baomi events`.
  if (f.until !== undefined) where.push(`ts < ${p.add(f.until)}`);
  if (f.text !== undefined && f.text !== '') {
    // data holds JSON, where a quote or backslash is escaped: search for the escaped form so
    // `C:\Users` finds "C:\\Users"; user and host are plain text.
    const inJson = JSON.stringify(f.text).slice(1, -1);
    where.push(
      `(${containsText(p, 'data', inJson)} OR ${containsText(p, 'user_name', f.text)} OR ${containsText(p, 'host', f.text)})`,
    );
  }
  if (f.after !== undefined && f.after !== '') {
    const k: EventKey = decodeCursor(f.after);
    // The row comparison implies the bound on ts alone; said separately, it is a range on the
    // ts column of every events index (agent, type, user: ts second) and prunes partitions,
    // so a later page starts where the cursor is instead of reading the pages before it.
    where.push(`ts ${desc ? '<=' : '>='} ${p.add(k.ts)}`);
    where.push(
      `(ts, agent_id, seq) ${desc ? '<' : '>'} (${p.add(k.ts)}, ${p.add(k.agentId)}, ${p.add(k.seq)})`,
    );
  }
  const limit = pageSize(f.limit);
  const dir = desc ? 'DESC' : 'ASC';
  let sql = `SELECT ${EVENT_COLUMNS} FROM events`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += ` ORDER BY ts ${dir}, agent_id ${dir}, seq ${dir} LIMIT ${p.add(limit + 1)}`;
  return { sql, values: p.values, limit };
}
