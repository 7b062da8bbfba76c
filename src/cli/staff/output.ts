// How the staff CLI prints rows it got from the console: a table by default (alignColumns,
// cells escaped for a terminal, times with their zone as `baomi events` writes them), `--json`
// (each row exactly as the console sent it, one object per line) or `--csv` (a header of
// fixed English column names, cells defused for spreadsheets). Long listings are written page
// by page in JSON and CSV; a table needs every row for its widths.
import type { Translate } from '../../core/i18n/translate.js';
import { alignColumns, csvCell } from '../format.js';
import { jsonLine, printable } from '../printable.js';
import { formatTime, zoneName } from '../time.js';

export interface ListFlags {
  json?: boolean;
  csv?: boolean;
  utc?: boolean;
}

export interface Column<R> {
  /** The CSV header, and `cli.staff.head.<name>` for the table's (`time` kinds add the zone). */
  name: string;
  /** The cell as text (a time as written by `time`). */
  cell: (r: R) => string;
  /** The cell is a moment (ms): written with its zone, the header names the zone. */
  time?: (r: R) => number | null;
  /** What a `time` cell says when there is no moment (default: nothing). */
  none?: string;
}

export const out = (s: string): void => {
  process.stdout.write(s);
};
export const note = (s: string): void => {
  process.stderr.write(`baomi: ${s}\n`);
};

/** A moment with its zone, or '' for none. */
export function when(ms: number | null | undefined, utc?: boolean): string {
  return ms === null || ms === undefined ? '' : formatTime(ms, utc);
}

function cellOf<R>(c: Column<R>, r: R, utc?: boolean): string {
  return c.time ? when(c.time(r), utc) || (c.none ?? '') : c.cell(r);
}

export function tableOf<R>(rows: R[], cols: Column<R>[], t: Translate, utc?: boolean): string {
  const head = cols.map((c) =>
    c.time
      ? t('cli.staff.head.timeZone', { what: t(`cli.staff.head.${c.name}`), zone: zoneName(utc) })
      : t(`cli.staff.head.${c.name}`),
  );
  return alignColumns(
    head,
    rows.map((r) => cols.map((c) => printable(cellOf(c, r, utc)))),
  ).join('\n');
}

export function csvHeaderOf<R>(cols: Column<R>[]): string {
  return cols.map((c) => c.name).join(',');
}

export function csvRowsOf<R>(rows: R[], cols: Column<R>[], utc?: boolean): string {
  return rows.map((r) => cols.map((c) => csvCell(cellOf(c, r, utc))).join(',')).join('\r\n');
}

/** Writes every row in the form asked for; `none` when a table would be empty. */
export function printRows<R>(
  rows: R[],
  cols: Column<R>[],
  f: ListFlags,
  t: Translate,
  none: string,
): void {
  if (f.json) {
    for (const r of rows) out(`${jsonLine(r)}\n`);
  } else if (f.csv) {
    out(`${csvHeaderOf(cols)}\r\n`);
    if (rows.length) out(`${csvRowsOf(rows, cols, f.utc)}\r\n`);
  } else if (rows.length === 0) out(`${none}\n`);
  else out(`${tableOf(rows, cols, t, f.utc)}\n`);
}

/** One object as `key: value` lines (labels translated, aligned), or one JSON line. */
export function printRecord(
  pairs: [label: string, value: string][],
  raw: unknown,
  json: boolean | undefined,
): void {
  if (json) {
    out(`${jsonLine(raw)}\n`);
    return;
  }
  const rows = pairs.map(([k, v]) => [`${k}:`, printable(v)]);
  out(`${alignColumns(['', ''], rows).slice(1).join('\n')}\n`);
}
