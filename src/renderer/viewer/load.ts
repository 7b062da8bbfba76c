// Every event a filter matches, newest first, a page at a time (issue 14 §5): the agent answers
// at most 10,000 per request (sanitizeFilter), so the viewer pages down with beforeSeq. The
// first page is small so the first rows paint at once; the rest follow in full pages. Paging
// stops at an empty page, never at a short one (a source capping lower than asked still gives
// everything). The table keeps at most MAX_ROWS and says so when more match: never a silent cut.
import type { BaomiEvent } from '../../core/events/types.js';
import { type EventFilter, MAX_QUERY_LIMIT } from '../../core/protocol/messages.js';

export interface EventSource {
  events(filter: EventFilter): Promise<{ events: BaomiEvent[] }>;
}

export const FIRST_PAGE = 200;
export const PAGE = MAX_QUERY_LIMIT;
/** Rows the table holds (about 60 MB of events at most); beyond it the page says more match. */
export const MAX_ROWS = 200_000;

/** The first request of a load: newest first, `limit` of them. */
export const firstRequest = (filter: EventFilter, limit = FIRST_PAGE): EventFilter => ({
  ...filter,
  order: 'desc',
  limit,
});

/** A first request already sent, before the page that shows it was built (viewer.tsx). */
export interface HeadStart {
  request: EventFilter;
  page: Promise<{ events: BaomiEvent[] }>;
}

/** Sends `filter`'s first request now: its answer waits in the HeadStart for newestFirst. */
export function headStart(source: EventSource, filter: EventFilter): HeadStart {
  const request = firstRequest(filter);
  // A source that throws instead of rejecting fails the same way (shown by the load).
  const page = (async () => source.events(request))();
  page.catch(() => {}); // read (and shown) by the load that takes it, never unhandled
  return { request, page };
}

/**
 * Pages of `filter`, newest first. `head` stands for the first request when it is that same
 * request (anything else is asked for as usual).
 */
export async function* newestFirst(
  source: EventSource,
  filter: EventFilter,
  first = FIRST_PAGE,
  head?: HeadStart,
): AsyncGenerator<BaomiEvent[]> {
  let before: number | undefined;
  let limit = first;
  for (;;) {
    const request = {
      ...firstRequest(filter, limit),
      ...(before !== undefined ? { beforeSeq: before } : {}),
    };
    const { events } = await (before === undefined && same(head?.request, request)
      ? head!.page
      : source.events(request));
    if (events.length === 0) return;
    // An agent older than beforeSeq ignores it and answers the newest page again: said, never
    // looped on (the table would fill with the same events, an export would never end).
    if (before !== undefined && events[0]!.seq >= before) throw new Error('VIEWER_AGENT_TOO_OLD');
    yield events;
    before = events.at(-1)!.seq;
    limit = PAGE;
  }
}

const same = (a: EventFilter | undefined, b: EventFilter) =>
  a !== undefined && JSON.stringify(a) === JSON.stringify(b);

export interface Loaded {
  rows: BaomiEvent[];
  /** Every matching event is in `rows`. */
  complete: boolean;
  /** More match than MAX_ROWS: `rows` holds the newest MAX_ROWS. */
  capped: boolean;
}

/**
 * Loads into `onRows` as pages arrive (each call with every row so far) until done, capped or
 * `cancelled()` says a newer load replaced this one. `afterFirst` is awaited once the first
 * page is shown, before the next is asked for (the page waits for the first rows' frame: a
 * full page landing first would delay their paint). `head`: the first request, already sent.
 * Rejects with the source's error.
 */
export async function loadRows(
  source: EventSource,
  filter: EventFilter,
  onRows: (l: Loaded) => void,
  cancelled: () => boolean,
  o: { max?: number; afterFirst?: () => Promise<void>; head?: HeadStart } = {},
): Promise<void> {
  const max = o.max ?? MAX_ROWS;
  let rows: BaomiEvent[] = [];
  let first = true;
  for await (const page of newestFirst(source, filter, FIRST_PAGE, o.head)) {
    if (cancelled()) return;
    rows = rows.concat(page);
    if (rows.length >= max) {
      // One more event than the table keeps tells a capped list from an exact one.
      const more = rows.length > max || (await hasOlder(source, filter, rows.at(-1)!.seq));
      if (cancelled()) return;
      onRows({ rows: rows.slice(0, max), complete: !more, capped: more });
      return;
    }
    onRows({ rows, complete: false, capped: false });
    if (first && o.afterFirst) await o.afterFirst();
    first = false;
  }
  if (!cancelled()) onRows({ rows, complete: true, capped: false });
}

async function hasOlder(source: EventSource, filter: EventFilter, seq: number): Promise<boolean> {
  const { events } = await source.events({ ...filter, order: 'desc', limit: 1, beforeSeq: seq });
  return events.length > 0;
}

/**
 * `loaded` with the events matching `filter` that the agent recorded since its newest row (the
 * viewer follows the log while it is open): asked newest first from after that row, put above
 * it, at most `max` rows kept (the oldest go, and the table says more match). `added`: how
 * many came. Only for a load that ended (complete or capped): one still paging owns the rows.
 */
export async function withNewer(
  source: EventSource,
  filter: EventFilter,
  loaded: Loaded,
  max = MAX_ROWS,
): Promise<{ loaded: Loaded; added: number }> {
  const afterSeq = loaded.rows[0]?.seq ?? 0;
  let fresh: BaomiEvent[] = [];
  for await (const page of newestFirst(source, { ...filter, afterSeq }, PAGE)) {
    fresh = fresh.concat(page);
    if (fresh.length > max) break;
  }
  if (fresh.length === 0) return { loaded, added: 0 };
  const rows = fresh.concat(loaded.rows);
  const capped = loaded.capped || rows.length > max;
  return {
    loaded: { rows: rows.slice(0, max), complete: !capped, capped },
    added: Math.min(fresh.length, max),
  };
}
