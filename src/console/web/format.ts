// Times in the viewer's own time zone and language (issue 13 §10), and values from agents
// turned into plain text (Preact renders strings as text nodes: never as HTML).
import { lang } from './i18n.js';

/** One formatter per language: making one costs more than formatting a hundred times. */
const formats = new Map<string, Intl.DateTimeFormat>();

export function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const l = lang();
  let f = formats.get(l);
  if (!f) {
    f = new Intl.DateTimeFormat(l, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'short',
    });
    formats.set(l, f);
  }
  return f.format(d);
}

/** A short one-line summary of an event's data (the path first when there is one). */
export function summary(data: Record<string, unknown>): string {
  const path = typeof data.path === 'string' ? data.path : null;
  const rest = JSON.stringify(data);
  return path
    ? `${path}  ${rest.length > 160 ? `${rest.slice(0, 160)}…` : rest}`
    : rest.slice(0, 200);
}

/** The value of a datetime-local input as ms in the viewer's zone, or undefined. */
export function fromLocalInput(v: string): number | undefined {
  if (!v) return undefined;
  const ms = new Date(v).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/** A count in the viewer's language (grouping digits), rounded to a whole number. */
export function count(n: number): string {
  return new Intl.NumberFormat(lang()).format(Math.round(n));
}
