// Exporting events from the browser (issue 13 §4): the console streams the file
// (GET /api/v1/events/export); the page reads it as it comes, counts the rows for the
// progress line, and hands the whole file to the browser's download only when the stream
// ended cleanly. A stream cut short (the console failed, the network went) is an error and
// nothing is saved: a short file that looks whole is the worst outcome of an export.
//
// What has arrived is gathered into Blobs every few MB (the browser keeps large Blobs outside
// the page's heap, on disk if need be), so an export of millions of rows does not sit in
// JavaScript memory as strings.
import { type EventExportFormat, ExportCounter } from '../../core/console/events-export.js';
import { ApiFailure, failureOf } from './api.js';
import { lang, t } from './i18n.js';

export interface ExportProgress {
  rows: number;
  bytes: number;
}

const GATHER = 8 * 1024 * 1024;

function fileNameOf(r: Response, format: EventExportFormat): string {
  const m = /filename="([^"]+)"/.exec(r.headers.get('content-disposition') ?? '');
  return m?.[1] ?? `baomi-events.${format === 'csv' ? 'csv' : 'jsonl'}`;
}

/** Streams the export of `query` (the events page's filters) and saves it; the rows. */
export async function exportEvents(
  format: EventExportFormat,
  query: URLSearchParams,
  onProgress: (p: ExportProgress) => void,
  signal: AbortSignal,
): Promise<number> {
  const q = new URLSearchParams(query);
  q.set('format', format);
  const path = `/api/v1/events/export?${q}`;
  let r: Response;
  try {
    r = await fetch(path, {
      credentials: 'same-origin',
      headers: { 'accept-language': lang() },
      signal,
    });
  } catch (e) {
    if (signal.aborted) throw e;
    throw new ApiFailure(0, 'NETWORK', t('error.network'));
  }
  if (!r.ok) throw await failureOf(r, path);
  if (!r.body) throw new ApiFailure(r.status, 'HTTP', t('events.export.cut'));
  const counter = new ExportCounter(format);
  const decoder = new TextDecoder();
  const parts: BlobPart[] = [];
  let pending: BlobPart[] = [];
  let pendingBytes = 0;
  let bytes = 0;
  const reader = r.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      counter.add(decoder.decode(value, { stream: true }));
      pending.push(value as Uint8Array<ArrayBuffer>);
      pendingBytes += value.byteLength;
      if (pendingBytes >= GATHER) {
        parts.push(new Blob(pending));
        pending = [];
        pendingBytes = 0;
      }
      onProgress({ rows: counter.rows, bytes });
    }
  } catch (e) {
    if (signal.aborted) throw e;
    // The console cut the stream (it failed mid-way) or the network went: not a file.
    throw new ApiFailure(0, 'EXPORT_CUT', t('events.export.cut'));
  }
  parts.push(new Blob(pending));
  const type = format === 'csv' ? 'text/csv;charset=utf-8' : 'application/x-ndjson;charset=utf-8';
  saveFile(new Blob(parts, { type }), fileNameOf(r, format));
  return counter.rows;
}

/** Hands a whole file to the browser's download. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference by now; the page's is let go a moment later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
