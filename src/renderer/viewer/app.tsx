// The tray's log viewer (issue 14 §5): this computer's events through window.baomi (the
// preload's named methods; the agent decides whose events come back: the person's own on
// agent.sock, all of them on admin.sock, which the tray marks with #all). Filters, a table of
// up to MAX_ROWS virtual rows loaded newest first, an event's detail, events per day, the
// chain and sync state, export, and a language switch. Nothing here reaches the agent but
// through the bridge; every value from an event is rendered as text.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { BaomiEvent } from '../../core/events/types.js';
import type { Lang } from '../../core/i18n/types.js';
import type { EventFilter, StatusResult } from '../../core/protocol/messages.js';
import type { BaomiBridge } from '../../preload/preload.js';
import { count, reasonOf } from '../common/format.js';
import { LangButton, useLang } from '../common/lang-switch.js';
import { DayChart } from './chart.js';
import { EventDetail } from './detail.js';
import { ExportButtons } from './export-buttons.js';
import {
  type Filters,
  MAX_LENGTH,
  NO_FILTERS,
  SEVERITY_CHOICES,
  toEventFilter,
} from './filters.js';
import { Health } from './health.js';
import { type HeadStart, type Loaded, loadRows, withNewer } from './load.js';
import { EventsTable, rowPixels } from './table.js';

const STATUS_EVERY_MS = 15_000;
/** How often an open viewer asks for what the agent recorded since its newest row. */
const FOLLOW_EVERY_MS = 5_000;
/** Resolves once the next frame (the one painting the rows just set) has been drawn. */
const nextFrame = () =>
  new Promise<void>((done) => requestAnimationFrame(() => setTimeout(done, 0)));
const NOTHING: Loaded = { rows: [], complete: false, capped: false };
/** `v` when a datetime-local field keeps it, else ''. */
const dateTimeOr = (v: string) =>
  /^\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(v) ? v : '';

export function App(props: { bridge: BaomiBridge; lang: Lang; all: boolean; head?: HeadStart }) {
  const { bridge } = props;
  const [lang, t, switchLang] = useLang(bridge, props.lang);
  useEffect(() => {
    document.title = t('viewer.title');
  }, [lang]);
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const filter = useMemo(() => toEventFilter(applied), [applied]);
  const [loaded, setLoaded] = useState<Loaded>(NOTHING);
  /** Why the events could not be loaded (kept until a load is asked again). */
  const [error, setError] = useState<unknown>(null);
  /** Why the agent's status could not be read; cleared by the next answer. */
  const [statusError, setStatusError] = useState<unknown>(null);
  /** "Today" for the chart: moved on with each status answer, not with every render. */
  const [now, setNow] = useState(() => Date.now());
  const [status, setStatus] = useState<StatusResult | null>(null);
  const [open, setOpen] = useState<BaomiEvent | null>(null);
  const scroller = useRef<HTMLElement>(null);
  // A datetime-local field costs a new window 20–40 ms to build (Chromium loads its date
  // formats: bench:viewer), so the time fields are plain until the first frame has been
  // painted (a Preact effect runs after it), then take their type. Chromium clears a value
  // that is not a date-time when the type changes: the draft drops it too, never keeping a
  // filter the field does not show.
  const [dateFields, setDateFields] = useState(false);
  useEffect(() => {
    setDateFields(true);
    setDraft((d) => ({ ...d, since: dateTimeOr(d.since), until: dateTimeOr(d.until) }));
  }, []);
  /** The newest load: an older one still paging stops, and its pages are dropped. */
  const latest = useRef(0);

  const begin = (f: EventFilter, head?: HeadStart) => {
    const mine = ++latest.current;
    const gone = () => mine !== latest.current;
    loadRows(bridge, f, (l) => !gone() && setLoaded(l), gone, {
      afterFirst: nextFrame,
      ...(head ? { head } : {}),
    }).catch((e: unknown) => !gone() && setError(e));
  };
  // The first request left before the page was built (props.head, viewer.tsx); without one, it
  // leaves as the page first renders, before its table is built and laid out.
  const first = useRef<EventFilter | null>(null);
  if (first.current === null) {
    first.current = filter;
    begin(filter, props.head);
  }
  // A filter applied later: a layout effect, so its request leaves as the page is committed.
  useLayoutEffect(() => {
    if (filter === first.current) return;
    setLoaded(NOTHING);
    setError(null);
    scroller.current?.scrollTo({ top: 0 });
    begin(filter);
  }, [filter]);

  // Following the log: every FOLLOW_EVERY_MS, once a load has ended, the events recorded
  // since its newest row go above it. Someone reading further down keeps the same rows in view
  // (the scroll moves by what was added). A failed ask is said, with the retry, and following
  // waits for that reload.
  const live = useRef({ loaded, filter, error });
  live.current = { loaded, filter, error };
  /** The scroll box before rows were added above, to put the same rows back in view (by the
   *  rows added: at the table's maximum as many go below, and its height does not change). */
  const shift = useRef<{ top: number; added: number } | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const follow = async () => {
      const { loaded: was, filter: f, error: failed } = live.current;
      const load = latest.current;
      if (failed === null && (was.complete || was.capped)) {
        try {
          const { loaded: next, added } = await withNewer(bridge, f, was);
          if (added > 0 && load === latest.current && live.current.loaded === was) {
            const el = scroller.current;
            shift.current = el && el.scrollTop > 0 ? { top: el.scrollTop, added } : null;
            setLoaded(next);
          }
        } catch (e) {
          if (load === latest.current) setError(e);
        }
      }
      if (!stopped) timer = setTimeout(() => void follow(), FOLLOW_EVERY_MS);
    };
    timer = setTimeout(() => void follow(), FOLLOW_EVERY_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  useLayoutEffect(() => {
    const s = shift.current;
    const el = scroller.current;
    shift.current = null;
    if (s && el) el.scrollTop = s.top + s.added * rowPixels();
  }, [loaded]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      try {
        setStatus(await bridge.status());
        setStatusError(null);
      } catch (e) {
        setStatus(null);
        setStatusError(e);
      }
      setNow(Date.now());
      if (!stopped) timer = setTimeout(() => void tick(), STATUS_EVERY_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  const field = (k: keyof Filters, type: 'text' | 'datetime-local' = 'text') => (
    <label>
      <span>{t(`filter.${k}`)}</span>
      <input
        name={k}
        type={type as 'text'}
        maxLength={MAX_LENGTH[k]}
        value={draft[k]}
        onInput={(e) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );

  const { rows, complete, capped } = loaded;
  return (
    <main>
      <header class="top">
        <div>
          <h1>{t('viewer.title')}</h1>
          <p class="muted" data-testid="viewer-scope">
            {t(props.all ? 'viewer.all' : 'viewer.own')}
          </p>
        </div>
        <LangButton lang={lang} t={t} onClick={switchLang} />
      </header>
      {!props.all && <p class="privacy">{t('viewer.privacy')}</p>}
      {(error ?? statusError) !== null && (
        <p class="error" role="alert" data-testid="viewer-error">
          {t('error.agent', { reason: reasonOf(t, error ?? statusError) })}{' '}
          {error !== null && (
            // A load that failed part-way: asked again from the start, with the same filters.
            <button
              type="button"
              onClick={() => {
                setLoaded(NOTHING);
                setError(null);
                begin(filter);
              }}
            >
              {t('error.retry')}
            </button>
          )}
        </p>
      )}
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...draft });
        }}
      >
        {field('type')}
        {field('level')}
        <label>
          <span>{t('filter.severity')}</span>
          <select
            name="severity"
            value={draft.severity}
            onChange={(e) =>
              setDraft({ ...draft, severity: (e.target as HTMLSelectElement).value })
            }
          >
            <option value="">—</option>
            {SEVERITY_CHOICES.map((s) => (
              <option value={s}>{t(`sev.${s}`)}</option>
            ))}
          </select>
        </label>
        {field('since', dateFields ? 'datetime-local' : 'text')}
        {field('until', dateFields ? 'datetime-local' : 'text')}
        {field('text')}
        <div class="actions">
          <button type="submit">{t('filter.apply')}</button>
          <button
            type="button"
            onClick={() => {
              setDraft(NO_FILTERS);
              setApplied({ ...NO_FILTERS });
            }}
          >
            {t('filter.reset')}
          </button>
        </div>
      </form>
      <div class="bar">
        <p aria-live="polite" data-testid="viewer-count" data-complete={complete}>
          {complete
            ? rows.length === 0
              ? t('rows.none')
              : t('rows.count', { count: count(rows.length) })
            : t('rows.loading', { count: count(rows.length) })}
        </p>
        <ExportButtons source={bridge} filter={filter} t={t} />
      </div>
      {capped && (
        <p class="warn" role="status" data-testid="viewer-capped">
          {t('rows.capped', { count: count(rows.length) })}
        </p>
      )}
      <div class="split">
        <EventsTable
          rows={rows}
          lang={lang}
          t={t}
          selected={open?.seq ?? null}
          onOpen={setOpen}
          scroller={scroller}
        />
        {open && <EventDetail event={open} lang={lang} t={t} onClose={() => setOpen(null)} />}
      </div>
      <div class="below">
        <DayChart rows={rows} lang={lang} t={t} now={now} />
        <Health status={status} bridge={bridge} canVerify={props.all} t={t} />
      </div>
    </main>
  );
}
