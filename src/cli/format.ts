// Printing events: a readable table (default), JSON lines (exactly as stored: the export
// contract), or CSV. The table and the CSV write times the same way, with their zone
// (time.ts); the table folds each `file.hashed` into the event it completes.
import { alertSummary } from '../core/alerts/summary.js';
import { csvCell as coreCsvCell } from '../core/csv.js';
import type { BaomiEvent } from '../core/events/types.js';
import type { Translate } from '../core/i18n/translate.js';
import type { Lang } from '../core/i18n/types.js';
import { policyRejectionReason } from '../core/policy/rejection.js';
import { cliTranslator } from './i18n.js';
import { jsonLine, printable } from './printable.js';
import { formatTime, zoneName } from './time.js';
import { usbEventDetail } from './usb-text.js';
import { displayWidth } from './width.js';

export interface TableOptions {
  /** Show `file.hashed` events as rows of their own instead of folding them. */
  hashes?: boolean | undefined;
  /** Times in UTC instead of the local zone. */
  utc?: boolean | undefined;
  /** Events of many computers (the console's): a HOST column after SEQ. */
  host?: boolean | undefined;
}

/** An event as the console stores it: which agent sent it (seq is per agent). */
type MaybeFromAgent = BaomiEvent & { agentId?: string };

const translators = new Map<Lang, Translate>();
function defaultT(lang: Lang): Translate {
  let t = translators.get(lang);
  if (!t) {
    t = cliTranslator(lang);
    translators.set(lang, t);
  }
  return t;
}

/**
 * The one-line detail a person scans for: a path, a reason, a policy name, an alert's rule, a
 * USB device and the rule that decided. Escaped for a terminal (printable.ts): file names and
 * device strings come from outside and must not steer it. `utc`: times inside the detail (an
 * exception's window) in UTC, as the table's own with --utc.
 */
export function detailOf(
  e: BaomiEvent,
  lang: Lang = 'en',
  t: Translate = defaultT(lang),
  utc = false,
): string {
  return printable(rawDetail(e, lang, t, utc));
}

function rawDetail(e: BaomiEvent, lang: Lang, t: Translate, utc: boolean): string {
  const d = e.data as Record<string, unknown>;
  if (e.type.startsWith('usb.')) {
    const usb = usbEventDetail(t, e.type, d, utc);
    if (usb !== null) return usb;
  }
  const parts: string[] = [];
  // Recorded as a code and its values; rendered here, in the reader's language.
  if (e.type === 'policy.rejected') parts.push(policyRejectionReason(lang, e.data));
  // The rule that fired and how many events it counted (the sample is in --json).
  if (e.type === 'alert.raised') {
    const { key, params } = alertSummary(e);
    parts.push(t(key, params));
  }
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
  if (typeof d.sha256 === 'string') parts.push(`sha256 ${d.sha256}`);
  if (e.type === 'file.hashed' && typeof d.ofSeq === 'number')
    parts.push(t('cli.events.hashOf', { seq: d.ofSeq }));
  // Files already there at a folder's first scan, and changes made while the agent was down.
  if (d.baseline === true) parts.push(t('cli.events.baseline'));
  if (d.offline === true) parts.push(t('cli.events.offline'));
  return parts.join(' ');
}

/**
 * The rows of the table: each `file.hashed` whose event (`ofSeq`) is among them is folded into
 * that event (its hash joins the detail); one whose event is not shown stays a row. Events
 * from the console carry their agent: a seq names an event of that agent only.
 */
export function foldHashes(events: BaomiEvent[]): { event: BaomiEvent; sha256?: string }[] {
  const key = (e: MaybeFromAgent, seq: number) => `${e.agentId ?? ''}\u0000${seq}`;
  const bySeq = new Map<string, { event: BaomiEvent; sha256?: string }>();
  const rows: { event: BaomiEvent; sha256?: string }[] = [];
  for (const event of events) {
    const d = event.data;
    const target =
      event.type === 'file.hashed' && typeof d.ofSeq === 'number' && bySeq.get(key(event, d.ofSeq));
    if (target && typeof d.sha256 === 'string') {
      target.sha256 = d.sha256;
      continue;
    }
    const row = { event };
    bySeq.set(key(event, event.seq), row);
    rows.push(row);
  }
  return rows;
}

function pad(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - displayWidth(s)));
}

export function formatTable(
  events: BaomiEvent[],
  t: Translate,
  lang: Lang = 'en',
  o: TableOptions = {},
): string {
  const keys = ['seq', ...(o.host ? ['host'] : []), 'time', 'type', 'severity', 'level', 'user'];
  const head = [...keys, 'detail'].map((k) =>
    k === 'time' ? t('cli.head.timeZone', { zone: zoneName(o.utc) }) : t(`cli.head.${k}`),
  );
  const shown: { event: BaomiEvent; sha256?: string }[] = o.hashes
    ? events.map((event) => ({ event }))
    : foldHashes(events);
  const rows = shown.map(({ event: e, sha256 }) => {
    let detail = detailOf(e, lang, t, o.utc);
    if (sha256 && e.data.sha256 !== sha256) detail = `${detail} sha256 ${sha256}`.trimStart();
    return [
      String(e.seq),
      ...(o.host ? [printable(e.host)] : []),
      formatTime(e.ts, o.utc),
      // From the console, even the type and severity are what an agent sent.
      printable(e.type),
      printable(e.severity),
      printable(e.level ?? ''),
      printable(e.user ?? ''),
      detail,
    ];
  });
  return alignColumns(head, rows).join('\n');
}

/**
 * A header and rows as lines of columns two spaces apart, each as wide as its widest cell in
 * display width (CJK counts two); the last column is not padded.
 */
export function alignColumns(head: string[], rows: string[][]): string[] {
  // A loop, not Math.max(...rows): a spread of 100,000 arguments overflows the stack.
  const widths = head.map((h) => displayWidth(h));
  for (const r of rows)
    for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i]!, displayWidth(c));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

export function formatJsonLines(events: BaomiEvent[]): string {
  return events.map((e) => jsonLine(e)).join('\n');
}

/**
 * One CSV cell: core's (RFC 4180, quoted where needed, never read as a formula by a
 * spreadsheet, full-width forms included), with control characters and text-direction
 * overrides escaped as in the table first (a CSV printed to stdout reaches a terminal too; a
 * host name's ESC must not clear it). The `data` column is JSON whose strings parse back
 * exactly; `--json` keeps every string as sent. An empty value is an empty field.
 */
export function csvCell(raw: string): string {
  return raw === '' ? '' : coreCsvCell(printable(raw));
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

/** `agent`: events of many computers (the console's), with the agent's id last. */
export function csvHeader(o: { agent?: boolean } = {}): string {
  return [...CSV_COLUMNS, ...(o.agent ? ['agent'] : [])].join(',');
}

/**
 * Rows without the header, joined by CRLF (no trailing one): for output page by page. Every
 * event is a row (file.hashed too: an export folds nothing); `time` is written as in the table.
 */
export function formatCsvRows(
  events: BaomiEvent[],
  lang: Lang = 'en',
  utc = false,
  o: { agent?: boolean } = {},
): string {
  return events
    .map((e: MaybeFromAgent) =>
      [
        String(e.seq),
        e.id,
        String(e.ts),
        formatTime(e.ts, utc),
        e.type,
        e.severity,
        e.level ?? '',
        e.user ?? '',
        e.host,
        detailOf(e, lang, defaultT(lang), utc),
        jsonLine(e.data),
        e.hash,
        ...(o.agent ? [e.agentId ?? ''] : []),
      ]
        .map(csvCell)
        .join(','),
    )
    .join('\r\n');
}

export function formatCsv(events: BaomiEvent[], lang: Lang = 'en', utc = false): string {
  return events.length === 0
    ? csvHeader()
    : `${csvHeader()}\r\n${formatCsvRows(events, lang, utc)}`;
}
