// What one forwarder step sends and, once it is delivered, how far the sink's positions move
// (store/types.ts siemPending, siemAdvance). The batch is a prefix of the events listed:
// late events first, then each agent's events in seq order; it ends before the message that
// would take it past MAX_BATCH_BYTES, and nothing after that point moves. Events the sink's
// filters leave out are passed over (counted as skipped) and move the position like sent
// ones, so a sink that wants only `critical` does not read the same `info` events forever.
import { anyTypeMatches } from '../../core/console/config/match.js';
import type { SiemSink } from '../../core/console/config/siem.js';
import { MAX_BATCH_BYTES } from '../../core/console/siem/delivery.js';
import { formatEvent, type SiemFormatOptions } from '../../core/console/siem/format.js';
import { octetFrame } from '../../core/console/siem/syslog.js';
import { type Severity, severityRank } from '../../core/events/types.js';
import type { SiemAdvance, SiemPending, StoredEvent } from '../store/types.js';

export interface PlannedBatch {
  /** The framed messages, concatenated; empty when everything listed was passed over. */
  bytes: Buffer;
  /** The same messages unframed, one each (RELP carries them in frames of its own). */
  messages: Buffer[];
  /** Event ids in the batch, in order (tests, logs). */
  ids: string[];
  /** What to record once `bytes` is delivered (its `at` is filled in then). */
  advance: Omit<SiemAdvance, 'at'>;
  /** The last agent the batch reached: the next step starts after it (fairness). */
  cursor: string | null;
}

/** Whether the sink's filters let the event through. */
export function wanted(sink: Pick<SiemSink, 'types' | 'minSeverity'>, e: StoredEvent): boolean {
  // A severity outside the list (ingest refuses one; a row edited by hand) is never a reason
  // to leave an event out.
  const rank = severityRank(e.severity as Severity);
  if (rank >= 0 && rank < severityRank(sink.minSeverity)) return false;
  return sink.types === undefined || anyTypeMatches(sink.types, e.type);
}

export function planBatch(
  pending: SiemPending,
  sink: Pick<SiemSink, 'types' | 'minSeverity'>,
  format: SiemFormatOptions,
  maxBytes = MAX_BATCH_BYTES,
  /** At most this many messages (RELP: the prefix the collector acknowledged). */
  maxMessages = Number.POSITIVE_INFINITY,
): PlannedBatch {
  const parts: Buffer[] = [];
  const messages: Buffer[] = [];
  const ids: string[] = [];
  let bytes = 0;
  let skipped = 0;
  let full = false;
  const late: { agentId: string; seq: number }[] = [];
  const positions: { agentId: string; seq: number }[] = [];
  let cursor: string | null = null;

  /** Takes the event into the batch (or passes over it); false when the batch is full. */
  const take = (e: StoredEvent): boolean => {
    if (!wanted(sink, e)) {
      skipped++;
      return true;
    }
    if (ids.length >= maxMessages) {
      full = true;
      return false;
    }
    const message = formatEvent(e, format);
    const framed = Buffer.from(octetFrame(message), 'utf8');
    if (parts.length > 0 && bytes + framed.length > maxBytes) {
      full = true;
      return false;
    }
    parts.push(framed);
    messages.push(Buffer.from(message, 'utf8'));
    ids.push(e.id);
    bytes += framed.length;
    return true;
  };

  for (const e of pending.late) {
    if (!take(e)) break;
    late.push({ agentId: e.agentId, seq: e.seq });
  }
  for (const a of pending.agents) {
    if (full) break;
    let last: number | null = null;
    for (const item of a.items) {
      if (!take(item.event)) break;
      last = item.event.seq;
      if (item.late) late.push({ agentId: a.agentId, seq: item.event.seq });
    }
    if (!full) last = a.through;
    if (last !== null) {
      positions.push({ agentId: a.agentId, seq: last });
      cursor = a.agentId;
    }
  }
  return {
    bytes: Buffer.concat(parts),
    messages,
    ids,
    advance: { positions, late, delivered: ids.length, skipped },
    cursor,
  };
}
