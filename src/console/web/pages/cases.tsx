// Cases (issue 13 §5): the list (overdue ones marked, a filter for them) and one case worked
// from 预报 to 结案: each move with its note, 初步评估 with the severity found, 处置 with what
// was done; notes; its alerts, events and history. The console enforces every rule and role:
// a refusal is shown in its own words and the form keeps what was typed.
import { useEffect, useState } from 'preact/hooks';
import { ALERT_STAGES } from '../../../core/console/alerts.js';
import type { AlertView } from '../../../core/console/api.js';
import type { CaseDetailRefs, CaseRow, CaseStage } from '../../../core/console/case-types.js';
import { api } from '../api.js';
import { when } from '../format.js';
import { type Key, t } from '../i18n.js';

const STAGES = ALERT_STAGES;
type Stage = CaseStage;

/** A case's page (GET /api/v1/cases/:id): the row, its alerts, events and history. */
interface CaseDetail extends CaseRow, CaseDetailRefs {
  alerts: AlertView[];
}

/** Cases asked for at a time. */
const CASES_PAGE = 200;

export function CasesPage(props: { onError: (e: unknown) => void; open: (id: number) => void }) {
  const [overdue, setOverdue] = useState(false);
  const [rows, setRows] = useState<CaseRow[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  // A page at a time, the next asked for by the last id (every case can be reached).
  const load = (before: string | null) => {
    const q = new URLSearchParams({ limit: String(CASES_PAGE) });
    if (overdue) q.set('overdue', 'true');
    if (before !== null) q.set('before', before);
    api<{ cases: CaseRow[]; next: string | null }>('GET', `/api/v1/cases?${q}`).then((r) => {
      setRows((old) => (before !== null && old ? [...old, ...r.cases] : r.cases));
      setNext(r.next);
    }, props.onError);
  };
  useEffect(() => {
    setRows(null);
    load(null);
  }, [overdue]);
  const now = Date.now();
  return (
    <section aria-labelledby="cases-h">
      <h1 id="cases-h">{t('cases.title')}</h1>
      <label class="check">
        <input
          type="checkbox"
          name="overdue"
          checked={overdue}
          onChange={(e) => setOverdue((e.target as HTMLInputElement).checked)}
        />{' '}
        {t('cases.overdue')}
      </label>
      {!rows ? (
        <p>{t('common.loading')}</p>
      ) : (
        <table class="grid" data-testid="cases-table">
          <thead>
            <tr>
              <th scope="col">{t('cases.col.id')}</th>
              <th scope="col">{t('cases.col.title')}</th>
              <th scope="col">{t('cases.col.stage')}</th>
              <th scope="col">{t('cases.col.severity')}</th>
              <th scope="col">{t('cases.col.assignee')}</th>
              <th scope="col">{t('cases.col.due')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id}>
                <td>{c.id}</td>
                <td>
                  <button type="button" class="link" onClick={() => props.open(c.id)}>
                    {c.title}
                  </button>
                </td>
                <td>{t(`stage.${c.stage}` as Key)}</td>
                <td>
                  <span class={`sev sev-${c.severity}`}>{c.severity}</span>
                </td>
                <td>{c.assignee ?? '—'}</td>
                <td>
                  {when(c.dueAt)}{' '}
                  {c.dueAt !== null && c.dueAt < now && (
                    <strong class="overdue">{t('cases.isOverdue')}</strong>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows?.length === 0 && <p>{t('common.none')}</p>}
      {rows && next !== null && (
        <button type="button" onClick={() => load(next)}>
          {t('common.more')}
        </button>
      )}
    </section>
  );
}

export function CasePage(props: {
  id: number;
  onError: (e: unknown | null) => void;
  canChange: boolean;
}) {
  const [c, setC] = useState<CaseDetail | null>(null);
  const [stage, setStage] = useState<Stage>('调查');
  const [note, setNote] = useState('');
  const [severity, setSeverity] = useState('');
  const [outcome, setOutcome] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<CaseDetail>('GET', `/api/v1/cases/${props.id}`).then(setC, props.onError);
  }, [props.id]);

  async function send(path: string, body: object, clear: () => void) {
    setBusy(true);
    try {
      setC(await api<CaseDetail>('POST', `/api/v1/cases/${props.id}/${path}`, body));
      clear();
      props.onError(null); // done: an earlier refusal no longer stands
    } catch (e) {
      props.onError(e); // what was typed stays in the form
    } finally {
      setBusy(false);
    }
  }

  if (!c) return <p>{t('common.loading')}</p>;
  return (
    <section aria-labelledby="case-h">
      <h1 id="case-h">{t('case.heading', { id: c.id, title: c.title })}</h1>
      <ol class="stages" aria-label={t('cases.col.stage')}>
        {STAGES.map((s) => (
          <li
            class={s === c.stage ? 'current' : ''}
            aria-current={s === c.stage ? 'step' : undefined}
          >
            {t(`stage.${s}` as Key)}
          </li>
        ))}
      </ol>
      <p>
        <span class={`sev sev-${c.severity}`}>{c.severity}</span> · {c.assignee ?? '—'} ·{' '}
        {t('cases.col.due')}: {when(c.dueAt)}
      </p>
      {c.outcome && <p>{t('case.outcomeShown', { outcome: c.outcome })}</p>}
      {props.canChange && (
        <form
          class="move"
          onSubmit={(e) => {
            e.preventDefault();
            void send(
              'stage',
              {
                stage,
                note,
                ...(stage === '初步评估' && severity ? { severity } : {}),
                ...(stage === '处置' ? { outcome } : {}),
              },
              () => {
                setNote('');
                setOutcome('');
              },
            );
          }}
        >
          <label>
            <span>{t('case.move')}</span>
            <select
              name="stage"
              value={stage}
              onChange={(e) => setStage((e.target as HTMLSelectElement).value as Stage)}
            >
              {STAGES.map((s) => (
                <option value={s}>{t(`stage.${s}` as Key)}</option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('case.note')}</span>
            <input
              name="note"
              required
              value={note}
              onInput={(e) => setNote((e.target as HTMLInputElement).value)}
            />
          </label>
          {stage === '初步评估' && (
            <label>
              <span>{t('case.severity')}</span>
              <select
                name="severity"
                value={severity}
                onChange={(e) => setSeverity((e.target as HTMLSelectElement).value)}
              >
                <option value="">—</option>
                {['info', 'low', 'medium', 'high', 'critical'].map((s) => (
                  <option value={s}>{s}</option>
                ))}
              </select>
            </label>
          )}
          {stage === '处置' && (
            <label>
              <span>{t('case.outcome')}</span>
              <input
                name="outcome"
                value={outcome}
                onInput={(e) => setOutcome((e.target as HTMLInputElement).value)}
              />
            </label>
          )}
          <button type="submit" disabled={busy}>
            {t('common.save')}
          </button>
        </form>
      )}
      {props.canChange && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void send('notes', { text }, () => setText(''));
          }}
        >
          <label>
            <span>{t('case.addNote')}</span>
            <input
              name="text"
              required
              value={text}
              onInput={(e) => setText((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            {t('common.save')}
          </button>
        </form>
      )}
      <h2>{t('case.alerts')}</h2>
      <ul data-testid="case-alerts">
        {c.alerts.map((a) => (
          <li key={a.id}>
            {a.id} · {a.type} · {a.severity} · {a.user ?? '—'} · {t(`stage.${a.state}` as Key)}
          </li>
        ))}
      </ul>
      <h2>{t('case.events')}</h2>
      <ul>
        {c.events.map((e) => (
          <li key={`${e.agentId}:${e.seq}`}>
            {e.agentId}:{e.seq}
          </li>
        ))}
      </ul>
      <h2>{t('case.history')}</h2>
      <ol class="history" data-testid="case-history">
        {c.entries.map((e) => (
          <li key={e.id}>
            {when(e.ts)} · {e.actor} · {t(`kind.${e.kind}` as Key)} · {describe(e.kind, e.data)}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** One history line's "what", from its data (every value shown as text). */
function describe(kind: string, d: Record<string, unknown>): string {
  const s = (v: unknown) => (v === null || v === undefined ? '—' : String(v));
  switch (kind) {
    case 'opened':
      return `${s(d.title)} (${(d.alerts as unknown[] | undefined)?.join(', ') ?? ''})${d.note ? `: ${s(d.note)}` : ''}`;
    case 'stage':
      return [
        `${t(`stage.${s(d.from)}` as Key)} → ${t(`stage.${s(d.to)}` as Key)}: ${s(d.note)}`,
        d.severity
          ? `${t('case.severity')}: ${s(d.was)} → ${s(d.severity)} (${t(`assessment.${s(d.assessment)}` as Key)})`
          : '',
        d.outcome ? t('case.outcomeShown', { outcome: s(d.outcome) }) : '',
      ]
        .filter(Boolean)
        .join(' · ');
    case 'note':
      return s(d.text);
    case 'assigned':
      return `${s(d.from)} → ${s(d.to)}`;
    default:
      return ((d.added as unknown[] | undefined) ?? []).join(', ');
  }
}
