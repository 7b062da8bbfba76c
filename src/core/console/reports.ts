// The confidentiality office's report (issue 13 §9): one row per department (the enrollment
// group's attribute) over a period the viewer picks (a week or a month of the viewer's own
// calendar): USB plugs blocked, exceptions granted, alerts raised by the stage they are at and
// how many an assessment downgraded, minutes idle and unlocked, agents not reporting. Groups
// without a department are one row, department null. The CSV is the same rows, one column per
// number, the header in English (a file for scripts and spreadsheets; the page is translated).

import { csvCell } from '../csv.js';
import { ALERT_STAGES, type AlertStage } from './alerts.js';

/** A period: [from, to) in ms, and the same as the viewer's dates [fromDate, toDate) (for
 *  idle.exposure, whose dates are the agents'). */
export interface ReportQuery {
  from: number;
  to: number;
  fromDate: string;
  toDate: string;
}

/** What the store counts per enrollment group over a period. */
export interface GroupCounts {
  group: string;
  /** usb.blocked events in the period (the overview's hourly rollup: exact). */
  blockedPlugs: number;
  /** Exception requests approved in the period (by the time of the decision). */
  exceptionsGranted: number;
  /** Alerts raised in the period, by the stage each is at now. */
  alerts: Record<AlertStage, number>;
  /** Of those: alerts in a case whose assessed severity is below the alert's own. */
  alertsDowngraded: number;
  /** Idle, unlocked minutes on the agents' dates in the period (idle.exposure's totals). */
  idleMinutes: number;
}

export interface DepartmentRow extends Omit<GroupCounts, 'group'> {
  department: string | null;
  groups: string[];
  /** Agents enrolled and not revoked, now. */
  agents: number;
  /** Of those: silent or never seen when the report was made. */
  notReporting: number;
}

export interface ReportView extends ReportQuery {
  at: number;
  departments: DepartmentRow[];
}

/** The longest period a report covers, in days (a quarter: the rollup answers it at once). */
export const REPORT_MAX_DAYS = 93;

export function emptyCounts(group: string): GroupCounts {
  return {
    group,
    blockedPlugs: 0,
    exceptionsGranted: 0,
    alerts: Object.fromEntries(ALERT_STAGES.map((s) => [s, 0])) as Record<AlertStage, number>,
    alertsDowngraded: 0,
    idleMinutes: 0,
  };
}

/** Adds `b`'s numbers into `a`. */
export function addCounts(a: Omit<GroupCounts, 'group'>, b: Omit<GroupCounts, 'group'>): void {
  a.blockedPlugs += b.blockedPlugs;
  a.exceptionsGranted += b.exceptionsGranted;
  for (const s of ALERT_STAGES) a.alerts[s] += b.alerts[s];
  a.alertsDowngraded += b.alertsDowngraded;
  a.idleMinutes += b.idleMinutes;
}

export const REPORT_CSV_COLUMNS = [
  'from',
  'to',
  'department',
  'groups',
  'agents',
  'agents_not_reporting',
  'usb_blocked',
  'exceptions_granted',
  'alerts_预报',
  'alerts_调查',
  'alerts_初步评估',
  'alerts_处置',
  'alerts_结案',
  'alerts_downgraded',
  'idle_unlocked_minutes',
] as const;

/** The report as CSV (BOM, CRLF), one line per department; cells as core/csv.ts guards them. */
export function reportCsv(v: ReportView): string {
  const lines = [REPORT_CSV_COLUMNS.join(',')];
  for (const d of v.departments)
    lines.push(
      [
        v.fromDate,
        v.toDate,
        d.department,
        d.groups.join(' '),
        d.agents,
        d.notReporting,
        d.blockedPlugs,
        d.exceptionsGranted,
        ...ALERT_STAGES.map((s) => d.alerts[s]),
        d.alertsDowngraded,
        Math.round(d.idleMinutes),
      ]
        .map((x) => csvCell(x))
        .join(','),
    );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
