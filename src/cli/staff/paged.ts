// A listing the console pages newest first with `before`/`next` (alerts, cases): every page
// until there is none, or --limit N rows; JSON and CSV written as the pages come, a table once
// (its widths need every row). A listing cut by --limit asks once more whether older rows
// match, so the caller can say so instead of a silent "that is all".
import type { Translate } from '../../core/i18n/translate.js';
import { jsonLine } from '../printable.js';
import type { Query, StaffClient } from './client.js';
import { type Column, csvHeaderOf, csvRowsOf, type ListFlags, out, tableOf } from './output.js';

export interface PagedListing<R> {
  path: string;
  /** The answer's array: `{[key]: R[], next}`. */
  key: string;
  query: Query;
  /** Rows asked for at once (the console's largest page). */
  page: number;
  limit: number | undefined;
  cols: Column<R>[];
  /** What the table says when nothing matches. */
  none: string;
}

/** Writes the listing; how many rows were shown and whether older ones match beyond --limit. */
export async function printPaged<R>(
  c: StaffClient,
  l: PagedListing<R>,
  f: ListFlags,
  t: Translate,
): Promise<{ shown: number; more: boolean }> {
  const rowsOf = (answer: Record<string, unknown>) => (answer[l.key] as R[] | undefined) ?? [];
  const all: R[] = [];
  let shown = 0;
  let before: string | null = null;
  if (f.csv) out(`${csvHeaderOf(l.cols)}\r\n`);
  for (;;) {
    const want = l.limit === undefined ? l.page : Math.min(l.page, l.limit - shown);
    const answer: Record<string, unknown> = await c.get(l.path, {
      ...l.query,
      before: before ?? undefined,
      limit: want,
    });
    const rows = rowsOf(answer);
    shown += rows.length;
    if (f.json) for (const r of rows) out(`${jsonLine(r)}\n`);
    else if (f.csv) {
      if (rows.length) out(`${csvRowsOf(rows, l.cols, f.utc)}\r\n`);
    } else all.push(...rows);
    before = (answer.next as string | null | undefined) ?? null;
    if (before === null || rows.length === 0) break;
    if (l.limit !== undefined && shown >= l.limit) break;
  }
  if (!f.json && !f.csv) out(`${all.length ? tableOf(all, l.cols, t, f.utc) : l.none}\n`);
  if (l.limit === undefined || before === null) return { shown, more: false };
  const probe: Record<string, unknown> = await c.get(l.path, { ...l.query, before, limit: 1 });
  return { shown, more: rowsOf(probe).length > 0 };
}
