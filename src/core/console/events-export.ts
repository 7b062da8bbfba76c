// The events export (issue 13 §4): the events a filter of `GET /api/v1/events` matches, all
// of them, oldest first, as CSV or as JSON lines. Pure: the console streams what these write
// (server/routes/events-export.ts) and the web UI's tests read a CSV back with them.
//
// - JSON lines: one event per line exactly as `GET /api/v1/events` answers it
//   (JSON.stringify never writes a raw newline, so a line is a record).
// - CSV (RFC 4180, CRLF, a UTF-8 BOM so that spreadsheets read Chinese right): the columns of
//   the per-person export's event rows (person-export.ts), one row per event. The cells are
//   written by core/csv.ts csvCell: a cell a spreadsheet would run as a formula gets an
//   apostrophe, null is an empty field and '' is `""`.
//
// Complete or visibly cut: the console cuts the connection when it cannot go on, so a client
// sees a failed download, never a file that ends early looking whole.

import { csvCell } from '../csv.js';
import type { BaomiEvent } from '../events/types.js';

export const EVENT_EXPORT_FORMATS = ['csv', 'json'] as const;
export type EventExportFormat = (typeof EVENT_EXPORT_FORMATS)[number];

export type ExportableEvent = BaomiEvent & { agentId: string; receivedAt: number };

export const EVENT_CSV_COLUMNS = [
  'agent_id',
  'seq',
  'id',
  'ts',
  'time',
  'received_at',
  'type',
  'severity',
  'level',
  'user',
  'host',
  'data',
  'prev_hash',
  'hash',
] as const;

/** The time as ISO 8601 UTC; null (an empty cell) when the agent sent a time no date holds. */
function iso(ms: number): string | null {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function eventCsvHeader(): string {
  return `\ufeff${EVENT_CSV_COLUMNS.join(',')}\r\n`;
}

export function eventCsvRow(e: ExportableEvent): string {
  return `${[
    e.agentId,
    e.seq,
    e.id,
    e.ts,
    iso(e.ts),
    e.receivedAt,
    e.type,
    e.severity,
    e.level,
    e.user,
    e.host,
    JSON.stringify(e.data),
    e.prevHash,
    e.hash,
  ]
    .map(csvCell)
    .join(',')}\r\n`;
}

export function eventJsonLine(e: ExportableEvent): string {
  return `${JSON.stringify(e)}\n`;
}

/** The file name a browser saves it as: `baomi-events-<UTC time>.<csv|jsonl>`. */
export function eventExportFileName(format: EventExportFormat, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  return `baomi-events-${stamp}.${format === 'csv' ? 'csv' : 'jsonl'}`;
}

/**
 * Counts the records in a stream of export text, chunk by chunk, for a progress indicator: a
 * CSV row ends at a line feed outside quotes (cells holding line breaks are quoted), a JSON
 * line at any line feed. The header line is not a record.
 */
export class ExportCounter {
  rows = 0;
  private quoted = false;
  private headerSeen: boolean;
  constructor(private readonly format: EventExportFormat) {
    this.headerSeen = format === 'json';
  }
  add(chunk: string): number {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.format === 'csv' && c === 34) this.quoted = !this.quoted;
      else if (c === 10 && !this.quoted) {
        if (this.headerSeen) this.rows++;
        else this.headerSeen = true;
      }
    }
    return this.rows;
  }
}
