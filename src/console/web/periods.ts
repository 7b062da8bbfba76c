// The report's periods in the viewer's calendar (issue 13 §9 and §10): a week runs Monday to
// Monday, a month from its 1st to the next; both start at the viewer's midnight and are stepped
// by calendar date, so a daylight-saving change keeps every period whole. Pure: unit-tested.
import { localDate } from '../../ui/days.js';

export type PeriodKind = 'week' | 'month';

export interface Period {
  kind: PeriodKind;
  /** [from, to) in ms, and the same as the viewer's dates [fromDate, toDate). */
  from: number;
  to: number;
  fromDate: string;
  toDate: string;
  /** The period's last day, YYYY-MM-DD (toDate is the day after it). */
  lastDate: string;
}

/** The week or month holding the instant `ms`, moved `shift` periods (-1: the one before). */
export function periodOf(kind: PeriodKind, ms: number, shift = 0): Period {
  const d = new Date(ms);
  const [start, end] =
    kind === 'week'
      ? ((monday) => [
          new Date(d.getFullYear(), d.getMonth(), monday + 7 * shift),
          new Date(d.getFullYear(), d.getMonth(), monday + 7 * (shift + 1)),
        ])(d.getDate() - ((d.getDay() + 6) % 7))
      : [
          new Date(d.getFullYear(), d.getMonth() + shift, 1),
          new Date(d.getFullYear(), d.getMonth() + shift + 1, 1),
        ];
  const last = new Date(end.getFullYear(), end.getMonth(), end.getDate() - 1);
  return {
    kind,
    from: start.getTime(),
    to: end.getTime(),
    fromDate: localDate(start.getTime()),
    toDate: localDate(end.getTime()),
    lastDate: localDate(last.getTime()),
  };
}
