// Printing events: a readable table (default), JSON lines, or CSV.
import type { BaomiEvent } from '../core/events/types.js';
import type { Translate } from '../core/i18n/translate.js';
import type { Lang } from '../core/i18n/types.js';
import { policyRejectionReason } from '../core/policy/rejection.js';
import { displayWidth } from './width.js';

/** The one-line detail a person scans for: a path, a reason, a policy name. */
export function detailOf(e: BaomiEvent, lang: Lang = 'en'): string {
  const d = e.data as Record<string, unknown>;
  const parts: string[] = [];
  // Recorded as a code and its values; rendered here, in the reader's language.
  if (e.type === 'policy.rejected') parts.push(policyRejectionReason(lang, e.data));
  if (typeof d.oldPath === 'string') parts.push(`${d.oldPath} →`);
  if (typeof d.path !== 'string' && typeof d.root === 'string') parts.push(d.root);
  const keys =
    e.type === 'policy.rejected' ? ['code'] : ['path', 'name', 'reason', 'code', 'message'];
  for (const k of keys) {
    const v = d[k];
    if (typeof v === 'string' || typeof v === 'number') parts.push(String(v));
  }
  if (typeof d.version === 'number' && !parts.includes(String(d.version)))
    parts.push(`v${d.version}`);
  return parts.join(' ').replace(/[\r\n\t]/g, (c) => JSON.stringify(c).slice(1, -1));
}

function localTime(ts: number): string {
  const dt = new Date(ts);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${dt.getFullYear()}-${p(dt.getMonth() + 1)}-${p(dt.getDate())} ${p(dt.getHours())}:${p(dt.getMinutes())}:${p(dt.getSeconds())}`;
}

function pad(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - displayWidth(s)));
}

export function formatTable(events: BaomiEvent[], t: Translate, lang: Lang = 'en'): string {
  const head = ['seq', 'time', 'type', 'severity', 'level', 'user', 'detail'].map((k) =>
    t(`cli.head.${k}`),
  );
  const rows = events.map((e) => [
    String(e.seq),
    localTime(e.ts),
    e.type,
    e.severity,
    e.level ?? '',
    e.user ?? '',
    detailOf(e, lang),
  ]);
  // A loop, not Math.max(...rows): a spread of 100,000 arguments overflows the stack.
  const widths = head.map((h) => displayWidth(h));
  for (const r of rows)
    for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i]!, displayWidth(c));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export function formatJsonLines(events: BaomiEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n');
}

function csvCell(raw: string): string {
  // A file name like "=HYPERLINK(...)" must not become a formula when staff open the CSV in a
  // spreadsheet (CSV injection): such cells get a leading apostrophe.
  const v = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const CSV_COLUMNS = [
  'seq',
  'id',
  'ts',
  'time',
  'type',
  'severity',
  'level',
  'user',
  'host',
  'detail',
  'data',
  'hash',
];

export function csvHeader(): string {
  return CSV_COLUMNS.join(',');
}

/** Rows without the header, joined by CRLF (no trailing one): for output page by page. */
export function formatCsvRows(events: BaomiEvent[], lang: Lang = 'en'): string {
  return events
    .map((e) =>
      [
        String(e.seq),
        e.id,
        String(e.ts),
        new Date(e.ts).toISOString(),
        e.type,
        e.severity,
        e.level ?? '',
        e.user ?? '',
        e.host,
        detailOf(e, lang),
        JSON.stringify(e.data),
        e.hash,
      ]
        .map(csvCell)
        .join(','),
    )
    .join('\r\n');
}

export function formatCsv(events: BaomiEvent[], lang: Lang = 'en'): string {
  return events.length === 0 ? csvHeader() : `${csvHeader()}\r\n${formatCsvRows(events, lang)}`;
}
