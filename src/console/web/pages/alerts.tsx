// Alerts (issue 13 §5): newest first, by stage and type, a page at a time (the next page asked
// for by the last id: every alert can be reached, none is cut off unsaid); staff select
// related ones and open a case with them.
import { useEffect, useState } from 'preact/hooks';
import { ALERT_STAGES } from '../../../core/console/alerts.js';
import type { AlertView } from '../../../core/console/api.js';
import { api } from '../api.js';
import { when } from '../format.js';
import { type Key, t } from '../i18n.js';

/** Alerts asked for at a time. */
const PAGE = 200;

export function AlertsPage(props: {
  onError: (e: unknown) => void;
  openCase: (id: number) => void;
  canChange: boolean;
}) {
  const [rows, setRows] = useState<AlertView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [stage, setStage] = useState('');
  const [type, setType] = useState('');
  const [applied, setApplied] = useState({ stage: '', type: '' });
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);

  async function load(before: string | null) {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (applied.stage) q.set('state', applied.stage);
    if (applied.type.trim()) q.set('type', applied.type.trim());
    if (before !== null) q.set('before', before);
    try {
      const r = await api<{ alerts: AlertView[]; next: string | null }>(
        'GET',
        `/api/v1/alerts?${q}`,
      );
      setRows((old) => (before !== null && old ? [...old, ...r.alerts] : r.alerts));
      setNext(r.next);
    } catch (e) {
      props.onError(e);
    }
  }
  useEffect(() => void load(null), [applied]);

  async function open(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      const c = await api<{ id: number }>('POST', '/api/v1/cases', {
        title,
        alertIds: [...picked],
      });
      props.openCase(c.id);
    } catch (err) {
      props.onError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!rows) return <p>{t('common.loading')}</p>;
  return (
    <section aria-labelledby="alerts-h">
      <h1 id="alerts-h">{t('alerts.title')}</h1>
      {props.canChange && (
        <form class="inline" onSubmit={open}>
          <label>
            <span>{t('alerts.caseTitle')}</span>
            <input
              name="case-title"
              required
              maxLength={200}
              value={title}
              onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" disabled={busy || picked.size === 0 || !title.trim()}>
            {t('alerts.open')} ({picked.size})
          </button>
        </form>
      )}
      <form
        class="inline filters-alerts"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ stage, type });
        }}
      >
        <label>
          <span>{t('alerts.filter.stage')}</span>
          <select
            name="alert-stage"
            value={stage}
            onChange={(e) => setStage((e.target as HTMLSelectElement).value)}
          >
            <option value="">{t('alerts.filter.anyStage')}</option>
            {ALERT_STAGES.map((s) => (
              <option value={s}>{t(`stage.${s}` as Key)}</option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('alerts.filter.type')}</span>
          <input
            name="alert-type"
            value={type}
            onInput={(e) => setType((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">{t('common.apply')}</button>
      </form>
      <p class="muted">{t('events.count', { count: rows.length })}</p>
      <table class="grid" data-testid="alerts-table">
        <thead>
          <tr>
            <th scope="col">{t('alerts.col.id')}</th>
            <th scope="col">{t('alerts.col.time')}</th>
            <th scope="col">{t('alerts.col.type')}</th>
            <th scope="col">{t('alerts.col.severity')}</th>
            <th scope="col">{t('alerts.col.user')}</th>
            <th scope="col">{t('alerts.col.stage')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id}>
              <td>
                <label class="check">
                  <input
                    type="checkbox"
                    name={`alert-${a.id}`}
                    disabled={!props.canChange}
                    checked={picked.has(a.id)}
                    onChange={(e) => {
                      const s = new Set(picked);
                      if ((e.target as HTMLInputElement).checked) s.add(a.id);
                      else s.delete(a.id);
                      setPicked(s);
                    }}
                  />{' '}
                  {a.id}
                </label>
              </td>
              <td>{when(a.ts)}</td>
              <td>{a.type}</td>
              <td>
                <span class={`sev sev-${a.severity}`}>{a.severity}</span>
              </td>
              <td>{a.user ?? '—'}</td>
              <td>{t(`stage.${a.state}` as Key)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p>{t('common.none')}</p>}
      {next !== null && (
        <button type="button" onClick={() => void load(next)}>
          {t('common.more')}
        </button>
      )}
    </section>
  );
}
