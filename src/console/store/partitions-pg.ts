// SQL of the event partitions and of retention on PostgreSQL (postgres.ts, its last block),
// kept apart because it is the only SQL the console builds with identifiers in it.
//
// SECURITY: the only identifiers spliced into SQL are partition names PostgreSQL itself
// quoted (`oid::regclass::text`, from pg_inherits) and names made by core/console/partitions.ts
// (checked against PARTITION_NAME before use, then double-quoted). Every value is a parameter.
//
// Locks. Every transaction that touches `events` takes the parent before the DEFAULT partition
// (queries do, planning; ingest says so: LOCK TABLE ONLY events, ONLY events_default), so no
// two wait for each other in a cycle:
// - creating partitions: the advisory lock PARTITION_LOCK, SHARE UPDATE EXCLUSIVE on `events`
//   (what ATTACH takes; queries and ingest go on), then ACCESS EXCLUSIVE on the DEFAULT
//   partition (ingest into it waits; what it holds of the new range moves out), then ATTACH;
// - dropping a partition: the advisory lock, ACCESS EXCLUSIVE on `events` alone (ONLY), the
//   types in the partition re-read under it, DETACH (which locks DEFAULT too) and COMMIT: held
//   for milliseconds. Counting what the detached table holds and DROP come after, in a
//   transaction that locks nothing anyone else uses; a 'detached' row in retention_pending
//   marks it until then, so a run cut short between the two is finished by the next.
// Both wait at most LOCK_TIMEOUT for a lock: a busy table makes the step fail and the worker
// try again at its next tick, instead of queueing every ingest behind it for long.
import type { PartitionRange } from '../../core/console/partitions.js';
import type { Row } from './rows.js';

/** Key of the advisory lock partition changes take ("bpart" in ASCII). */
export const PARTITION_LOCK = 0x6270617274;
export const LOCK_TIMEOUT = '2s';
export const PARTITION_NAME = /^events_\d{4}_\d{2}(_\d{2})?$/;

/** A partition of `events`: its SQL name (quoted as needed), its bounds (null: DEFAULT). */
export interface PgPartition {
  name: string;
  sqlName: string;
  from: number | null;
  to: number | null;
}

export const LIST_PARTITIONS = `
SELECT c.relname AS name, c.oid::regclass::text AS sql_name,
       pg_get_expr(c.relpartbound, c.oid) AS bound
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'events'::regclass`;

const RANGE = /^FOR VALUES FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)$/;

/** Rows of LIST_PARTITIONS → partitions by `from`, DEFAULT last. A bound this code did not
 *  write (MINVALUE, …) reads as null: such a partition is never dropped whole. */
export function toPartitions(rows: readonly Row[]): PgPartition[] {
  return rows
    .map((r) => {
      const m = RANGE.exec(String(r.bound));
      return {
        name: String(r.name),
        sqlName: String(r.sql_name),
        from: m ? Number(m[1]) : null,
        to: m ? Number(m[2]) : null,
      };
    })
    .sort((a, b) => (a.from ?? Number.POSITIVE_INFINITY) - (b.from ?? Number.POSITIVE_INFINITY));
}

export function quoted(name: string): string {
  if (!PARTITION_NAME.test(name)) throw new Error(`not a partition name: ${name}`);
  return `"${name}"`;
}

/** Statements that create partition `p` and move into it what DEFAULT holds of its range. A
 *  plain table filled first and then attached: CREATE … PARTITION OF would lock `events`
 *  whole, and would refuse while DEFAULT holds rows of the range. The caller holds SHARE
 *  UPDATE EXCLUSIVE on `events` and ACCESS EXCLUSIVE on DEFAULT (that order). */
export function createPartitionSql(p: PartitionRange, defaultSql: string | null): string[] {
  const t = quoted(p.name);
  if (!Number.isSafeInteger(p.from) || !Number.isSafeInteger(p.to) || p.from >= p.to)
    throw new Error(`not a partition range: ${p.from} … ${p.to}`);
  const out = [`CREATE TABLE ${t} (LIKE events INCLUDING DEFAULTS)`];
  if (defaultSql !== null)
    out.push(
      `WITH moved AS (DELETE FROM ${defaultSql} WHERE ts >= ${p.from} AND ts < ${p.to} RETURNING *)
       INSERT INTO ${t} SELECT * FROM moved`,
    );
  out.push(`ALTER TABLE events ATTACH PARTITION ${t} FOR VALUES FROM (${p.from}) TO (${p.to})`);
  return out;
}

/** The types stored in one partition: a skip through its (type, …) index, one probe a type. */
export function typesInSql(sqlName: string): string {
  return `WITH RECURSIVE t(type) AS (
    SELECT min(type) FROM ${sqlName}
    UNION ALL
    SELECT (SELECT min(type) FROM ${sqlName} WHERE type > t.type) FROM t WHERE t.type IS NOT NULL)
  SELECT type FROM t WHERE type IS NOT NULL`;
}

/** One bounded delete: at most $3 events of type $1 past $2 (by their own clock AND by when the
 *  console received them: retention.ts typeCutoffs) from one partition, found by the
 *  (type, ts, …) index and removed by their tuple ids. */
export function deleteBatchSql(sqlName: string): string {
  return `DELETE FROM ${sqlName} WHERE ctid = ANY (ARRAY(
    SELECT ctid FROM ${sqlName} WHERE type = $1 AND ts < $2 AND received_at < $2 LIMIT $3))`;
}

/** A row of one partition that arrived at or after $1: a late event that keeps the partition
 *  (a sequential scan, made once for a partition whose range is past its age; see
 *  PostgresConsoleStore.applyRetention). */
export function receivedSinceSql(sqlName: string): string {
  return `SELECT 1 AS late FROM ${sqlName} WHERE received_at >= $1 LIMIT 1`;
}

export const TALLY_ADD = `
INSERT INTO retention_pending (kind, name, n) VALUES ($1, $2, $3)
ON CONFLICT (kind, name) DO UPDATE SET n = retention_pending.n + excluded.n`;
