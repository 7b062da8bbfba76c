// `baomi events`: complete unless the person asks for less. Every form (table, --json,
// --csv) holds every matching event; --limit N keeps the newest N and says on stderr how many
// older ones it left out. The agent's socket answers at most 10,000 events per request
// (sanitizeFilter), so the CLI pages through with afterSeq, oldest first, rather than ever
// taking one answer as the whole log.
import { BaomiError } from '../../core/errors.js';
import { type BaomiEvent, isSeverity } from '../../core/events/types.js';
import type { EventFilter } from '../../core/protocol/messages.js';
import type { CommandContext } from '../context.js';
import { csvHeader, formatCsvRows, formatJsonLines, formatTable } from '../format.js';
import { openSource, type Source, type SourceOptions } from '../source.js';
import { parseLimit, parseTime } from '../time.js';

interface EventsOptions extends SourceOptions {
  type?: string[];
  level?: string;
  severity?: string;
  since?: string;
  until?: string;
  text?: string;
  limit?: string;
  json?: boolean;
  csv?: boolean;
  hashes?: boolean;
  utc?: boolean;
}

const LEVELS = ['A', 'AA', 'AAA', '秘密', '机密', '绝密'];
/** Events per request: the socket's own cap, so a full page is never a truncated one. */
export const PAGE_SIZE = 10_000;

/** The filter without paging: what to match. */
export function toFilter(o: EventsOptions, now: number): EventFilter {
  const f: EventFilter = {};
  if (o.type) f.types = o.type.flatMap((t) => t.split(',')).filter(Boolean);
  if (o.severity !== undefined) {
    if (!isSeverity(o.severity))
      throw new BaomiError(
        'CLI_BAD_CHOICE',
        { option: '--severity', value: o.severity, choices: 'info, low, medium, high, critical' },
        2,
      );
    f.minSeverity = o.severity;
  }
  if (o.level !== undefined) {
    if (!LEVELS.includes(o.level))
      throw new BaomiError(
        'CLI_BAD_CHOICE',
        { option: '--level', value: o.level, choices: LEVELS.join(', ') },
        2,
      );
    f.level = o.level;
  }
  if (o.since) f.since = parseTime(o.since, now);
  if (o.until) f.until = parseTime(o.until, now);
  if (o.text) f.text = o.text;
  return f;
}

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
