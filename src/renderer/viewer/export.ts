// The viewer's export (issue 14 §5): every event the filters match, not only the rows loaded
// (the table may hold fewer: load.ts), as CSV or JSON lines, paged from the agent with a count
// for the progress indicator. CSV cells go through core's csvCell (RFC 4180, formula guard:
// file names are hostile), with a BOM so a spreadsheet reads Chinese as UTF-8; JSON lines hold
// each event exactly as stored (the same contract as `baomi events --json`).
import { csvCell } from '../../core/csv.js';
import type { BaomiEvent } from '../../core/events/types.js';
import type { EventFilter } from '../../core/protocol/messages.js';
import { type EventSource, newestFirst, PAGE } from './load.js';

export type ExportFormat = 'csv' | 'json';

export const EXPORT_CSV_COLUMNS = [
  'seq',
  'id',
  'ts',
  'time',
  'type',
  'severity',
  'level',
  'user',
  'host',
  'what',
  'data',
  'prevHash',
  'hash',
] as const;

function iso(ms: number): string | null {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function csvRow(e: BaomiEvent, what: string): string {
  return `${[
    e.seq,
    e.id,
    e.ts,
    iso(e.ts),
    e.type,
    e.severity,
    e.level,
    e.user,
    e.host,
    what,
    JSON.stringify(e.data),
    e.prevHash,
    e.hash,
  ]
    .map(csvCell)
    .join(',')}\r\n`;
}

/** `baomi-events-<UTC time>.<csv|jsonl>`. */
export function exportFileName(format: ExportFormat, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  return `baomi-events-${stamp}.${format === 'csv' ? 'csv' : 'jsonl'}`;
}

/**
 * The export's text in parts (one per page of events), newest first. `progress(n)` after each
 * page with the events written so far; `what(e)` words an event for the CSV's `what` column.
 */
export async function exportParts(
  source: EventSource,
  filter: EventFilter,
  format: ExportFormat,
  what: (e: BaomiEvent) => string,
  progress: (written: number) => void,
): Promise<{ parts: string[]; count: number }> {
  const parts: string[] = format === 'csv' ? [`\ufeff${EXPORT_CSV_COLUMNS.join(',')}\r\n`] : [];
  let count = 0;
  for await (const page of newestFirst(source, filter, PAGE)) {
    parts.push(
      page.map((e) => (format === 'csv' ? csvRow(e, what(e)) : `${JSON.stringify(e)}\n`)).join(''),
    );
    count += page.length;
    progress(count);
  }
  return { parts, count };
}
