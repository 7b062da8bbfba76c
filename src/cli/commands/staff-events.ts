// `baomi console events`: the filters of `baomi events`, against every agent's events on the
// console. Complete unless the person asks for less: --json and --csv read the console's
// export (streamed, oldest first, one `events.exported` audit row: a dump that leaves the
// console is traced whichever client made it); the table pages with the console's `next`
// cursor until there is none (the console answers at most 1,000 events a request), oldest
// first. --limit N keeps the newest N (it reads newest first) and says on stderr how many
// older ones matched and were left out; it counts at most COUNT_CAP of those, so a limit on a
// large console stays a few requests, and says "more than" when it stopped counting.
import type { Command } from 'commander';
import type { StoredEvent } from '../../console/store/types.js';
import { BaomiError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { type FilterFlags, toFilter } from '../event-filter.js';
import { csvHeader, formatCsvRows, formatJsonLines, formatTable } from '../format.js';
import type { StaffClient } from '../staff/client.js';
import { flagsOf, type StaffFlags, withStaff } from '../staff/open.js';
import { note, out } from '../staff/output.js';
import { parseLimit } from '../time.js';

interface ConsoleEventsFlags extends StaffFlags, FilterFlags {
  agent?: string;
  user?: string;
  limit?: string;
  hashes?: boolean;
}

/** The console's largest page (routes/events.ts EVENTS_LIMIT_MAX). */
export const PAGE = 1000;
/** Older events counted beyond --limit before saying "more than". */
export const COUNT_CAP = 10_000;

type EventQuery = Record<string, string | number | string[] | undefined>;

/** The console's query for the flags of `baomi events` (checked the same way, exit 2). */
export function eventQuery(f: ConsoleEventsFlags, now: number): EventQuery {
  const filter = toFilter(f, now);
  return {
    agent: f.agent,
    user: f.user,
    type: filter.types?.length ? filter.types : undefined,
    level: filter.level,
    severity: filter.minSeverity,
    since: filter.since,
    until: filter.until,
    text: filter.text,
  };
}

/** Every matching event in `order`, one page at a time, until the console has no `next`. */
export async function* eventPages(
  c: StaffClient,
  query: EventQuery,
  order: 'asc' | 'desc',
): AsyncGenerator<StoredEvent[]> {
  let after: string | undefined;
  for (;;) {
    const page = await c.get<{ events: StoredEvent[]; next: string | null }>('/api/v1/events', {
      ...query,
      order,
      limit: PAGE,
      after,
    });
    if (page.events.length) yield page.events;
    if (page.next === null || page.next === undefined) return;
    // A cursor that does not move would page forever: the console's answer is wrong.
    if (page.next === after || page.events.length === 0)
      throw new BaomiError('CONSOLE_CLIENT_BAD_ANSWER', { url: c.conn.base, status: 200 });
    after = page.next;
  }
}

/**
 * Every matching event, oldest first, from GET /api/v1/events/export (JSON lines), handed on
 * as they arrive. A stream that ends anywhere but where the console ends an export (a cut
 * connection, a last line without its end) is an error after what was written: never a
 * short answer that looks whole.
 */
export async function exportedEvents(
  c: StaffClient,
  query: EventQuery,
  onEvents: (events: StoredEvent[]) => void,
): Promise<number> {
  const res = await c.download('/api/v1/events/export', { ...query, format: 'json' });
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let received = 0;
  const take = (text: string) => {
    const lines = (rest + text).split('\n');
    rest = lines.pop()!;
    const events = lines.filter((l) => l !== '').map((l) => JSON.parse(l) as StoredEvent);
    received += events.length;
    if (events.length) onEvents(events);
  };
  try {
    for await (const chunk of res as AsyncIterable<Buffer>)
      take(decoder.decode(chunk, { stream: true }));
    take(decoder.decode());
  } catch {
    throw new BaomiError('CONSOLE_CLIENT_EVENTS_CUT', { received }, 1);
  }
  if (!res.complete || rest !== '')
    throw new BaomiError('CONSOLE_CLIENT_EVENTS_CUT', { received }, 1);
  return received;
}

export default async function consoleEvents(
  ctx: CommandContext,
  _o: unknown,
  cmd: Command,
): Promise<number> {
  const f = flagsOf<ConsoleEventsFlags>(cmd);
  const limit = parseLimit(f.limit);
  const query = eventQuery(f, Date.now());
  const table = (events: StoredEvent[]) =>
    formatTable(events, ctx.t, ctx.lang, { hashes: f.hashes, utc: f.utc, host: true });
  const csvRows = (events: StoredEvent[]) =>
    formatCsvRows(events, ctx.lang, f.utc, { agent: true });

  return withStaff(ctx, f, async (c) => {
    if (limit === undefined && (f.json || f.csv)) {
      // Everything, to leave the console as a file: through its export (one audit row
      // `events.exported`, as the web UI's export), written as the lines come.
      if (f.csv) out(`${csvHeader({ agent: true })}\r\n`);
      await exportedEvents(c, query, (page) =>
        out(f.json ? `${formatJsonLines(page)}\n` : `${csvRows(page)}\r\n`),
      );
      return 0;
    }
    if (limit === undefined) {
      // Everything, oldest first, as a table on the screen.
      const all: StoredEvent[] = [];
      for await (const page of eventPages(c, query, 'asc')) all.push(...page);
      out(`${all.length ? table(all) : ctx.t('cli.events.none')}\n`);
      return 0;
    }

    // The newest `limit`, then a count of the older ones that matched too.
    let kept: StoredEvent[] = [];
    let older = 0;
    let more = false;
    for await (const page of eventPages(c, query, 'desc')) {
      const room = limit - kept.length;
      kept.push(...page.slice(0, Math.max(0, room)));
      older += Math.max(0, page.length - Math.max(0, room));
      if (older > COUNT_CAP) {
        more = true;
        break;
      }
    }
    kept = kept.reverse();
    if (f.json) {
      if (kept.length) out(`${formatJsonLines(kept)}\n`);
    } else if (f.csv) {
      out(`${csvHeader({ agent: true })}\r\n`);
      if (kept.length) out(`${csvRows(kept)}\r\n`);
    } else out(`${kept.length ? table(kept) : ctx.t('cli.events.none')}\n`);
    if (more)
      note(ctx.t('cli.staff.events.cutMany', { shown: kept.length, limit, left: COUNT_CAP }));
    else if (older > 0)
      note(
        ctx.t('cli.events.cut', {
          shown: kept.length,
          matched: kept.length + older,
          left: older,
          limit,
        }),
      );
    return 0;
  });
}
