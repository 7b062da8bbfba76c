// Reports (issue 13 §9): the confidentiality office's weekly or monthly summary per
// department (GET /api/v1/reports/departments, core/console/reports.ts) for a week or month of
// the viewer's calendar (periods.ts), stepped back and forth; printable from the browser (the
// print style sheet leaves the navigation and the buttons out) and saved as CSV: the rows on
// the page, written by core's reportCsv as the console's ?format=csv writes them.
import { useEffect, useState } from 'preact/hooks';
import { ALERT_STAGES } from '../../../core/console/alerts.js';
import {
  addCounts,
  type DepartmentRow,
  emptyCounts,
  type ReportView,
  reportCsv,
} from '../../../core/console/reports.js';
import { api } from '../api.js';
import { saveFile } from '../export.js';
import { count, when } from '../format.js';
import { type Key, t } from '../i18n.js';
import { type Period, type PeriodKind, periodOf } from '../periods.js';

function query(p: Period): string {
  return new URLSearchParams({
    from: String(p.from),
    to: String(p.to),
    fromDate: p.fromDate,
    toDate: p.toDate,
  }).toString();
}

/** The departments added up: the table's last line. */
function total(rows: DepartmentRow[]): DepartmentRow {
  const { group: _, ...zero } = emptyCounts('');
  const all: DepartmentRow = { department: null, groups: [], agents: 0, notReporting: 0, ...zero };
  for (const r of rows) {
    addCounts(all, r);
    all.agents += r.agents;
    all.notReporting += r.notReporting;
  }
  return all;
}

function Cells(props: { r: DepartmentRow }) {
  const { r } = props;
  return (
    <>
      <td>{count(r.agents)}</td>
      <td>{count(r.notReporting)}</td>
      <td>{count(r.blockedPlugs)}</td>
      <td>{count(r.exceptionsGranted)}</td>
      {ALERT_STAGES.map((s) => (
        <td key={s}>{count(r.alerts[s])}</td>
      ))}
      <td>{count(r.alertsDowngraded)}</td>
      <td>{count(r.idleMinutes)}</td>
    </>
  );
}

/** The columns before the alerts' stages, and after them. */
const BEFORE: Key[] = [
  'reports.col.department',
  'reports.col.groups',
  'reports.col.agents',
  'reports.col.notReporting',
  'reports.col.blocked',
  'reports.col.granted',
];
const AFTER: Key[] = ['reports.col.downgraded', 'reports.col.idle'];

function Table(props: { v: ReportView }) {
  const rows = props.v.departments;
  if (rows.length === 0) return <p>{t('reports.none')}</p>;
  return (
    // Focusable, so a keyboard can scroll a table wider than the screen.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolled region must take the focus (WCAG 2.1.1)
    <section class="scroll" tabIndex={0} aria-label={t('reports.title')}>
      <table class="grid numbers report" data-testid="report-table">
        <thead>
          <tr>
            {BEFORE.map((k) => (
              <th scope="col" rowSpan={2} key={k}>
                {t(k)}
              </th>
            ))}
            <th scope="colgroup" colSpan={ALERT_STAGES.length}>
              {t('reports.col.alerts')}
            </th>
            {AFTER.map((k) => (
              <th scope="col" rowSpan={2} key={k}>
                {t(k)}
              </th>
            ))}
          </tr>
          <tr>
            {ALERT_STAGES.map((s) => (
              <th scope="col" key={s}>
                {t(`stage.${s}` as Key)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.department ?? ''}>
              <th scope="row">{r.department ?? t('reports.noDepartment')}</th>
              <td class="text">{r.groups.join(', ')}</td>
              <Cells r={r} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr class="total">
            <th scope="row">{t('reports.total')}</th>
            <td />
            <Cells r={total(rows)} />
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

export function ReportsPage(props: { onError: (e: unknown) => void }) {
  const [kind, setKind] = useState<PeriodKind>('week');
  const [shift, setShift] = useState(0);
  const [view, setView] = useState<ReportView | null>(null);
  const period = periodOf(kind, Date.now(), shift);

  useEffect(() => {
    let current = true; // an answer for a period no longer shown is dropped
    setView(null);
    api<ReportView>('GET', `/api/v1/reports/departments?${query(period)}`).then(
      (v) => current && setView(v),
      (e) => current && props.onError(e),
    );
    return () => {
      current = false;
    };
  }, [kind, shift]);

  return (
    <section aria-labelledby="reports-h">
      <h1 id="reports-h">{t('reports.title')}</h1>
      <p data-testid="report-range">
        {t('reports.range', { from: period.fromDate, to: period.lastDate })}
      </p>
      <div class="filters no-print">
        <label>
          <span>{t('reports.kind')}</span>
          <select
            name="kind"
            value={kind}
            onChange={(e) => {
              setKind((e.target as HTMLSelectElement).value as PeriodKind);
              setShift(0);
            }}
          >
            <option value="week">{t('reports.week')}</option>
            <option value="month">{t('reports.month')}</option>
          </select>
        </label>
        <button type="button" onClick={() => setShift(shift - 1)}>
          {t('reports.previous')}
        </button>
        <button type="button" disabled={shift === 0} onClick={() => setShift(0)}>
          {t('reports.current')}
        </button>
        <button type="button" disabled={shift >= 0} onClick={() => setShift(shift + 1)}>
          {t('reports.next')}
        </button>
        <button type="button" onClick={() => print()}>
          {t('reports.print')}
        </button>
        <button
          type="button"
          disabled={!view}
          onClick={() =>
            view &&
            saveFile(
              new Blob([reportCsv(view)], { type: 'text/csv;charset=utf-8' }),
              `baomi-report-${view.fromDate}-${view.toDate}.csv`,
            )
          }
        >
          {t('reports.csv')}
        </button>
      </div>
      {view ? (
        <>
          <Table v={view} />
          <p class="sub">{t('reports.note', { at: when(view.at) })}</p>
        </>
      ) : (
        <p>{t('common.loading')}</p>
      )}
    </section>
  );
}
