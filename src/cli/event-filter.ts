// The filters of `baomi events` (--type, --level, --severity, --since, --until, --text), read
// and checked once for both places that take them: the agent's log (`baomi events`) and the
// console's (`baomi console events`). A bad value is bad usage (exit 2) before anything runs.
import { BaomiError } from '../core/errors.js';
import { isSeverity } from '../core/events/types.js';
import type { EventFilter } from '../core/protocol/messages.js';
import { parseTime } from './time.js';

export interface FilterFlags {
  type?: string[];
  level?: string;
  severity?: string;
  since?: string;
  until?: string;
  text?: string;
}

const LEVELS = ['A', 'AA', 'AAA', '秘密', '机密', '绝密'];

/** The filter without paging: what to match. */
export function toFilter(o: FilterFlags, now: number): EventFilter {
  const f: EventFilter = {};
  // An empty value would silently match everything: refused, as a typo'd variable in a script.
  // (A text of spaces is a search for spaces: only '' is empty there.)
  for (const k of ['level', 'severity', 'since', 'until', 'text'] as const)
    if (o[k] !== undefined && (k === 'text' ? o[k] : o[k].trim()) === '')
      throw new BaomiError('CLI_EMPTY_VALUE', { option: `--${k}` }, 2);
  if (o.type) {
    f.types = o.type.flatMap((t) => t.split(',')).map((t) => t.trim());
    if (f.types.some((t) => t === ''))
      throw new BaomiError('CLI_EMPTY_VALUE', { option: '--type' }, 2);
  }
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
  if (o.since !== undefined) f.since = parseTime(o.since, now);
  if (o.until !== undefined) f.until = parseTime(o.until, now);
  if (f.since !== undefined && f.until !== undefined && f.since > f.until)
    throw new BaomiError('CLI_TIME_RANGE', { since: o.since!, until: o.until! }, 2);
  if (o.text !== undefined) f.text = o.text;
  return f;
}
