// Events (issue 13 §4): the filters of `baomi events`, keyset paging (newest first; scrolling
// near the end, or "load more", follows the console's `next`), virtual rows (only those in view
// are in the page: src/ui/virtual-rows.ts), an event's detail (event-detail.tsx), the export (events-export.tsx).
// Every value from an agent is shown as text.
import { useCallback, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { BaomiEvent } from '../../../core/events/types.js';
import { ApiFailure, api } from '../api.js';
import { fromLocalInput } from '../format.js';
import { t } from '../i18n.js';
import { EventDetail } from './event-detail.js';
import { ExportButtons } from './events-export.js';
import { EventsTable, eventKey } from './events-table.js';

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

interface Page {
  events: ShownEvent[];
  next: string | null;
}

const fetchPage = (f: Filters, after: string | null) => api<Page>('GET', query(f, after));

/** `initial`: filters the page opens with (an agent's row links to its events). */
export function EventsPage(props: { onError: (e: unknown) => void; initial?: Partial<Filters> }) {
  const [draft, setDraft] = useState<Filters>({ ...EMPTY, ...props.initial });
  const [applied, setApplied] = useState<Filters>({ ...EMPTY, ...props.initial });
  const [rows, setRows] = useState<ShownEvent[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);
  const [open, setOpen] = useState<ShownEvent | null>(null);
  // The first page is asked for as the page first renders, before its form and table are
  // built and laid out (bench:ui: that was most of what the page added before the request).
  const first = useRef<Promise<Page> | null>(null);
  first.current ??= fetchPage(applied, null);
  /** The newest load's number: an older answer landing late (a filter changed while it was
   *  on its way) is dropped, not shown under the new filter. */
  const latest = useRef(0);

  async function load(f: Filters, after: string | null, pending = fetchPage(f, after)) {
    const mine = ++latest.current;
    setBusy(true);
    try {
      const page = await pending;
      if (mine !== latest.current) return;
      setRows((old) => (after ? [...old, ...page.events] : page.events));
      setNext(page.next);
      props.onError(null); // answered: an earlier failure (the console unreachable) is over
    } catch (e) {
      if (mine === latest.current && !(e instanceof ApiFailure && e.status === 401))
        props.onError(e);
    } finally {
      if (mine === latest.current) setBusy(false);
    }
  }

  // A layout effect, so a filter's request leaves as the page is committed, not a frame later
  // (Preact runs plain effects after the next paint); back to the top after it has left
  // (scrolling makes the browser lay the page out).
  const scroller = useRef<HTMLElement>(null);
  const mounted = useRef(false);
  useLayoutEffect(() => {
    if (!mounted.current) {
      mounted.current = true;
      void load(applied, null, first.current!);
      return;
    }
    void load(applied, null);
    scroller.current?.scrollTo({ top: 0 });
  }, [applied]);

  /** Scrolled near the last rows: the next page comes without a click. Kept the same function
   *  (the table's rows render again when a prop changes), reading the page's state through
   *  a ref. */
  const state = useRef({ next, busy, applied });
  state.current = { next, busy, applied };
  const onScroll = useCallback((box: HTMLElement) => {
    const { next, busy, applied } = state.current;
    if (!next || busy) return;
    if (box.scrollTop + box.clientHeight >= box.scrollHeight - NEAR_END_PX)
      void load(applied, next);
  }, []);

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
      <EventsTable
        rows={rows}
        selected={open ? eventKey(open) : null}
        onOpen={setOpen}
        onScroll={onScroll}
        scroller={scroller}
      />
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
