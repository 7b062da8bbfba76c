// What both engines' applyRetention share (sqlite.ts, postgres.ts: their last blocks): the
// bounds of a run, which types go and from when, and the one audit row that records a run.
import { type RetentionRules, retentionAge } from '../../core/console/config/retention.js';
import type { Row } from './rows.js';
import type { AuditInput, RetentionOptions } from './types.js';

/** Rows a delete statement removes by default. SQLite's is smaller: its batch holds the
 *  process and the database's one write lock, and at 5,000,000 stored events a 5,000-row
 *  batch took 430 ms here (bench:query), a 1,000-row one about 100 ms; PostgreSQL's runs
 *  beside ingest (row locks only). */
export const RETENTION_BATCH = { sqlite: 1000, postgres: 5000 } as const;
export const RETENTION_MAX_BATCHES = 200;
const MAX_BATCH = 50_000;

export function retentionLimits(
  engine: 'sqlite' | 'postgres',
  o: RetentionOptions = {},
): { batch: number; maxBatches: number } {
  const whole = (v: number | undefined, d: number, max: number) =>
    v === undefined || !Number.isFinite(v) ? d : Math.min(max, Math.max(1, Math.trunc(v)));
  return {
    batch: whole(o.batch, RETENTION_BATCH[engine], MAX_BATCH),
    maxBatches: whole(o.maxBatches, RETENTION_MAX_BATCHES, Number.MAX_SAFE_INTEGER),
  };
}

/** The types among `types` that have an age, each with its cutoff: events with `ts < cutoff`
 *  AND `received_at < cutoff` are past it. An event's age is judged by its own clock and by
 *  the console's: an agent whose clock says 1970 (or an agent back after months offline) has
 *  its events kept for the whole age after they arrive, never removed at the next run. */
export function typeCutoffs(
  rules: RetentionRules,
  types: readonly string[],
  now: number,
): { type: string; cutoff: number }[] {
  const out: { type: string; cutoff: number }[] = [];
  for (const type of types) {
    const age = retentionAge(rules, type);
    if (age !== null) out.push({ type, cutoff: now - age });
  }
  return out;
}

/** The audit row of a run from the tally it clears (rows of retention_pending), or null. */
export function retentionAudit(
  tally: readonly Row[],
  now: number,
): { partitionsDropped: string[]; deleted: { [type: string]: number }; row: AuditInput } | null {
  if (tally.length === 0) return null;
  const partitionsDropped = tally
    .filter((r) => r.kind === 'partition')
    .map((r) => String(r.name))
    .sort();
  const deleted: { [type: string]: number } = {};
  for (const r of [...tally].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
    if (r.kind === 'type') deleted[String(r.name)] = Number(r.n);
  return {
    partitionsDropped,
    deleted,
    row: {
      ts: now,
      actor: 'system',
      action: 'retention.applied',
      ip: '',
      target: 'events',
      details: { partitionsDropped, deleted },
    },
  };
}

/** Lets the event loop run between two batches (better-sqlite3 is synchronous: a run must not
 *  hold the process for its whole length). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
