// `baomi events`: complete unless the person asks for less. Every form (table, --json,
// --csv) holds every matching event; --limit N keeps the newest N and says on stderr how many
// older ones it left out. The agent's socket answers at most 10,000 events per request
// (sanitizeFilter), so the CLI pages through with afterSeq, oldest first, rather than ever
// taking one answer as the whole log.
import type { BaomiEvent } from '../../core/events/types.js';
import type { EventFilter } from '../../core/protocol/messages.js';
import type { CommandContext } from '../context.js';
import { type FilterFlags, toFilter } from '../event-filter.js';
import { csvHeader, formatCsvRows, formatJsonLines, formatTable } from '../format.js';
import { openSource, type Source, type SourceOptions } from '../source.js';
import { parseLimit } from '../time.js';

interface EventsOptions extends SourceOptions, FilterFlags {
  limit?: string;
  json?: boolean;
  csv?: boolean;
  hashes?: boolean;
  utc?: boolean;
}

/** Events per request: the socket's own cap, so a full page is never a truncated one. */
export const PAGE_SIZE = 10_000;

/**
 * Every matching event, oldest first, one page at a time. It stops at an empty page, not at
 * a short one: a source that caps pages lower than asked still gives everything.
 */
export async function* pages(source: Source, filter: EventFilter): AsyncGenerator<BaomiEvent[]> {
  let afterSeq = filter.afterSeq ?? 0;
  for (;;) {
    const page = await source.query({ ...filter, order: 'asc', afterSeq, limit: PAGE_SIZE });
    if (page.length === 0) return;
    yield page;
    afterSeq = page.at(-1)!.seq;
  }
}

export default async function events(ctx: CommandContext, o: EventsOptions): Promise<number> {
  const limit = parseLimit(o.limit);
  const filter = toFilter(o, Date.now());
  const source = await openSource(o);
  const out = (s: string) => process.stdout.write(s);
  // Found by looking (no --socket): say that agent.sock shows no one else's events, so an
  // empty answer is not read as "nothing happened".
  if (source.agentSock && !o.socket)
    process.stderr.write(`baomi: ${ctx.t('cli.events.ownOnly', { socket: source.agentSock })}\n`);
  try {
    let matched = 0;
    // Kept for output at the end: the newest `limit` (or, for the table, whose column widths
    // need every row, all). JSON and CSV without a limit are written page by page.
    let kept: BaomiEvent[] = [];
    const streaming = limit === undefined && (o.json || o.csv);
    if (streaming && o.csv) out(`${csvHeader()}\r\n`);
    for await (const page of pages(source, filter)) {
      matched += page.length;
      if (streaming) {
        out(o.json ? `${formatJsonLines(page)}\n` : `${formatCsvRows(page, ctx.lang, o.utc)}\r\n`);
        continue;
      }
      kept.push(...page);
      if (limit !== undefined && kept.length > 2 * Math.max(limit, PAGE_SIZE)) {
        kept = kept.slice(-limit);
      }
    }
    if (limit !== undefined && kept.length > limit) kept = kept.slice(-limit);
    if (!streaming) {
      if (o.json) {
        if (kept.length) out(`${formatJsonLines(kept)}\n`);
      } else if (o.csv) {
        out(`${csvHeader()}\r\n`);
        if (kept.length) out(`${formatCsvRows(kept, ctx.lang, o.utc)}\r\n`);
      } else if (kept.length === 0) out(`${ctx.t('cli.events.none')}\n`);
      else out(`${formatTable(kept, ctx.t, ctx.lang, { hashes: o.hashes, utc: o.utc })}\n`);
    }
    if (limit !== undefined && matched > kept.length) {
      process.stderr.write(
        `baomi: ${ctx.t('cli.events.cut', {
          shown: kept.length,
          matched,
          left: matched - kept.length,
          limit,
        })}\n`,
      );
    }
    return 0;
  } finally {
    source.close();
  }
}
