// The overview of the console's web UI (issue 13 §2) and the rollups behind it. Counting
// millions of events per request is not an option (a 10,000-agent fleet sends ~40 million a
// day), so the console keeps `event_counts`: events per hour, agent group and type, added to
// in the same transaction that stores the events (SQLite), or appended as deltas and folded
// by one console (PostgreSQL: no two consoles ever wait on the same counter row). The counts
// are exact: what a transaction stores and what it counts commit together.
//
// Hours, not days: the viewer's day starts at the viewer's midnight (issue 13 §10); the page
// adds the hours up in its own time zone (exact for zones a whole number of hours from UTC,
// such as China's; in a zone off by a half hour a day's first or last half hour is counted
// with its neighbour).
import type { BaomiEvent } from '../events/types.js';

export const HOUR_MS = 3_600_000;
/** The overview's window: the days of the per-day chart. */
export const OVERVIEW_DAYS = 14;
/** Users listed with the most idle-unlocked minutes. */
export const IDLE_TOP = 10;

/** Events of one type in one hour (the hour's index: ts / HOUR_MS, rounded down). */
export interface HourCount {
  hour: number;
  type: string;
  n: number;
}

/** The counts one batch of stored events adds, per hour and type. */
export function countDeltas(events: readonly Pick<BaomiEvent, 'ts' | 'type'>[]): HourCount[] {
  const m = new Map<string, HourCount>();
  for (const e of events) {
    const hour = Math.floor(e.ts / HOUR_MS);
    const k = `${hour}\u0000${e.type}`;
    const c = m.get(k);
    if (c) c.n++;
    else m.set(k, { hour, type: e.type, n: 1 });
  }
  return [...m.values()];
}

export interface OverviewView {
  at: number;
  agents: { online: number; silent: number; never: number; revoked: number };
  /** Enrolled, not revoked agents whose last heartbeat said USB is not enforced, by reason. */
  notEnforcing: { reason: string | null; agents: number }[];
  /** Events the agents said were waiting to sync, and how many agents had any. */
  backlog: { events: number; agents: number };
  policies: { name: string | null; version: number | null; agents: number }[];
  /** Alerts still at 预报 (nobody has taken them up), by severity. */
  newAlerts: { severity: string; n: number }[];
  /** Events per hour and type since `since` (OVERVIEW_DAYS days before `at`). */
  since: number;
  counts: HourCount[];
  /** The most idle-unlocked minutes since `idleSince` (the agents' own dates, YYYY-MM-DD). */
  idleSince: string;
  idleTop: { user: string; minutes: number }[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `s` is a date as the agents write them in idle.exposure (YYYY-MM-DD). */
export function isIdleDate(s: unknown): s is string {
  return typeof s === 'string' && DATE.test(s);
}
