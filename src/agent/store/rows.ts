// Event ⇄ row. The rebuilt event must hash exactly as the one that was written, so optional
// fields are NULL in SQL and absent (never null) in the object.
import type { BaomiEvent, EventType, Severity } from '../../core/events/types.js';

export interface EventRow {
  seq: number;
  id: string;
  ts: number;
  type: string;
  severity: string;
  level: string | null;
  user: string | null;
  host: string;
  data: string;
  prev_hash: string;
  hash: string;
}

export const EVENT_COLUMNS =
  'seq, id, ts, type, severity, level, user, host, data, prev_hash, hash';

export const INSERT_EVENT_SQL = `INSERT INTO events (${EVENT_COLUMNS})
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

type RowValues = [
  number,
  string,
  number,
  string,
  string,
  string | null,
  string | null,
  string,
  string,
  string,
  string,
];

/**
 * Values for INSERT_EVENT_SQL, in EVENT_COLUMNS order (positional binding is measurably
 * cheaper than named on the write path). `dataJson` is passed in when already serialised.
 */
export function eventToRow(e: BaomiEvent, dataJson = JSON.stringify(e.data)): RowValues {
  return [
    e.seq,
    e.id,
    e.ts,
    e.type,
    e.severity,
    e.level ?? null,
    e.user ?? null,
    e.host,
    dataJson,
    e.prevHash,
    e.hash,
  ];
}

export function rowToEvent(r: EventRow): BaomiEvent {
  // Key order does not matter to the hash (JCS sorts), but a stable order reads better.
  const e: Partial<BaomiEvent> = {
    id: r.id,
    seq: r.seq,
    ts: r.ts,
    // Stored rows are only written through the typed write path; verify rehashes them anyway.
    type: r.type as EventType,
    severity: r.severity as Severity,
  };
  if (r.level !== null) e.level = r.level;
  if (r.user !== null) e.user = r.user;
  e.host = r.host;
  e.data = JSON.parse(r.data);
  e.prevHash = r.prev_hash;
  e.hash = r.hash;
  return e as BaomiEvent;
}
