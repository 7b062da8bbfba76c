import { BaomiError } from '../../core/errors.js';
import { isSeverity } from '../../core/events/types.js';
import type { EventFilter } from '../../core/protocol/messages.js';
import type { CommandContext } from '../context.js';
import { formatCsv, formatJsonLines, formatTable } from '../format.js';
import { openSource, type SourceOptions } from '../source.js';
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
}

const LEVELS = ['A', 'AA', 'AAA', '秘密', '机密', '绝密'];

export function toFilter(o: EventsOptions, now: number): EventFilter {
  const f: EventFilter = { order: 'desc', limit: parseLimit(o.limit) ?? 1000 };
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

export default async function events(ctx: CommandContext, o: EventsOptions): Promise<number> {
  const filter = toFilter(o, Date.now());
  const source = await openSource(o);
  try {
    // Asked newest first so --limit keeps the latest; printed oldest first, like a log.
    const list = (await source.query(filter)).reverse();
    if (o.json) {
      if (list.length) process.stdout.write(`${formatJsonLines(list)}\n`);
    } else if (o.csv) process.stdout.write(`${formatCsv(list, ctx.lang)}\r\n`);
    else if (list.length === 0) process.stdout.write(`${ctx.t('cli.events.none')}\n`);
    else process.stdout.write(`${formatTable(list, ctx.t, ctx.lang)}\n`);
    return 0;
  } finally {
    source.close();
  }
}
