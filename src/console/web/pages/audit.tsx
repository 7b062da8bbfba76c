// Audit trail (issue 13 §8): every staff action, oldest first in pages of the API (by seq),
// filterable on what is loaded (actor, action, target), read-only: there is nothing here that
// changes a row. The chain check walks the whole trail on the console (GET /audit/verify) and
// says "intact" or names each break.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { when } from '../format.js';
import { type Key, t } from '../i18n.js';

export interface AuditView {
  seq: number;
  ts: number;
  actor: string;
  action: string;
  ip: string;
  target: string;
  details: Record<string, unknown>;
}

interface Verdict {
  ok: boolean;
  checked: number;
  breaks: { seq: number; kind: 'hash' | 'link' | 'gap' | 'truncated' }[];
}

const PAGE = 500;

export function AuditPage(props: { onError: (e: unknown) => void }) {
  const [rows, setRows] = useState<AuditView[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [filter, setFilter] = useState('');
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [checking, setChecking] = useState(false);

  async function load(after: number) {
    try {
      const page = await api<{ rows: AuditView[]; next: number | null }>(
        'GET',
        `/api/v1/audit?after=${after}&limit=${PAGE}`,
      );
      setRows((old) => (after > 0 && old ? [...old, ...page.rows] : page.rows));
      setNext(page.next);
    } catch (e) {
      props.onError(e);
    }
  }
  useEffect(() => void load(0), []);

  async function check() {
    setChecking(true);
    try {
      setVerdict(await api<Verdict>('GET', '/api/v1/audit/verify'));
    } catch (e) {
      props.onError(e);
    } finally {
      setChecking(false);
    }
  }

  const needle = filter.trim().toLowerCase();
  const shown = (rows ?? []).filter(
    (r) =>
      !needle ||
      r.actor.toLowerCase().includes(needle) ||
      r.action.toLowerCase().includes(needle) ||
      r.target.toLowerCase().includes(needle),
  );

  return (
    <section aria-labelledby="audit-h">
      <h1 id="audit-h">{t('audit.title')}</h1>
      <div class="inline">
        <button type="button" onClick={check} disabled={checking}>
          {t('audit.verify')}
        </button>
        {verdict && (
          <p role="status" class={verdict.ok ? 'ok' : 'error'} data-testid="audit-verdict">
            {verdict.ok
              ? t('audit.intact', { count: verdict.checked })
              : t('audit.broken', {
                  count: verdict.checked,
                  breaks: verdict.breaks
                    .map((b) => `${b.seq} (${t(`audit.break.${b.kind}` as Key)})`)
                    .join(', '),
                })}
          </p>
        )}
      </div>
      <label class="inline">
        <span>{t('audit.filter')}</span>
        <input
          name="filter"
          maxLength={200}
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
      </label>
      {!rows ? (
        <p>{t('common.loading')}</p>
      ) : (
        <>
          <p>{t('audit.count', { shown: shown.length, loaded: rows.length })}</p>
          <table class="grid" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('audit.col.seq')}</th>
                <th scope="col">{t('audit.col.time')}</th>
                <th scope="col">{t('audit.col.actor')}</th>
                <th scope="col">{t('audit.col.action')}</th>
                <th scope="col">{t('audit.col.target')}</th>
                <th scope="col">{t('audit.col.ip')}</th>
                <th scope="col">{t('audit.col.details')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.seq}>
                  <td>{r.seq}</td>
                  <td>{when(r.ts)}</td>
                  <td>{r.actor}</td>
                  <td>{r.action}</td>
                  <td class="text">{r.target || '—'}</td>
                  <td>{r.ip}</td>
                  <td class="text">{JSON.stringify(r.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {next !== null && (
            <button type="button" onClick={() => load(next)}>
              {t('common.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
