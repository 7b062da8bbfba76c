// SQL of the SIEM export that both engines share (sqlite.ts and postgres.ts, blocks "SIEM
// export"), written with `?`; `numbered` turns it into PostgreSQL's `$n`. Why positions are
// per agent: types.ts, "SIEM export".
import type { Json } from '../../core/events/types.js';
import type { Row } from './rows.js';
import type { SiemSinkRow } from './types.js';

/** Agents whose ackedSeq is past the sink's (?) position, with both. */
export const SIEM_CANDIDATES = `SELECT a.id, a.acked_seq, coalesce(p.seq, 0) AS pos FROM agents a
  LEFT JOIN siem_positions p ON p.sink = ? AND p.agent_id = a.id
  WHERE a.acked_seq > coalesce(p.seq, 0)`;

/** (sink, agent_id, seq) of every late event held now, for a sink (?) that starts `new`. */
export const SIEM_LATE_HELD = `SELECT ?, agent_id, seq FROM events WHERE flags LIKE 'late%'`;

/** Late events at or below the sink's (?) position that it has not had (? again). Written
 *  to be read from the partial index events_late (its `flags LIKE 'late%'` term), never by
 *  walking an agent's events below the position: that would grow with everything sent. */
export const SIEM_LATE_PENDING = `SELECT e.* FROM events e
  WHERE e.flags LIKE 'late%'
    AND e.seq <= (SELECT p.seq FROM siem_positions p WHERE p.sink = ? AND p.agent_id = e.agent_id)
    AND NOT EXISTS (SELECT 1 FROM siem_late l
                    WHERE l.sink = ? AND l.agent_id = e.agent_id AND l.seq = e.seq)`;

/** The seqs a sink (?) is behind, over all agents: an upper bound of what waits. */
export const SIEM_BEHIND = `SELECT coalesce(sum(a.acked_seq - coalesce(p.seq, 0)), 0) FROM agents a
  LEFT JOIN siem_positions p ON p.sink = s.name AND p.agent_id = a.id
  WHERE a.acked_seq > coalesce(p.seq, 0)`;

/** Events read per agent in one siemPending: the step's `events` shared among the agents
 *  waiting, so a step reads about that many rows however many agents wait, and one agent
 *  alone gets them all. (PostgreSQL computes the same in its statement.) */
export function siemPerAgent(events: number, agents: number): number {
  return Math.ceil(events / Math.max(1, agents));
}

/** `?` placeholders as `$1, $2 …` (PostgreSQL). The SQL here has no `?` in its text. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Ingest flags are comma-separated, `late` first when present (core/sync/ingest.ts). */
export function isLate(r: Row): boolean {
  return String(r.flags).startsWith('late');
}

export function toSiemSink(r: Row): SiemSinkRow {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    name: r.name,
    start: r.start,
    createdAt: Number(r.created_at),
    delivered: Number(r.delivered),
    skipped: Number(r.skipped),
    lastDeliveryAt: n(r.last_delivery_at),
    failingSince: n(r.failing_since),
    failures: Number(r.failures),
    lastError:
      r.last_error === null
        ? null
        : (JSON.parse(r.last_error) as { code: string; params: { [k: string]: Json } }),
    lastErrorAt: n(r.last_error_at),
    behind: Number(r.behind),
  };
}
