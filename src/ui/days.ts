// Hourly counts added up into the reader's days (issue 13 §2 and §10; the tray's log viewer, issue 14
// §5): the console counts events per UTC hour and type (core/console/overview.ts), the tray
// counts the events it loaded; the page owns the time zone. Days are stepped by calendar date,
// not by 24 hours, so a daylight-saving change keeps every day whole. Pure: unit-tested in Node
// with TZ set.
import { HOUR_MS, type HourCount } from '../core/console/overview.js';

export interface Day {
  /** The viewer's date, YYYY-MM-DD. */
  key: string;
  /** The viewer's midnight that starts it, in ms. */
  start: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The viewer's date of the instant `ms`, YYYY-MM-DD. */
export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The last `n` days of the viewer's calendar, today last. */
export function lastDays(now: number, n: number): Day[] {
  const d = new Date(now);
  const out: Day[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const start = new Date(d.getFullYear(), d.getMonth(), d.getDate() - i).getTime();
    out.push({ key: localDate(start), start });
  }
  return out;
}

/** The family of an event type, the part before the first dot (usb.blocked → usb). */
export function family(type: string): string {
  const i = type.indexOf('.');
  return i < 0 ? type : type.slice(0, i);
}

export interface DayTable {
  days: Day[];
  /** The series, largest total first. */
  series: string[];
  /** cells[series][day index] */
  cells: Map<string, number[]>;
  /** Per day, all series together. */
  totals: number[];
}

/**
 * Adds the hourly counts up per viewer's day and per series (`seriesOf` maps a type to its
 * series, or null to leave it out). Hours before the first day or after the last are left
 * out, never folded into a neighbour.
 */
export function perDay(
  counts: readonly HourCount[],
  days: readonly Day[],
  seriesOf: (type: string) => string | null,
): DayTable {
  const index = new Map(days.map((d, i) => [d.key, i]));
  const cells = new Map<string, number[]>();
  const totals = days.map(() => 0);
  for (const c of counts) {
    const i = index.get(localDate(c.hour * HOUR_MS));
    const s = seriesOf(c.type);
    if (i === undefined || s === null) continue;
    const row = cells.get(s) ?? days.map(() => 0);
    cells.set(s, row);
    row[i] = (row[i] ?? 0) + c.n;
    totals[i] = (totals[i] ?? 0) + c.n;
  }
  const sum = (r: number[]) => r.reduce((a, b) => a + b, 0);
  const series = [...cells.keys()].sort(
    (a, b) => sum(cells.get(b)!) - sum(cells.get(a)!) || a.localeCompare(b),
  );
  return { days: [...days], series, cells, totals };
}

/** Events counted per UTC hour and type, the shape perDay adds up (the tray counts the events
 *  it loaded; the console's store counts them as they arrive). */
export function hourCounts(events: readonly { ts: number; type: string }[]): HourCount[] {
  const by = new Map<string, HourCount>();
  for (const e of events) {
    const hour = Math.floor(e.ts / HOUR_MS);
    const k = `${hour} ${e.type}`;
    const c = by.get(k);
    if (c) c.n++;
    else by.set(k, { hour, type: e.type, n: 1 });
  }
  return [...by.values()];
}
