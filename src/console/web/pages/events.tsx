// Events (issue 13 §4): the filters of `baomi events`, keyset paging (newest first; scrolling
// near the end, or "load more", follows the console's `next`), virtual rows past a few hundred
// (virtual-rows.ts), an event's detail (event-detail.tsx), the export (events-export.tsx).
// Every value from an agent is shown as text.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { BaomiEvent } from '../../../core/events/types.js';
import { ApiFailure, api } from '../api.js';
import { fromLocalInput, summary, when } from '../format.js';
import { t } from '../i18n.js';
import { useVirtualRows } from '../virtual-rows.js';
import { EventDetail } from './event-detail.js';
import { ExportButtons } from './events-export.js';

export type ShownEvent = BaomiEvent & { agentId: string; receivedAt: number };

export interface Filters {
  agent: string;
  user: string;
  type: string;
  level: string;
  severity: string;
  since: string;
  until: string;
  text: string;
}

const EMPTY: Filters = {
  agent: '',
  user: '',
  type: '',
  level: '',
  severity: '',
  since: '',
  until: '',
  text: '',
};
const PAGE = 200;
/** How close to the end of the rows loaded a scroll fetches the next page. */
const NEAR_END_PX = 800;

/** The filters as the API's query parameters (the page and the export share them). */
function filterParams(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of ['agent', 'user', 'type', 'level', 'severity', 'text'] as const)
    if (f[k].trim()) q.set(k, f[k].trim());
  const since = fromLocalInput(f.since);
  const until = fromLocalInput(f.until);
  if (since !== undefined) q.set('since', String(since));
  if (until !== undefined) q.set('until', String(until));
  return q;
}

function query(f: Filters, after: string | null): string {
  const q = filterParams(f);
  q.set('order', 'desc');
  q.set('limit', String(PAGE));
  if (after) q.set('after', after);
  return `/api/v1/events?${q}`;
}

/** `initial`: filters the page opens with (an agent's row links to its events). */
export function EventsPage(props: { onError: (e: unknown) => void; initial?: Partial<Filters> }) {
  const [draft, setDraft] = useState<Filters>({ ...EMPTY, ...props.initial });
  const [applied, setApplied] = useState<Filters>({ ...EMPTY, ...props.initial });
  const [rows, setRows] = useState<ShownEvent[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<ShownEvent | null>(null);

  async function load(f: Filters, after: string | null) {
    setBusy(true);
    try {
      const page = await api<{ events: ShownEvent[]; next: string | null }>('GET', query(f, after));
      setRows((old) => (after ? [...old, ...page.events] : page.events));
      setNext(page.next);
    } catch (e) {
      if (!(e instanceof ApiFailure && e.status === 401)) props.onError(e);
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
    void load(applied, null);
  }, [applied]);

  const scroller = useRef<HTMLElement>(null);
  // Changes only with the rows: a new one each render would recompute every row's place.
  const keyOf = useCallback((i: number) => `${rows[i]?.agentId}:${rows[i]?.seq}`, [rows]);
  const shown = useVirtualRows(rows.length, scroller, keyOf);
  /** Scrolled near the last rows: the next page comes without a click. */
  const nearEnd = () => {
    const el = scroller.current;
    if (!el || !next || busy) return;
    if (el.scrollTop + el.clientHeight >= el.scrollHeight - NEAR_END_PX) void load(applied, next);
  };

  const field = (k: keyof Filters, type: 'text' | 'datetime-local' = 'text') => (
    <label>
      <span>{t(`events.filter.${k}` as 'events.filter.agent')}</span>
      <input
        name={k}
        type={type as 'text'}
        value={draft[k]}
        onInput={(e) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );

  return (
    <section aria-labelledby="events-h">
      <h1 id="events-h">{t('events.title')}</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...draft });
        }}
      >
        {field('agent')}
        {field('user')}
        {field('type')}
        {field('level')}
        <label>
          <span>{t('events.filter.severity')}</span>
          <select
            name="severity"
            value={draft.severity}
            onChange={(e) =>
              setDraft({ ...draft, severity: (e.target as HTMLSelectElement).value })
            }
          >
            <option value="">—</option>
            {['info', 'low', 'medium', 'high', 'critical'].map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        {field('since', 'datetime-local')}
        {field('until', 'datetime-local')}
        {field('text')}
        <div class="actions">
          <button type="submit">{t('common.apply')}</button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              setApplied(EMPTY);
            }}
          >
            {t('common.reset')}
          </button>
        </div>
      </form>
      <p class="muted" aria-live="polite">
        {busy ? t('common.loading') : t('events.count', { count: rows.length })}
      </p>
      <ExportButtons params={filterParams(applied)} onError={props.onError} />
      {/* Focusable, so a keyboard can scroll it (and its rows' buttons take Tab as ever). */}
      <section
        class="rows"
        ref={scroller}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolled region must take the focus (WCAG 2.1.1)
        tabIndex={0}
        aria-label={t('events.title')}
        onScroll={nearEnd}
      >
        <table class="grid events" data-testid="events-table" aria-rowcount={rows.length + 1}>
          {/* Fixed column widths and one line per row: a row's height never depends on which
              rows are rendered, so virtual rows measure once and never shift. */}
          <colgroup>
            <col class="c-time" />
            <col class="c-host" />
            <col class="c-user" />
            <col class="c-type" />
            <col class="c-sev" />
            <col class="c-level" />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">{t('events.col.time')}</th>
              <th scope="col">{t('events.col.host')}</th>
              <th scope="col">{t('events.col.user')}</th>
              <th scope="col">{t('events.col.type')}</th>
              <th scope="col">{t('events.col.severity')}</th>
              <th scope="col">{t('events.col.level')}</th>
              <th scope="col">{t('events.col.data')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.before > 0 && <tr class="spacer" style={{ height: `${shown.before}px` }} />}
            {shown.items.map(({ index }) => {
              const e = rows[index]!;
              return (
                <tr
                  key={`${e.agentId}:${e.seq}`}
                  data-index={index}
                  ref={shown.measure}
                  aria-rowindex={index + 2}
                  class={open?.agentId === e.agentId && open.seq === e.seq ? 'selected' : ''}
                >
                  <td>
                    <button type="button" class="link" onClick={() => setOpen(e)}>
                      {when(e.ts)}
                    </button>
                  </td>
                  <td>{e.host}</td>
                  <td>{e.user ?? '—'}</td>
                  <td>{e.type}</td>
                  <td>
                    <span class={`sev sev-${e.severity}`}>{e.severity}</span>
                  </td>
                  <td>{e.level ?? ''}</td>
                  <td class="data" title={summary(e.data as Record<string, unknown>)}>
                    {summary(e.data as Record<string, unknown>)}
                  </td>
                </tr>
              );
            })}
            {shown.after > 0 && <tr class="spacer" style={{ height: `${shown.after}px` }} />}
          </tbody>
        </table>
      </section>
      {rows.length === 0 && !busy && <p>{t('common.none')}</p>}
      {next && (
        <button type="button" disabled={busy} onClick={() => void load(applied, next)}>
          {t('common.more')}
        </button>
      )}
      {open && (
        <EventDetail
          event={open}
          onOpen={setOpen}
          onClose={() => setOpen(null)}
          onError={props.onError}
        />
      )}
    </section>
  );
}
