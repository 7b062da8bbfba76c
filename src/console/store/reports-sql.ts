// The report's SQL for both engines (core/console/reports.ts says what is counted): each
// query answers per enrollment group; the route adds the groups up per department.
import { ALERT_STAGES, type AlertStage } from '../../core/console/alerts.js';
import { HOUR_MS } from '../../core/console/overview.js';
import { emptyCounts, type GroupCounts, type ReportQuery } from '../../core/console/reports.js';
import { SEVERITIES } from '../../core/events/types.js';
import { idleMaxSql } from './overview-sql.js';
import type { Params } from './sql.js';

/** usb.blocked per group from the hourly rollup (PostgreSQL: and the deltas not yet folded).
 *  Hours are whole: a period that starts or ends inside an hour counts that whole hour. */
export function blockedSql(engine: 'sqlite' | 'postgres', p: Params, q: ReportQuery): string {
  const a = p.add(Math.floor(q.from / HOUR_MS));
  const b = p.add(Math.ceil(q.to / HOUR_MS));
  const where = `type = 'usb.blocked' AND hour >= ${a} AND hour < ${b}`;
  const from =
    engine === 'sqlite'
      ? `SELECT group_name, n FROM event_counts WHERE ${where}`
      : `SELECT group_name, n FROM event_counts WHERE ${where}
         UNION ALL SELECT group_name, n FROM event_count_deltas WHERE ${where}`;
  return `SELECT group_name, sum(n) AS n FROM (${from}) x GROUP BY group_name`;
}

export function grantedSql(p: Params, q: ReportQuery): string {
  return `SELECT a.group_name, count(*) AS n FROM requests r JOIN agents a ON a.id = r.agent_id
    WHERE r.state = 'approved' AND r.decided_at >= ${p.add(q.from)} AND r.decided_at < ${p.add(q.to)}
    GROUP BY a.group_name`;
}

const rank = (column: string) =>
  `CASE ${column} ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END`;

/** Alerts raised in the period by group and stage; `downgraded`: in a case assessed lower. */
export function alertsSql(p: Params, q: ReportQuery): string {
  return `SELECT a.group_name, al.state, count(*) AS n,
      sum(CASE WHEN c.id IS NOT NULL AND ${rank('c.severity')} < ${rank('al.severity')} THEN 1 ELSE 0 END) AS downgraded
    FROM alerts al JOIN agents a ON a.id = al.agent_id
      LEFT JOIN case_alerts ca ON ca.alert_id = al.id LEFT JOIN cases c ON c.id = ca.case_id
    WHERE al.ts >= ${p.add(q.from)} AND al.ts < ${p.add(q.to)}
    GROUP BY a.group_name, al.state`;
}

/** Idle, unlocked minutes per group: each workstation's, user's and date's highest total.
 *  Events from a day either side: the agents' dates are their own zones'. */
export function idleSql(engine: 'sqlite' | 'postgres', p: Params, q: ReportQuery): string {
  const inner = idleMaxSql(engine, p, {
    sinceTs: q.from - 86_400_000,
    untilTs: q.to + 86_400_000,
    sinceDate: q.fromDate,
    untilDate: q.toDate,
  });
  return `SELECT a.group_name, sum(x.m) AS n FROM (${inner}) x JOIN agents a ON a.id = x.agent_id
    WHERE x.m > 0 GROUP BY a.group_name`;
}

type Row = Record<string, unknown>;

/** The four answers put together per group. */
export function groupCounts(r: {
  blocked: Row[];
  granted: Row[];
  alerts: Row[];
  idle: Row[];
}): GroupCounts[] {
  const m = new Map<string, GroupCounts>();
  const of = (row: Row) => {
    const g = String(row.group_name);
    const c = m.get(g) ?? emptyCounts(g);
    m.set(g, c);
    return c;
  };
  for (const x of r.blocked) of(x).blockedPlugs += Number(x.n);
  for (const x of r.granted) of(x).exceptionsGranted += Number(x.n);
  for (const x of r.alerts) {
    const c = of(x);
    if ((ALERT_STAGES as readonly string[]).includes(String(x.state)))
      c.alerts[x.state as AlertStage] += Number(x.n);
    c.alertsDowngraded += Number(x.downgraded);
  }
  for (const x of r.idle) of(x).idleMinutes += Number(x.n);
  return [...m.values()].sort((a, b) => a.group.localeCompare(b.group));
}
