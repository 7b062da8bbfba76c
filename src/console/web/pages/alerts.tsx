// Alerts (issue 13 §5): the newest alerts; staff select related ones and open a case with them.
import { useEffect, useState } from 'preact/hooks';
import type { AlertView } from '../../../core/console/api.js';
import { api } from '../api.js';
import { when } from '../format.js';
import { type Key, t } from '../i18n.js';

export function AlertsPage(props: {
  onError: (e: unknown) => void;
  openCase: (id: number) => void;
  canChange: boolean;
}) {
  const [rows, setRows] = useState<AlertView[] | null>(null);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ alerts: AlertView[] }>('GET', '/api/v1/alerts?limit=500').then(
      (r) => setRows(r.alerts),
      props.onError,
    );
  }, []);

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
            {t('alerts.open')}
          </button>
        </form>
      )}
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
                <label>
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
    </section>
  );
}
