// Requests (issue 13 §6): USB exception requests from employees. Pending ones first, each
// with the person's reason and the device; staff approve with a validity (hours) and a note,
// or deny with a reason. Beside the one being decided: that person's earlier requests and
// how they were decided. The console turns an approval into a signed token the agent
// receives at its next sync (the row then shows it delivered).
import { useEffect, useState } from 'preact/hooks';
import type { RequestView } from '../../../core/console/api.js';
import { MAX_WINDOW_DAYS } from '../../../core/exceptions/limits.js';
import { api } from '../api.js';
import { when } from '../format.js';
import { type Key, t } from '../i18n.js';

/** The longest validity a token may carry (the console refuses more). */
const MAX_HOURS = MAX_WINDOW_DAYS * 24;

function Decide(props: { r: RequestView; onDone: () => void; onError: (e: unknown) => void }) {
  const [hours, setHours] = useState('8');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  async function decide(approve: boolean) {
    setBusy(true);
    try {
      await api('POST', `/api/v1/requests/${encodeURIComponent(props.r.id)}/decision`, {
        approve,
        note,
        ...(approve ? { hours: Number(hours) } : {}),
      });
      props.onDone();
    } catch (e) {
      props.onError(e);
    } finally {
      setBusy(false);
    }
  }
  const hoursOk = /^\d+$/.test(hours) && Number(hours) >= 1 && Number(hours) <= MAX_HOURS;
  return (
    <form class="decide" onSubmit={(e) => e.preventDefault()}>
      <label>
        <span>{t('requests.hours')}</span>
        <input
          name="hours"
          type="number"
          min={1}
          max={MAX_HOURS}
          value={hours}
          onInput={(e) => setHours((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        <span>{t('requests.note')}</span>
        <input
          name="note"
          maxLength={1000}
          value={note}
          onInput={(e) => setNote((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="button" disabled={busy || !hoursOk} onClick={() => decide(true)}>
        {t('requests.approve')}
      </button>
      <button
        type="button"
        class="danger"
        disabled={busy || !note.trim()}
        title={t('requests.denyNeedsReason')}
        onClick={() => decide(false)}
      >
        {t('requests.deny')}
      </button>
    </form>
  );
}

function state(r: RequestView): string {
  const s = t(`requests.state.${r.state}` as Key);
  if (r.state === 'approved' && r.deliveredAt !== null) return `${s} · ${t('requests.delivered')}`;
  return s;
}

export function RequestsPage(props: { onError: (e: unknown) => void; canChange: boolean }) {
  const [rows, setRows] = useState<RequestView[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const load = () =>
    api<{ requests: RequestView[] }>('GET', '/api/v1/requests').then(
      (r) => setRows(r.requests),
      props.onError,
    );
  useEffect(() => void load(), []);

  if (!rows) return <p>{t('common.loading')}</p>;
  const pending = rows.filter((r) => r.state === 'pending');
  const decided = rows.filter((r) => r.state !== 'pending');
  const chosen = rows.find((r) => r.id === open) ?? null;
  const history = chosen
    ? rows.filter((r) => r.id !== chosen.id && r.user !== null && r.user === chosen.user)
    : [];

  const table = (list: RequestView[], label: string, testid: string) => (
    <table class="grid" data-testid={testid} aria-label={label}>
      <thead>
        <tr>
          <th scope="col">{t('requests.col.time')}</th>
          <th scope="col">{t('requests.col.user')}</th>
          <th scope="col">{t('requests.col.device')}</th>
          <th scope="col">{t('requests.col.reason')}</th>
          <th scope="col">{t('requests.col.state')}</th>
          <th scope="col">{t('requests.col.decided')}</th>
        </tr>
      </thead>
      <tbody>
        {list.map((r) => (
          <tr key={r.id} class={open === r.id ? 'selected' : ''}>
            <td>
              <button type="button" class="link" onClick={() => setOpen(r.id)}>
                {when(r.requestedAt)}
              </button>
            </td>
            <td>{r.user ?? '—'}</td>
            <td>
              {r.deviceLabel ?? '—'}
              <div class="sub">{r.device}</div>
            </td>
            <td class="text">{r.reason}</td>
            <td>{state(r)}</td>
            <td>
              {r.decidedBy ? `${r.decidedBy}, ${when(r.decidedAt)}` : '—'}
              {r.note && <div class="sub">{r.note}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <section aria-labelledby="requests-h">
      <h1 id="requests-h">{t('requests.title')}</h1>
      <h2>{t('requests.pending', { count: pending.length })}</h2>
      {pending.length ? table(pending, t('requests.pendingLabel'), 'requests-pending') : null}
      {pending.length === 0 && <p>{t('common.none')}</p>}
      {chosen && (
        <aside class="detail" aria-labelledby="request-h">
          <h2 id="request-h">{t('requests.detail', { user: chosen.user ?? '—' })}</h2>
          <dl>
            <dt>{t('requests.col.device')}</dt>
            <dd>
              {chosen.deviceLabel ?? '—'} ({chosen.device})
            </dd>
            <dt>{t('requests.col.reason')}</dt>
            <dd class="text">{chosen.reason}</dd>
            <dt>{t('requests.col.state')}</dt>
            <dd>{state(chosen)}</dd>
          </dl>
          {chosen.state === 'pending' && props.canChange && (
            <Decide
              r={chosen}
              onError={props.onError}
              onDone={() => {
                props.onError(null);
                void load();
              }}
            />
          )}
          {chosen.state === 'pending' && chosen.user === null && (
            <p class="warn">{t('requests.noUser')}</p>
          )}
          <h3>{t('requests.history')}</h3>
          {history.length ? (
            table(history, t('requests.history'), 'requests-history')
          ) : (
            <p>{t('common.none')}</p>
          )}
          <button type="button" onClick={() => setOpen(null)}>
            {t('common.close')}
          </button>
        </aside>
      )}
      <h2>{t('requests.decided')}</h2>
      {decided.length ? table(decided, t('requests.decided'), 'requests-decided') : null}
      {decided.length === 0 && <p>{t('common.none')}</p>}
    </section>
  );
}
